"""Shared resources: https links and checked files, and removing them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.uploads import examine, kept_file
from twinning.communities.models import Community, Resource

from ._common import _active

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
    refusal = _("Video and audio are too large to keep here: share them as a link.")
    with (
        examine(upload, accept=("photo", "document", "text"), refusal=refusal) as checked,
        kept_file(f"communities/{community.pk}", checked) as stored,
    ):
        resource = Resource.objects.create(
            community=community,
            kind=Resource.Kind.FILE,
            title=title,
            description=description,
            file=stored,
            content_type=checked.kind.content_type,
            size=checked.size,
            original_name=checked.name or stored.rsplit("/", 1)[-1],
            added_by=by,
        )
        Community.objects.filter(pk=community.pk).update(
            resource_count=F("resource_count") + 1, last_activity_at=resource.added_at
        )
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
