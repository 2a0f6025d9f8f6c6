"""Writes in communities of practice: opening and proposing them, joining, inviting, moderating,
discussing and sharing.

The callers (views, the demo) have checked who may act with `communities.rules`; the services
check the state of things (an archived community changes nothing, a community keeps at least one
moderator, an invitation is answered once) and keep the community's counters, with `F()` updates
inside the transaction so two people joining at once are both counted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.accounts.models import Role, User
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.i18n import pick
from twinning.common.notifications import notify, notify_many
from twinning.communities import rules
from twinning.communities.models import (
    Answer,
    Community,
    Invitation,
    JoinRequest,
    Membership,
    Post,
    Removal,
    Resource,
    Thread,
    ThreadVisit,
)
from twinning.communities.text import render
from twinning.workspace.media import UploadRefused, examine, safe_name

LANGUAGES = ("en", "he", "ar")


@dataclass
class About:
    """What a community is: its name and description in any of the three languages, and its focus."""

    names: dict
    descriptions: dict = field(default_factory=dict)
    subject: object = None
    theme: object = None
    countries: list = field(default_factory=list)
    access: str = Community.Access.OPEN


def _texts(values: dict) -> dict:
    return {code: values[code].strip() for code in LANGUAGES if (values.get(code) or "").strip()}


def _check(about: About) -> None:
    if not _texts(about.names):
        raise ServiceError(_("Give the community a name in at least one language."))
    if about.subject is None and about.theme is None and not list(about.countries):
        raise ServiceError(_("Say what the community gathers around: a subject, a theme or a region."))
    if about.access not in Community.Access.values:
        raise ServiceError(_("Choose who can join."))


def _write(community: Community, about: About) -> None:
    community.names, community.descriptions = _texts(about.names), _texts(about.descriptions)
    community.search_text = " ".join([*community.names.values(), *community.descriptions.values()]).lower()
    community.subject, community.theme, community.access = about.subject, about.theme, about.access
    community.save()
    community.countries.set(about.countries)


def _name_for(community: Community, user) -> str:
    """The community's name in the recipient's language, for a notification's sentence."""
    return pick(community.names, user.preferred_language)


def _url(community: Community) -> str:
    return reverse("communities:community", args=[community.pk])


def _add_member(community: Community, user, role: str = Membership.Role.MEMBER) -> Membership:
    member = Membership.objects.create(community=community, user=user, role=role)
    Removal.objects.filter(community=community, user=user).delete()
    Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + 1)
    return member


def _active(community: Community) -> None:
    if community.status != Community.Status.ACTIVE:
        raise ServiceError(_("This community is archived: it can be read but not changed."))


# Opening, proposing, approving, archiving -----------------------------------------------------


def create_community(*, by, about: About, nso=None) -> Community:
    """Open a community at once (coordinators, NSO staff, administrators); `by` is its first moderator.
    `nso` is the NSO that looks after it (None: the administrators)."""
    _check(about)
    with transaction.atomic():
        community = Community(created_by=by, nso=nso, status=Community.Status.ACTIVE)
        _write(community, about)
        _add_member(community, by, Membership.Role.MODERATOR)
        audit.record(actor=by, action="communities.created", target=community)
    community.refresh_from_db()
    return community


def propose_community(*, by, about: About) -> Community:
    """A teacher's proposal, for the staff of their country's NSO (or the administrators) to approve.
    Side effect: those reviewers are notified."""
    _check(about)
    nso = by.teacher.school.country.nso if hasattr(by, "teacher") else None
    with transaction.atomic():
        community = Community(created_by=by, nso=nso, status=Community.Status.PROPOSED)
        _write(community, about)
        if nso is not None:
            reviewers = User.objects.filter(roles__kind=Role.Kind.NSO_STAFF, roles__nso=nso, is_active=True)
        else:
            reviewers = User.objects.filter(is_superuser=True, is_active=True)
        notify_many(
            [
                (
                    reviewer,
                    "community_proposed",
                    _url(community),
                    {"name": by.full_name, "community": _name_for(community, reviewer)},
                )
                for reviewer in reviewers.distinct()
            ]
        )
    return community


def approve_community(*, community: Community, by) -> Community:
    """The proposal opens; the teacher who proposed it is its first moderator and is told."""
    if community.status != Community.Status.PROPOSED:
        raise ServiceError(_("Only a proposed community can be approved."))
    with transaction.atomic():
        community.status, community.decided_by, community.decided_at = Community.Status.ACTIVE, by, timezone.now()
        community.last_activity_at = community.decided_at
        community.save(update_fields=["status", "decided_by", "decided_at", "last_activity_at"])
        proposer = community.created_by
        if proposer is not None and not Membership.objects.filter(community=community, user=proposer).exists():
            _add_member(community, proposer, Membership.Role.MODERATOR)
        audit.record(actor=by, action="communities.approved", target=community)
        if proposer is not None:
            notify(
                user=proposer,
                kind="community_approved",
                url=_url(community),
                community=_name_for(community, proposer),
            )
    community.refresh_from_db()
    return community


