"""The caseload pages by key in each of its sorts: every twinning once in order forward and back (ties on the sort key
and twinnings whose health is not checked yet included), the same queries on every page and for one twinning as for
many, a forged cursor gives the first page with the message in the reader's language."""

import datetime

import pytest
from django.utils import timezone

from twinning import testing
from twinning.coordination import views
from twinning.coordination.models import State, TwinningHealth
from twinning.testing import as_, assert_bad_cursor_gives_first_page, walk_keyset
from twinning.twinnings.models import Twinning

pytestmark = pytest.mark.django_db

SIZE = 4


def _twinnings(cast, first: int, last: int) -> None:
    now = timezone.now()
    for n in range(first, last):
        twinning = testing.approved_twinning_with_new_partner(cast, name=f"Partner {n:02}")
        if n % 4 == 3:
            continue  # not checked yet: no health, listed last
        TwinningHealth.objects.create(
            twinning=twinning,
            state=State.ATTENTION,
            silent_days=n % 3,  # three values, many ties
            overdue=n % 2,
            next_meeting=now + datetime.timedelta(days=n % 3) if n % 2 else None,
        )


def _expected(rows, sort: str):
    never = datetime.datetime.max.replace(tzinfo=datetime.UTC)

    def health(twinning, name, missing):
        h = getattr(twinning, "health", None)
        value = getattr(h, name) if h else None
        return missing if value is None else value

    keys = {
        "silent": lambda t: (-health(t, "silent_days", -1), t.pk),
        "overdue": lambda t: (-health(t, "overdue", -1), t.pk),
        "next_meeting": lambda t: (health(t, "next_meeting", never), t.pk),
        "recent": lambda t: (-t.changed_at.timestamp(), -t.pk),
    }
    return sorted(rows, key=keys[sort])


@pytest.mark.parametrize("sort", ["silent", "next_meeting", "overdue", "recent"])
def test_the_caseload_pages_by_key_in_each_sort(client, cast, monkeypatch, sort):
    monkeypatch.setattr(views, "PAGE_SIZE", SIZE)
    reader = as_(client, cast.coordinator)
    url = f"/coordination/?sort={sort}"
    _twinnings(cast, 0, 1)
    reader.get(url)  # the session's first request also writes the session
    (one,) = walk_keyset(reader, url).counts
    _twinnings(cast, 1, 3 * SIZE + 1)

    walk = walk_keyset(reader, url, rows=lambda page: [t.pk for t in page])

    assert walk.counts == [one] * 4  # the first page, two deep ones, the last
    assert [len(page) for page in walk.forward] == [SIZE, SIZE, SIZE, 1]
    assert walk.backward == walk.forward[::-1]
    assert walk.rows == [t.pk for t in _expected(Twinning.objects.select_related("health"), sort)]


def test_a_forged_cursor_gives_the_caseloads_first_page(client, cast, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    _twinnings(cast, 0, 3)
    assert_bad_cursor_gives_first_page(as_(client, cast.coordinator, "he"), "/coordination/?sort=overdue")
