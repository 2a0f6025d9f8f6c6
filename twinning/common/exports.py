"""A person's own data, as a ZIP built in the background and downloaded once.

Why a job and a file rather than a streamed answer: a pupil who appears in hundreds of photos has a
ZIP of hundreds of megabytes, which takes longer to write than a web request may last, and a stream
cannot be resumed when a school's connection drops. The worker writes the ZIP to storage (memory
bounded by one app's rows and one chunk of a file, see `privacy.write_export`); the person who asked
downloads it once through an access-checked, audited view; the file is removed as soon as it has
been sent, and an export nobody downloads expires after `EXPIRES_AFTER`.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.common import audit, privacy
from twinning.common.errors import ServiceError
from twinning.common.models import DataExport

EXPIRES_AFTER = timedelta(days=7)
# One export waiting per person and requester: asking again while one is being prepared adds nothing.
FOLDER = "exports"


def unsent_exports(user) -> list[DataExport]:
    """Exports of this person's data asked for and not yet downloaded (nor expired)."""
    return list(
        DataExport.objects.filter(
            subject=user,
            status__in=(DataExport.Status.QUEUED, DataExport.Status.READY),
            created_at__gte=timezone.now() - EXPIRES_AFTER,
        )
    )


def request_export(*, subject, by) -> DataExport:
    """Ask for a copy of `subject`'s data (one's own, or a pupil's for their parent).

    Side effects: queues `common.build_export`; an audit entry. Refused while one asked by the same
    person for the same subject is still waiting."""
    waiting = DataExport.objects.filter(
        subject=subject,
        requested_by=by,
        status__in=(DataExport.Status.QUEUED, DataExport.Status.READY),
        created_at__gte=timezone.now() - EXPIRES_AFTER,
    )
    if waiting.exists():
        raise ServiceError(_("A copy of this data is already being prepared or waiting to be downloaded."))
    # Imported here: tasks imports this module.
    from twinning.common.tasks import build_export

    with transaction.atomic():
        export = DataExport.objects.create(subject=subject, requested_by=by)
        audit.record(actor=by, action="privacy.export_requested", target=export, own=subject.pk == by.pk)
        build_export.enqueue(export_id=export.pk)
    return export


def build(export_id: int) -> None:
    """Write the ZIP (the job's work; running it again writes it again, to the same name)."""
    export = DataExport.objects.select_related("subject").filter(pk=export_id, status=DataExport.Status.QUEUED).first()
    if export is None:
        return
    person = privacy.person_for(export.subject)
    with tempfile.TemporaryFile() as scratch:
        privacy.write_export(person, scratch)
        scratch.seek(0)
        name = f"{FOLDER}/{export.pk}-{timezone.now():%Y%m%d%H%M%S}.zip"
        stored = default_storage.save(name, File(scratch, name=name))
        size = default_storage.size(stored)
    updated = DataExport.objects.filter(pk=export.pk, status=DataExport.Status.QUEUED).update(
        status=DataExport.Status.READY, file=stored, size=size, ready_at=timezone.now()
    )
    if not updated:  # erased or downloaded meanwhile: the file has no row to belong to
        default_storage.delete(stored)


def mark_failed(*, export_id: int, error: Exception | None = None, **_kwargs) -> None:
    DataExport.objects.filter(pk=export_id).update(status=DataExport.Status.FAILED)


def take_for_download(*, export: DataExport, by) -> str:
    """Mark the export as sent to `by` and return its stored name; the caller sends the file and
    removes it once sent (`remove_after_sending`). Audited."""
    with transaction.atomic():
        taken = DataExport.objects.filter(pk=export.pk, status=DataExport.Status.READY).update(
            status=DataExport.Status.DOWNLOADED, downloaded_at=timezone.now()
        )
        if not taken:
            raise ServiceError(_("This copy has already been downloaded or is not ready."))
        audit.record(actor=by, action="privacy.export_downloaded", target=export, size=export.size)
    return export.file.name


def forget_expired() -> int:
    """Remove downloaded and expired exports' files and rows, and failed ones after the same time."""
    cutoff = timezone.now() - EXPIRES_AFTER
    old = DataExport.objects.filter(created_at__lt=cutoff)
    names = [name for name in old.values_list("file", flat=True) if name]
    count, _by_model = old.delete()
    for name in names:
        default_storage.delete(name)
    return count
