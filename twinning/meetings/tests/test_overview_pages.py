"""The coordinators' meetings overview pages by key on the twinning: every twinning in the person's care once in order
forward and back, the same queries for one twinning as for many and on a deep page, a forged cursor gives the first
page with the message in the reader's language."""

import pytest

from twinning import testing
from twinning.meetings import views
from twinning.testing import as_, assert_bad_cursor_gives_first_page, walk_keyset
from twinning.twinnings.models import Twinning

pytestmark = pytest.mark.django_db

SIZE = 3


def test_the_overview_pages_by_key(client, cast, monkeypatch):
    monkeypatch.setattr(views, "OVERVIEW_PAGE", SIZE)
    reader = as_(client, cast.coordinator)
    testing.approved_twinning_with_new_partner(cast, name="Partner 00")
    reader.get("/meetings/")
    (one,) = walk_keyset(reader, "/meetings/").counts
    for n in range(1, 3 * SIZE + 1):
        testing.approved_twinning_with_new_partner(cast, name=f"Partner {n:02}")

    walk = walk_keyset(reader, "/meetings/")

    assert walk.counts == [one] * 4
    assert walk.rows == list(Twinning.objects.filter(status=Twinning.Status.APPROVED).order_by("pk"))
    assert walk.backward == walk.forward[::-1]
    assert_bad_cursor_gives_first_page(as_(client, cast.coordinator, "he"), "/meetings/")
