"""Materials: files for an offering's participants, checked on the way in, and removing them."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from twinning.common.errors import ServiceError
from twinning.common.uploads import examine, kept_file
from twinning.learning.models import Material, Offering

MAX_MATERIALS = 30


def add_material(*, offering: Offering, by, upload) -> Material:
    """A file for the participants, checked for what it really is (photos lose their metadata).

    Raises UploadRefused or ServiceError with the reason; on failure no row and no file remain.
    """
    if offering.materials.count() >= MAX_MATERIALS:
        raise ServiceError(_("At most %(n)d files go with one offering.") % {"n": MAX_MATERIALS})
    with examine(upload) as checked, kept_file(f"learning/{offering.pk}", checked) as stored:
        return Material.objects.create(
            offering=offering,
            file=stored,
            content_type=checked.kind.content_type,
            size=checked.size,
            original_name=checked.name or stored.rsplit("/", 1)[-1],
            uploaded_by=by,
        )


def remove_material(*, material: Material, by) -> None:
    name = material.file.name
    with transaction.atomic():
        material.delete()
    if default_storage.exists(name):
        default_storage.delete(name)
