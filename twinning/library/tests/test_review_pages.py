"""The review queue pages by key, oldest first: every version waiting once in order forward and back (ties on the time
of submission included), the same queries for one version as for many and on a deep page, a forged cursor gives the
first page with the message in the reader's language."""

import datetime

import pytest
from django.utils import timezone

from twinning.library import views
from twinning.library.models import Version
from twinning.library.tests.conftest import submitted
from twinning.testing import as_, assert_bad_cursor_gives_first_page, walk_keyset

pytestmark = pytest.mark.django_db

SIZE = 4


def _submit(cast, first: int, last: int) -> None:
    when = timezone.now()
    for n in range(first, last):
        version = submitted(cast.teacher_a.user, f"Waiting activity {n:02}")
        Version.objects.filter(pk=version.pk).update(submitted_at=when - datetime.timedelta(days=20 - n // 3))


def test_the_review_queue_pages_by_key_oldest_first(client, cast, monkeypatch):
    monkeypatch.setattr(views, "REVIEW_SIZE", SIZE)
    reader = as_(client, cast.coordinator)
    _submit(cast, 0, 1)
    reader.get("/library/review/")
    (one,) = walk_keyset(reader, "/library/review/").counts
    _submit(cast, 1, 3 * SIZE + 2)

    walk = walk_keyset(reader, "/library/review/")

    assert walk.counts == [one] * 4
    waiting = Version.objects.filter(state=Version.State.SUBMITTED).order_by("submitted_at", "pk")
    assert walk.rows == list(waiting) and len(walk.rows) == 3 * SIZE + 2
    assert walk.backward == walk.forward[::-1]
    assert_bad_cursor_gives_first_page(as_(client, cast.coordinator, "he"), "/library/review/")
