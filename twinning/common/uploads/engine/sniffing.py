"""What a file really is, from its first bytes (and, for a ZIP, from its listing): never its name."""

from __future__ import annotations

import codecs
from pathlib import Path

from . import zips

HEAD = 64
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis"}
HEIF_GENERIC = {b"mif1", b"msf1"}
AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
# ISO media brands that hold still pictures rather than clips: refused here (not a photo we can read).
STILL_BRANDS = {b"avif", b"avis", b"jpeg", b"jpgs", b"crx "}


def sniff_head(head: bytes) -> str | None:
    """The key in KINDS the first bytes point to; "zip" for any ZIP (documents are told apart
    later, from the listing); "text" when the bytes could be the start of UTF-8 text; else None."""
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
        return _iso_media(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return "text" if _could_be_text(head) else None


def _iso_media(head: bytes) -> str | None:
    size = int.from_bytes(head[:4], "big")
    major = head[8:12]
    brands = {major} | {head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
    if major in HEIF_BRANDS or (major in HEIF_GENERIC and brands & HEIF_BRANDS):
        return "heic"
    if major in STILL_BRANDS or major in HEIF_GENERIC:
        return None
    if major in AUDIO_BRANDS:
        return "m4a"
    return "mov" if major == b"qt  " else "mp4"


def _could_be_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        # A multi-byte character may be cut at the end of the head: only a real error counts.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def sniff_file(path: Path) -> str | None:
    """The final key for a file already on disk: ZIPs are told apart by their listing (bounded, see
    zips.py) and text is read through to the end, which must be UTF-8 with no NUL."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD)
    key = sniff_head(head)
    if key == "zip":
        return zips.document_kind(path)
    if key == "text":
        return "text" if is_utf8_text(path) else None
    return key


def is_utf8_text(path: Path, chunk: int = 64 * 1024) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            if b"\x00" in block:
                return False
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
