"""Who sees, joins, writes in and looks after communities of practice.

- Pupils never see communities: every page is a 404 for them.
- Readers are all signed-in adults (teachers still waiting for validation, principals, staff). They
  see the listing and may read the threads and resources of open communities. A teacher whose
  validation is pending reads but does not join, post or see who the members are, until the NSO
  has validated them.
- Those who take part are validated teachers at a validated school, coordinators, NSO staff and
  administrators: they join open communities, ask to join invitation-only ones, and post once
  they are members.
- An invitation-only community's name, description, focus and size are listed, so teachers can
  ask to join; its threads, resources, files, members and moderators are seen only by its members
  (and its stewards): for anyone else they are a 404.
- Moderators (members with that role) hide messages, pin threads, remove resources and members,
  invite, answer requests, name other moderators and edit the description.
- Stewards are the administrators and the staff of the NSO that looks after the community: they
  approve or decline a teacher's proposal, archive and reopen, and may moderate like a moderator.
- Coordinators, NSO staff and administrators open a community at once; a validated teacher
  proposes one, which only they and its stewards see until it is approved.
- An archived community is read-only: nothing is joined, posted, shared or changed (members may
  still leave).
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from twinning.accounts.rules import roles_of
from twinning.communities.models import Community, Folder, Membership
from twinning.schools.rules import can_seek_partners


def is_pupil(user) -> bool:
    return hasattr(user, "pupil")


def can_read(user) -> bool:
    return user.is_authenticated and not is_pupil(user)


def can_create(user) -> bool:
    """Open a community at once (and be its first moderator)."""
    roles = roles_of(user)
    return roles.admin or roles.nso_staff or roles.coordinator


def can_propose(user) -> bool:
    """Propose a community for the NSO to approve."""
    return not can_create(user) and can_seek_partners(user)


def can_take_part(user) -> bool:
    return can_read(user) and (can_create(user) or can_seek_partners(user))


def is_steward(user, community: Community) -> bool:
    roles = roles_of(user)
    return roles.admin or (community.nso_id is not None and community.nso_id in roles.nso_ids)


def can_decide(user, community: Community) -> bool:
    """Approve or decline a proposed community: the stewards of its NSO (and the administrator)."""
    return community.status == Community.Status.PROPOSED and is_steward(user, community)


def communities_for(user) -> QuerySet[Community]:
    """Communities the person may see listed: every active and archived one, and proposals that
    are their own or that they review."""
    if not can_read(user):
        return Community.objects.none()
    roles = roles_of(user)
    if roles.admin:
        return Community.objects.all()
    visible = Q(status__in=[Community.Status.ACTIVE, Community.Status.ARCHIVED]) | Q(created_by=user)
    if roles.nso_ids:
        visible |= Q(nso_id__in=roles.nso_ids)
    return Community.objects.filter(visible)


def get_community_for_user(user, pk: int) -> Community:
    """The community, with the reader's own membership (or None) as `viewer`; else a 404."""
    community = get_object_or_404(communities_for(user).select_related("subject", "theme", "nso"), pk=pk)
    community.viewer = Membership.objects.filter(community=community, user=user).first()
    return community


def can_see_inside(user, community: Community) -> bool:
    """Threads and resources: everyone who reads an open community; members and stewards otherwise."""
    if community.status in (Community.Status.PROPOSED, Community.Status.DECLINED):
        return False
    return community.is_open or community.viewer is not None or is_steward(user, community)


def can_see_members(user, community: Community) -> bool:
    """The members' list: not for readers who may not take part (a teacher not validated yet)."""
    if not can_see_inside(user, community):
        return False
    return community.viewer is not None or is_steward(user, community) or can_take_part(user)


def can_post(user, community: Community) -> bool:
    return community.status == Community.Status.ACTIVE and community.viewer is not None and can_take_part(user)


def can_moderate(user, community: Community) -> bool:
    if community.status != Community.Status.ACTIVE:
        return False
    return (community.viewer is not None and community.viewer.is_moderator) or is_steward(user, community)


def can_join(user, community: Community) -> bool:
    return community.status == Community.Status.ACTIVE and community.viewer is None and can_take_part(user)


def can_edit(user, community: Community) -> bool:
    return community.status != Community.Status.DECLINED and (
        is_steward(user, community)
        or (community.viewer is not None and community.viewer.is_moderator and not community.read_only)
    )


def can_archive(user, community: Community) -> bool:
    """Archive an active community, or reopen an archived one: its moderators and stewards."""
    if community.status not in (Community.Status.ACTIVE, Community.Status.ARCHIVED):
        return False
    return is_steward(user, community) or (community.viewer is not None and community.viewer.is_moderator)


def get_community_inside(user, pk: int, *, write: bool = False) -> Community:
    """The community whose threads and resources the person may read (with `write`, post in)."""
    community = get_community_for_user(user, pk)
    if not can_see_inside(user, community) or (write and not can_post(user, community)):
        raise Http404
    return community


def get_community_for_members(user, pk: int) -> Community:
    community = get_community_for_user(user, pk)
    if not can_see_members(user, community):
        raise Http404
    return community


def get_community_for_moderator(user, pk: int) -> Community:
    community = get_community_for_user(user, pk)
    if not can_moderate(user, community):
        raise Http404
    return community


def get_community_for_steward(user, pk: int) -> Community:
    community = get_community_for_user(user, pk)
    if not is_steward(user, community):
        raise Http404
    return community


def can_make_folders(user, community: Community) -> bool:
    """Whoever shares resources makes folders for them."""
    return can_post(user, community)


def may_change_folder(user, community: Community, folder: Folder) -> bool:
    """Rename, move or delete a folder: as for removing a resource, its moderators or who made it."""
    return can_post(user, community) and (can_moderate(user, community) or folder.created_by_id == user.pk)


def may_file_resource(user, community: Community, resource) -> bool:
    """Move a resource between folders: as for removing it, its moderators or who shared it."""
    return can_post(user, community) and (can_moderate(user, community) or resource.added_by_id == user.pk)


def get_folder_inside(user, pk: int, folder_pk: int, *, write: bool = False) -> Folder:
    """A folder of a community whose resources the person may read (with `write`, change it): 404 otherwise."""
    community = get_community_inside(user, pk, write=write)
    folder = Folder.objects.filter(pk=folder_pk, community=community).first()
    if folder is None or (write and not may_change_folder(user, community, folder)):
        raise Http404
    folder.community = community  # with the viewer's membership set on it
    return folder
