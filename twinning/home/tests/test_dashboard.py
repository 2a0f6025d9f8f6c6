"""The front page and the dashboard: each role's section shows to its holders only, with their own data."""

import pytest

from twinning.accounts.models import Role
from twinning.schools.models import Programme
from twinning.testing import grant, make_person
from twinning.twinnings.models import Membership, Twinning

pytestmark = pytest.mark.django_db


def sections(response) -> set[str]:
    """The dashboard's sections, by their test names."""
    html = response.content.decode()
    names = {
        "my-twinnings",
        "teacher-status",
        "profile-checklist",
        "partners",
        "cohorts",
        "nso-queue",
        "principal",
        "coordinator",
        "roles",
        "admin",
    }
    return {name for name in names if f'data-testid="{name}"' in html}


def dashboard(client, user):
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response


def test_home_page_welcomes_a_visitor_and_sends_a_signed_in_person_to_the_dashboard(client, cast):
    assert client.get("/").templates[0].name == "home/home.html"
    client.force_login(cast.teacher_a.user)
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")


def test_dashboard_asks_a_visitor_to_sign_in(client):
    response = client.get("/dashboard/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/sign-in/?next=/dashboard/")


def test_dashboard_teacher_sees_validation_profile_and_partners(client, cast):
    response = dashboard(client, cast.teacher_a.user)
    assert sections(response) == {"teacher-status", "profile-checklist", "partners"}
    assert response.context["teacher"] == cast.teacher_a
    assert response.context["checklist"]["total"] > 0


def test_dashboard_teacher_sees_their_own_twinnings_only(client, cast):
    mine = Twinning.objects.create(titles={"en": "Our streets"}, school_year=2026, status="active")
    Membership.objects.create(twinning=mine, user=cast.teacher_a.user, school=cast.school_a, role="teacher")
    other = Twinning.objects.create(titles={"en": "Someone else's"}, school_year=2026, status="active")
    Membership.objects.create(twinning=other, user=cast.teacher_b.user, school=cast.school_b, role="teacher")
    response = dashboard(client, cast.teacher_a.user)
    assert response.context["my_twinnings"] == [mine]
    assert "my-twinnings" in sections(response)
    assert "Someone else" not in response.content.decode()


def test_dashboard_nso_staff_see_their_own_countrys_queue(client, cast):
    response = dashboard(client, cast.nso_il)
    assert sections(response) == {"cohorts", "nso-queue", "roles"}
    assert [t.user.full_name for t in response.context["queue_preview"]] == ["Yossi Mizrahi"]
    assert "Oliver Brown" not in response.content.decode()


def test_dashboard_principal_sees_their_schools_waiting_teachers(client, cast):
    response = dashboard(client, cast.principal_a)
    assert sections(response) == {"principal"}
    assert [t.user.full_name for t in response.context["awaiting_principal"]] == ["Yossi Mizrahi"]


def test_dashboard_coordinator_sees_their_network(client, cast):
    response = dashboard(client, cast.coordinator)
    assert sections(response) == {"cohorts", "coordinator"}
    assert response.context["coordinator_counts"]["teachers"] == 1


def test_dashboard_admin_sees_the_queue_roles_and_administration(client, cast):
    response = dashboard(client, cast.admin)
    assert sections(response) == {"nso-queue", "roles", "admin"}
    assert {t.user.full_name for t in response.context["queue_preview"]} == {"Yossi Mizrahi", "Oliver Brown"}


def test_dashboard_person_without_a_role_is_told_so(client, db):
    response = dashboard(client, make_person(name="Nobody Yet"))
    assert sections(response) == set()
    assert "You have no role on the platform yet." in response.content.decode()


def test_dashboard_programme_admin_sees_the_roles_section(client, cast):
    person = make_person(name="Programme Lead")
    grant(
        person, Role.Kind.PROGRAMME_ADMIN, programme=Programme.objects.create(slug="bridges", names={"en": "Bridges"})
    )
    assert sections(dashboard(client, person)) == {"roles"}
