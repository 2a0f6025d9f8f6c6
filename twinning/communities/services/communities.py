"""Opening a community (or proposing one), approving or declining a proposal, editing, archiving and
reopening."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.accounts.models import Role, User
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.i18n import clean_texts
from twinning.common.notifications import notify, notify_many
from twinning.communities.models import Answer, Community, Invitation, JoinRequest, Membership, Theme
from twinning.schools.models import Subject

from ._common import _active, _add_member, _name_for, _url


@dataclass
class About:
    """What a community is: its name and description in any of the site's languages, and its focus."""

    names: dict
    descriptions: dict = field(default_factory=dict)
    subject: Subject | None = None
    theme: Theme | None = None
    countries: list = field(default_factory=list)
    access: str = Community.Access.OPEN


def _check(about: About) -> None:
    if not clean_texts(about.names):
        raise ServiceError(_("Give the community a name in at least one language."))
    if about.subject is None and about.theme is None and not list(about.countries):
        raise ServiceError(_("Say what the community gathers around: a subject, a theme or a region."))
    if about.access not in Community.Access.values:
        raise ServiceError(_("Choose who can join."))


def _write(community: Community, about: About) -> None:
    community.names, community.descriptions = clean_texts(about.names), clean_texts(about.descriptions)
    community.search_text = " ".join([*community.names.values(), *community.descriptions.values()]).lower()
    community.subject, community.theme, community.access = about.subject, about.theme, about.access
    community.save()
    community.countries.set(about.countries)


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