def decline_community(*, community: Community, by, reason: str) -> Community:
    if community.status != Community.Status.PROPOSED:
        raise ServiceError(_("Only a proposed community can be declined."))
    if not reason.strip():
        raise ServiceError(_("Tell the teacher why, so they can propose it again differently."))
    with transaction.atomic():
        community.status, community.decided_by, community.decided_at = Community.Status.DECLINED, by, timezone.now()
        community.decision_note = reason.strip()
        community.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit.record(actor=by, action="communities.declined", target=community, reason=reason.strip())
        if community.created_by is not None:
            notify(
                user=community.created_by,
                kind="community_declined",
                url=_url(community),
                community=_name_for(community, community.created_by),
                reason=reason.strip(),
            )
    return community


def edit_community(*, community: Community, by, about: About) -> Community:
    _check(about)
    with transaction.atomic():
        _write(community, about)
        audit.record(actor=by, action="communities.edited", target=community)
    return community


def archive_community(*, community: Community, by) -> Community:
    """Read-only from now on: the threads and resources stay for the members to read."""
    _active(community)
    with transaction.atomic():
        community.status, community.archived_at = Community.Status.ARCHIVED, timezone.now()
        community.save(update_fields=["status", "archived_at"])
        JoinRequest.objects.filter(community=community, status=Answer.PENDING).update(
            status=Answer.DECLINED, decided_by=by, decided_at=community.archived_at
        )
        Invitation.objects.filter(community=community, status=Answer.PENDING).update(
            status=Answer.DECLINED, answered_at=community.archived_at
        )
        audit.record(actor=by, action="communities.archived", target=community)
    return community


def reopen_community(*, community: Community, by) -> Community:
    if community.status != Community.Status.ARCHIVED:
        raise ServiceError(_("Only an archived community can be reopened."))
    with transaction.atomic():
        community.status, community.archived_at = Community.Status.ACTIVE, None
        community.save(update_fields=["status", "archived_at"])
        audit.record(actor=by, action="communities.reopened", target=community)
    return community


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


# Discussions ------------------------------------------------------------------------------------


def _touched(community: Community, when) -> None:
    Community.objects.filter(pk=community.pk).update(last_activity_at=when)


def start_thread(*, community: Community, by, title: str, body: str) -> Thread:
    """A new thread with its first message."""
    _active(community)
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise ServiceError(_("A thread needs a title and a first message."))
    with transaction.atomic():
        thread = Thread.objects.create(community=community, title=title, author=by, post_count=1)
        Post.objects.create(thread=thread, author=by, body=body, html=render(body), created_at=thread.created_at)
        ThreadVisit.objects.create(thread=thread, user=by, seen_at=thread.created_at)
        Community.objects.filter(pk=community.pk).update(
            thread_count=F("thread_count") + 1, last_activity_at=thread.created_at
        )
    return thread


def reply(*, thread: Thread, by, body: str) -> Post:
    """A reply. Side effect: the thread's starter (still a member) is notified, once until they read it."""
    community = thread.community
    _active(community)
    body = body.strip()
    if not body:
        raise ServiceError(_("Write a message first."))
    with transaction.atomic():
        post = Post.objects.create(thread=thread, author=by, body=body, html=render(body))
        Thread.objects.filter(pk=thread.pk).update(last_post_at=post.created_at, post_count=F("post_count") + 1)
        _touched(community, post.created_at)
        ThreadVisit.objects.update_or_create(thread=thread, user=by, defaults={"seen_at": post.created_at})
        _tell_starter(thread, by, post)
    return post


def _tell_starter(thread: Thread, by, post: Post) -> None:
    starter = thread.author
    if starter is None or starter.pk == by.pk:
        return
    if not Membership.objects.filter(community_id=thread.community_id, user=starter).exists():
        return
    visit, _created = ThreadVisit.objects.select_for_update().get_or_create(
        thread=thread, user=starter, defaults={"seen_at": thread.created_at}
    )
    if visit.notified_at is not None and visit.notified_at > visit.seen_at:
        return  # told already, not read since: one notice is enough
    url = reverse("communities:thread", args=[thread.community_id, thread.pk])
    notify(
        user=starter,
        kind="community_reply",
        url=f"{url}?page=last#post-{post.pk}",
        title=thread.title,
        community=_name_for(thread.community, starter),
    )
    visit.notified_at = post.created_at
    visit.save(update_fields=["notified_at"])


def mark_read(*, thread: Thread, user) -> None:
    """Remember that the person has read the thread up to now. Only a visit that brings news writes:
    reading the same thread again is one UPDATE that touches no row."""
    now = timezone.now()
    if ThreadVisit.objects.filter(thread=thread, user=user, seen_at__lt=thread.last_post_at).update(seen_at=now):
        return
    ThreadVisit.objects.get_or_create(thread=thread, user=user, defaults={"seen_at": now})


