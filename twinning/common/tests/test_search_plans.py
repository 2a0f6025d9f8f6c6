"""On PostgreSQL, the long lists' own queries (as the pages send them) reach their rows through an index: the directory
and people searches through the trigram index on the folded copy, a deep page of the directory and of the
notifications through the index in the list's order. Twenty thousand rows, analysed, with no planner switch turned
off: fewer, and reading a table whole is honestly cheaper than any index. Skipped on SQLite, which has neither the
trigram index nor this planner."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twinning.accounts.models import User
from twinning.common.models import Notification
from twinning.schools.models import School, ValidationStatus
from twinning.testing import as_

pytestmark = pytest.mark.django_db

ROWS = 20_000
WORDS = [f"{stem}{n}" for stem in ("oak", "אלון", "الزيتون", "rivière", "גבעת", "النور") for n in range(40)]
TOWNS = ["Haifa", "חיפה", "نابلس", "Lyon", "Kraków", "São Paulo", "الخليل", "Zürich", "Córdoba", "Akko"]


@pytest.fixture
def many(cast):
    if connection.vendor != "postgresql":
        pytest.skip("the trigram indexes and this planner are PostgreSQL's")
    rng = random.Random(3)
    schools = []
    for n in range(ROWS):
        school = School(
            name=f"{rng.choice(WORDS)} School {n}",
            native_name=f"בית ספר {rng.choice(WORDS)}" if n % 3 == 0 else "",
            city=rng.choice(TOWNS),
            country=cast.israel if n % 2 else cast.uk,
            school_type=School.Type.PUBLIC,
            age_from=6 + n % 8,
            age_to=14,
            status=ValidationStatus.VALIDATED,
            time_zone="UTC",
            school_week="mon_fri",
        )
        school.fold_searched()
        schools.append(school)
    School.objects.bulk_create(schools, batch_size=1000)
    people = []
    for n in range(ROWS):
        person = User(full_name=f"{rng.choice(WORDS)} Teacher {n}", email=f"teacher{n}@school{n % 97}.example.org")
        person.fold_searched()
        people.append(person)
    User.objects.bulk_create(people, batch_size=1000)
    reader = cast.teacher_a.user
    Notification.objects.bulk_create(
        Notification(recipient=reader if n % 4 == 0 else people[n], kind="workspace_post_held", params={"name": "x"})
        for n in range(ROWS)
    )
    with connection.cursor() as cursor:
        # What autovacuum does to a live table: the trigram indexes' pending lists (rows just written, which the
        # planner counts as a cost) merged into the indexes, and the statistics gathered.
        for index in ("schools_school_search_trgm", "accounts_user_search_trgm"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE schools_school; ANALYZE accounts_user; ANALYZE common_notification")
    return cast


def _plan(client, user, url: str, table: str) -> tuple[str, object]:
    """The plan of the page's list query on `table` (ordered and limited), and the response."""
    with CaptureQueriesContext(connection) as captured:
        response = as_(client, user).get(url)
    assert response.status_code == 200
    (sql,) = [
        q["sql"]
        for q in captured
        if q["sql"].startswith("SELECT")
        and f'FROM "{table}"' in q["sql"]
        and "ORDER BY" in q["sql"]
        and " LIMIT " in q["sql"]
        and " IN (" not in q["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall()), response


def _deep(client, user, url: str) -> str:
    """The address of the fourth page of a list, by its next links."""
    for _ in range(3):
        page = as_(client, user).get(url).context["page"]
        url = f"{url.split('?')[0]}?after={page.next_cursor}"
    return url


def test_the_long_lists_reach_their_rows_through_their_indexes(client, many):
    # One test for the four lists: the rows take most of its time.
    teacher = many.teacher_a.user
    checks = {
        "directory search": (teacher, "/schools/?q=rivière17", "schools_school", "schools_school_search_trgm"),
        "deep directory page": (
            teacher,
            _deep(client, teacher, "/schools/"),
            "schools_school",
            "school_directory_order",
        ),
        "people search": (many.admin, "/accounts/roles/?person=אלון12", "accounts_user", "accounts_user_search_trgm"),
        "deep notifications page": (
            teacher,
            _deep(client, teacher, "/notifications/"),
            "common_notification",
            "common_notification_list",
        ),
    }
    wrong = {}
    for name, (user, url, table, index) in checks.items():
        plan, response = _plan(client, user, url, table)
        listed = response.context["people"] if name == "people search" else response.context["page"]
        if not len(listed) or index not in plan or f"Seq Scan on {table}" in plan:
            wrong[name] = plan
    assert wrong == {}, "\n\n".join(f"{name}:\n{plan}" for name, plan in wrong.items())
