"""Invitations of imported teachers: the link, its expiry, sending again, accepting once."""

import re

import pytest
from django.core import mail

from twinning import testing
from twinning.common.models import AuditEntry
from twinning.onboarding.models import ImportFile, Invitation
from twinning.onboarding.tests.conftest import csv_bytes, row, upload

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-new-password-2026"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Runs what the request queued (the invitations' e-mails) once it commits, as a worker would."""

    def post(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return post


@pytest.fixture
def imported(client, network, run):
    """Two teachers imported by the Israeli NSO's staff, their e-mails sent."""
    rows = [row(email="a@example.org"), row(email="b@example.org", teacher="Huda Nasser", language="ar")]
    testing.as_(client, network.nso_il).post(
        "/onboarding/check/", {"scope": f"nso:{network.il_nso.pk}", "file": upload(csv_bytes(rows))}
    )
    checked = ImportFile.objects.get()
    run(testing.as_(client, network.nso_il), f"/onboarding/{checked.pk}/import/")
    client.logout()
    return checked


def _link(address: str) -> str:
    message = [m for m in mail.outbox if m.to == [address]][-1]
    return re.search(r"https?://[^/]+(/onboarding/welcome/[^/\s]+/)", message.body)[1]


def test_accepting_sets_the_password_confirms_the_address_and_signs_in(client, imported):
    link = _link("a@example.org")
    page = client.get(link)
    assert page.status_code == 200 and page.context["invitation"].user.email == "a@example.org"
    response = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    invitation = Invitation.objects.get(user__email="a@example.org")
    user = invitation.user
    assert invitation.accepted_at is not None and user.email_confirmed_at is not None
    assert user.check_password(PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEntry.objects.filter(action="onboarding.invitation_accepted", actor=user).count() == 1


def test_an_invitation_is_accepted_once(client, imported):
    link = _link("a@example.org")
    client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    client.logout()
    again = client.post(link, {"new_password1": "another-pass-2026-x", "new_password2": "another-pass-2026-x"})
    assert again.status_code == 410
    assert Invitation.objects.get(user__email="a@example.org").user.check_password(PASSWORD)


def test_a_weak_password_is_refused_and_nothing_changes(client, imported):
    response = client.post(_link("a@example.org"), {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 400
    assert Invitation.objects.get(user__email="a@example.org").accepted_at is None


def test_an_invitation_expires_after_the_set_days(client, imported, clock, settings):
    link = _link("a@example.org")
    clock.advance(days=settings.ONBOARDING_INVITATION_DAYS, seconds=1)
    response = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 410
    assert Invitation.objects.get(user__email="a@example.org").accepted_at is None
    assert not Invitation.objects.get(user__email="a@example.org").user.has_usable_password()


def test_a_forged_link_is_404(client, imported):
    assert client.get("/onboarding/welcome/1:forged/").status_code == 404


def test_sending_again_replaces_the_link_and_renews_it(client, network, imported, clock, settings, run):
    old = _link("a@example.org")
    clock.advance(days=settings.ONBOARDING_INVITATION_DAYS + 1)
    page = testing.as_(client, network.nso_il).get(f"/onboarding/{imported.pk}/invitations/")
    assert page.context["counts"] == {"waiting": 0, "sent": 0, "accepted": 0, "expired": 2}
    invitation = Invitation.objects.get(user__email="a@example.org")
    run(testing.as_(client, network.nso_il), f"/onboarding/invitations/{invitation.pk}/resend/")
    invitation.refresh_from_db()
    assert invitation.sends == 2 and invitation.state == Invitation.State.SENT
    new = _link("a@example.org")
    assert new != old
    client.logout()
    assert client.get(old).status_code == 404
    assert client.post(new, {"new_password1": PASSWORD, "new_password2": PASSWORD}).status_code == 302
    assert AuditEntry.objects.filter(action="onboarding.invitation_resent").count() == 1


def test_all_expired_invitations_are_sent_again_at_once(client, network, imported, clock, settings, run):
    client.post(_link("a@example.org"), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    clock.advance(days=settings.ONBOARDING_INVITATION_DAYS + 1)
    mail.outbox.clear()
    run(testing.as_(client, network.nso_il), f"/onboarding/{imported.pk}/invitations/resend-expired/")
    assert [m.to for m in mail.outbox] == [["b@example.org"]]  # the accepted one is left alone
    assert Invitation.objects.get(user__email="b@example.org").state == Invitation.State.SENT
    page = testing.as_(client, network.nso_il).get(f"/onboarding/{imported.pk}/invitations/?state=accepted")
    assert [i.user.email for i in page.context["page"]] == ["a@example.org"]


def test_an_accepted_invitation_is_not_sent_again(client, network, imported):
    client.post(_link("a@example.org"), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    invitation = Invitation.objects.get(user__email="a@example.org")
    testing.as_(client, network.nso_il).post(f"/onboarding/invitations/{invitation.pk}/resend/")
    invitation.refresh_from_db()
    assert invitation.sends == 1


def test_the_invitations_page_reads_a_fixed_number_of_queries(client, network, imported):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    as_nso = testing.as_(client, network.nso_il)
    rows = [row(name=f"S{n}", email=f"t{n}@example.org") for n in range(12)]
    as_nso.post("/onboarding/check/", {"scope": f"nso:{network.il_nso.pk}", "file": upload(csv_bytes(rows))})
    more = ImportFile.objects.latest("pk")
    as_nso.post(f"/onboarding/{more.pk}/import/")
    counts = []
    for source in (imported, more):
        as_nso.get(f"/onboarding/{source.pk}/invitations/")
        with CaptureQueriesContext(connection) as queries:
            assert as_nso.get(f"/onboarding/{source.pk}/invitations/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
