"""Folders of a community's resources: members who share make them; who made a folder (or a
moderator) renames, orders and deletes it; who shared a resource (or a moderator) moves it. Deleting a
folder keeps its resources; bad input is told in the person's language and loses nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twinning.common.audit import AuditEntry
from twinning.common.errors import ServiceError
from twinning.communities import rules, services
from twinning.communities.models import Community, Folder, Invitation, Resource
from twinning.communities.tests.conftest import make
from twinning.testing import as_

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(cast):
    """An open community moderated by the coordinator; teachers A and B are members."""
    community = make(cast)
    services.join(community=community, user=cast.teacher_a.user)
    services.join(community=community, user=cast.teacher_b.user)
    return community


def link(community, by, title):
    return services.share_link(community=community, by=by, url="https://example.org/a", title=title)


def url(community, rest=""):
    return f"/communities/{community.pk}/resources/{rest}"


def names(community):
    return list(Folder.objects.filter(community=community).values_list("name", flat=True))


def test_a_member_makes_folders_and_the_resources_page_shows_them(client, cast, community):
    teacher = as_(client, cast.teacher_a.user)
    assert teacher.post(url(community, "folders/"), {"name": " Songs "}).status_code == 302
    assert teacher.post(url(community, "folders/"), {"name": "Games"}).status_code == 302
    assert names(community) == ["Songs", "Games"]
    page = as_(client, cast.pending_il.user).get(url(community))  # a reader who does not take part
    assert [(f.name, f.shown_count) for f in page.context["folders"]] == [("Songs", 0), ("Games", 0)]
    assert page.context["folder_choices"] == []
    assert AuditEntry.objects.filter(action="communities.folder_created").count() == 2


@pytest.mark.parametrize(
    ("name", "message"),
    [("  ", "A folder needs a name."), ("SONGS", "This community already has a folder called “SONGS”.")],
)
def test_empty_or_duplicate_names_are_refused_with_what_was_typed_kept(client, cast, community, name, message):
    services.create_folder(community=community, by=cast.teacher_a.user, name="Songs")
    response = as_(client, cast.teacher_b.user).post(url(community, "folders/"), {"name": name})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [message]
    assert response.context["form"]["name"].value() == name
    assert names(community) == ["Songs"]


def test_duplicate_name_is_refused_in_hebrew(client, cast, community):
    services.create_folder(community=community, by=cast.teacher_a.user, name="Songs")
    response = as_(client, cast.teacher_a.user, "he").post(url(community, "folders/"), {"name": "songs"})
    assert response.context["form"].errors["name"] == ["לקהילה הזו כבר יש תיקייה בשם „songs”."]


def test_resources_move_between_folders_by_who_shared_them_or_a_moderator(client, cast, community):
    songs, games = (services.create_folder(community=community, by=cast.teacher_a.user, name=n) for n in "AB")
    mine = link(community, cast.teacher_a.user, "Round")
    theirs = link(community, cast.teacher_b.user, "Clapping game")
    teacher = as_(client, cast.teacher_a.user)
    assert teacher.post(url(community, f"{mine.pk}/folder/"), {"folder": songs.pk}).status_code == 302
    assert teacher.post(url(community, f"{theirs.pk}/folder/"), {"folder": games.pk}).status_code == 404
    as_(client, cast.coordinator).post(url(community, f"{theirs.pk}/folder/"), {"folder": games.pk})
    assert dict(Resource.objects.values_list("title", "folder_id")) == {"Round": songs.pk, "Clapping game": games.pk}
    page = as_(client, cast.teacher_b.user).get(url(community))
    assert [(f.name, f.shown_count) for f in page.context["folders"]] == [("A", 1), ("B", 1)]
    assert list(page.context["page"]) == []
    inside = as_(client, cast.teacher_b.user).get(url(community, f"folders/{songs.pk}/"))
    assert [r.pk for r in inside.context["page"]] == [mine.pk]


def test_moving_into_a_folder_of_another_community_is_refused(client, cast, community):
    other = make(cast, name="History teachers")
    elsewhere = services.create_folder(community=other, by=cast.coordinator, name="Elsewhere")
    mine = link(community, cast.teacher_a.user, "Round")
    response = as_(client, cast.teacher_a.user).post(
        url(community, f"{mine.pk}/folder/"), {"folder": elsewhere.pk}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["Choose one of this community's folders."]
    mine.refresh_from_db()
    assert mine.folder_id is None
    with pytest.raises(ServiceError):
        services.file_resource(resource=mine, folder=elsewhere, by=cast.teacher_a.user)


def test_only_its_maker_or_a_moderator_changes_a_folder(client, cast, community):
    folder = services.create_folder(community=community, by=cast.teacher_a.user, name="Songs")
    other = as_(client, cast.teacher_b.user)
    assert other.post(url(community, f"folders/{folder.pk}/rename/"), {"name": "Mine"}).status_code == 404
    assert other.post(url(community, f"folders/{folder.pk}/delete/")).status_code == 404
    seen = rules.get_community_for_user(cast.teacher_b.user, community.pk)
    assert not rules.may_change_folder(cast.teacher_b.user, seen, folder)
    assert rules.may_change_folder(
        cast.teacher_a.user, rules.get_community_for_user(cast.teacher_a.user, community.pk), folder
    )
    moderator = as_(client, cast.coordinator)
    assert moderator.post(url(community, f"folders/{folder.pk}/rename/"), {"name": "Our songs"}).status_code == 302
    assert names(community) == ["Our songs"]


def test_rename_refused_keeps_what_was_typed(client, cast, community):
    first = services.create_folder(community=community, by=cast.teacher_a.user, name="Songs")
    services.create_folder(community=community, by=cast.teacher_a.user, name="Games")
    response = as_(client, cast.teacher_a.user).post(url(community, f"folders/{first.pk}/rename/"), {"name": "games"})
    assert response.status_code == 400
    form = next(f.rename_form for f in response.context["folders"] if f.pk == first.pk)
    assert (form["name"].value(), form.errors["name"]) == (
        "games",
        ["This community already has a folder called “games”."],
    )
    assert names(community) == ["Songs", "Games"]


def test_order_moves_without_javascript_and_a_stale_page_moves_nothing(client, cast, community):
    a, b, c = (services.create_folder(community=community, by=cast.teacher_a.user, name=n) for n in "ABC")
    teacher = as_(client, cast.teacher_a.user)
    teacher.post(url(community, f"folders/{c.pk}/up/"), {"seen": f"{a.pk},{b.pk},{c.pk}"})
    assert names(community) == ["A", "C", "B"]
    response = teacher.post(url(community, f"folders/{a.pk}/down/"), {"seen": f"{a.pk},{b.pk},{c.pk}"}, follow=True)
    assert names(community) == ["A", "C", "B"]
    assert [str(m) for m in response.context["messages"]] == [
        "The folders were rearranged by someone else meanwhile. Here is their order now: move again if you wish."
    ]


def test_deleting_a_folder_keeps_its_resources(client, cast, community):
    folder = services.create_folder(community=community, by=cast.teacher_a.user, name="Songs")
    mine = link(community, cast.teacher_a.user, "Round")
    services.file_resource(resource=mine, folder=folder, by=cast.teacher_a.user)
    response = as_(client, cast.teacher_a.user).post(url(community, f"folders/{folder.pk}/delete/"), follow=True)
    mine.refresh_from_db()
    assert (Folder.objects.count(), mine.folder_id, Resource.objects.count()) == (0, None, 1)
    assert [str(m) for m in response.context["messages"]] == [
        "The folder “Songs” is deleted; its 1 resource is in the list, not in a folder."
    ]


def test_an_invitation_only_communitys_folders_stay_inside(client, cast):
    community = make(cast, name="Ambassadors", access=Community.Access.INVITATION)
    services.invite(community=community, by=cast.coordinator, invitee=cast.teacher_b.user)
    services.answer_invitation(invitation=Invitation.objects.get(), user=cast.teacher_b.user, accept=True)
    folder = services.create_folder(community=community, by=cast.teacher_b.user, name="Secret folder")
    outsider = as_(client, cast.teacher_a.user)
    assert outsider.get(url(community, f"folders/{folder.pk}/")).status_code == 404
    assert outsider.post(url(community, "folders/"), {"name": "Mine"}).status_code == 404
    assert "Secret folder" not in outsider.get(f"/communities/{community.pk}/").content.decode()


def test_an_archived_community_keeps_its_folders_unchanged(cast, community):
    folder = services.create_folder(community=community, by=cast.teacher_a.user, name="Songs")
    Community.objects.filter(pk=community.pk).update(status=Community.Status.ARCHIVED)
    folder.refresh_from_db()
    with pytest.raises(ServiceError):
        services.rename_folder(folder=folder, by=cast.coordinator, name="Other")


def test_resources_page_makes_no_query_per_folder(client, cast, community):
    reader = as_(client, cast.teacher_b.user)

    def queries_with(count):
        for n in range(Folder.objects.count(), count):
            folder = services.create_folder(community=community, by=cast.teacher_a.user, name=f"F{n}")
            resource = link(community, cast.teacher_a.user, f"R{n}")
            services.file_resource(resource=resource, folder=folder, by=cast.teacher_a.user)
        with CaptureQueriesContext(connection) as listed, CaptureQueriesContext(connection) as arranged:
            reader.get(url(community))
            reader.get(url(community, "folders/"))
        return len(listed), len(arranged)

    assert queries_with(1) == queries_with(3)


def test_a_page_open_on_a_folder_deleted_meanwhile_says_so_and_keeps_the_typed_name(client, cast, community):
    folder = services.create_folder(community=community, by=cast.teacher_a.user, name="Songs")
    gone = folder.pk
    services.delete_folder(folder=folder, by=cast.coordinator)
    response = as_(client, cast.teacher_a.user).post(url(community, f"folders/{gone}/rename/"), {"name": "Tunes"})
    assert [str(m) for m in response.context["messages"]] == ["This folder was deleted meanwhile."]
    assert response.context["form"]["name"].value() == "Tunes"
    assert names(community) == []
