"""What an uploaded file really is, judged by its bytes, and how a photo is made safe to share.

The file name and the browser's declared type are never trusted: the first bytes decide the
type, each type has its own size limit, and a photo is decoded and re-encoded so that nothing but
pixels survives (no EXIF, no GPS position, no camera serial, no embedded thumbnail).
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MIB = 1024 * 1024
# Decoding a 16-megapixel phone photo is fine; a "decompression bomb" is refused.
Image.MAX_IMAGE_PIXELS = 50_000_000


class UploadRefused(ValueError):
    """The file cannot be shared; the message (translated) says why."""


@dataclass(frozen=True)
class Kind:
    code: str
    content_type: str
    extension: str
    limit: int
    inline: bool  # shown in the page (photos, clips) rather than downloaded


KINDS = {
    "jpeg": Kind("photo", "image/jpeg", "jpg", 15 * MIB, True),
    "png": Kind("photo", "image/png", "png", 15 * MIB, True),
    "gif": Kind("photo", "image/gif", "gif", 15 * MIB, True),
    "webp": Kind("photo", "image/webp", "webp", 15 * MIB, True),
    "mp4": Kind("video", "video/mp4", "mp4", 200 * MIB, True),
    "mov": Kind("video", "video/quicktime", "mov", 200 * MIB, True),
    "webm": Kind("video", "video/webm", "webm", 200 * MIB, True),
    "mp3": Kind("audio", "audio/mpeg", "mp3", 50 * MIB, True),
    "m4a": Kind("audio", "audio/mp4", "m4a", 50 * MIB, True),
    "ogg": Kind("audio", "audio/ogg", "ogg", 50 * MIB, True),
    "wav": Kind("audio", "audio/wav", "wav", 50 * MIB, True),
    "pdf": Kind("document", "application/pdf", "pdf", 25 * MIB, False),
    "docx": Kind(
        "document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", 25 * MIB, False
    ),
    "pptx": Kind(
        "document",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        25 * MIB,
        False,
    ),
    "xlsx": Kind(
        "document", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", 25 * MIB, False
    ),
    "odt": Kind("document", "application/vnd.oasis.opendocument.text", "odt", 25 * MIB, False),
    "text": Kind("text", "text/plain; charset=utf-8", "txt", 1 * MIB, False),
}
LARGEST = max(kind.limit for kind in KINDS.values())


def sniff(head: bytes, read_all) -> str | None:
    """The type's key in KINDS from the file's first bytes (and, for zip-based documents, its listing)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "m4a"
        return "mov" if brand == b"qt  " else "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _office(read_all())
    return "text" if _is_text(read_all()) else None


def _office(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype") == b"application/vnd.oasis.opendocument.text":
                return "odt"
            if "[Content_Types].xml" in names:
                for prefix, key in (("word/", "docx"), ("ppt/", "pptx"), ("xl/", "xlsx")):
                    if any(name.startswith(prefix) for name in names):
                        return key
    except (zipfile.BadZipFile, KeyError, ValueError):
        return None
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def clean_photo(data: bytes, key: str) -> bytes:
    """The photo decoded and encoded again, turned upright, with no metadata at all."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            frames = getattr(image, "n_frames", 1)
            if key == "gif" and frames > 1:
                return _clean_animation(image)
            upright = ImageOps.exif_transpose(image)
            if key == "jpeg" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            # Only the pixels (and a palette) travel on: no EXIF, GPS, XMP, comments or ICC text.
            pixels = upright.copy()
            pixels.info = {"transparency": upright.info["transparency"]} if "transparency" in upright.info else {}
            out = io.BytesIO()
            options = {"jpeg": {"quality": 88, "optimize": True}, "webp": {"quality": 88}}.get(key, {})
            pixels.save(out, format={"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}[key], **options)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as error:
        raise UploadRefused(_("This photo could not be read. Try saving it again as JPEG or PNG.")) from error


def _clean_animation(image: Image.Image) -> bytes:
    frames = []
    for index in range(image.n_frames):
        image.seek(index)
        frames.append(image.convert("RGBA"))
    out = io.BytesIO()
    frames[0].save(
        out, format="GIF", save_all=True, append_images=frames[1:], loop=0, duration=image.info.get("duration", 100)
    )
    return out.getvalue()


def safe_name(name: str | None) -> str:
    """The uploaded file's name without any folder part or control characters, for the download."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')[:200]


def examine(upload) -> tuple[Kind, bytes]:
    """(kind, the bytes to store) for an uploaded file, or UploadRefused with the reason."""
    if upload.size > LARGEST:
        raise UploadRefused(_("This file is too large: at most %(limit)d MB.") % {"limit": LARGEST // MIB})
    upload.seek(0)
    data = upload.read()
    key = sniff(data[:64], lambda: data)
    if key is None:
        raise UploadRefused(
            _(
                "This kind of file cannot be shared here. Photos (JPEG, PNG, GIF, WebP), video (MP4, MOV, WebM), "
                "audio (MP3, M4A, OGG, WAV), documents (PDF, Word, PowerPoint, Excel, OpenDocument) and plain text can."
            )
        )
    kind = KINDS[key]
    if len(data) > kind.limit:
        raise UploadRefused(_("This file is too large: at most %(limit)d MB.") % {"limit": kind.limit // MIB})
    if kind.code == "photo":
        data = clean_photo(data, key)
    return kind, data


@contextmanager
def kept_file(folder: str, kind: Kind, data: bytes) -> Iterator[str]:
    """Store checked bytes under a fresh name in `folder` and give that name to the block, which
    writes its rows inside a transaction. If the block fails, its rows are rolled back and the
    file is deleted: all or nothing."""
    stored = default_storage.save(f"{folder}/{uuid.uuid4().hex}.{kind.extension}", ContentFile(data))
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        if default_storage.exists(stored):
            default_storage.delete(stored)
        raise
