"""ZIP-based documents: told apart by their listing, judged by their headers, rewritten member by member.

Nothing is ever read whole on trust: the member count comes from the end-of-archive record before
the listing is parsed, every member's declared size and compression ratio are checked before it is
opened, and members are copied in bounded chunks (Python's zipfile stops a member at its declared
size, and a member whose data runs longer then fails its checksum and the file is refused).
"""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path, PurePosixPath

from . import images, limits
from .refusal import Refused

ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
OOXML_MAIN = {"word/document.xml": "docx", "ppt/presentation.xml": "pptx", "xl/workbook.xml": "xlsx"}
DOCUMENT_KEYS = set(ODF_TYPES.values()) | set(OOXML_MAIN.values())
FIXED_TIME = (1980, 1, 1, 0, 0, 0)

# Who wrote it, where, on which computer, for which company: replaced by empty, valid parts.
OOXML_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    b' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
OOXML_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)
OOXML_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)
OOXML_REPLACED = {"docProps/core.xml": OOXML_CORE, "docProps/app.xml": OOXML_APP, "docProps/custom.xml": OOXML_CUSTOM}
ODF_META = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' office:version="{version}"><office:meta/></office:document-meta>'
)
ODF_VERSION = re.compile(rb'office:version="([0-9.]{1,8})"')

# Parts that carry programs or whole other files: refused rather than passed on unchecked.
MACRO_PARTS = re.compile(r"(^|/)vbaProject\.bin$|(^|/)activeX/|^(Basic|Scripts)/", re.IGNORECASE)
EMBEDDED_PARTS = re.compile(r"(^|/)embeddings/|^ObjectReplacements/|(^|/)oleObject[^/]*$", re.IGNORECASE)
NESTED_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # a ZIP or an OLE compound file


def member_count(path: Path) -> int:
    """Members the archive declares in its end record (ZIP64 too), read before parsing the listing."""
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        tail_size = min(size, 22 + 65535)
        handle.seek(size - tail_size)
        tail = handle.read(tail_size)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            raise Refused("unreadable_document")
        count: int = struct.unpack("<H", tail[at + 10 : at + 12])[0]
        if count == 0xFFFF and at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
            record = struct.unpack("<Q", tail[at - 12 : at - 4])[0]
            if record + 56 > size:
                raise Refused("unreadable_document")
            handle.seek(record)
            zip64 = handle.read(56)
            if zip64[:4] != b"PK\x06\x06":
                raise Refused("unreadable_document")
            count = struct.unpack("<Q", zip64[32:40])[0]
    return count


def open_archive(path: Path) -> zipfile.ZipFile:
    if member_count(path) > limits.ZIP_MAX_MEMBERS:
        raise Refused("document_bomb")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise Refused("unreadable_document") from error


def _small_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > limits.ZIP_SMALL_PART:
        raise Refused("document_bomb")
    with archive.open(info) as member:
        return member.read(limits.ZIP_SMALL_PART)


def document_kind(path: Path) -> str | None:
    """docx, pptx, xlsx, odt, ods or odp from the listing; None for any other ZIP or a broken one.
    Raises Refused("document_bomb") when the listing or a part read to tell them apart is one."""
    try:
        with open_archive(path) as archive:
            members = {info.filename: info for info in archive.infolist()}
            if "mimetype" in members:
                return ODF_TYPES.get(_small_part(archive, members["mimetype"]).strip())
            if "[Content_Types].xml" in members and "_rels/.rels" in members:
                for part, key in OOXML_MAIN.items():
                    if part in members:
                        return key
    except Refused as refused:
        if refused.code == "document_bomb":
            raise
        return None
    except (zipfile.BadZipFile, OSError, EOFError):
        return None
    return None


def _check_listing(infos: list[zipfile.ZipInfo]) -> None:
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name).parts
        if not name or "\\" in name or "\x00" in name or name.startswith("/") or ".." in parts:
            raise Refused("unreadable_document")
        if name in seen:  # two members with one name: readers disagree on which one counts
            raise Refused("unreadable_document")
        seen.add(name)
        if info.flag_bits & 0x1:
            raise Refused("document_protected")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused("unreadable_document")
        total += info.file_size
        ratio_too_high = info.file_size > limits.ZIP_RATIO_FROM and info.file_size > limits.ZIP_MAX_RATIO * max(
            info.compress_size, 1
        )
        if info.file_size > limits.ZIP_MAX_MEMBER_SIZE or total > limits.ZIP_MAX_TOTAL_SIZE or ratio_too_high:
            raise Refused("document_bomb")
        if MACRO_PARTS.search(name):
            raise Refused("document_macros")
        if EMBEDDED_PARTS.search(name):
            raise Refused("document_embedded")


def clean_document(source: Path, target: Path, key: str) -> dict[str, str]:
    """Rewrite an Office or OpenDocument file without who made it: the document properties are
    replaced by empty ones, pictures inside lose their EXIF/GPS/XMP (see images.py), member dates
    become 1980-01-01 and the archive comment and extra fields are gone."""
    with open_archive(source) as archive:
        infos = archive.infolist()
        _check_listing(infos)
        members = {info.filename: info for info in infos}
        if key in ODF_TYPES.values():
            first = infos[0] if infos else None
            if first is None or first.filename != "mimetype" or "content.xml" not in members:
                raise Refused("unreadable_document")
        else:
            main = next(part for part, main_key in OOXML_MAIN.items() if main_key == key)
            if main not in members or "[Content_Types].xml" not in members:
                raise Refused("unreadable_document")
            content_types = _small_part(archive, members["[Content_Types].xml"])
            if b"macroEnabled" in content_types or b"vbaProject" in content_types:
                raise Refused("document_macros")
        with zipfile.ZipFile(target, "w", allowZip64=True) as out:
            for info in infos:
                _copy(archive, info, out, key)
    return {"key": key}


def _replacement(archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str) -> bytes | None:
    name = info.filename
    if key in OOXML_MAIN.values():
        return OOXML_REPLACED.get(name)
    if name == "meta.xml" or name.endswith("/meta.xml"):
        found = ODF_VERSION.search(_small_part(archive, info)[:4096]) if info.file_size else None
        version = found.group(1).decode() if found else "1.2"
        return ODF_META.format(version=version).encode()
    return None


def _copy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, out: zipfile.ZipFile, key: str) -> None:
    fresh = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
    fresh.external_attr = (0o40755 << 16 | 0x10) if info.is_dir() else (0o644 << 16)
    stored = info.filename == "mimetype" or info.compress_type == zipfile.ZIP_STORED
    fresh.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    if info.is_dir():
        out.writestr(fresh, b"")
        return
    replacement = _replacement(archive, info, key)
    if replacement is not None:
        out.writestr(fresh, replacement)
        return
    try:
        with archive.open(info) as member:
            first = member.read(limits.ZIP_CHUNK)
            if first.startswith(NESTED_MAGIC):
                raise Refused("document_embedded")
            picture = images.kind_of(first)
            if picture is not None:
                # A picture is read whole (its size is bounded above) to take its metadata out.
                data = first + member.read(info.file_size)
                out.writestr(fresh, images.strip_metadata(data, picture))
                return
            with out.open(fresh, "w", force_zip64=info.file_size > 0x7FFFFFFF) as written:
                written.write(first)
                while chunk := member.read(limits.ZIP_CHUNK):
                    written.write(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise Refused("unreadable_document") from error
