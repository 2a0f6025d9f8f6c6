"""On PostgreSQL, a deep page of the lists newly paged by key reaches its rows through the index in the list's order:
the twinnings list, a twinning's history, the international labels and the courses and events. Twenty thousand rows
each, analysed, with no planner switch turned off. Skipped on SQLite, which has not this planner."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from twinning.common.models import AuditEntry
from twinning.learning.models import Offering
from twinning.recognition.models import Label
from twinning.testing import as_
from twinning.twinnings.models import Twinning

pytestmark = pytest.mark.django_db

ROWS = 20_000


@pytest.fixture
def many(cast):
    if connection.vendor != "postgresql":
        pytest.skip("this planner is PostgreSQL's")
    now = timezone.now()
    twinnings = Twinning.objects.bulk_create(
        (
            Twinning(
                titles={"en": f"Twinning {n}"},
                school_year=2020 + n % 7,
                status=Twinning.Status.ACTIVE if n % 3 else Twinning.Status.CLOSED,
                changed_at=now - datetime.timedelta(minutes=n // 2),
            )
            for n in range(ROWS)
        ),
        batch_size=2000,
    )
    watched = twinnings[0]
    kind = ContentType.objects.get_for_model(Twinning)
    AuditEntry.objects.bulk_create(
        (
            AuditEntry(
                action="twinning.approved",
                target_type=kind,
                # A tenth of the entries are the watched twinning's, the rest its neighbours'.
                target_id=watched.pk if n % 10 == 0 else twinnings[n % 500].pk,
                at=now - datetime.timedelta(minutes=n),
            )
            for n in range(ROWS)
        ),
        batch_size=2000,
    )
    Label.objects.bulk_create(
        (
            Label(
                kind=Label.Kind.INTERNATIONAL if n % 4 == 0 else Label.Kind.NATIONAL,
                school_year=2015 + n % 10,
                school=cast.school_a,
            )
            for n in range(ROWS)
        ),
        batch_size=2000,
    )
    start = now + datetime.timedelta(days=30)
    Offering.objects.bulk_create(
        (
            Offering(
                kind=Offering.Kind.COURSE,
                titles={"en": f"Course {n}"},
                nso=cast.il_nso,
                audience=Offering.Audience.NETWORK,
                status=Offering.Status.PUBLISHED if n % 2 else Offering.Status.DRAFT,
                capacity=30,
                starts_at=start + datetime.timedelta(hours=n),
                ends_at=start + datetime.timedelta(hours=n, minutes=90),
                language_id="en",
            )
            for n in range(ROWS)
        ),
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE twinnings_twinning; ANALYZE common_auditentry; ANALYZE recognition_label; "
            "ANALYZE learning_offering"
        )
    cast.watched = watched
    return cast


def _deep(client, url: str, *, context: str = "page", prefix: str = "") -> str:
    """The address of the fourth page of a list, by its next links."""
    for _ in range(3):
        page = client.get(url).context[context]
        separator = "&" if "?" in url else "?"
        url = f"{url.split(separator + prefix + 'after=')[0]}{separator}{prefix}after={page.next_cursor}"
    return url


def _plan(client, url: str, table: str, bound: str) -> str:
    """The plan of the page's list query on `table`: the one that orders, limits and bounds by the cursor's `bound`
    column."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    (sql,) = [
        q["sql"]
        for q in captured
        if q["sql"].startswith("SELECT")
        and f'FROM "{table}"' in q["sql"]
        and "ORDER BY" in q["sql"]
        and " LIMIT " in q["sql"]
        and (f'"{table}"."{bound}" >' in q["sql"] or f'"{table}"."{bound}" <' in q["sql"])
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_deep_pages_of_the_lists_paged_by_key_read_through_their_indexes(client, many):
    admin = as_(client, many.admin)
    history = f"/twinnings/{many.watched.pk}/"
    audit_index = AuditEntry._meta.indexes[0].name
    checks = {
        "twinnings list": (_deep(admin, "/twinnings/"), "twinnings_twinning", "changed_at", "twinning_list_order"),
        "a twinning's history": (
            _deep(admin, history, context="history_page", prefix="history_"),
            "common_auditentry",
            "at",
            audit_index,
        ),
        "international labels": (
            _deep(admin, "/labels/international/"),
            "recognition_label",
            "school_year",
            "label_list_order",
        ),
        "courses and events": (
            _deep(admin, "/learning/?when="),
            "learning_offering",
            "starts_at",
            "offering_listing_order",
        ),
    }
    wrong = {}
    for name, (url, table, bound, index) in checks.items():
        plan = _plan(admin, url, table, bound)
        if index not in plan or f"Seq Scan on {table}" in plan:
            wrong[name] = plan
    assert wrong == {}, "\n\n".join(f"{name}:\n{plan}" for name, plan in wrong.items())
