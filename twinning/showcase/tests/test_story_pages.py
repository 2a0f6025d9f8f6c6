"""A programme's public page lists its published stories by key, newest first: every story once in order forward and
back (ties on the time of publication included), the same queries for one story as for many and on a deep page, a
forged cursor gives the first page with the message in the reader's language."""

import datetime

import pytest
from django.utils import timezone

from twinning.showcase import queries
from twinning.showcase.models import Story
from twinning.testing import as_, assert_bad_cursor_gives_first_page, walk_keyset
from twinning.twinnings.models import Twinning

pytestmark = pytest.mark.django_db


def _stories(programme, first: int, last: int) -> None:
    now = timezone.now()
    for n in range(first, last):
        twinning = Twinning.objects.create(
            titles={"en": f"Twinning {n}"}, school_year=2025, programme=programme, status=Twinning.Status.CLOSED
        )
        Story.objects.create(
            twinning=twinning,
            programme=programme,
            title=f"Story {n:02}",
            body="What the classes did together.",
            language="en",
            status=Story.Status.PUBLISHED if n % 5 else Story.Status.REJECTED,  # not every story is shown
            published_at=now - datetime.timedelta(days=n // 3),  # three at each time
        )


def test_the_stories_page_by_key_newest_first(client, programme):
    url = f"/programmes/{programme.slug}/"
    _stories(programme, 1, 2)
    (one,) = walk_keyset(client, url).counts
    _stories(programme, 2, 3 * queries.STORIES_PER_PAGE + 3)

    walk = walk_keyset(client, url)

    assert walk.counts == [one] * len(walk.forward) and len(walk.forward) >= 3
    published = Story.objects.filter(status=Story.Status.PUBLISHED)
    assert walk.rows == list(published.order_by("-published_at", "-pk"))
    assert walk.backward == walk.forward[::-1]


def test_a_forged_cursor_gives_the_stories_first_page(client, cast, programme):
    _stories(programme, 1, 4)
    assert_bad_cursor_gives_first_page(as_(client, cast.teacher_a.user, "he"), f"/programmes/{programme.slug}/")
