"""A school's proposals page by key, newest first: every proposal once in order forward and back (ties on the time
included), the same queries for one proposal as for many and on a deep page, a forged cursor gives the first page with
the message in the reader's language."""

import datetime

import pytest
from django.utils import timezone

from twinning import testing
from twinning.matching import views
from twinning.matching.models import Proposal
from twinning.testing import as_, assert_bad_cursor_gives_first_page, walk_keyset

from .conftest import make_profile

pytestmark = pytest.mark.django_db

SIZE = 4


def _proposals(cast, own, first: int, last: int) -> None:
    now = timezone.now()
    for n in range(first, last):
        partner = make_profile(testing.make_school(country=cast.uk, name=f"Partner {n:02}"))
        left, right = (own, partner) if n % 2 else (partner, own)  # made by the school, or made to it
        Proposal.objects.create(
            origin="search", left=left, right=right, created_at=now - datetime.timedelta(hours=n // 3)
        )


def test_a_schools_proposals_page_by_key_newest_first(client, cast, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", SIZE)
    own = make_profile(cast.school_a)
    reader = as_(client, cast.teacher_a.user)
    _proposals(cast, own, 0, 1)
    reader.get("/matching/proposals/")
    (one,) = walk_keyset(reader, "/matching/proposals/").counts
    _proposals(cast, own, 1, 3 * SIZE + 2)

    walk = walk_keyset(reader, "/matching/proposals/")

    assert walk.counts == [one] * len(walk.forward) and len(walk.forward) == 4
    assert walk.rows == list(Proposal.objects.order_by("-created_at", "-pk"))
    assert walk.backward == walk.forward[::-1]
    assert_bad_cursor_gives_first_page(as_(client, cast.teacher_a.user, "he"), "/matching/proposals/")
