"""The communities' long lists page by key: the listing, a community's members and its resources (in the list and in
a folder). Each: every row once in order forward and back (ties on the first keys included), as many queries for one
row as for many and on a deep page, a forged cursor gives the first page with the message in the reader's language."""

import datetime

import pytest
from django.utils import timezone

from twinning import testing
from twinning.communities.models import Community, Folder, Membership, Resource
from twinning.communities.queries import LISTING_KEYS, MEMBER_KEYS, RESOURCE_KEYS
from twinning.communities.views._common import PAGE_SIZE
from twinning.communities.views.membership import MEMBERS_PER_PAGE
from twinning.testing import as_, assert_bad_cursor_gives_first_page, walk_keyset

from .conftest import make

pytestmark = pytest.mark.django_db


def _communities(cast, first: int, last: int) -> None:
    now = timezone.now()
    for n in range(first, last):
        community = make(cast, name=f"Paged community {n:02}", by=cast.nso_il if n % 5 else cast.coordinator)
        # Three communities share each time of last activity.
        Community.objects.filter(pk=community.pk).update(last_activity_at=now - datetime.timedelta(hours=n // 3))


def test_the_listing_pages_by_key_the_readers_own_first(client, cast):
    _communities(cast, 0, 1)
    reader = as_(client, cast.coordinator)
    (one,) = walk_keyset(reader, "/communities/").counts
    _communities(cast, 1, 2 * PAGE_SIZE + 3)

    walk = walk_keyset(reader, "/communities/")

    listed = walk.rows
    assert walk.counts == [one, one, one]
    assert [len(page) for page in walk.forward] == [PAGE_SIZE, PAGE_SIZE, 3]
    assert walk.backward == walk.forward[::-1]
    assert len(listed) == len(set(listed)) == Community.objects.count()
    expected = sorted(listed, key=lambda c: (not c.mine, -c.last_activity_at.timestamp(), -c.pk))
    assert listed == expected and listed[0].mine and not listed[-1].mine
    assert LISTING_KEYS == ("-mine", "-last_activity_at", "-pk")
    assert f"{len(listed)} communities" in walk.last.content.decode()


def test_the_listing_counts_no_further_than_a_thousand(client, cast, monkeypatch):
    from twinning.common import keyset

    monkeypatch.setattr(keyset.count_at_most, "__defaults__", (2,))
    _communities(cast, 0, 3)
    assert "More than 2 communities" in as_(client, cast.coordinator).get("/communities/").content.decode()


def test_a_forged_cursor_gives_the_listings_first_page(client, cast):
    _communities(cast, 0, 3)
    assert_bad_cursor_gives_first_page(as_(client, cast.coordinator, "he"), "/communities/")


def _members(community, first: int, last: int) -> None:
    for n in range(first, last):
        # Names that repeat, and a few moderators: the order is role, then name, then id.
        person = testing.make_person(name=f"Member {('Alef', 'Bet', 'Gimel')[n % 3]}")
        role = Membership.Role.MODERATOR if n % 7 == 0 else Membership.Role.MEMBER
        Membership.objects.create(community=community, user=person, role=role)


def test_the_members_page_by_key_moderators_first_then_by_name(client, cast):
    community = make(cast)
    url = f"/communities/{community.pk}/members/"
    reader = as_(client, cast.coordinator)
    (one,) = walk_keyset(reader, url).counts  # the coordinator, its moderator
    _members(community, 0, 2 * MEMBERS_PER_PAGE + 4)

    walk = walk_keyset(reader, url)

    assert walk.counts == [one, one, one]
    assert walk.rows == list(Membership.objects.filter(community=community).order_by(*MEMBER_KEYS))
    assert [len(page) for page in walk.forward] == [MEMBERS_PER_PAGE, MEMBERS_PER_PAGE, 5]
    assert walk.backward == walk.forward[::-1]
    assert f"{2 * MEMBERS_PER_PAGE + 5} members" in walk.last.content.decode()
    searched = walk_keyset(reader, f"{url}?q=gimel")
    assert searched.rows == [m for m in walk.rows if m.user.full_name == "Member Gimel"]


def test_a_forged_cursor_gives_the_members_first_page(client, cast):
    community = make(cast)
    _members(community, 0, 3)
    assert_bad_cursor_gives_first_page(as_(client, cast.coordinator, "he"), f"/communities/{community.pk}/members/")


def _resources(community, first: int, last: int, *, folder=None) -> None:
    now = timezone.now()
    for n in range(first, last):
        Resource.objects.create(
            community=community,
            kind=Resource.Kind.LINK,
            title=f"Resource {n:02}",
            url=f"https://example.org/{n}",
            added_at=now - datetime.timedelta(hours=n // 3),  # three at each time
            folder=folder,
        )


@pytest.mark.parametrize("in_folder", [False, True])
def test_the_resources_page_by_key_newest_first(client, cast, in_folder):
    community = make(cast)
    folder = Folder.objects.create(community=community, name="Worksheets") if in_folder else None
    url = f"/communities/{community.pk}/resources/" + (f"folders/{folder.pk}/" if folder else "")
    reader = as_(client, cast.coordinator)
    _resources(community, 0, 1, folder=folder)
    (one,) = walk_keyset(reader, url).counts
    _resources(community, 1, 2 * PAGE_SIZE + 2, folder=folder)
    _resources(community, 100, 103, folder=None if folder else Folder.objects.create(community=community, name="x"))

    walk = walk_keyset(reader, url)

    assert walk.counts == [one, one, one]
    assert walk.rows == list(Resource.objects.filter(community=community, folder=folder).order_by(*RESOURCE_KEYS))
    assert [len(page) for page in walk.forward] == [PAGE_SIZE, PAGE_SIZE, 2]
    assert walk.backward == walk.forward[::-1]
    assert_bad_cursor_gives_first_page(as_(client, cast.coordinator, "he"), url)
