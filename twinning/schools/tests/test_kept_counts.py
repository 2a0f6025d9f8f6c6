"""The staff pages' figures: the few waiting counted live, the totals kept by the job (`services.count_figures`).

The kept figures are held to the same figures counted live, the way the pages counted them before, for NSO staff,
the platform's administrator and coordinators of an NSO, of programmes and of both, on a network whose schools
are members of no programme, of one or of two, with teachers of every status decided long ago and lately. A
counting that drifted from the tables (a group left out, a school or teacher counted twice, the wrong window) fails
here; so does a page whose number of queries grows with the schools and teachers.
"""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from twinning.accounts.models import Role
from twinning.schools import queries, services
from twinning.schools.models import KeptCounts, KeptGroup, Programme, School, TeacherProfile, ValidationStatus
from twinning.testing import as_, grant, make_country, make_nso, make_person, make_school, make_teacher

VALIDATED, PENDING, REJECTED = ValidationStatus.VALIDATED, ValidationStatus.PENDING, ValidationStatus.REJECTED


def live_staff_counts(user) -> dict[str, int]:
    """The validation figures counted from the tables, as the pages counted them before they were kept."""
    from twinning.schools.rules import schools_validated_by, teachers_validated_by

    teachers = teachers_validated_by(user)
    since = timezone.now() - services.RECENT
    schools = schools_validated_by(user)
    return {
        "waiting": teachers.filter(status=PENDING, user__email_confirmed_at__isnull=False).count(),
        "unconfirmed": teachers.filter(status=PENDING, user__email_confirmed_at__isnull=True).count(),
        "validated": teachers.filter(status=VALIDATED).count(),
        "decided_recently": teachers.filter(decided_at__gte=since).count(),
        "schools_waiting": schools.filter(status=PENDING).count(),
        "schools_validated": schools.filter(status=VALIDATED).count(),
    }


def live_coordinator_counts(user, *, nsos=(), programmes=()) -> dict[str, int]:
    scope = Q(country__nso__in=nsos) | Q(programmes__in=programmes)
    schools = School.objects.filter(scope, status=VALIDATED).values("pk")
    teachers = TeacherProfile.objects.filter(school__in=schools, status=VALIDATED)
    return {
        "schools": School.objects.filter(pk__in=schools).count(),
        "teachers": teachers.count(),
        "new_teachers": teachers.filter(decided_at__gte=timezone.now() - services.RECENT).count(),
    }


@pytest.fixture
def network(cast):
    """Beside the cast: a third country with no NSO staff, two programmes, schools of every status in none, one or
    both of them, and teachers of every status, decided long ago, lately or not at all, confirmed or not."""
    bridges = Programme.objects.create(slug="bridges", names={"en": "Bridges"})
    voices = Programme.objects.create(slug="voices", names={"en": "Voices"})
    france = make_country("FR", "France", nso=make_nso("fr", "France NSO"))
    long_ago = timezone.now() - timedelta(days=90)
    lately = timezone.now() - timedelta(days=3)
    for n, country in enumerate([cast.israel, cast.uk, france, cast.israel, france]):
        for status in (VALIDATED, PENDING, REJECTED):
            school = make_school(country=country, status=status)
            school.programmes.set([[], [bridges], [bridges, voices], [voices]][(n + len(status)) % 4])
            for k, teacher_status in enumerate((VALIDATED, VALIDATED, PENDING, REJECTED)):
                teacher = make_teacher(school=school, status=teacher_status, confirmed=(n + k) % 3 != 0)
                if teacher_status != PENDING:
                    TeacherProfile.objects.filter(pk=teacher.pk).update(decided_at=lately if k % 2 else long_ago)
    cast.school_b.programmes.set([bridges])
    return {"bridges": bridges, "voices": voices, "france": france}


def coordinators(cast, network):
    both = make_person(name="Both")
    grant(both, Role.Kind.COORDINATOR, nso=cast.uk_nso)
    grant(both, Role.Kind.COORDINATOR, programme=network["voices"])
    two = make_person(name="Two programmes")
    grant(two, Role.Kind.COORDINATOR, programme=network["bridges"])
    grant(two, Role.Kind.COORDINATOR, programme=network["voices"])
    return [
        (cast.coordinator, {"nsos": [cast.il_nso]}),
        (both, {"nsos": [cast.uk_nso], "programmes": [network["voices"]]}),
        (two, {"programmes": [network["bridges"], network["voices"]]}),
    ]


def fresh(user):
    """The person read again: their roles are read once per object."""
    return type(user).objects.get(pk=user.pk)


def test_kept_figures_are_the_live_counts(cast, network):
    counting = services.count_figures()
    for user in (cast.nso_il, cast.nso_uk, cast.admin):
        assert queries.validation_counts_for_staff(fresh(user), counting) == live_staff_counts(user), user
    for user, scope in coordinators(cast, network):
        assert queries.scope_counts_for_coordinator(fresh(user), counting) == live_coordinator_counts(user, **scope), (
            user
        )
    # The figures are not trivially right: the scopes differ, and each has something in it.
    admin = queries.validation_counts_for_staff(fresh(cast.admin), counting)
    israel = queries.validation_counts_for_staff(fresh(cast.nso_il), counting)
    assert 0 < israel["validated"] < admin["validated"]
    assert 0 < israel["decided_recently"] < admin["decided_recently"]
    assert 0 < israel["schools_validated"] < admin["schools_validated"]


