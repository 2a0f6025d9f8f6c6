"""The roles page's list of roles pages by key, newest grant first: every role once in order forward and back (ties on
the time of the grant included), the same queries for one role as for many and on a deep page, a forged cursor gives
the first page with the message in the reader's language."""

import datetime

import pytest
from django.utils import timezone

from twinning import testing
from twinning.accounts import role_views
from twinning.accounts.models import Role
from twinning.accounts.queries import roles_for_manager
from twinning.testing import as_, assert_bad_cursor_gives_first_page, walk_keyset

pytestmark = pytest.mark.django_db

SIZE = 4


def _grant(cast, first: int, last: int) -> None:
    now = timezone.now()
    for n in range(first, last):
        role = testing.grant(testing.make_person(name=f"Staff {n:02}"), Role.Kind.NSO_STAFF, nso=cast.il_nso)
        Role.objects.filter(pk=role.pk).update(granted_at=now - datetime.timedelta(days=n // 3))


def test_the_roles_list_pages_by_key_newest_first(client, cast, monkeypatch):
    monkeypatch.setattr(role_views, "PAGE_SIZE", SIZE)
    reader = as_(client, cast.admin)
    url = "/accounts/roles/?kind=nso_staff"
    _grant(cast, 0, 1)
    reader.get(url)
    (one,) = walk_keyset(reader, url).counts
    _grant(cast, 1, 3 * SIZE + 2)

    walk = walk_keyset(reader, url)

    assert walk.counts == [one] * len(walk.forward) and len(walk.forward) >= 4
    assert walk.rows == list(roles_for_manager(cast.admin, kind=Role.Kind.NSO_STAFF))
    assert walk.backward == walk.forward[::-1]
    assert_bad_cursor_gives_first_page(as_(client, cast.admin, "he"), url)
