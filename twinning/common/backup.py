"""Backup and restore of the whole site: every row of the database and every stored file.

A backup is one `.tar.gz`:
- `data.json`: every row (Django's dumpdata, through each model's base manager, keys as stored),
  read in one consistent snapshot (REPEATABLE READ on PostgreSQL, one read transaction on SQLite);
- `media/<name>`: every stored file;
- `manifest.json`: the format, the migrations the data belongs to, the row count of each model
  (counted from `data.json` itself) and the SHA-256 of each file.

It works the same on SQLite and PostgreSQL, so a backup of one restores into the other. Restoring
needs an empty site (no person in the database, no stored file) at the same migrations; the result
is checked against the manifest, row counts and file hashes, before the command says it is done.
Sessions are left out: a restored site asks everyone to sign in again.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from twinning.common.files import stored_names

FORMAT = "twinning-backup/1"
EXCLUDED = ["sessions"]


class BackupError(Exception):
    pass


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _sha256(stream) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _counts_of(data_path: Path) -> dict[str, int]:
    """Rows per table in a dump: each model's rows, and each many-to-many table's links (stored in
    the dump as lists inside their model's rows)."""
    counts: Counter[str] = Counter()
    links: dict[str, dict[str, str]] = {}
    with data_path.open("rb") as source:
        rows = json.load(source)
    for row in rows:
        label = row["model"]
        counts[label] += 1
        if label not in links:
            model = apps.get_model(label)
            links[label] = {
                f.name: f.remote_field.through._meta.label_lower
                for f in model._meta.many_to_many
                if f.remote_field.through._meta.auto_created
            }
        for name, through in links[label].items():
            counts[through] += len(row["fields"].get(name) or [])
    return {label: count for label, count in counts.items() if count}


def database_counts() -> dict[str, int]:
    """Rows per table (`app_label.modelname`, as dumpdata names them), sessions left out."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in EXCLUDED or model._meta.proxy or not model._meta.managed:
            continue
        count = model._base_manager.count()
        if count:
            counts[model._meta.label_lower] = count
    return counts


def _dump(path: Path) -> None:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One snapshot for every table: rows written during the backup are all in or all out.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        call_command("dumpdata", exclude=EXCLUDED, all=True, output=str(path), verbosity=0)


def backup(out_path: Path, *, storage=default_storage) -> dict:
    """Write a backup to `out_path`. Returns its manifest."""
    out_path = Path(out_path)
    with tempfile.TemporaryDirectory() as work:
        data_path = Path(work) / "data.json"
        _dump(data_path)
        files = {}
        with tarfile.open(out_path, "w:gz") as archive:
            archive.add(data_path, arcname="data.json")
            for name in sorted(stored_names(storage)):
                with storage.open(name, "rb") as source:
                    files[name] = _sha256(source)
                    size = source.tell()
                    source.seek(0)
                    info = tarfile.TarInfo(f"media/{name}")
                    info.size = size
                    info.mtime = int(storage.get_modified_time(name).timestamp())
                    archive.addfile(info, source)
            manifest = {
                "format": FORMAT,
                "created_at": datetime.now(UTC).isoformat(),
                "database": connection.vendor,
                "migrations": _applied_migrations(),
                "counts": _counts_of(data_path),
                "files": files,
            }
            payload = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    return manifest


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except (KeyError, TypeError, ValueError) as error:
        raise BackupError("This is not a Twinning backup (no readable manifest.json).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def restore(in_path: Path, *, storage=default_storage) -> dict:
    """Restore a backup into an empty site, then check every row count and every file's SHA-256.

    Raises BackupError, and changes nothing, when the site is not empty or is at other migrations.
    """
    with tarfile.open(Path(in_path), "r:gz") as archive:
        manifest = _read_manifest(archive)
        if not _applied_migrations():
            call_command("migrate", verbosity=0)
        if _applied_migrations() != manifest["migrations"]:
            raise BackupError(
                "The database is not at the migrations of the backup: restore with the release that made it, "
                "then run migrate."
            )
        if get_user_model()._base_manager.exists():
            raise BackupError("The database already holds people: restore only into an empty database.")
        if next(stored_names(storage), None) is not None:
            raise BackupError("The media folder is not empty: restore only into an empty media folder.")
        with tempfile.TemporaryDirectory() as work:
            data_path = Path(work) / "data.json"
            data_path.write_bytes(archive.extractfile("data.json").read())
            with transaction.atomic():
                # Rows made by migrations (content types, reference data) are replaced by the backup's own,
                # with their keys as they were, so every reference in the data still points right.
                call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
                call_command("loaddata", str(data_path), verbosity=0)
        ContentType.objects.clear_cache()
        for member in archive.getmembers():
            if not member.isfile() or not member.name.startswith("media/"):
                continue
            name = member.name.removeprefix("media/")
            if name not in manifest["files"] or ".." in Path(name).parts:
                raise BackupError(f"Unexpected file in the backup: {member.name}")
            saved = storage.save(name, File(archive.extractfile(member)))
            if saved != name:
                raise BackupError(f"{name} could not be restored under its own name.")
    return verify(manifest, storage=storage)


def verify(manifest: dict, *, storage=default_storage) -> dict:
    """Compare the site with a manifest: every model's row count and every file's SHA-256."""
    counts = database_counts()
    expected = manifest["counts"]
    wrong_counts = {
        label: (expected.get(label, 0), counts.get(label, 0))
        for label in set(expected) | set(counts)
        if expected.get(label, 0) != counts.get(label, 0)
    }
    wrong_files = []
    for name, digest in manifest["files"].items():
        try:
            with storage.open(name, "rb") as stored:
                ok = _sha256(stored) == digest
        except OSError:
            ok = False
        if not ok:
            wrong_files.append(name)
    if wrong_counts or wrong_files:
        raise BackupError(f"The restored site differs from the backup: rows {wrong_counts}, files {wrong_files}")
    return {"rows": sum(counts.values()), "models": len(counts), "files": len(manifest["files"])}
