"""On PostgreSQL, the validation queue's live figures (teachers and schools waiting) and its list of new schools
reach the few waiting rows through the partial indexes on the waiting status, not by reading every school and teacher
of the NSO's countries. Twenty thousand schools and teachers, one in fifty waiting, analysed, with no planner switch
turned off. Skipped on SQLite, which has not this planner."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from twinning.accounts.models import User
from twinning.schools.models import School, TeacherProfile, ValidationStatus
from twinning.schools.services import count_figures
from twinning.testing import as_

pytestmark = pytest.mark.django_db

ROWS = 20_000
# The schools waiting are reached through either index that leads with the waiting status: the partial one per
# country, or the older one of status and date (the planner takes the cheaper; neither reads the other schools).
SCHOOLS_WAITING = "school_waiting_by_country|schools_sch_status_412c6a_idx"


@pytest.fixture
def many(cast):
    if connection.vendor != "postgresql":
        pytest.skip("this planner is PostgreSQL's")
    schools = School.objects.bulk_create(
        [
            School(
                name=f"School {n}",
                city="Haifa",
                country=cast.israel if n % 2 else cast.uk,
                school_type=School.Type.PUBLIC,
                age_from=8,
                age_to=14,
                status=ValidationStatus.PENDING if n % 50 == 0 else ValidationStatus.VALIDATED,
                time_zone="UTC",
                school_week="mon_fri",
            )
            for n in range(ROWS)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    people = User.objects.bulk_create(
        [User(full_name=f"Teacher {n}", email=f"teacher{n}@example.org", email_confirmed_at=now) for n in range(ROWS)],
        batch_size=2000,
    )
    TeacherProfile.objects.bulk_create(
        [
            TeacherProfile(
                user=person,
                school=schools[n],
                status=ValidationStatus.PENDING if n % 50 in (0, 7) else ValidationStatus.VALIDATED,
                decided_at=None if n % 50 in (0, 7) else now - timedelta(minutes=n),
            )
            for n, person in enumerate(people)
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE schools_school; ANALYZE schools_teacherprofile; ANALYZE accounts_user")
    count_figures()
    return cast


def _plans(client, user, url: str, table: str, marker: str, also: str = "'pending'") -> list[str]:
    """The plans of the page's queries on `table` that carry `marker` and `also` (by default: name the waiting)."""
    with CaptureQueriesContext(connection) as captured:
        response = as_(client, user).get(url)
    assert response.status_code == 200
    plans = []
    for query in captured:
        sql = query["sql"]
        # The query's own table, not one a subquery reads: Django names a subquery's tables U0, U1… (a count may
        # hold a subquery in its select list, before the query's own FROM).
        own = re.search(rf'FROM "{table}"(?! U\d)', sql)
        if sql.startswith("SELECT") and own and marker in sql and also in sql:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN {sql}")
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def test_the_queue_counts_and_lists_the_waiting_through_their_indexes(client, many):
    checks = {
        "teachers waiting": (
            many.nso_il,
            "schools:queue",
            "schools_teacherprofile",
            "COUNT(",
            "teacher_waiting_by_school",
        ),
        "schools waiting": (many.nso_il, "schools:queue", "schools_school", "COUNT(", SCHOOLS_WAITING),
        "new schools listed": (many.nso_il, "schools:queue", "schools_school", " LIMIT ", SCHOOLS_WAITING),
        "the queue's page": (many.admin, "schools:queue", "schools_teacherprofile", " LIMIT ", "teacher_queue_order"),
    }
    wrong = {}
    for name, (user, url, table, marker, index) in checks.items():
        plans = _plans(client, user, reverse(url), table, marker)
        if not plans or any(
            not any(name in plan for name in index.split("|")) or f"Seq Scan on {table}" in plan for plan in plans
        ):
            wrong[name] = "\n--\n".join(plans) or "no such query"
    assert wrong == {}, "\n\n".join(f"{name}:\n{plan}" for name, plan in wrong.items())
