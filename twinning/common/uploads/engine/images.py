"""Pictures inside documents: their metadata taken out at the byte level, pixels untouched.

A photo pasted into a Word file or a PDF keeps its EXIF (GPS position, camera, date): these
functions drop the segments and chunks that carry it without decoding the picture, so the work is
one pass over bytes already bounded by the document's limits. Formats whose metadata cannot be
taken out this way (TIFF, WebP, HEIF) are refused by the caller.
"""

from __future__ import annotations

import struct

from .refusal import Refused

# JPEG segments kept: APP0 (JFIF), APP2 only for an ICC colour profile, APP14 (Adobe colour transform).
# Dropped: APP1 (EXIF, XMP), APP3..APP13 and APP15 (maker data, IPTC/Photoshop), COM (comments).
PNG_KEPT = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip
GIF_LOOP_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")
UNSUPPORTED = "document_picture_format"


def kind_of(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"II*\x00", b"MM\x00*") or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return UNSUPPORTED
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"avif", b"msf1"):
        return UNSUPPORTED
    return None


def strip_metadata(data: bytes, kind: str) -> bytes:
    if kind == "jpeg":
        return strip_jpeg(data)
    if kind == "png":
        return strip_png(data)
    if kind == "gif":
        return strip_gif(data)
    raise Refused(UNSUPPORTED)


def strip_jpeg(data: bytes) -> bytes:
    """The JPEG with its APP1/APP3-13/APP15 segments and comments removed, wherever they stand."""
    if not data.startswith(b"\xff\xd8"):
        raise Refused("unreadable_document")
    out = [b"\xff\xd8"]
    at, end = 2, len(data)
    while at < end:
        if data[at] != 0xFF:
            raise Refused("unreadable_document")
        marker = data[at + 1] if at + 1 < end else -1
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xD9:  # end of image: anything after it is not part of the picture
            out.append(b"\xff\xd9")
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out.append(data[at : at + 2])
            at += 2
            continue
        if at + 4 > end:
            raise Refused("unreadable_document")
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        segment_end = at + 2 + length
        if length < 2 or segment_end > end:
            raise Refused("unreadable_document")
        body = data[at + 4 : segment_end]
        if not _jpeg_segment_dropped(marker, body):
            out.append(data[at:segment_end])
        at = segment_end
        if marker == 0xDA:  # start of scan: entropy-coded data runs to the next real marker
            scan_end = _next_marker(data, at)
            out.append(data[at:scan_end])
            at = scan_end
    return b"".join(out)


def _jpeg_segment_dropped(marker: int, body: bytes) -> bool:
    if marker == 0xFE:
        return True
    if 0xE0 <= marker <= 0xEF:
        if marker == 0xE0 or marker == 0xEE:
            return False
        return not (marker == 0xE2 and body.startswith(b"ICC_PROFILE\x00"))
    return False


def _next_marker(data: bytes, at: int) -> int:
    """Where the entropy-coded data after a scan header ends: at an 0xFF that is neither a stuffed
    zero byte nor a restart marker."""
    end = len(data)
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= end:
            return end
        following = data[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            at += 1
            continue
        return at


def strip_png(data: bytes) -> bytes:
    """The PNG with only the chunks that draw it: no text, no EXIF, no dates, no private chunks."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise Refused("unreadable_document")
    out = [data[:8]]
    at, end = 8, len(data)
    while at + 12 <= end:
        length = struct.unpack(">I", data[at : at + 4])[0]
        kind = data[at + 4 : at + 8]
        chunk_end = at + 12 + length
        if chunk_end > end:
            raise Refused("unreadable_document")
        if kind in PNG_KEPT:
            out.append(data[at:chunk_end])
        at = chunk_end
        if kind == b"IEND":
            break
    return b"".join(out)


def strip_gif(data: bytes) -> bytes:
    """The GIF without comments, plain-text blocks or application data (XMP), keeping the loop count."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise Refused("unreadable_document")
    flags = data[10]
    at = 13 + ((3 << ((flags & 7) + 1)) if flags & 0x80 else 0)
    out = [data[:at]]
    end = len(data)
    while at < end:
        block = data[at]
        if block == 0x3B:
            out.append(b";")
            break
        if block == 0x21 and at + 1 < end:
            label = data[at + 1]
            blocks_end = _sub_blocks_end(data, at + 2)
            keep = label == 0xF9 or (label == 0xFF and data[at + 3 : at + 14] in GIF_LOOP_APPS)
            if keep:
                out.append(data[at:blocks_end])
            at = blocks_end
        elif block == 0x2C and at + 10 <= end:
            local = data[at + 9]
            table_end = at + 10 + ((3 << ((local & 7) + 1)) if local & 0x80 else 0)
            blocks_end = _sub_blocks_end(data, table_end + 1)
            out.append(data[at:blocks_end])
            at = blocks_end
        else:
            raise Refused("unreadable_document")
    return b"".join(out)


def _sub_blocks_end(data: bytes, at: int) -> int:
    end = len(data)
    while at < end:
        size = data[at]
        at += 1 + size
        if size == 0:
            return at
    raise Refused("unreadable_document")
