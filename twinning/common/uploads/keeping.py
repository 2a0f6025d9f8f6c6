"""From an uploaded file to a clean file in storage: examine() checks and cleans, kept_file() stores.

The upload is never read whole into memory: Django has already streamed any file above
FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, and it is copied from there in chunks into a
private temporary folder, where every step works on files. That folder is removed when the
`with` block ends, whatever happened.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from twinning.common.files import named_by_a_row
from twinning.common.uploads import audiovideo, processes, variants
from twinning.common.uploads.engine import sniffing
from twinning.common.uploads.engine.refusal import Refused
from twinning.common.uploads.kinds import (
    AUDIO,
    DOCUMENT,
    FAMILY_LIMITS,
    KINDS,
    LARGEST,
    PHOTO,
    VIDEO,
    Kind,
    UploadRefused,
    refused,
    too_large,
    unknown_kind,
)

COPY_CHUNK = 1024 * 1024
KINDS_CONVERTED = re.compile(r"\.(heic|heif)$", re.IGNORECASE)


@dataclass(frozen=True)
class Checked:
    """A file fit to keep: its kind and the clean copy on disk (valid inside examine's block)."""

    kind: Kind
    path: Path
    size: int
    name: str  # the uploader's file name, safe to send back, with the extension of what is kept


def safe_name(name: str | None) -> str:
    """The uploaded file's name without any folder part or control characters, for the download."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')[:200]


@contextmanager
def work_folder() -> Iterator[Path]:
    """A private temporary folder (in FILE_UPLOAD_TEMP_DIR when set), removed on the way out."""
    with tempfile.TemporaryDirectory(prefix="twinning-upload-", dir=settings.FILE_UPLOAD_TEMP_DIR) as folder:
        yield Path(folder)


@contextmanager
def examine(upload, *, accept: Collection[str] | None = None, refusal: str | None = None) -> Iterator[Checked]:
    """Check an uploaded file and give a clean copy of it to the block, or raise UploadRefused.

    `accept` limits the kinds (photo, video, audio, document, text) the caller keeps; another kind
    is refused with `refusal` before any decoding. Photos are decoded and re-encoded, sound and
    video remuxed without metadata, documents rewritten without their authors; text is kept as is.
    """
    if upload.size > LARGEST:
        raise too_large(LARGEST)
    upload.seek(0)
    head = upload.read(sniffing.HEAD)
    family = sniffing.sniff_head(head)
    if family is None:
        raise unknown_kind()
    limit = FAMILY_LIMITS.get(family) or KINDS[family].limit
    if upload.size > limit:
        raise too_large(limit)
    if accept is not None and family in KINDS and KINDS[family].code not in accept:
        raise UploadRefused(refusal or str(unknown_kind()))
    with work_folder() as work:
        source = work / "upload"
        _copy(upload, source, limit)
        try:
            key = sniffing.sniff_file(source)
        except Refused as problem:
            raise refused(problem.code, **problem.params) from problem
        if key is None:
            raise unknown_kind()
        kind = KINDS[key]
        if accept is not None and kind.code not in accept:
            raise UploadRefused(refusal or str(unknown_kind()))
        first_key = key
        clean, key = _clean(source, key, work)
        kind = KINDS[key]
        size = clean.stat().st_size
        if upload.size > kind.limit:
            raise too_large(kind.limit)
        yield Checked(kind=kind, path=clean, size=size, name=_download_name(upload.name, converted=key != first_key))


def _download_name(name: str | None, *, converted: bool) -> str:
    """A photo kept in another format (HEIC as JPEG) is downloaded under its new extension."""
    name = safe_name(name)
    if converted and KINDS_CONVERTED.search(name):
        name = KINDS_CONVERTED.sub(".jpg", name)
    return name


def _copy(upload, target: Path, limit: int) -> None:
    upload.seek(0)
    written = 0
    with open(target, "wb") as out:
        for chunk in upload.chunks(COPY_CHUNK):
            written += len(chunk)
            if written > limit:  # the size Django counted is trusted no further than this
                raise too_large(limit)
            out.write(chunk)


def _clean(source: Path, key: str, work: Path) -> tuple[Path, str]:
    code = KINDS[key].code
    if code in (VIDEO, AUDIO):
        clean, out_key = audiovideo.clean_audio_video(source, key, work)
        # ffprobe describing a clip is not ffmpeg reading it: its first second is decoded too.
        if not variants.decodes(clean, work):
            raise refused("unreadable_media")
        return clean, out_key
    if code in (PHOTO, DOCUMENT):
        task = "photo" if code == PHOTO else ("pdf" if key == "pdf" else "document")
        target = work / "clean"
        answer = processes.run_worker(task, source, target, key, work=work)
        if "refused" in answer:
            raise refused(answer["refused"], **(answer.get("params") or {}))
        out_key = answer.get("key", key)
        if out_key not in KINDS or not target.exists():
            raise refused("unreadable_photo" if code == PHOTO else "unreadable_document")
        return target, out_key
    return source, key  # text: checked to be UTF-8 with no NUL; it carries nothing else


@contextmanager
def kept_file(folder: str, checked: Checked) -> Iterator[str]:
    """Store a checked file under a fresh name in `folder` and give that name to the block, which
    writes its rows inside a transaction. If the block fails, its rows are rolled back and the
    file is deleted: all or nothing.

    When the block finished but its COMMIT failed (the connection broke: the outcome is unknown),
    the file stays if a row names it (the commit went through), goes if none does, and stays when
    the database cannot be asked; the nightly sweep removes it later if no row names it by then.
    """
    with open(checked.path, "rb") as handle:
        stored = default_storage.save(f"{folder}/{uuid.uuid4().hex}.{checked.kind.extension}", File(handle))
    block_done = False
    try:
        with transaction.atomic():
            yield stored
            block_done = True
    except BaseException:
        if not block_done or named_by_a_row(stored) is False:
            _delete_quietly(stored)
        raise


def _delete_quietly(name: str) -> None:
    try:
        if default_storage.exists(name):
            default_storage.delete(name)
    except OSError:
        pass  # left for the nightly sweep, which removes files that no row names
