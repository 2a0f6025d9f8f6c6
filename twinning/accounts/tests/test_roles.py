"""Appointing and removing roles from the roles page: who may appoint whom where, through the client.

The cast has two NSOs (Israel's, the UK's); here also two programmes, one with an administrator.
Every test has data that could leak: the other NSO's schools and staff, the other programme.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twinning import testing
from twinning.accounts import rules
from twinning.accounts.models import Role
from twinning.common.models import AuditEntry, Notification
from twinning.common.notifications import text
from twinning.schools.models import Programme, School, ValidationStatus
from twinning.testing import as_

pytestmark = pytest.mark.django_db


@pytest.fixture
def programmes(cast):
    bridges = Programme.objects.create(slug="bridges", names={"en": "Bridges", "he": "גשרים", "ar": "جسور"})
    voices = Programme.objects.create(slug="voices", names={"en": "Voices"})
    admin = testing.make_person(name="Pia Programme")
    testing.grant(admin, Role.Kind.PROGRAMME_ADMIN, programme=bridges)
    return bridges, voices, admin


@pytest.fixture
def newcomer(cast):
    """Someone with an account and no role yet, who reads Hebrew."""
    return testing.make_person(name="Tamar Newcomer", email="tamar@example.org", language="he")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def form(prefix: str, scope: str, email: str, reason: str = "x") -> dict:
    """What an appointing form posts: its scope (``nso:ID`` or ``programme:ID``), an e-mail, a reason."""
    return {f"{prefix}-scope": scope, f"{prefix}-email": email, f"{prefix}-reason": reason}


# --- The rules, asked directly -------------------------------------------------------------------


def test_roles_nso_staff_appoint_principals_of_their_validated_schools_only(cast):
    pending = testing.make_school(country=cast.israel, name="Pending", status=ValidationStatus.PENDING)

    assert rules.may_appoint_principal(cast.nso_il, cast.school_a) is True
    assert rules.may_appoint_principal(cast.nso_il, cast.school_b) is False
    assert rules.may_appoint_principal(cast.nso_il, pending) is False
    assert rules.may_appoint_principal(cast.nso_uk, cast.school_b) is True
    assert rules.may_appoint_principal(cast.admin, cast.school_b) is True
    assert rules.may_appoint_principal(cast.admin, pending) is False
    for person in (cast.coordinator, cast.principal_a, cast.teacher_a.user):
        assert rules.may_appoint_principal(person, cast.school_a) is False


def test_roles_coordinators_are_appointed_by_their_nso_or_programme_administrators(cast, programmes):
    bridges, voices, programme_admin = programmes

    assert rules.may_appoint_nso_coordinator(cast.nso_il, cast.il_nso) is True
    assert rules.may_appoint_nso_coordinator(cast.nso_il, cast.uk_nso) is False
    assert rules.may_appoint_nso_coordinator(programme_admin, cast.il_nso) is False
    assert rules.may_appoint_programme_coordinator(programme_admin, bridges) is True
    assert rules.may_appoint_programme_coordinator(programme_admin, voices) is False
    assert rules.may_appoint_programme_coordinator(cast.nso_il, bridges) is False
    assert rules.may_appoint_programme_coordinator(cast.coordinator, bridges) is False
    assert rules.may_appoint_nso_coordinator(cast.admin, cast.uk_nso) is True
    assert rules.may_appoint_programme_coordinator(cast.admin, voices) is True


def test_roles_nso_staff_and_programme_administrators_are_appointed_by_platform_admins_only(cast, programmes):
    bridges, _voices, programme_admin = programmes

    for person in (cast.nso_il, programme_admin, cast.coordinator, cast.principal_a):
        assert rules.may_appoint_nso_staff(person, cast.il_nso) is False
        assert rules.may_appoint_programme_admin(person, bridges) is False
    assert rules.may_appoint_nso_staff(cast.admin, cast.il_nso) is True
    assert rules.may_appoint_programme_admin(cast.admin, bridges) is True


def test_roles_may_appoint_refuses_a_scope_that_does_not_fit_the_kind(cast, programmes):
    bridges = programmes[0]

    assert rules.may_appoint(cast.admin, Role.Kind.PRINCIPAL, cast.il_nso) is False
    assert rules.may_appoint(cast.admin, Role.Kind.NSO_STAFF, bridges) is False
    assert rules.may_appoint(cast.admin, Role.Kind.PROGRAMME_ADMIN, cast.school_a) is False
    assert rules.may_appoint(cast.admin, "wizard", cast.il_nso) is False


def test_roles_of_a_programme_administrator_count_them_as_staff(cast, programmes):
    bridges, _voices, programme_admin = programmes

    roles = rules.roles_of(programme_admin)

    assert (roles.programme_admin, roles.programme_admin_ids, roles.appoints) == (True, {bridges.pk}, True)
    assert (roles.nso_staff, roles.coordinator, roles.admin) == (False, False, False)
    assert rules.roles_of(cast.coordinator).programme_admin is False


def test_roles_managed_by_each_person_stay_in_their_scope(cast, programmes):
    bridges, voices, programme_admin = programmes
    uk_principal = testing.grant(testing.make_person(name="UK Head"), Role.Kind.PRINCIPAL, school=cast.school_b)
    uk_coordinator = testing.grant(testing.make_person(name="UK Coord"), Role.Kind.COORDINATOR, nso=cast.uk_nso)
    bridges_coordinator = testing.grant(testing.make_person(name="B Coord"), Role.Kind.COORDINATOR, programme=bridges)
    voices_coordinator = testing.grant(testing.make_person(name="V Coord"), Role.Kind.COORDINATOR, programme=voices)
    il_principal = Role.objects.get(kind=Role.Kind.PRINCIPAL, school=cast.school_a)
    il_coordinator = Role.objects.get(user=cast.coordinator)

    def managed(person):
        return set(rules.roles_managed_by(person))

    assert managed(cast.nso_il) == {il_principal, il_coordinator}
    assert managed(cast.nso_uk) == {uk_principal, uk_coordinator}
    assert managed(programme_admin) == {bridges_coordinator}
    assert managed(cast.admin) == set(Role.objects.all())
    assert uk_coordinator and voices_coordinator
    for person in (cast.coordinator, cast.principal_a, cast.teacher_a.user):
        assert managed(person) == set()


# --- The page ------------------------------------------------------------------------------------


def test_roles_page_is_404_for_people_who_appoint_nobody(client, cast):
    for person in (cast.teacher_a.user, cast.principal_a, cast.coordinator, cast.pending_il.user):
        response = as_(client, person).get("/accounts/roles/")
        assert (person.full_name, response.status_code) == (person.full_name, 404)


def test_roles_page_lists_the_nso_staffs_roles_and_nothing_of_the_other_nso(client, cast):
    testing.grant(testing.make_person(name="UK Head Teacher"), Role.Kind.PRINCIPAL, school=cast.school_b)
    testing.grant(testing.make_person(name="UK Coordinator"), Role.Kind.COORDINATOR, nso=cast.uk_nso)

    response = as_(client, cast.nso_il).get("/accounts/roles/")

    assert response.status_code == 200
    assert [role.user.full_name for role in response.context["page"]] == ["Avi Coordinator", "Ruth Principal"]
    body = response.content.decode()
    for leak in ("UK Head Teacher", "UK Coordinator", "Emma Smith"):
        assert leak not in body
    assert response.context["nso_staff_form"] is None and response.context["programme_admin_form"] is None
    assert [value for value, _label in response.context["coordinator_form"].fields["scope"].choices] == [
        "",
        f"nso:{cast.il_nso.pk}",
    ]


def test_roles_school_search_finds_only_validated_schools_of_the_nso(client, cast):
    testing.make_school(country=cast.israel, name="Reali Pending", status=ValidationStatus.PENDING)
    testing.make_school(country=cast.uk, name="Reali London")

    response = as_(client, cast.nso_il).get("/accounts/roles/", {"school": "reali"})

    assert [school.name for school in response.context["schools"]] == ["Reali School"]


def test_roles_nso_staff_appoint_a_principal_from_the_schools_teachers(client, cast, commit):
    as_(client, cast.nso_il)
    page = client.get(f"/accounts/roles/schools/{cast.school_a.pk}/")
    assert [user.full_name for user in page.context["form"].fields["teacher"].queryset] == ["Dana Levi"]

    with commit():
        response = client.post(
            f"/accounts/roles/schools/{cast.school_a.pk}/principals/",
            {"teacher": cast.teacher_a.user.pk, "reason": "Deputy head since September"},
        )

    assert response["Location"] == f"/accounts/roles/schools/{cast.school_a.pk}/"
    role = Role.objects.get(user=cast.teacher_a.user)
    assert (role.kind, role.school, role.granted_by) == (Role.Kind.PRINCIPAL, cast.school_a, cast.nso_il)
    entry = AuditEntry.objects.get(action="role.granted")
    assert (entry.actor, entry.reason, entry.target_type, entry.target_id) == (
        cast.nso_il,
        "Deputy head since September",
        ContentType.objects.get_for_model(School),
        cast.school_a.pk,
    )
    assert entry.data == {"kind": "principal", "person": cast.teacher_a.user.pk, "role": role.pk}
    assert rules.roles_of(type(cast.teacher_a.user).objects.get(pk=cast.teacher_a.user.pk)).principal is True
    assert [m.to for m in mail.outbox] == [[cast.teacher_a.user.email]]


def test_roles_appointee_is_told_in_the_app_and_by_email_in_their_language(client, cast, newcomer, commit, programmes):
    bridges, _voices, programme_admin = programmes

    with commit():
        as_(client, programme_admin).post(
            "/accounts/roles/coordinators/",
            form("coordinator", f"programme:{bridges.pk}", "TAMAR@example.org", "Leads the Bridges teachers' network"),
        )

    note = Notification.objects.get(recipient=newcomer)
    assert note.kind == "role_granted_coordinator"
    assert note.url == "/dashboard/"
    assert text(note) == "You are now a pedagogic coordinator of \u2068Bridges\u2069."
    (message,) = mail.outbox
    assert message.to == ["tamar@example.org"]
    assert "גשרים" in message.body
    assert 'lang="he" dir="rtl"' in message.alternatives[0][0]


def test_roles_appointing_an_unknown_address_says_so_and_creates_nothing(client, cast):
    response = as_(client, cast.nso_il).post(
        "/accounts/roles/coordinators/",
        form("coordinator", f"nso:{cast.il_nso.pk}", "nobody@example.org", "New coordinator"),
    )

    assert response.status_code == 400
    assert response.context["coordinator_form"].errors["email"] == [
        "No account uses this address. Nobody has been appointed: ask the person to create an account first "
        "(teachers join as teachers), then appoint them."
    ]
    assert Role.objects.count() == 4
    assert not type(cast.nso_il).objects.filter(email="nobody@example.org").exists()
    assert not AuditEntry.objects.filter(action="role.granted").exists()


def test_roles_a_reason_is_required_to_appoint_and_to_remove(client, cast, newcomer):
    as_(client, cast.nso_il)

    response = client.post(
        "/accounts/roles/coordinators/",
        form("coordinator", f"nso:{cast.il_nso.pk}", newcomer.email, " "),
    )
    assert response.status_code == 400
    assert response.context["coordinator_form"].errors["reason"] == [
        "Say why: the reason is kept in the audit log with your name and the date."
    ]
    role = Role.objects.get(user=cast.coordinator)
    response = client.post(f"/accounts/roles/{role.pk}/remove/", {"reason": ""})
    assert response.status_code == 400
    assert Role.objects.filter(pk=role.pk).exists()
    assert not AuditEntry.objects.filter(action__startswith="role.").exists()


def test_roles_tampered_scopes_never_grant(client, cast, newcomer, programmes):
    bridges, voices, programme_admin = programmes
    as_(client, cast.nso_il)
    # Another NSO's school: a 404, on the page and on the form's address.
    assert client.get(f"/accounts/roles/schools/{cast.school_b.pk}/").status_code == 404
    response = client.post(
        f"/accounts/roles/schools/{cast.school_b.pk}/principals/", {"email": newcomer.email, "reason": "x"}
    )
    assert response.status_code == 404
    # Another NSO, or a programme, as the coordinator's scope: a form error.
    for scope in (f"nso:{cast.uk_nso.pk}", f"programme:{bridges.pk}", "nso:999999", "school:1"):
        response = client.post(
            "/accounts/roles/coordinators/",
            form("coordinator", scope, newcomer.email, "x"),
        )
        assert response.status_code == 400
        assert list(response.context["coordinator_form"].errors) == ["scope"]
    # NSO staff and programme administrators are the platform administrators' to appoint.
    assert client.post("/accounts/roles/nso-staff/", {"nso_staff-scope": f"nso:{cast.il_nso.pk}"}).status_code == 404
    assert client.post("/accounts/roles/programme-administrators/", {}).status_code == 404
    # A programme administrator: their own programme only.
    response = as_(client, programme_admin).post(
        "/accounts/roles/coordinators/",
        form("coordinator", f"programme:{voices.pk}", newcomer.email, "x"),
    )
    assert list(response.context["coordinator_form"].errors) == ["scope"]
    assert not Role.objects.filter(user=newcomer).exists()


def test_roles_platform_admin_appoints_every_kind_from_the_same_page(client, cast, newcomer, programmes):
    bridges, voices, _programme_admin = programmes
    as_(client, cast.admin)
    page = client.get("/accounts/roles/")
    for name in ("coordinator_form", "nso_staff_form", "programme_admin_form"):
        assert page.context[name] is not None

    client.post(
        "/accounts/roles/nso-staff/",
        form("nso_staff", f"nso:{cast.uk_nso.pk}", newcomer.email, "Hired"),
    )
    client.post(
        "/accounts/roles/programme-administrators/",
        form("programme_admin", f"programme:{voices.pk}", newcomer.email, "Runs Voices"),
    )
    client.post(
        "/accounts/roles/coordinators/",
        form("coordinator", f"programme:{bridges.pk}", newcomer.email, "x"),
    )
    client.post(f"/accounts/roles/schools/{cast.school_b.pk}/principals/", {"email": newcomer.email, "reason": "x"})

    held = set(Role.objects.filter(user=newcomer).values_list("kind", "nso", "programme", "school"))
    assert held == {
        ("nso_staff", cast.uk_nso.pk, None, None),
        ("programme_admin", None, voices.pk, None),
        ("coordinator", None, bridges.pk, None),
        ("principal", None, None, cast.school_b.pk),
    }
    assert AuditEntry.objects.filter(action="role.granted", actor=cast.admin).count() == 4


def test_roles_refuses_self_appointment_duplicates_and_unconfirmed_accounts(client, cast, newcomer):
    as_(client, cast.nso_il)

    def appoint(email):
        response = client.post(
            "/accounts/roles/coordinators/",
            form("coordinator", f"nso:{cast.il_nso.pk}", email, "x"),
        )
        return response.status_code, response.context["coordinator_form"].non_field_errors()

    assert appoint(cast.nso_il.email) == (400, ["Someone else must give you a role."])
    assert appoint(cast.coordinator.email) == (400, ["Avi Coordinator already holds this role."])
    newcomer.email_confirmed_at = None
    newcomer.save(update_fields=["email_confirmed_at"])
    assert appoint(newcomer.email) == (
        400,
        ["Tamar Newcomer has not confirmed their e-mail address yet: ask them to, then appoint them."],
    )
    assert Role.objects.count() == 4


def test_roles_removal_is_audited_notified_and_out_of_scope_is_404(client, cast, commit):
    role = Role.objects.get(user=cast.principal_a)
    uk_role = testing.grant(testing.make_person(name="UK Head"), Role.Kind.PRINCIPAL, school=cast.school_b)
    as_(client, cast.nso_il)

    assert client.get(f"/accounts/roles/{uk_role.pk}/remove/").status_code == 404
    assert client.post(f"/accounts/roles/{uk_role.pk}/remove/", {"reason": "x"}).status_code == 404
    assert client.get(f"/accounts/roles/{role.pk}/remove/").status_code == 200
    with commit():
        response = client.post(f"/accounts/roles/{role.pk}/remove/", {"reason": "Retired in June"})

    assert response["Location"] == f"/accounts/roles/schools/{cast.school_a.pk}/"
    assert not Role.objects.filter(pk=role.pk).exists() and Role.objects.filter(pk=uk_role.pk).exists()
    entry = AuditEntry.objects.get(action="role.removed")
    assert (entry.actor, entry.reason, entry.target_id, entry.data["kind"], entry.data["person"]) == (
        cast.nso_il,
        "Retired in June",
        cast.school_a.pk,
        "principal",
        cast.principal_a.pk,
    )
    assert Notification.objects.get(recipient=cast.principal_a).kind == "role_removed_principal"
    assert [m.to for m in mail.outbox] == [[cast.principal_a.email]]


def test_roles_history_shows_who_when_and_why_within_the_viewers_scope(client, cast, newcomer):
    uk_newcomer = testing.make_person(name="Uk Newcomer")
    as_(client, cast.nso_uk).post(
        f"/accounts/roles/schools/{cast.school_b.pk}/principals/",
        {"email": uk_newcomer.email, "reason": "UK secret"},
        follow=True,
    )
    as_(client, cast.nso_il).post(
        "/accounts/roles/coordinators/",
        form("coordinator", f"nso:{cast.il_nso.pk}", newcomer.email, "Galil"),
        follow=True,
    )

    page = client.get("/accounts/roles/")

    (change,) = page.context["history"]
    assert (change.granted, change.actor, change.person, change.kind_label, change.scope, change.reason) == (
        True,
        cast.nso_il,
        newcomer,
        "Pedagogic coordinator",
        cast.il_nso,
        "Galil",
    )
    body = page.content.decode()
    assert "UK secret" not in body and "Uk Newcomer" not in body
    assert [c.reason for c in as_(client, cast.admin).get("/accounts/roles/").context["history"]] == [
        "Galil",
        "UK secret",
    ]


def test_roles_page_queries_do_not_grow_with_roles(client, cast):
    as_(client, cast.admin)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/accounts/roles/").status_code == 200
        return len(captured)

    newcomer = testing.make_person(name="First")
    client.post(f"/accounts/roles/schools/{cast.school_b.pk}/principals/", {"email": newcomer.email, "reason": "x"})
    one = queries_for_page()
    for name in ("Second", "Third"):
        person = testing.make_person(name=name)
        client.post(f"/accounts/roles/schools/{cast.school_b.pk}/principals/", {"email": person.email, "reason": "x"})
    assert queries_for_page() == one


def test_roles_page_is_in_the_navigation_and_dashboard_of_those_who_appoint(client, cast, programmes):
    programme_admin = programmes[2]
    for person in (cast.admin, cast.nso_il, programme_admin):
        body = as_(client, person).get("/dashboard/").content.decode()
        assert body.count('href="/accounts/roles/"') == 2, person.full_name
    for person in (cast.coordinator, cast.principal_a, cast.teacher_a.user):
        assert 'href="/accounts/roles/"' not in as_(client, person).get("/dashboard/").content.decode()


@pytest.mark.parametrize("language", ["he", "ar"])
def test_roles_pages_read_right_to_left_in_hebrew_and_arabic(client, cast, language):
    cast.nso_il.preferred_language = language
    cast.nso_il.save(update_fields=["preferred_language"])
    as_(client, cast.nso_il)
    role = Role.objects.get(user=cast.principal_a)

    urls = ("/accounts/roles/", f"/accounts/roles/schools/{cast.school_a.pk}/", f"/accounts/roles/{role.pk}/remove/")
    for url in urls:
        body = client.get(url).content.decode()
        assert f'<html lang="{language}" dir="rtl">' in body, url
        assert "Roles" not in body.split("<main", 1)[1], url


def test_roles_page_filters_by_the_kinds_the_viewer_appoints(client, cast, programmes):
    as_(client, cast.nso_il)

    page = client.get("/accounts/roles/", {"kind": "principal"})

    assert [value for value, _label in page.context["kinds"]] == ["coordinator", "principal"]
    assert [role.user.full_name for role in page.context["page"]] == ["Ruth Principal"]
    # A kind they do not appoint (or nonsense) shows what they manage, nothing more.
    page = client.get("/accounts/roles/", {"kind": "nso_staff"})
    assert (page.context["kind"], len(page.context["page"].object_list)) == ("", 2)
    assert rules.kinds_managed_by(programmes[2]) == ["coordinator"]
    assert rules.kinds_managed_by(cast.admin) == ["nso_staff", "coordinator", "principal", "programme_admin"]