def hide_post(*, post: Post, by, reason: str) -> Post:
    """Hide a message, saying why (the author is told). Hiding a thread's first message hides the thread."""
    thread = post.thread
    _active(thread.community)
    if post.hidden_at is not None:
        raise ServiceError(_("This message is already hidden."))
    if not reason.strip():
        raise ServiceError(_("Say why the message is hidden: its author will read it."))
    with transaction.atomic():
        post.hidden_at, post.hidden_by, post.hidden_reason = timezone.now(), by, reason.strip()[:500]
        post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        Thread.objects.filter(pk=thread.pk).update(post_count=F("post_count") - 1)
        if _is_first(post):
            Thread.objects.filter(pk=thread.pk).update(hidden_at=post.hidden_at)
            Community.objects.filter(pk=thread.community_id).update(thread_count=F("thread_count") - 1)
        audit.record(actor=by, action="communities.post_hidden", target=post, reason=post.hidden_reason)
        if post.author_id and post.author_id != by.pk:
            notify(
                user=post.author,
                kind="community_post_hidden",
                url=reverse("communities:thread", args=[thread.community_id, thread.pk]),
                title=thread.title,
                community=_name_for(thread.community, post.author),
                reason=post.hidden_reason,
            )
    return post


def show_post(*, post: Post, by) -> Post:
    """Undo a hiding."""
    thread = post.thread
    _active(thread.community)
    if post.hidden_at is None:
        raise ServiceError(_("This message is not hidden."))
    with transaction.atomic():
        post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
        post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        Thread.objects.filter(pk=thread.pk).update(post_count=F("post_count") + 1)
        if _is_first(post):
            Thread.objects.filter(pk=thread.pk).update(hidden_at=None)
            Community.objects.filter(pk=thread.community_id).update(thread_count=F("thread_count") + 1)
        audit.record(actor=by, action="communities.post_shown", target=post)
    return post


def _is_first(post: Post) -> bool:
    return not Post.objects.filter(thread_id=post.thread_id, pk__lt=post.pk).exists()


def pin_thread(*, thread: Thread, by, pinned: bool) -> Thread:
    """A pinned thread stays at the top of the community's discussions."""
    _active(thread.community)
    thread.pinned_at = timezone.now() if pinned else None
    thread.save(update_fields=["pinned_at"])
    return thread


# Resources --------------------------------------------------------------------------------------

_https = URLValidator(schemes=["https"])


def _resource_text(title: str, description: str) -> tuple[str, str]:
    title = title.strip()
    if not title:
        raise ServiceError(_("Give the resource a title."))
    return title[:200], description.strip()[:2000]


def share_link(*, community: Community, by, url: str, title: str, description: str = "") -> Resource:
    """A link to a web page; only https addresses (never javascript: or data:)."""
    _active(community)
    url = url.strip()
    try:
        _https(url)
    except ValidationError as invalid:
        raise ServiceError(_("Share a web address that starts with https://")) from invalid
    title, description = _resource_text(title, description)
    with transaction.atomic():
        resource = Resource.objects.create(
            community=community, kind=Resource.Kind.LINK, title=title, description=description, url=url, added_by=by
        )
        Community.objects.filter(pk=community.pk).update(
            resource_count=F("resource_count") + 1, last_activity_at=resource.added_at
        )
    return resource


def share_file(*, community: Community, by, upload, title: str, description: str = "") -> Resource:
    """A document or picture, checked by its bytes (photos lose their metadata).

    Raises UploadRefused or ServiceError with the reason; on failure no row and no file remain.
    """
    _active(community)
    title, description = _resource_text(title, description)
    kind, data = examine(upload)
    if kind.code in ("video", "audio"):
        raise UploadRefused(_("Video and audio are too large to keep here: share them as a link."))
    name = f"communities/{community.pk}/{uuid.uuid4().hex}.{kind.extension}"
    stored = None
    try:
        with transaction.atomic():
            stored = default_storage.save(name, ContentFile(data))
            resource = Resource.objects.create(
                community=community,
                kind=Resource.Kind.FILE,
                title=title,
                description=description,
                file=stored,
                content_type=kind.content_type,
                size=len(data),
                original_name=safe_name(upload.name) or stored.rsplit("/", 1)[-1],
                added_by=by,
            )
            Community.objects.filter(pk=community.pk).update(
                resource_count=F("resource_count") + 1, last_activity_at=resource.added_at
            )
    except BaseException:
        for leftover in {name, stored} - {None}:
            if default_storage.exists(leftover):
                default_storage.delete(leftover)
        raise
    return resource


def remove_resource(*, resource: Resource, by) -> None:
    """A moderator (or whoever shared it) removes a resource, and its stored file with it."""
    _active(resource.community)
    name = resource.file.name if resource.kind == Resource.Kind.FILE else ""
    with transaction.atomic():
        audit.record(actor=by, action="communities.resource_removed", target=resource.community, title=resource.title)
        resource.delete()
        Community.objects.filter(pk=resource.community_id).update(resource_count=F("resource_count") - 1)
    if name and default_storage.exists(name):
        default_storage.delete(name)
