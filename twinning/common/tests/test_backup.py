"""Backup and restore: a backup restored into an empty database and media folder is the same site."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from twinning.common.backup import database_counts
from twinning.common.notifications import notify
from twinning.common.uploads.tests.corpus import jpeg_with_gps
from twinning.schools.models import Language
from twinning.workspace import services as workspace


def _hashes(root):
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restored_into_an_empty_site_has_every_row_and_file(cast, twinning, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    thread = workspace.start_thread(twinning=twinning, by=cast.teacher_a.user, title="שלום", body="مرحبا")
    workspace.reply(thread=thread, by=cast.teacher_b.user, body="Hello", quote=thread.posts.get())
    for name, data in (("p.jpg", jpeg_with_gps()), ("poem.txt", "שיר\n".encode())):
        workspace.upload_media(twinning=twinning, by=cast.teacher_a.user, upload=SimpleUploadedFile(name, data))
    notify(user=cast.teacher_b.user, kind="twinning_started", title="Our towns")
    # Made here: another transactional test may have emptied the reference languages.
    languages = [
        Language.objects.get_or_create(code=code, defaults={"names": {"en": code}})[0] for code in ("he", "en")
    ]
    cast.school_a.languages.set(languages)
    cast.school_b.languages.clear()
    rows_before = database_counts()
    files_before = _hashes(settings.MEDIA_ROOT)
    archive = tmp_path / "site.tar.gz"

    call_command("backup", str(archive), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    call_command("restore", str(archive), verbosity=0)

    assert database_counts() == rows_before
    assert _hashes(settings.MEDIA_ROOT) == files_before
    # The photo, the poem, and the photo's thumbnail and screen size (made by the job on commit).
    assert len(files_before) == 4
    assert rows_before["workspace.mediavariant"] == 2
    assert rows_before["workspace.post"] == 2
    # Many-to-many links are counted and restored too.
    assert rows_before["schools.school_languages"] == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_site_that_is_not_empty(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), verbosity=0)

    with pytest.raises(CommandError, match="already holds people"):
        call_command("restore", str(archive), verbosity=0)
