"""An NSO restricts sign-up to its education domains: its staff set the list; a password sign-up for
one of its schools from another address is refused in words, nothing created. (The same refusal for a
sign-up through a school account is in accounts/tests/test_oidc.py.)"""

import pytest
from django.urls import reverse

from twinning import testing
from twinning.accounts.models import User
from twinning.common.models import AuditEntry
from twinning.schools import rules
from twinning.schools.tests.conftest import signup_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("pattern", "domain", "matches"),
    [
        ("*.edu.ps", "school.edu.ps", True),
        ("*.edu.ps", "a.b.edu.ps", True),
        ("*.edu.ps", "edu.ps", False),
        ("*.edu.ps", "evil-edu.ps", False),
        ("*.edu.ps", "school.edu.ps.evil.example", False),
        ("education.gov.il", "education.gov.il", True),
        ("education.gov.il", "haifa.education.gov.il", False),
    ],
)
def test_domain_matches_known_answers(pattern, domain, matches):
    assert rules.domain_matches(domain, pattern) is matches


def test_signup_domains_password_signup_outside_them_is_refused(client, cast):
    cast.il_nso.signup_domains = "*.edu.il\neducation.gov.il"
    cast.il_nso.save(update_fields=["signup_domains"])

    refused = client.post(reverse("schools:signup"), signup_data(cast, email="miriam@gmail.example"))

    assert refused.status_code == 200
    assert (
        "join with an address of their education system (\u2066*.edu.il\u2069, \u2066education.gov.il\u2069)"
        in refused.content.decode()
    )
    assert b'value="Miriam Katz"' in refused.content, "what was typed stays"
    assert not User.objects.filter(email="miriam@gmail.example").exists()

    accepted = client.post(reverse("schools:signup"), signup_data(cast, email="miriam@haifa.edu.il"))
    assert accepted.status_code == 302
    assert User.objects.filter(email="miriam@haifa.edu.il").exists()


def test_signup_domains_of_another_nso_do_not_apply(client, cast):
    cast.uk_nso.signup_domains = "*.sch.uk"
    cast.uk_nso.save(update_fields=["signup_domains"])

    response = client.post(reverse("schools:signup"), signup_data(cast, email="miriam@gmail.example"))

    assert response.status_code == 302  # school A is in Israel
    assert User.objects.filter(email="miriam@gmail.example").exists()


def test_signup_domains_refusal_reads_in_hebrew(client, cast):
    cast.il_nso.signup_domains = "*.edu.il"
    cast.il_nso.save(update_fields=["signup_domains"])
    client.cookies["twinning_language"] = "he"

    response = client.post(reverse("schools:signup"), signup_data(cast, email="miriam@gmail.example"))

    assert "מערכת החינוך" in response.content.decode()


def test_signup_domains_set_by_the_nsos_staff_and_audited(client, cast):
    testing.as_(client, cast.nso_il)

    response = client.post(
        reverse("schools:nso_settings", args=[cast.il_nso.pk]), {"domains": " *.EDU.il \n\n@education.gov.il\n*.edu.il"}
    )

    assert response.status_code == 302
    cast.il_nso.refresh_from_db()
    assert cast.il_nso.signup_domains == "*.edu.il\neducation.gov.il"
    entry = AuditEntry.objects.get(action="nso.signup_domains_set")
    assert entry.actor == cast.nso_il and entry.data["domains"] == ["*.edu.il", "education.gov.il"]


def test_signup_domains_that_are_not_domains_are_refused_and_nothing_is_saved(client, cast):
    cast.il_nso.signup_domains = "education.gov.il"
    cast.il_nso.save(update_fields=["signup_domains"])
    testing.as_(client, cast.nso_il)

    response = client.post(
        reverse("schools:nso_settings", args=[cast.il_nso.pk]), {"domains": "*.edu.il\nnot a domain\nhttp://x.il"}
    )

    assert response.status_code == 200
    assert "These are not domains" in response.content.decode()
    assert "not a domain" in response.content.decode()
    cast.il_nso.refresh_from_db()
    assert cast.il_nso.signup_domains == "education.gov.il"


def test_signup_domains_of_another_nso_are_not_found(client, cast):
    testing.as_(client, cast.nso_uk)

    assert client.get(reverse("schools:nso_settings", args=[cast.il_nso.pk])).status_code == 404
    assert client.post(reverse("schools:nso_settings", args=[cast.il_nso.pk]), {"domains": "x.il"}).status_code == 404
    cast.il_nso.refresh_from_db()
    assert cast.il_nso.signup_domains == ""
