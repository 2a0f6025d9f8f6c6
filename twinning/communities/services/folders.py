"""Folders for a community's resources: made, named, ordered and deleted; resources moved between them.

Who may is as for resources, checked by the callers with `communities.rules` (as every service of
this app): whoever shares makes folders; a folder is renamed, moved or deleted, and a resource moved,
by the community's moderators or by who made or shared it. The services check the state of things.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from twinning.common import audit, ordering
from twinning.common.errors import ServiceError
from twinning.communities.models import Community, Folder, Resource

from ._common import _active

FOLDER_NAME_MAX = 120  # Folder.name's max_length


def _taken(name: str) -> ServiceError:
    return ServiceError(_("This community already has a folder called “%(name)s”.") % {"name": name})


def _folder_name(community: Community, name: str, *, folder: Folder | None = None) -> str:
    """The name cleaned, or a ServiceError saying why it cannot be used (empty, too long, taken)."""
    name = " ".join(name.split())
    if not name:
        raise ServiceError(_("A folder needs a name."))
    if len(name) > FOLDER_NAME_MAX:
        raise ServiceError(_("A folder's name can be at most %(max)d characters long.") % {"max": FOLDER_NAME_MAX})
    taken = Folder.objects.filter(community=community, name__iexact=name)
    if folder is not None:
        taken = taken.exclude(pk=folder.pk)
    if taken.exists():
        raise _taken(name)
    return name


def create_folder(*, community: Community, by, name: str) -> Folder:
    """A new folder after the community's others; audited."""
    _active(community)
    name = _folder_name(community, name)
    try:
        with transaction.atomic():
            last = Folder.objects.filter(community=community).order_by("-position").values_list("position", flat=True)
            folder = Folder.objects.create(
                community=community, name=name, created_by=by, position=(last.first() or 0) + 1
            )
            audit.record(actor=by, action="communities.folder_created", target=community, folder=folder.pk)
    except IntegrityError:
        raise _taken(name) from None  # another member took the name between the check and the insert
    return folder


def rename_folder(*, folder: Folder, by, name: str) -> Folder:
    """Another name, unique in its community whatever the case; audited."""
    _active(folder.community)
    name = _folder_name(folder.community, name, folder=folder)
    if name == folder.name:
        return folder
    try:
        with transaction.atomic():
            folder.name = name
            folder.save(update_fields=["name"])
            audit.record(actor=by, action="communities.folder_renamed", target=folder.community, folder=folder.pk)
    except IntegrityError:
        raise _taken(name) from None
    return folder


def move_folder(*, folder: Folder, by, offset: int, seen: list[int]) -> None:
    """Move a folder `offset` places (-1 up, +1 down); audited.

    `seen` is the order on the person's page: if it changed since, nothing moves and they are told.
    """
    _active(folder.community)
    with transaction.atomic():
        ordering.move(
            Folder.objects.filter(community=folder.community_id),
            folder.pk,
            offset=offset,
            seen=seen,
            rearranged=_(
                "The folders were rearranged by someone else meanwhile. Here is their order now: "
                "move again if you wish."
            ),
            no_further=_("This folder cannot move further."),
        )
        audit.record(actor=by, action="communities.folder_moved", target=folder.community, folder=folder.pk)


def delete_folder(*, folder: Folder, by) -> int:
    """Delete a folder; its resources stay, not in a folder. Returns how many; audited."""
    _active(folder.community)
    with transaction.atomic():
        count = Resource.objects.filter(folder=folder).update(folder=None)
        audit.record(
            actor=by, action="communities.folder_deleted", target=folder.community, folder=folder.pk, resources=count
        )
        folder.delete()
    return count


def file_resource(*, resource: Resource, folder: Folder | None, by) -> Resource:
    """Put a resource in a folder of its community, move it to another, or (None) take it out; audited."""
    _active(resource.community)
    if folder is not None and folder.community_id != resource.community_id:
        raise ServiceError(_("Choose one of this community's folders."))
    if (folder.pk if folder is not None else None) == resource.folder_id:
        return resource
    with transaction.atomic():
        resource.folder = folder
        resource.save(update_fields=["folder"])
        audit.record(
            actor=by,
            action="communities.resource_filed",
            target=resource.community,
            resource=resource.pk,
            folder=folder.pk if folder else None,
        )
    return resource
