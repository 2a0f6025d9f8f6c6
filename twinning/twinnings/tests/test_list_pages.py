"""The twinnings list pages by key: every twinning once in order forward and back (ties on the time of the last change
included), as many queries for 1 twinning as for 30 and on a deep page, a forged cursor gives the first page."""

import datetime

import pytest
from django.utils import timezone

from twinning import testing
from twinning.testing import as_, assert_bad_cursor_gives_first_page, walk_keyset
from twinning.twinnings import services
from twinning.twinnings.models import Twinning
from twinning.twinnings.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


def _propose(cast, n: int) -> Twinning:
    partner = testing.make_school(country=cast.uk, name=f"Partner {n:02}")
    twinning = services.propose_twinning(
        from_school=cast.school_a, to_schools=[partner], by=cast.teacher_a.user, school_year=2026
    )
    # Three twinnings share each time of last change: the order among them is their id's.
    when = timezone.now() - datetime.timedelta(hours=n // 3)
    Twinning.objects.filter(pk=twinning.pk).update(changed_at=when)
    return twinning


def test_the_twinnings_list_pages_by_key_with_as_many_queries_for_1_as_for_many(client, cast):
    _propose(cast, 0)
    reader = as_(client, cast.admin)
    (one,) = walk_keyset(reader, "/twinnings/").counts
    for n in range(1, 2 * PAGE_SIZE + 5):
        _propose(cast, n)

    walk = walk_keyset(reader, "/twinnings/")

    assert walk.counts == [one, one, one]  # the first page, one in the middle, the last
    assert walk.rows == list(Twinning.objects.order_by("-changed_at", "-pk"))
    assert [len(page) for page in walk.forward] == [PAGE_SIZE, PAGE_SIZE, 5]
    assert walk.backward == walk.forward[::-1]


def test_the_twinnings_list_shows_only_the_readers_twinnings_on_every_page(client, cast):
    for n in range(PAGE_SIZE + 2):
        _propose(cast, n)
    outsider = testing.make_teacher(school=testing.make_school(country=cast.uk, name="Elsewhere"), name="Outsider")
    assert walk_keyset(as_(client, outsider.user), "/twinnings/").rows == []
    assert len(walk_keyset(as_(client, cast.teacher_a.user), "/twinnings/").rows) == PAGE_SIZE + 2


def test_a_forged_cursor_gives_the_twinnings_lists_first_page(client, cast):
    for n in range(3):
        _propose(cast, n)
    assert_bad_cursor_gives_first_page(as_(client, cast.admin, "he"), "/twinnings/")


def _history(target, actor, n: int) -> None:
    from django.contrib.contenttypes.models import ContentType

    from twinning.common.models import AuditEntry

    kind = ContentType.objects.get_for_model(target)
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor,
            action="twinning.approved",
            target_type=kind,
            target_id=target.pk,
            at=now - datetime.timedelta(days=1 + i // 4),  # four entries at each time
            reason=f"Entry {i:03}",
        )
        for i in range(n)
    )


def test_a_twinnings_whole_history_pages_by_key(client, cast):
    from twinning.common.audit import entries_for
    from twinning.twinnings.views import HISTORY_SIZE

    twinning = _propose(cast, 0)
    url = f"/twinnings/{twinning.pk}/"
    reader = as_(client, cast.admin)
    reader.get(url)
    (one,) = walk_keyset(reader, url, context="history_page", prefix="history_").counts
    _history(twinning, cast.coordinator, 2 * HISTORY_SIZE + 7)

    walk = walk_keyset(reader, url, context="history_page", prefix="history_")

    assert walk.counts == [one, one, one]
    assert walk.rows == list(entries_for(twinning))
    assert len(set(walk.rows)) == len(walk.rows) >= 2 * HISTORY_SIZE + 7
    assert walk.backward == walk.forward[::-1]
    assert {entry.reason for entry in walk.rows} >= {f"Entry {i:03}" for i in range(2 * HISTORY_SIZE + 7)}
    assert_bad_cursor_gives_first_page(as_(client, cast.admin, "he"), url, context="history_page", prefix="history_")
