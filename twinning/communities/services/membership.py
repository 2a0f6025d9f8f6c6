"""Joining, asking to join, invitations, leaving, moderators and removing members."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.accounts.models import User
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.notifications import notify, notify_many
from twinning.communities import rules
from twinning.communities.models import Answer, Community, Invitation, JoinRequest, Membership, Removal

from ._common import _active, _add_member, _name_for, _url

# Joining, requests and invitations --------------------------------------------------------------


def join(*, community: Community, user) -> Membership:
    """Join an open community at once."""
    _active(community)
    if not community.is_open:
        raise ServiceError(_("This community is by invitation: ask to join, and a moderator will answer."))
    if Removal.objects.filter(community=community, user=user).exists():
        raise ServiceError(_("A moderator removed you from this community: ask a moderator to invite you again."))
    with transaction.atomic():
        if Membership.objects.filter(community=community, user=user).exists():
            raise ServiceError(_("You are already a member."))
        member = _add_member(community, user)
        # Invitations and requests this makes pointless are answered with it.
        Invitation.objects.filter(community=community, user=user, status=Answer.PENDING).update(
            status=Answer.ACCEPTED, answered_at=member.joined_at
        )
    return member


def request_to_join(*, community: Community, user, message: str = "") -> JoinRequest:
    """Ask to join a community by invitation. Side effect: its moderators are notified."""
    _active(community)
    if Membership.objects.filter(community=community, user=user).exists():
        raise ServiceError(_("You are already a member."))
    if JoinRequest.objects.filter(community=community, user=user, status=Answer.PENDING).exists():
        raise ServiceError(_("You have already asked to join: a moderator will answer."))
    with transaction.atomic():
        request = JoinRequest.objects.create(community=community, user=user, message=message.strip()[:500])
        moderators = User.objects.filter(
            community_memberships__community=community, community_memberships__role=Membership.Role.MODERATOR
        )
        notify_many(
            [
                (
                    moderator,
                    "community_request",
                    reverse("communities:invitations", args=[community.pk]),
                    {"name": user.full_name, "community": _name_for(community, moderator)},
                )
                for moderator in moderators
            ]
        )
    return request


def answer_request(*, request: JoinRequest, by, accept: bool) -> JoinRequest:
    """A moderator accepts (the person becomes a member, and is told) or declines (and they are told)."""
    community = request.community
    _active(community)
    if request.status != Answer.PENDING:
        raise ServiceError(_("This request has already been answered."))
    with transaction.atomic():
        request.status = Answer.ACCEPTED if accept else Answer.DECLINED
        request.decided_by, request.decided_at = by, timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
        if accept and not Membership.objects.filter(community=community, user=request.user).exists():
            _add_member(community, request.user)
        notify(
            user=request.user,
            kind="community_request_accepted" if accept else "community_request_declined",
            url=_url(community),
            community=_name_for(community, request.user),
        )
    return request


def invite(*, community: Community, by, invitee) -> Invitation:
    """Invite one person who may take part. Side effect: they are notified, and only they can answer."""
    _active(community)
    if invitee is None or not rules.can_take_part(invitee):
        raise ServiceError(
            _("Nobody who can take part in communities has this address. Ask them to join the platform first.")
        )
    if Membership.objects.filter(community=community, user=invitee).exists():
        raise ServiceError(_("%(name)s is already a member.") % {"name": invitee.full_name})
    if Invitation.objects.filter(community=community, user=invitee, status=Answer.PENDING).exists():
        raise ServiceError(_("%(name)s has already been invited.") % {"name": invitee.full_name})
    with transaction.atomic():
        invitation = Invitation.objects.create(community=community, user=invitee, invited_by=by)
        notify(
            user=invitee,
            kind="community_invited",
            url=_url(community),
            name=by.full_name,
            community=_name_for(community, invitee),
        )
    return invitation


def answer_invitation(*, invitation: Invitation, user, accept: bool) -> Invitation:
    """The invited person accepts (and becomes a member) or declines. Nobody else can answer it."""
    if invitation.user_id != user.pk:
        raise ServiceError(_("This invitation is for someone else."))
    if invitation.status != Answer.PENDING:
        raise ServiceError(_("This invitation has already been answered."))
    community = invitation.community
    _active(community)
    with transaction.atomic():
        invitation.status = Answer.ACCEPTED if accept else Answer.DECLINED
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["status", "answered_at"])
        if accept and not Membership.objects.filter(community=community, user=user).exists():
            _add_member(community, user)
            JoinRequest.objects.filter(community=community, user=user, status=Answer.PENDING).update(
                status=Answer.ACCEPTED, decided_at=invitation.answered_at
            )
    return invitation


def withdraw_invitation(*, invitation: Invitation, by) -> Invitation:
    """A moderator takes back an invitation not answered yet (sent to the wrong person, say)."""
    if invitation.status != Answer.PENDING:
        raise ServiceError(_("This invitation has already been answered."))
    invitation.status, invitation.answered_at = Answer.WITHDRAWN, timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    return invitation


# Members and moderators -------------------------------------------------------------------------


def _moderators_left(community: Community, *, without: Membership) -> int:
    return Membership.objects.filter(community=community, role=Membership.Role.MODERATOR).exclude(pk=without.pk).count()


def leave(*, community: Community, user) -> None:
    """Leave the community; the last moderator names another one first."""
    with transaction.atomic():
        # Locked so that two moderators stepping down at once cannot leave it with none.
        Community.objects.select_for_update().filter(pk=community.pk).first()
        member = Membership.objects.filter(community=community, user=user).first()
        if member is None:
            raise ServiceError(_("You are not a member."))
        if member.is_moderator and not _moderators_left(community, without=member):
            raise ServiceError(_("You are the only moderator: make another member a moderator before you leave."))
        member.delete()
        Community.objects.filter(pk=community.pk).update(member_count=F("member_count") - 1)


def set_role(*, member: Membership, role: str, by) -> Membership:
    """Make a member a moderator or a moderator a member again; a community always keeps one."""
    community = member.community
    _active(community)
    if role not in Membership.Role.values:
        raise ServiceError(_("Unknown role."))
    with transaction.atomic():
        Community.objects.select_for_update().filter(pk=community.pk).first()
        if role == Membership.Role.MEMBER and member.is_moderator and not _moderators_left(community, without=member):
            raise ServiceError(_("A community needs at least one moderator: make someone else a moderator first."))
        if member.role == role:
            return member
        member.role = role
        member.save(update_fields=["role"])
        audit.record(actor=by, action=f"communities.role_{role}", target=community, user=member.user_id)
        if role == Membership.Role.MODERATOR and member.user_id != by.pk:
            notify(
                user=member.user,
                kind="community_moderator",
                url=_url(community),
                community=_name_for(community, member.user),
            )
    return member


def remove_member(*, member: Membership, by, reason: str = "") -> None:
    """A moderator removes someone; they cannot join again by themselves (an invitation lets them back)."""
    community = member.community
    _active(community)
    if member.user_id == by.pk:
        raise ServiceError(_("To leave the community yourself, use “Leave”."))
    with transaction.atomic():
        Community.objects.select_for_update().filter(pk=community.pk).first()
        if member.is_moderator and not _moderators_left(community, without=member):
            raise ServiceError(_("A community needs at least one moderator: make someone else a moderator first."))
        user = member.user
        member.delete()
        Community.objects.filter(pk=community.pk).update(member_count=F("member_count") - 1)
        Removal.objects.update_or_create(
            community=community, user=user, defaults={"by": by, "reason": reason.strip()[:500], "at": timezone.now()}
        )
        audit.record(actor=by, action="communities.removed", target=community, reason=reason.strip(), user=user.pk)
        notify(user=user, kind="community_removed", url="", community=_name_for(community, user))
