"""Each decision posts to its own address: approving or declining a proposal, accepting or declining
a request or an invitation, and the moderators' buttons on the members' page."""

from twinning.common.models import AuditEntry, Notification
from twinning.communities import services
from twinning.communities.models import Answer, Community, Invitation, JoinRequest, Membership
from twinning.communities.services import About
from twinning.schools.models import Subject
from twinning.testing import as_


def _about(name: str, access=Community.Access.OPEN) -> About:
    return About(names={"en": name}, access=access, subject=Subject.objects.get(pk="english-foreign"))


def test_action_urls_a_proposal_is_declined_with_a_reason_at_its_own_address(client, cast):
    proposed = services.propose_community(by=cast.teacher_a.user, about=_about("Climate clubs"))
    nso = as_(client, cast.nso_il)
    page = nso.get(f"/communities/{proposed.pk}/").content.decode()
    assert f'action="/communities/{proposed.pk}/approve/"' in page
    assert f'action="/communities/{proposed.pk}/decline/"' in page
    decline = f"/communities/{proposed.pk}/decline/"
    assert as_(client, cast.nso_uk).post(decline, {"reason": "Not ours"}).status_code == 404
    # Without a reason nothing is decided, and the steward is told why.
    nso = as_(client, cast.nso_il)
    assert nso.post(decline, {"reason": " "}).status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == Community.Status.PROPOSED
    response = nso.post(decline, {"reason": "There is one already."}, follow=True)
    assert "Declined. The teacher has been told why." in response.content.decode()
    proposed.refresh_from_db()
    assert (proposed.status, proposed.decision_note) == (Community.Status.DECLINED, "There is one already.")
    assert AuditEntry.objects.filter(action="communities.declined").count() == 1
    assert nso.post(f"/communities/{proposed.pk}/approve/").status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == Community.Status.DECLINED


def test_action_urls_a_request_and_an_invitation_are_declined(client, cast):
    community = services.create_community(
        by=cast.coordinator, about=_about("Club leaders", Community.Access.INVITATION), nso=cast.il_nso
    )
    services.request_to_join(community=community, user=cast.teacher_a.user, message="")
    asked = JoinRequest.objects.get()
    moderator = as_(client, cast.coordinator)
    page = moderator.get(f"/communities/{community.pk}/invitations/").content.decode()
    assert f'formaction="/communities/{community.pk}/requests/{asked.pk}/decline/"' in page
    response = moderator.post(f"/communities/{community.pk}/requests/{asked.pk}/decline/", follow=True)
    assert "The request is declined." in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == Answer.DECLINED
    invitation = services.invite(community=community, by=cast.coordinator, invitee=cast.teacher_b.user)
    invitee = as_(client, cast.teacher_b.user)
    page = invitee.get(f"/communities/{community.pk}/").content.decode()
    assert f'formaction="/communities/{community.pk}/invitations/{invitation.pk}/decline/"' in page
    response = invitee.post(f"/communities/{community.pk}/invitations/{invitation.pk}/decline/")
    assert response["Location"] == "/communities/"
    invitation.refresh_from_db()
    assert invitation.status == Answer.DECLINED
    assert set(Membership.objects.values_list("user", flat=True)) == {cast.coordinator.pk}
    assert Invitation.objects.filter(status=Answer.PENDING).count() == 0


def test_action_urls_the_members_page_buttons_post_to_each_change(client, cast):
    community = services.create_community(by=cast.coordinator, about=_about("English teachers"), nso=cast.il_nso)
    services.join(community=community, user=cast.teacher_a.user)
    member = Membership.objects.get(user=cast.teacher_a.user)
    moderator = as_(client, cast.coordinator)
    page = moderator.get(f"/communities/{community.pk}/members/").content.decode()
    assert f'action="/communities/{community.pk}/members/{member.pk}/moderator/"' in page
    assert f'formaction="/communities/{community.pk}/members/{member.pk}/remove/"' in page
    back = f"/communities/{community.pk}/members/?q=dana"
    response = moderator.post(f"/communities/{community.pk}/members/{member.pk}/moderator/", {"next": back})
    assert response["Location"] == back
    response = moderator.post(f"/communities/{community.pk}/members/{member.pk}/member/", {"next": back})
    assert response["Location"] == back
    member.refresh_from_db()
    assert member.role == Membership.Role.MEMBER
    assert Notification.objects.filter(recipient=cast.teacher_a.user, kind="community_moderator").count() == 1
    assert moderator.get(f"/communities/{community.pk}/members/{member.pk}/remove/").status_code == 404
