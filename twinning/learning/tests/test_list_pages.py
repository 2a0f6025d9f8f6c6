"""The courses and events page by key, coming ones and past ones, in the listing and in an organiser's own list: every
offering once in order forward and back (ties on the start included, and drafts with no start yet), as many queries for
one as for many and on a deep page, a forged cursor gives the first page with the message in the reader's language."""

from datetime import timedelta

import pytest

from twinning.learning import views
from twinning.learning.models import Offering
from twinning.testing import as_, assert_bad_cursor_gives_first_page, walk_keyset

from .conftest import START, into_the_past, make_offering

pytestmark = pytest.mark.django_db

SIZE = 4


def _offerings(cast, first: int, last: int, *, past: bool = False, drafts: bool = False) -> None:
    for n in range(first, last):
        # Three offerings start at each time; some drafts have no session, so no start.
        no_start = drafts and n % 4 == 0
        offering = make_offering(
            cast,
            start=START + timedelta(days=n // 3),
            sessions=0 if no_start else 1,
            publish=not (drafts and n % 2 == 0),
        )
        if past and not no_start:
            into_the_past(offering)


@pytest.mark.parametrize("when", ["", "past"])
def test_the_listing_pages_by_key(client, cast, monkeypatch, when):
    monkeypatch.setattr(views.offerings, "PAGE_SIZE", SIZE)
    reader = as_(client, cast.teacher_a.user)
    url = f"/learning/?when={when}"
    _offerings(cast, 0, 1, past=bool(when))
    reader.get(url)
    (one,) = walk_keyset(reader, url).counts
    _offerings(cast, 1, 3 * SIZE + 1, past=bool(when))

    walk = walk_keyset(reader, url)

    assert walk.counts == [one] * 4
    assert [len(page) for page in walk.forward] == [SIZE, SIZE, SIZE, 1]
    assert walk.backward == walk.forward[::-1]
    order = ("-starts_at", "-pk") if when else ("starts_at", "pk")
    assert walk.rows == list(Offering.objects.order_by(*order))
    word = "already over" if when else "coming up"
    assert f"{3 * SIZE + 1} courses and events {word}" in walk.last.content.decode()
    assert_bad_cursor_gives_first_page(as_(client, cast.teacher_a.user, "he"), url)


@pytest.mark.parametrize("when", ["", "past"])
def test_an_organisers_list_pages_by_key_drafts_first(client, cast, monkeypatch, when):
    monkeypatch.setattr(views.offerings, "PAGE_SIZE", SIZE)
    reader = as_(client, cast.nso_il)
    url = f"/learning/organise/?when={when}"
    _offerings(cast, 0, 1, past=bool(when), drafts=True)
    reader.get(url)
    (one,) = walk_keyset(reader, url).counts
    _offerings(cast, 1, 3 * SIZE + 1, past=bool(when), drafts=True)

    walk = walk_keyset(reader, url)

    assert walk.counts == [one] * len(walk.forward)
    assert walk.backward == walk.forward[::-1]
    shown = walk.rows
    assert len(shown) == len(set(shown))
    if when:
        assert shown == sorted(shown, key=lambda o: (-o.starts_at.timestamp(), -o.pk))
        assert len(shown) == Offering.objects.exclude(starts_at=None).count()
    else:
        assert shown == sorted(shown, key=lambda o: (o.starts_at is not None, o.starts_at or START, o.pk))
        assert len(shown) == Offering.objects.count() and shown[0].starts_at is None
    assert_bad_cursor_gives_first_page(as_(client, cast.nso_il, "he"), url)
