"""Communities of practice through the client: joining, invitations and requests, who sees inside,
proposals, archiving, and the listing."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twinning import testing
from twinning.common.errors import ServiceError
from twinning.common.models import Notification
from twinning.communities import services
from twinning.communities.models import Answer, Community, Invitation, JoinRequest, Membership, Thread
from twinning.communities.services import About
from twinning.communities.tests.conftest import make
from twinning.schools.models import Subject
from twinning.testing import as_

pytestmark = pytest.mark.django_db


def member_ids(community) -> set[int]:
    return set(Membership.objects.filter(community=community).values_list("user_id", flat=True))


def names_listed(client, user, query: str = "") -> list[str]:
    page = as_(client, user).get(f"/communities/?{query}").content.decode()
    return re.findall(r'data-testid="community">\s*<h3><a [^>]*>([^<]+)</a>', page)


def test_teacher_joins_an_open_community_at_once(client, cast):
    community = make(cast)
    response = as_(client, cast.teacher_a.user).post(f"/communities/{community.pk}/join/")
    assert response.status_code == 302
    community.refresh_from_db()
    assert member_ids(community) == {cast.coordinator.pk, cast.teacher_a.user.pk}
    assert community.member_count == 2
    page = client.get(f"/communities/{community.pk}/").content.decode()
    assert "Leave the community" in page
    # Joining twice changes nothing (the button is gone; a replayed form is refused).
    assert client.post(f"/communities/{community.pk}/join/").status_code == 404
    community.refresh_from_db()
    assert community.member_count == 2


def test_communities_of_my_own_are_listed_first(client, cast):
    mine = make(cast, name="Mine, the older one")
    make(cast, name="Newer, not mine")
    as_(client, cast.teacher_a.user).post(f"/communities/{mine.pk}/join/")
    assert names_listed(client, cast.teacher_a.user) == ["Mine, the older one", "Newer, not mine"]
    assert names_listed(client, cast.teacher_b.user) == ["Newer, not mine", "Mine, the older one"]


def test_invitation_only_community_refuses_a_direct_join_and_takes_a_request(client, cast):
    community = make(cast, name="Palestine NSO ambassadors", access=Community.Access.INVITATION)
    with pytest.raises(ServiceError):
        services.join(community=community, user=cast.teacher_a.user)
    # The page's button asks to join instead: a request for the moderators, not a membership.
    response = as_(client, cast.teacher_a.user).post(
        f"/communities/{community.pk}/join/", {"message": "I run our school's eTwinning club."}
    )
    assert response.status_code == 302
    assert member_ids(community) == {cast.coordinator.pk}
    request = JoinRequest.objects.get()
    assert (request.user, request.status, request.message) == (
        cast.teacher_a.user,
        Answer.PENDING,
        "I run our school's eTwinning club.",
    )
    assert Notification.objects.filter(recipient=cast.coordinator, kind="community_request").count() == 1
    # Another member who is not a moderator cannot answer it; the moderator can.
    answer = f"/communities/{community.pk}/requests/{request.pk}/accept/"
    assert as_(client, cast.teacher_b.user).post(answer).status_code == 404
    assert as_(client, cast.coordinator).post(answer).status_code == 302
    assert member_ids(community) == {cast.coordinator.pk, cast.teacher_a.user.pk}
    assert Notification.objects.get(recipient=cast.teacher_a.user).kind == "community_request_accepted"


def test_invitation_is_accepted_only_by_the_person_invited(client, cast):
    community = make(cast, access=Community.Access.INVITATION)
    response = as_(client, cast.coordinator).post(
        f"/communities/{community.pk}/invitations/", {"email": cast.teacher_b.user.email.upper()}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.user == cast.teacher_b.user
    assert Notification.objects.get(recipient=cast.teacher_b.user).kind == "community_invited"
    answer = f"/communities/{community.pk}/invitations/{invitation.pk}/accept/"
    # Someone else with the link gets nothing: not a member, and the invitation still waits.
    assert as_(client, cast.teacher_a.user).post(answer).status_code == 404
    with pytest.raises(ServiceError):
        services.answer_invitation(invitation=invitation, user=cast.teacher_a.user, accept=True)
    invitation.refresh_from_db()
    assert (invitation.status, member_ids(community)) == (Answer.PENDING, {cast.coordinator.pk})
    # The invitee sees it in the listing and accepts it.
    listing = as_(client, cast.teacher_b.user).get("/communities/").content.decode()
    assert listing.count('data-testid="invitation"') == 1
    assert client.post(answer).status_code == 302
    assert member_ids(community) == {cast.coordinator.pk, cast.teacher_b.user.pk}
    # Answered once: a second answer is a 404.
    assert client.post(answer.replace("/accept/", "/decline/")).status_code == 404


def test_moderator_withdraws_an_invitation_before_it_is_answered(client, cast):
    community = make(cast, access=Community.Access.INVITATION)
    invitation = services.invite(community=community, by=cast.coordinator, invitee=cast.teacher_b.user)
    withdraw = f"/communities/{community.pk}/invitations/{invitation.pk}/withdraw/"
    assert as_(client, cast.teacher_b.user).post(withdraw).status_code == 404
    assert as_(client, cast.coordinator).post(withdraw).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Answer.WITHDRAWN
    answer = f"/communities/{community.pk}/invitations/{invitation.pk}/accept/"
    assert as_(client, cast.teacher_b.user).post(answer).status_code == 404
    assert member_ids(community) == {cast.coordinator.pk}


def test_inviting_someone_who_cannot_take_part_is_refused_with_a_reason(client, cast):
    community = make(cast, access=Community.Access.INVITATION)
    moderator = as_(client, cast.coordinator)
    for address in ("nobody@example.org", cast.pending_il.user.email):
        response = moderator.post(f"/communities/{community.pk}/invitations/", {"email": address})
        assert "Nobody who can take part in communities has this address." in response.content.decode()
    assert Invitation.objects.count() == 0
    # Found by name: validated teachers who are not members yet, never a pending teacher.
    found = moderator.get(f"/communities/{community.pk}/invitations/?q=o").content.decode()
    assert 'data-testid="candidate"' not in found  # fewer than three letters: no search
    found = moderator.get(f"/communities/{community.pk}/invitations/?q=Sarah").content.decode()
    assert found.count('data-testid="candidate"') == 1
    found = moderator.get(f"/communities/{community.pk}/invitations/?q=Yossi").content.decode()
    assert found.count('data-testid="candidate"') == 0
    moderator.post(f"/communities/{community.pk}/invitations/", {"person": cast.teacher_b.user.pk})
    assert Invitation.objects.get().user == cast.teacher_b.user


def _secret_community(client, cast):
    """An invitation-only community with a thread, a link, a file and a member, all of which could leak."""
    community = make(cast, name="Ambassadors", access=Community.Access.INVITATION)
    services.invite(community=community, by=cast.coordinator, invitee=cast.teacher_b.user)
    services.answer_invitation(invitation=Invitation.objects.get(), user=cast.teacher_b.user, accept=True)
    thread = services.start_thread(
        community=community, by=cast.teacher_b.user, title="Secret plans", body="The conference programme"
    )
    services.share_link(
        community=community, by=cast.teacher_b.user, url="https://example.org/plan", title="Draft programme"
    )
    return community, thread


def test_non_members_get_404_inside_an_invitation_only_community(client, cast, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    community, thread = _secret_community(client, cast)
    resource = services.share_file(
        community=community,
        by=cast.teacher_b.user,
        upload=SimpleUploadedFile("notes.txt", b"Speakers: to be confirmed"),
        title="Speaker notes",
    )
    post = thread.posts.get()
    inside = [
        f"/communities/{community.pk}/threads/",
        f"/communities/{community.pk}/threads/{thread.pk}/",
        f"/communities/{community.pk}/resources/",
        f"/communities/{community.pk}/resources/{resource.pk}/file/",
        f"/communities/{community.pk}/members/",
        f"/communities/{community.pk}/invitations/",
    ]
    outsider = as_(client, cast.teacher_a.user)
    for url in inside:
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(inside[1], {"body": "Let me in"}).status_code == 404
    assert outsider.post(f"/communities/{community.pk}/posts/{post.pk}/hide/", {"reason": "x"}).status_code == 404
    # Its name and description are listed so teachers can ask to join; nothing inside shows.
    assert names_listed(client, cast.teacher_a.user) == ["Ambassadors"]
    about = outsider.get(f"/communities/{community.pk}/").content.decode()
    for secret in ("Secret plans", "Draft programme", "Speaker notes", "Sarah Cohen", 'data-testid="moderator"'):
        assert secret not in about
    assert "Ask to join" in about
    # Members see all of it.
    member = as_(client, cast.teacher_b.user)
    for url in inside[:5]:
        assert member.get(url).status_code == 200, url
    assert member.get(inside[5]).status_code == 404  # invitations are for moderators


def test_teacher_waiting_for_validation_reads_an_open_community_but_does_not_take_part(client, cast):
    community = make(cast)
    thread = services.start_thread(community=community, by=cast.coordinator, title="Welcome", body="Say hello!")
    pending = as_(client, cast.pending_il.user)
    assert pending.get(f"/communities/{community.pk}/threads/{thread.pk}/").status_code == 200
    assert pending.get(f"/communities/{community.pk}/resources/").status_code == 200
    assert pending.get(f"/communities/{community.pk}/members/").status_code == 404
    assert pending.post(f"/communities/{community.pk}/join/").status_code == 404
    assert pending.post(f"/communities/{community.pk}/threads/{thread.pk}/", {"body": "Hi"}).status_code == 404
    assert "Once your NSO has validated your account" in pending.get(f"/communities/{community.pk}/").content.decode()
    assert pending.get("/communities/new/").status_code == 404
    assert (thread.posts.count(), member_ids(community)) == (1, {cast.coordinator.pk})


def test_communities_are_not_for_pupils(client, cast, twinning, pupils):
    community = make(cast)
    thread = services.start_thread(community=community, by=cast.coordinator, title="Welcome", body="Hello")
    ours, _theirs = pupils
    pupil = as_(client, ours.user)
    for url in (
        "/communities/",
        "/communities/new/",
        f"/communities/{community.pk}/",
        f"/communities/{community.pk}/threads/",
        f"/communities/{community.pk}/threads/{thread.pk}/",
        f"/communities/{community.pk}/resources/",
        f"/communities/{community.pk}/members/",
    ):
        assert pupil.get(url).status_code == 404, url
    assert pupil.post(f"/communities/{community.pk}/join/").status_code == 404
    assert member_ids(community) == {cast.coordinator.pk}
    assert "/communities/" not in pupil.get("/dashboard/").content.decode()


def test_moderators_remove_members_who_then_need_an_invitation_to_come_back(client, cast):
    community = make(cast)
    services.join(community=community, user=cast.teacher_a.user)
    member = Membership.objects.get(user=cast.teacher_a.user)
    # A member who is not a moderator cannot remove anyone.
    services.join(community=community, user=cast.teacher_b.user)
    url = f"/communities/{community.pk}/members/{member.pk}/remove/"
    assert as_(client, cast.teacher_b.user).post(url).status_code == 404
    assert as_(client, cast.coordinator).post(url).status_code == 302
    community.refresh_from_db()
    assert (member_ids(community), community.member_count) == ({cast.coordinator.pk, cast.teacher_b.user.pk}, 2)
    assert Notification.objects.filter(recipient=cast.teacher_a.user, kind="community_removed").count() == 1
    response = as_(client, cast.teacher_a.user).post(f"/communities/{community.pk}/join/", follow=True)
    assert "A moderator removed you from this community" in response.content.decode()
    assert cast.teacher_a.user.pk not in member_ids(community)
    # An invitation lets them back.
    services.invite(community=community, by=cast.coordinator, invitee=cast.teacher_a.user)
    services.answer_invitation(invitation=Invitation.objects.get(), user=cast.teacher_a.user, accept=True)
    assert cast.teacher_a.user.pk in member_ids(community)


def test_the_last_moderator_cannot_step_down_or_leave(client, cast):
    community = make(cast)
    services.join(community=community, user=cast.teacher_a.user)
    own = Membership.objects.get(user=cast.coordinator)
    moderator = as_(client, cast.coordinator)
    response = moderator.post(f"/communities/{community.pk}/members/{own.pk}/member/", follow=True)
    assert "A community needs at least one moderator" in response.content.decode()
    response = moderator.post(f"/communities/{community.pk}/leave/", follow=True)
    assert "You are the only moderator" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Membership.Role.MODERATOR
    # Once another member is a moderator, the first one may step down and leave.
    teacher = Membership.objects.get(user=cast.teacher_a.user)
    moderator.post(f"/communities/{community.pk}/members/{teacher.pk}/moderator/")
    teacher.refresh_from_db()
    assert teacher.role == Membership.Role.MODERATOR
    assert Notification.objects.filter(recipient=cast.teacher_a.user, kind="community_moderator").count() == 1
    assert moderator.post(f"/communities/{community.pk}/leave/").status_code == 302
    assert member_ids(community) == {cast.teacher_a.user.pk}


def test_teacher_proposes_a_community_and_their_nso_approves_it(client, cast):
    data = {
        "name_en": "Climate clubs",
        "name_he": "מועדוני אקלים",
        "description_en": "After-school clubs that act on climate.",
        "theme": "climate",
        "access": "open",
    }
    response = as_(client, cast.teacher_a.user).post("/communities/new/", data)
    community = Community.objects.get()
    assert response["Location"] == f"/communities/{community.pk}/"
    assert (community.status, community.nso, member_ids(community)) == (Community.Status.PROPOSED, cast.il_nso, set())
    assert Notification.objects.get(kind="community_proposed").recipient == cast.nso_il
    # Not listed, not readable, by anyone else than the proposer and the Israeli NSO.
    assert names_listed(client, cast.teacher_b.user) == []
    assert as_(client, cast.teacher_b.user).get(f"/communities/{community.pk}/").status_code == 404
    approve = f"/communities/{community.pk}/approve/"
    assert as_(client, cast.nso_uk).post(approve).status_code == 404
    assert as_(client, cast.teacher_a.user).post(approve).status_code == 404
    assert as_(client, cast.nso_il).post(approve).status_code == 302
    community.refresh_from_db()
    assert community.status == Community.Status.ACTIVE
    assert Membership.objects.get(community=community).user == cast.teacher_a.user
    assert Membership.objects.get(community=community).role == Membership.Role.MODERATOR
    assert names_listed(client, cast.teacher_b.user) == ["Climate clubs"]


def test_staff_open_a_community_at_once_and_bad_input_says_why(client, cast):
    staff = as_(client, cast.nso_il)
    response = staff.post("/communities/new/", {"name_en": " ", "access": "open"})
    body = response.content.decode()
    assert "Give the community a name in at least one language." in body
    assert "Say what the community gathers around: a subject, a theme or a region." in body
    assert Community.objects.count() == 0
    staff.post("/communities/new/", {"name_ar": "معلمو فلسطين", "countries": ["IL"], "access": "invitation"})
    community = Community.objects.get()
    assert (community.status, community.names, community.nso) == (
        Community.Status.ACTIVE,
        {"ar": "معلمو فلسطين"},
        cast.il_nso,
    )
    assert Membership.objects.get(community=community).user == cast.nso_il


def test_community_named_in_a_language_added_to_the_settings(client, cast, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("fr", "Français")]
    staff = as_(client, cast.nso_il)
    page = staff.get("/communities/new/").content.decode()
    assert '<label for="id_name_fr">French</label>' in page
    assert '<textarea name="description_fr" cols="40" rows="3" lang="fr" dir="ltr"' in page
    staff.post(
        "/communities/new/",
        {
            "name_fr": "Professeurs de français",
            "description_fr": "Pour échanger.",
            "theme": "climate",
            "access": "open",
        },
    )
    community = Community.objects.get()
    assert (community.names, community.descriptions) == ({"fr": "Professeurs de français"}, {"fr": "Pour échanger."})
    edit = staff.get(f"/communities/{community.pk}/edit/").content.decode()
    assert 'name="name_fr" value="Professeurs de français"' in edit


def test_archived_community_is_read_only(client, cast):
    community = make(cast)
    services.join(community=community, user=cast.teacher_a.user)
    thread = services.start_thread(community=community, by=cast.teacher_a.user, title="Ideas", body="Share yours")
    assert as_(client, cast.teacher_a.user).post(f"/communities/{community.pk}/archive/").status_code == 404
    assert as_(client, cast.coordinator).post(f"/communities/{community.pk}/archive/").status_code == 302
    member = as_(client, cast.teacher_a.user)
    page = member.get(f"/communities/{community.pk}/threads/{thread.pk}/").content.decode()
    assert "This community is archived" in page
    assert 'id="reply"' not in page
    assert member.post(f"/communities/{community.pk}/threads/{thread.pk}/", {"body": "Late"}).status_code == 404
    assert as_(client, cast.teacher_b.user).post(f"/communities/{community.pk}/join/").status_code == 404
    assert thread.posts.count() == 1
    # Not listed unless archived ones are asked for.
    assert names_listed(client, cast.teacher_b.user) == []
    assert names_listed(client, cast.teacher_b.user, "archived=on") == ["English teachers of the network"]


def test_listing_finds_by_words_in_any_language_subject_country_and_access(client, cast):
    make(cast, name="English teachers")
    services.create_community(
        by=cast.nso_il,
        about=About(
            names={"en": "Galilee and Bethlehem", "he": "הגליל ובית לחם"},
            countries=[cast.israel, cast.uk],
            access=Community.Access.INVITATION,
        ),
    )
    reader = cast.teacher_b.user
    assert names_listed(client, reader, "q=english") == ["English teachers"]
    assert names_listed(client, reader, "q=%D7%94%D7%92%D7%9C%D7%99%D7%9C") == ["Galilee and Bethlehem"]
    assert names_listed(client, reader, "subject=english-foreign") == ["English teachers"]
    assert names_listed(client, reader, "country=GB") == ["Galilee and Bethlehem"]
    assert names_listed(client, reader, "access=invitation") == ["Galilee and Bethlehem"]
    assert names_listed(client, reader, "country=GB&access=open") == []


def test_listing_queries_do_not_grow_with_communities(client, cast):
    first = make(cast, name="One", countries=[cast.israel])
    services.join(community=first, user=cast.teacher_a.user)
    reader = as_(client, cast.teacher_a.user)
    reader.get("/communities/")
    with CaptureQueriesContext(connection) as one:
        reader.get("/communities/")
    second = make(cast, name="Two", countries=[cast.israel, cast.uk], access=Community.Access.INVITATION)
    make(cast, name="Three", theme=None, subject=None, countries=[cast.uk])
    services.request_to_join(community=second, user=cast.teacher_a.user)
    reader = as_(client, cast.teacher_a.user)
    reader.get("/communities/")
    with CaptureQueriesContext(connection) as three:
        body = reader.get("/communities/").content.decode()
    assert body.count('data-testid="community"') == 3
    assert len(three) == len(one)


def test_members_list_shows_school_country_role_and_its_queries_do_not_grow(client, cast):
    community = make(cast)
    services.join(community=community, user=cast.teacher_a.user)
    reader = as_(client, cast.teacher_a.user)
    reader.get(f"/communities/{community.pk}/members/")
    with CaptureQueriesContext(connection) as two:
        reader.get(f"/communities/{community.pk}/members/")
    for n in range(2):
        school = testing.make_school(country=cast.uk, name=f"School {n}")
        services.join(community=community, user=testing.make_teacher(school=school).user)
    reader = as_(client, cast.teacher_a.user)
    reader.get(f"/communities/{community.pk}/members/")
    with CaptureQueriesContext(connection) as four:
        body = reader.get(f"/communities/{community.pk}/members/").content.decode()
    assert len(four) == len(two)
    rows = re.findall(r'<tr data-testid="member">(.*?)</tr>', body, flags=re.S)
    cells = [re.sub(r"<[^>]+>", "", row).split() for row in rows[:2]]
    # The moderator first (a coordinator: no school, their role), then the teachers by name.
    assert cells[0][:3] == ["Avi", "Coordinator", "Pedagogic"]
    assert "Moderator" in cells[0]
    assert cells[1][:5] == ["Dana", "Levi", "Reali", "School", "Israel"]
    assert len(rows) == 4
    # A search by name narrows the list.
    assert (
        reader.get(f"/communities/{community.pk}/members/?q=dana").content.decode().count('data-testid="member"') == 1
    )


def test_hebrew_page_is_right_to_left_with_the_hebrew_name(client, cast):
    community = services.create_community(
        by=cast.coordinator,
        about=About(names={"en": "English teachers", "he": "מורים לאנגלית"}, subject=Subject.objects.get(pk="hebrew")),
    )
    cast.teacher_b.user.preferred_language = "he"
    cast.teacher_b.user.save(update_fields=["preferred_language"])
    reader = as_(client, cast.teacher_b.user)
    for url in ("/communities/", f"/communities/{community.pk}/"):
        page = reader.get(url).content.decode()
        assert '<html lang="he" dir="rtl">' in page
        assert "מורים לאנגלית" in page
        assert "English teachers" not in page


def test_thread_list_shows_pinned_first_and_new_replies(client, cast):
    community = make(cast)
    services.join(community=community, user=cast.teacher_a.user)
    old = services.start_thread(community=community, by=cast.coordinator, title="House rules", body="Be kind")
    services.start_thread(community=community, by=cast.teacher_a.user, title="Newer", body="Hello")
    moderator = as_(client, cast.coordinator)
    assert moderator.post(f"/communities/{community.pk}/threads/{old.pk}/pin/").status_code == 302
    assert as_(client, cast.teacher_a.user).post(f"/communities/{community.pk}/threads/{old.pk}/pin/").status_code == (
        404
    )
    page = as_(client, cast.teacher_a.user).get(f"/communities/{community.pk}/threads/").content.decode()
    titles = re.findall(r'data-testid="thread"><a [^>]*>([^<]+)</a>', page)
    assert titles == ["House rules", "Newer"]
    assert Thread.objects.get(pk=old.pk).pinned_at is not None