def test_a_school_in_two_programmes_is_counted_once(cast, network):
    """The union of two programmes is not their sum: a group is read once however many of the reader's
    programmes it names."""
    school = make_school(country=network["france"])
    school.programmes.set([network["bridges"], network["voices"]])
    make_teacher(school=school)
    counting = services.count_figures()
    for user, scope in coordinators(cast, network):
        assert queries.scope_counts_for_coordinator(fresh(user), counting) == live_coordinator_counts(user, **scope)


def test_waiting_is_live_and_totals_follow_at_the_next_counting(cast, network):
    counting = services.count_figures()
    before = queries.validation_counts_for_staff(fresh(cast.nso_il), counting)
    teacher = make_teacher(school=cast.school_a, status=PENDING)
    services.approve_teacher(teacher=make_teacher(school=cast.school_a, status=PENDING), by=cast.nso_il)
    services.approve_school(school=make_school(country=cast.israel, status=PENDING), by=cast.nso_il)
    stale = queries.validation_counts_for_staff(fresh(cast.nso_il), counting)
    assert stale["waiting"] == before["waiting"] + 1  # the new one waiting; the approved one no longer
    assert (stale["validated"], stale["schools_validated"]) == (before["validated"], before["schools_validated"])
    assert stale != live_staff_counts(cast.nso_il)

    counting = services.count_figures()
    assert queries.validation_counts_for_staff(fresh(cast.nso_il), counting) == live_staff_counts(cast.nso_il)
    assert KeptCounts.objects.get() == counting, "a counting replaces the last one"
    assert queries.validation_counts_for_staff(fresh(cast.nso_il), counting)["waiting"] == stale["waiting"]
    teacher.delete()


def test_the_recent_window_is_the_countings(cast, network):
    """ "Decided in the last 30 days" counts the 30 days before the counting, not before the page."""
    TeacherProfile.objects.update(decided_at=timezone.now() - services.RECENT + timedelta(minutes=5))
    counting = services.count_figures()
    assert queries.validation_counts_for_staff(fresh(cast.admin), counting)["decided_recently"] > 0
    TeacherProfile.objects.update(decided_at=timezone.now() - services.RECENT - timedelta(minutes=5))
    counting = services.count_figures()
    assert queries.validation_counts_for_staff(fresh(cast.admin), counting)["decided_recently"] == 0


def test_the_first_reader_counts_once_then_reads_what_was_kept(cast):
    assert not KeptCounts.objects.exists()
    first = services.kept_counts()
    assert services.kept_counts() == first
    assert KeptGroup.objects.filter(counting=first).count() == 2  # Israel's and the United Kingdom's schools


def test_the_periodic_job_counts(cast):
    from twinning.schools.tasks import count_figures

    done = count_figures()
    assert done["groups"] == 2
    assert KeptCounts.objects.count() == 1


def test_nobody_else_gets_a_validators_figures(cast):
    counting = services.count_figures()
    assert set(queries.validation_counts_for_staff(fresh(cast.teacher_a.user), counting).values()) == {0}


# --- The pages ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "name", "shown"),
    [
        ("nso_il", "schools:queue", "decisions in the last 30 days"),
        ("nso_il", "dashboard", "validated teachers"),
        ("coordinator", "dashboard", "new in the last 30 days"),
    ],
)
def test_pages_say_when_the_totals_were_counted(client, cast, who, name, shown):
    counting = services.count_figures()
    client.force_login(getattr(cast, who))
    page = client.get(reverse(name)).content.decode()
    assert shown in page
    assert f'datetime="{timezone.localtime(counting.counted_at).isoformat()}"' in page
    assert f"counted again every {services.COUNT_EVERY_MINUTES} minutes" in page


def test_the_hebrew_page_says_it_in_hebrew(client, cast):
    services.count_figures()
    page = as_(client, cast.nso_il, "he").get(reverse("schools:queue")).content.decode()
    assert "counted again" not in page
    assert "נספרו" in page


def grow(cast, n: int) -> None:
    for _ in range(n):
        for country, status in ((cast.israel, VALIDATED), (cast.israel, PENDING), (cast.uk, VALIDATED)):
            school = make_school(country=country, status=status)
            for teacher_status in (VALIDATED, PENDING, REJECTED):
                make_teacher(school=school, status=teacher_status)


@pytest.mark.parametrize(
    ("who", "name"),
    [("nso_il", "schools:queue"), ("nso_il", "dashboard"), ("admin", "dashboard"), ("coordinator", "dashboard")],
)
def test_staff_pages_queries_do_not_grow_with_the_network(client, cast, django_assert_max_num_queries, who, name):
    """One school of each kind or thirty-five: the same queries (the counting being the job's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(getattr(cast, who))
    grow(cast, 1)
    services.count_figures()
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name)).status_code == 200
    grow(cast, 35)
    services.count_figures()
    with django_assert_max_num_queries(len(small)):
        assert client.get(reverse(name)).status_code == 200
