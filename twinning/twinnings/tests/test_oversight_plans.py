"""On PostgreSQL, the staff pages' reads of a person's scope go through indexes in proportion to what the page shows:
NSO staff's few twinnings waiting for approval and a page of the meetings overview are each checked through the
twinning's own schools (not by reading every twinning's schools); the administrator's teachers waiting are counted
from their index and the few unconfirmed addresses (not by looking up every person); the audit log's first page is
read in order from its index (not sorted). Thousands of rows each, analysed, with no planner switch turned off.
Skipped on SQLite, which has not this planner."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from twinning import testing
from twinning.accounts.models import Role, User
from twinning.common.models import AuditEntry
from twinning.meetings.services import WORKING
from twinning.schools import queries as school_queries
from twinning.schools import services as school_services
from twinning.schools.models import School, TeacherProfile, ValidationStatus
from twinning.twinnings.models import Twinning, TwinningSchool
from twinning.twinnings.rules import twinnings_overseen_by

pytestmark = pytest.mark.django_db

COUNTRIES = 12
SCHOOLS = 6_000
TWINNINGS = 12_000


@pytest.fixture
def network(cast):
    if connection.vendor != "postgresql":
        pytest.skip("this planner is PostgreSQL's")
    countries = [
        testing.make_country(f"Q{n:01X}", f"Country {n}", nso=testing.make_nso(f"q{n}", f"NSO {n}"))
        for n in range(COUNTRIES)
    ]
    schools = School.objects.bulk_create(
        (
            School(
                name=f"School {n}",
                city="Springfield",
                school_type=School.Type.PUBLIC,
                age_from=10,
                age_to=14,
                time_zone="UTC",
                school_week="mon_fri",
                status=ValidationStatus.VALIDATED,
                country=countries[n % COUNTRIES],
            )
            for n in range(SCHOOLS)
        ),
        batch_size=2000,
    )

    def status(n: int) -> str:
        # Mostly past years' closed twinnings, a few waiting for approval, some at work.
        if n % 250 == 0:
            return Twinning.Status.ACCEPTED
        if n % 5 == 0:
            return Twinning.Status.ACTIVE
        return Twinning.Status.CLOSED

    twinnings = Twinning.objects.bulk_create(
        (
            Twinning(titles={"en": f"Twinning {n}"}, school_year=2020 + n % 6, status=status(n))
            for n in range(TWINNINGS)
        ),
        batch_size=2000,
    )
    TwinningSchool.objects.bulk_create(
        (
            TwinningSchool(twinning=twinning, school=schools[(n * 7 + side * 3) % SCHOOLS], status="joined")
            for n, twinning in enumerate(twinnings)
            for side in (0, 1)
        ),
        batch_size=4000,
    )
    people = User.objects.bulk_create(
        (
            # Two of them have not confirmed their address yet.
            User(
                email=f"waiting{n}@example.org",
                full_name=f"Waiting {n}",
                email_confirmed_at=None if n in (17, 2345) else timezone.now(),
            )
            for n in range(3000)
        ),
        batch_size=1000,
    )
    TeacherProfile.objects.bulk_create(
        (
            TeacherProfile(user=person, school=schools[n % SCHOOLS], status=ValidationStatus.PENDING)
            for n, person in enumerate(people)
        ),
        batch_size=1000,
    )
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        (AuditEntry(action=f"thing.done{n % 7}", at=now - datetime.timedelta(minutes=n)) for n in range(20_000)),
        batch_size=4000,
    )
    staff = testing.make_person(name="Staff of country 0")
    testing.grant(staff, Role.Kind.NSO_STAFF, nso=countries[0].nso)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE twinnings_twinning; ANALYZE twinnings_twinningschool; ANALYZE schools_school; "
            "ANALYZE accounts_user; ANALYZE schools_teacherprofile; ANALYZE common_auditentry"
        )
    cast.staff = User.objects.get(pk=staff.pk)
    return cast


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_oversight_plans_check_each_twinning_shown_through_its_own_schools(network):
    waiting = twinnings_overseen_by(network.staff, statuses=[Twinning.Status.ACCEPTED]).order_by().values("pk")
    page = twinnings_overseen_by(network.staff, statuses=WORKING).order_by("pk")[:51]
    wrong = {}
    for name, queryset in {"waiting for approval": waiting, "a page of the overview": page}.items():
        plan = _plan(queryset)
        # Each twinning's schools read by the twinning, never every twinning's schools.
        if "Seq Scan on twinnings_twinningschool" in plan or "(twinning_id = twinnings_twinning.id)" not in plan:
            wrong[name] = plan
    assert wrong == {}, "\n\n".join(f"{name}:\n{plan}" for name, plan in wrong.items())


def test_oversight_plans_the_administrators_waiting_counted_without_looking_up_each_person(network):
    figures = school_queries.validation_counts_for_staff(network.admin, school_services.kept_counts())
    assert (figures["waiting"], figures["unconfirmed"]) == (3000, 2)  # the cast's two waiting among them
    pending = TeacherProfile.objects.filter(status=ValidationStatus.PENDING)
    unconfirmed = User.objects.filter(email_confirmed_at__isnull=True, email__isnull=False).values("pk")
    plan = _plan(pending.filter(user_id__in=unconfirmed).values("pk"))
    assert "user_address_unconfirmed" in plan and "accounts_user_pkey" not in plan, plan
    assert "Seq Scan on accounts_user" not in plan, plan


def test_oversight_plans_the_audit_log_read_in_order_from_its_index(network):
    plan = _plan(AuditEntry.objects.order_by("-at", "-pk")[:101])
    assert "audit_log_order" in plan and "Sort" not in plan, plan
    plan = _plan(AuditEntry.objects.filter(action="thing.done3").order_by("-at", "-pk")[:101])
    assert "audit_log_by_action" in plan and "Sort" not in plan, plan
