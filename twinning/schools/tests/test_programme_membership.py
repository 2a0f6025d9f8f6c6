"""A school takes part in a programme once the programme approves it: ask, approve, refuse, remove."""

import pytest
from django.core import mail
from django.urls import reverse

from twinning.accounts.models import Role
from twinning.common.models import AuditEntry
from twinning.schools.models import Programme, ProgrammeMembership, School, ValidationStatus
from twinning.schools.tests.conftest import signup_data
from twinning.testing import grant, make_person, make_school, make_teacher

pytestmark = pytest.mark.django_db

Status = ProgrammeMembership.Status


@pytest.fixture
def commit_callbacks(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def programme(cast):
    programme = Programme.objects.create(slug="ja", names={"en": "JA twinning", "he": "תאומות"})
    programme.countries.set([cast.israel, cast.uk])
    return programme


@pytest.fixture
def programme_coordinator(programme):
    person = make_person(name="Tamar Programme")
    grant(person, Role.Kind.COORDINATOR, programme=programme)
    return person


def _ask(client, cast, programme, person=None):
    client.force_login(person or cast.teacher_a.user)
    return client.post(reverse("schools:request_membership", args=[cast.school_a.pk]), {"programme": programme.slug})


def test_a_validated_teacher_asks_and_the_school_is_not_yet_a_member(client, cast, programme):
    response = _ask(client, cast, programme)

    assert response.status_code == 302
    membership = ProgrammeMembership.objects.get(school=cast.school_a, programme=programme)
    assert membership.status == Status.PENDING
    assert membership.requested_by == cast.teacher_a.user
    assert not cast.school_a.programmes.filter(pk=programme.pk).exists()
    assert AuditEntry.objects.filter(action="programme.membership_requested", target_id=cast.school_a.pk).exists()


def test_the_school_page_offers_the_programme_to_its_people_only(client, cast, programme):
    url = reverse("schools:detail", args=[cast.school_a.pk])
    client.force_login(cast.principal_a)
    assert 'data-testid="school-programmes"' in client.get(url).content.decode()
    client.force_login(cast.teacher_b.user)
    assert 'data-testid="school-programmes"' not in client.get(url).content.decode()


def test_asking_is_for_the_school_s_own_people(client, cast, programme):
    for person in (cast.teacher_b.user, cast.pending_il.user, cast.nso_il):
        assert _ask(client, cast, programme, person).status_code == 404
    assert not ProgrammeMembership.objects.exists()


def test_asking_twice_says_so(client, cast, programme):
    _ask(client, cast, programme)
    response = _ask(client, cast, programme, cast.principal_a)
    # A request waiting is not offered again: the form refuses the choice in words.
    assert response.status_code == 302
    assert ProgrammeMembership.objects.count() == 1


def test_a_programme_of_other_countries_is_not_offered(client, cast):
    far = Programme.objects.create(slug="far", names={"en": "Far away"})
    far.countries.set([cast.uk])
    _ask(client, cast, far)
    assert not ProgrammeMembership.objects.exists()


def test_the_coordinator_sees_the_queue_and_the_dashboard_count(client, cast, programme, programme_coordinator):
    _ask(client, cast, programme)
    client.force_login(programme_coordinator)
    page = client.get(reverse("schools:membership_queue")).content.decode()
    assert "Reali School" in page
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="waiting-memberships"' in dashboard
    assert "1 school asking to join your programme" in dashboard


def test_approval_makes_a_member_and_tells_the_teachers_in_their_language(
    client, cast, programme, programme_coordinator, commit_callbacks
):
    _ask(client, cast, programme)
    cast.teacher_a.user.preferred_language = "he"
    cast.teacher_a.user.save(update_fields=["preferred_language"])
    membership = ProgrammeMembership.objects.get()
    client.force_login(programme_coordinator)

    with commit_callbacks():
        response = client.post(reverse("schools:approve_membership", args=[membership.pk]))

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Status.APPROVED
    assert membership.decided_by == programme_coordinator
    assert cast.school_a.programmes.filter(pk=programme.pk).exists()
    assert AuditEntry.objects.filter(action="programme.membership_approved", target_id=cast.school_a.pk).exists()
    to = {address for message in mail.outbox for address in message.to}
    assert to == {cast.teacher_a.user.email, cast.principal_a.email}
    hebrew = next(m for m in mail.outbox if m.to == [cast.teacher_a.user.email])
    assert "תאומות" in hebrew.subject
    assert 'lang="he" dir="rtl"' in hebrew.alternatives[0][0]


def test_refusal_needs_a_reason_and_tells_it(client, cast, programme, programme_coordinator, commit_callbacks):
    _ask(client, cast, programme)
    membership = ProgrammeMembership.objects.get()
    client.force_login(programme_coordinator)
    url = reverse("schools:refuse_membership", args=[membership.pk])

    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "Say why, so the school knows what to change." in response.content.decode()

    with commit_callbacks():
        client.post(url, {"reason": "We take primary schools only this year."})
    membership.refresh_from_db()
    assert membership.status == Status.REFUSED
    assert not cast.school_a.programmes.exists()
    assert any("primary schools only" in m.body for m in mail.outbox)
    # The school may ask again later.
    assert _ask(client, cast, programme).status_code == 302
    membership.refresh_from_db()
    assert membership.status == Status.PENDING


def test_only_the_programme_s_deciders_decide(client, cast, programme, commit_callbacks):
    _ask(client, cast, programme)
    membership = ProgrammeMembership.objects.get()
    other = Programme.objects.create(slug="other", names={"en": "Other"})
    outsider = make_person(name="Other Coordinator")
    grant(outsider, Role.Kind.COORDINATOR, programme=other)
    for person in (outsider, cast.nso_il, cast.coordinator, cast.teacher_a.user):
        client.force_login(person)
        assert client.post(reverse("schools:approve_membership", args=[membership.pk])).status_code == 404
    membership.refresh_from_db()
    assert membership.status == Status.PENDING


def test_an_nso_s_programme_is_decided_by_its_staff(client, cast, programme):
    programme.nso = cast.il_nso
    programme.save(update_fields=["nso"])
    _ask(client, cast, programme)
    membership = ProgrammeMembership.objects.get()
    client.force_login(cast.nso_uk)
    assert client.get(reverse("schools:membership_queue")).status_code == 404
    client.force_login(cast.nso_il)
    assert client.post(reverse("schools:approve_membership", args=[membership.pk])).status_code == 302
    assert cast.school_a.programmes.filter(pk=programme.pk).exists()


def test_removal_keeps_twinnings_and_stops_new_pairs(client, cast, programme, programme_coordinator, commit_callbacks):
    from twinning.twinnings import services as twinning_services

    cast.school_a.programmes.add(programme)
    cast.school_b.programmes.add(programme)
    twinning = twinning_services.propose_twinning(
        from_school=cast.school_a,
        to_schools=[cast.school_b],
        by=cast.teacher_a.user,
        school_year=2026,
        titles={"en": "Ours"},
        programme=programme,
    )
    client.force_login(programme_coordinator)
    url = reverse("schools:remove_member", args=[programme.slug, cast.school_b.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    with commit_callbacks():
        assert client.post(url, {"reason": "The school left the network."}).status_code == 302

    assert not cast.school_b.programmes.filter(pk=programme.pk).exists()
    assert ProgrammeMembership.objects.get(school=cast.school_b).status == Status.REMOVED
    twinning.refresh_from_db()
    assert twinning.programme == programme
    assert AuditEntry.objects.filter(action="programme.member_removed", target_id=cast.school_b.pk).exists()
    assert any("left the network" in m.body for m in mail.outbox)
    other = make_school(country=cast.uk, name="Another School")
    make_teacher(school=other)
    from twinning.common.errors import ServiceError

    with pytest.raises(ServiceError):
        twinning_services.propose_twinning(
            from_school=cast.school_a,
            to_schools=[cast.school_b],
            by=cast.teacher_a.user,
            school_year=2027,
            titles={"en": "Again"},
            programme=programme,
        )


def test_signup_from_a_programme_preselects_it_and_asks_to_join(client, cast, programme):
    page = client.get(reverse("schools:signup") + "?programme=ja").content.decode()
    assert '<option value="ja" selected>' in page

    response = client.post(reverse("schools:signup"), signup_data(cast, programme="ja"))

    assert response.status_code == 302
    membership = ProgrammeMembership.objects.get(school=cast.school_a, programme=programme)
    assert membership.status == Status.PENDING
    assert membership.requested_by.email == "miriam.katz@example.org"


def test_signup_refuses_a_programme_of_other_countries_and_keeps_the_form(client, cast):
    far = Programme.objects.create(slug="far", names={"en": "Far away"})
    far.countries.set([cast.uk])
    response = client.post(reverse("schools:signup"), signup_data(cast, programme="far"))
    assert response.status_code == 200
    assert "Far away does not connect schools of Israel." in response.content.decode()
    assert "Miriam Katz" in response.content.decode()


def test_existing_members_count_as_approved(cast, programme):
    """The migration's step, run again here over a school added before memberships existed."""
    import importlib

    from django.apps import apps

    cast.school_a.programmes.add(programme)
    migration = importlib.import_module("twinning.schools.migrations.0006_programme_membership")
    migration.current_members_approved(apps, None)
    assert ProgrammeMembership.objects.get(school=cast.school_a).status == Status.APPROVED


def test_a_pending_school_is_shown_as_such_in_the_queue(client, cast, programme, programme_coordinator):
    school = make_school(country=cast.israel, name="Waiting School", status=ValidationStatus.PENDING)
    ProgrammeMembership.objects.create(school=school, programme=programme)
    client.force_login(programme_coordinator)
    page = client.get(reverse("schools:membership_queue")).content.decode()
    assert "Waiting School" in page
    assert School.objects.get(pk=school.pk).get_status_display() in page


def _walk(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts, shown = [], []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
        page = response.context["page"]
        shown += list(page)
        url = f"{url.split('?')[0]}?after={page.next_cursor}" if page.has_next else None
    return counts, shown


def test_requests_and_members_page_by_key_with_as_many_queries_for_1_as_for_many(
    client, cast, programme, programme_coordinator
):
    client.force_login(programme_coordinator)
    queue, members = reverse("schools:membership_queue"), reverse("schools:programme_members", args=[programme.slug])
    ProgrammeMembership.objects.create(programme=programme, school=cast.school_a, requested_by=cast.teacher_a.user)
    programme.schools.add(cast.school_b)
    (one_queue,), _ = _walk(client, queue)
    (one_members,), _ = _walk(client, members)
    for n in range(60):
        school = make_school(country=cast.israel if n % 2 else cast.uk, name=f"School {n:02}")
        if n % 2:
            ProgrammeMembership.objects.create(programme=programme, school=school, requested_by=cast.teacher_a.user)
        else:
            programme.schools.add(school)

    queue_counts, waiting = _walk(client, queue)
    member_counts, listed = _walk(client, members)

    assert set(queue_counts) == {one_queue} and len(waiting) == 31 == len({m.pk for m in waiting})
    assert set(member_counts) == {one_members} and len(listed) == 31 == len({s.pk for s in listed})
    assert listed == sorted(listed, key=lambda s: (s.country_id, s.name, s.pk))
