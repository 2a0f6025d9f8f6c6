"""Stored files and rows agree: the export survives a lost file, the sweep removes files no row names."""

import io
import os
import time
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from twinning.common.files import file_fields, named_by_a_row, sweep
from twinning.common.uploads.tests.corpus import jpeg_with_gps
from twinning.testing import as_
from twinning.workspace import services

pytestmark = pytest.mark.django_db


def _upload(twinning, user, name="p.jpg", data=None, title="Playground"):
    upload = SimpleUploadedFile(name, data if data is not None else jpeg_with_gps())
    return services.upload_media(twinning=twinning, by=user, upload=upload, title=title)


def _age(path, hours: float) -> None:
    moment = time.time() - hours * 3600
    os.utime(path, (moment, moment))


def test_export_with_a_lost_file_still_succeeds_and_lists_it(client, cast, twinning, media_root):
    kept = _upload(twinning, cast.teacher_a.user, title="Kept")
    lost = _upload(twinning, cast.teacher_a.user, title="Lost photo")
    default_storage.delete(lost.file.name)

    response = as_(client, cast.teacher_a.user).get(f"/twinnings/{twinning.pk}/export/")

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert names == sorted(["workspace.json", f"media/{kept.pk}.jpg", "MISSING.txt"])
    note = archive.read("MISSING.txt").decode()
    assert f"media/{lost.pk}.jpg\tLost photo\tDana Levi" in note


def test_export_missing_note_is_in_the_readers_language(client, cast, twinning, media_root):
    lost = _upload(twinning, cast.teacher_a.user)
    default_storage.delete(lost.file.name)
    cast.teacher_a.user.preferred_language = "he"
    cast.teacher_a.user.save(update_fields=["preferred_language"])

    response = as_(client, cast.teacher_a.user).get(f"/twinnings/{twinning.pk}/export/")

    note = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("MISSING.txt").decode()
    assert note.startswith("הקבצים")


def test_sweep_finds_every_file_field_of_every_app():
    labels = {f"{model._meta.label}.{field.name}" for model, field in file_fields()}

    # A superset: a model that gains a file later is found without touching this test.
    assert labels >= {
        "communities.Resource.file",
        "learning.Material.file",
        "library.Attachment.file",
        "workspace.MediaItem.file",
    }


def test_sweep_removes_old_unnamed_files_keeps_recent_ones_and_reports_rows_without_files(cast, twinning, media_root):
    named = _upload(twinning, cast.teacher_a.user, title="Named")
    gone = _upload(twinning, cast.teacher_a.user, title="Gone")
    default_storage.delete(gone.file.name)
    old_orphan = default_storage.save("workspace/9/old-orphan.jpg", io.BytesIO(b"x"))
    new_orphan = default_storage.save("workspace/9/in-progress.jpg", io.BytesIO(b"y"))
    _age(media_root / old_orphan, 25)
    _age(media_root / new_orphan, 1)
    _age(media_root / named.file.name, 48)

    report = sweep(grace=timedelta(hours=24))

    assert report.removed == [old_orphan]
    assert report.recent == [new_orphan]
    assert report.missing == [("workspace.MediaItem", gone.pk, gone.file.name)]
    assert sorted(p.name for p in media_root.rglob("*") if p.is_file()) == sorted(
        [named.file.name.rsplit("/", 1)[1], "in-progress.jpg"]
    )


def test_sweep_command_dry_run_removes_nothing(cast, twinning, media_root, capsys):
    orphan = default_storage.save("library/1/orphan.pdf", io.BytesIO(b"%PDF"))
    _age(media_root / orphan, 30)

    call_command("sweep_files", "--dry-run")

    assert (media_root / orphan).exists()
    assert "would remove 1 that no row names" in capsys.readouterr().out


def test_sweep_helper_tells_whether_a_row_names_a_stored_file(cast, twinning, media_root):
    item = _upload(twinning, cast.teacher_a.user)

    assert (named_by_a_row(item.file.name), named_by_a_row("workspace/1/unknown.jpg")) == (True, False)


def _commit_fails(*, after_committing: bool):
    """Make the next COMMIT raise as when the connection breaks: after the data is in (the answer was
    lost) or before it (nothing was written)."""
    from unittest import mock

    from django.db import OperationalError, connection

    real = connection.commit

    def commit():
        if after_committing:
            real()
        else:
            connection.rollback()
        raise OperationalError("server closed the connection unexpectedly")

    return mock.patch.object(connection, "commit", side_effect=commit)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("after_committing", [True, False])
def test_upload_whose_commit_outcome_is_unknown_keeps_the_file_only_if_its_row_exists(
    cast, twinning, media_root, after_committing
):
    from django.db import OperationalError

    from twinning.workspace.models import MediaItem

    with _commit_fails(after_committing=after_committing), pytest.raises(OperationalError):
        _upload(twinning, cast.teacher_a.user)
    stored = [str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file()]
    rows = list(MediaItem.objects.values_list("file", flat=True))
    # Files and rows agree either way: a row with its file, or neither.
    assert (len(rows), sorted(stored)) == ((1, rows) if after_committing else (0, []))
