"""The library's search pages by key, in each of its orders: every activity once, the same queries for 1 as for 30,
and a count that stops at a thousand."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twinning.library import services
from twinning.library.models import Activity
from twinning.library.tests.conftest import submitted
from twinning.testing import as_

pytestmark = pytest.mark.django_db


def _publish(cast, n: int) -> None:
    version = submitted(cast.teacher_a.user, f"Paged activity {n:02}")
    services.publish(version=version, by=cast.coordinator)
    Activity.objects.filter(pk=version.activity_id).update(use_count=n % 4)  # ties in the order by use


def _walk(reader, sort: str):
    url, counts, titles = f"/library/?q=paged&sort={sort}", [], []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = reader.get(url)
        counts.append(len(captured))
        page = response.context["page"]
        titles += [activity.published.title for activity in page]
        url = f"/library/?q=paged&sort={sort}&after={page.next_cursor}" if page.has_next else None
    return counts, titles, response


@pytest.mark.parametrize("sort", ["used", "new", "title"])
def test_library_pages_hold_every_activity_once_with_as_many_queries_for_1_as_for_30(client, cast, sort):
    _publish(cast, 0)
    reader = as_(client, cast.teacher_b.user)
    reader.get("/library/")  # a warm process: the reference rows it keeps are read on its first page only
    (one,), _, _ = _walk(reader, sort)
    for n in range(1, 30):
        _publish(cast, n)

    counts, titles, last = _walk(reader, sort)

    assert counts == [one, one]
    assert sorted(titles) == [f"Paged activity {n:02}" for n in range(30)] and len(set(titles)) == 30
    if sort == "title":
        assert titles == sorted(titles)
    assert "30 activities" in last.content.decode()


def test_library_counts_no_further_than_a_thousand(client, cast, monkeypatch):
    from twinning.common import keyset

    monkeypatch.setattr(keyset.count_at_most, "__defaults__", (2,))
    for n in range(3):
        _publish(cast, n)
    body = as_(client, cast.teacher_b.user).get("/library/?q=paged").content.decode()
    assert "More than 2 activities" in body
