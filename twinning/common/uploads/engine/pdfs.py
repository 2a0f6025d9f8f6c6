"""PDFs opened with pikepdf (qpdf) and saved again without who made them or anything that runs.

Removed: the document information (author, creator, producer, title, dates), every XMP metadata
stream (the document's and any page's or picture's), application private data (PieceInfo), and
scripts and automatic actions (JavaScript, open actions, additional actions). The EXIF segments of
JPEG pictures inside are taken out at the byte level. A PDF carrying other files (attachments) is
refused: those files could be anything and would escape every check. Streams are copied as they
are, never decoded, so a compressed bomb in one is never expanded; qpdf's own parsing is bounded
by the caps of the child process this runs in.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf

from . import images
from .refusal import Refused

DROPPED_KEYS = ("/Metadata", "/PieceInfo", "/AA", "/JS")
DROPPED_ROOT_KEYS = ("/OpenAction", "/AA", "/Metadata", "/PieceInfo", "/SpiderInfo")


def clean_pdf(source: Path, target: Path, key: str) -> dict[str, str]:
    try:
        pdf = pikepdf.open(source)
    except pikepdf.PasswordError as error:
        raise Refused("document_protected") from error
    except (pikepdf.PdfError, OSError, ValueError) as error:
        raise Refused("unreadable_document") from error
    with pdf:
        try:
            if len(pdf.pages) == 0:
                raise Refused("unreadable_document")
            if pdf.attachments or _has_file_annotations(pdf):
                raise Refused("document_attachments")
            _strip(pdf)
            pdf.save(
                target,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                object_stream_mode=pikepdf.ObjectStreamMode.preserve,
                fix_metadata_version=False,
                deterministic_id=True,
                encryption=False,
            )
        except (pikepdf.PdfError, KeyError, TypeError, ValueError, RecursionError) as error:
            raise Refused("unreadable_document") from error
    return {"key": key}


def _has_file_annotations(pdf: pikepdf.Pdf) -> bool:
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []) or []:
            if isinstance(annotation, pikepdf.Dictionary) and annotation.get("/Subtype") == "/FileAttachment":
                return True
    return False


def _strip(pdf: pikepdf.Pdf) -> None:
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    root = pdf.Root
    for key in DROPPED_ROOT_KEYS:
        if key in root:
            del root[key]
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                del names[key]
    for obj in pdf.objects:
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            continue
        for key in DROPPED_KEYS:
            if key in obj:
                del obj[key]
        if obj.get("/S") == "/JavaScript":
            obj["/S"] = pikepdf.Name("/GoTo")  # an action that runs nothing
            obj["/D"] = pikepdf.Array()
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image" and obj.get("/Filter") == "/DCTDecode":
            _strip_jpeg_picture(obj)


def _strip_jpeg_picture(stream: pikepdf.Stream) -> None:
    """A JPEG picture's EXIF segments taken out at the byte level: it is copied, never decoded."""
    data = stream.read_raw_bytes()
    if not data.startswith(b"\xff\xd8"):
        return
    cleaned = images.strip_jpeg(data)
    if cleaned == data:
        return
    parms = stream.get("/DecodeParms")
    if parms is not None and not isinstance(parms, (pikepdf.Dictionary, pikepdf.Array)):
        # What pikepdf's write() raises for any other kind; the caller refuses the file.
        raise TypeError("decode_parms must be a pikepdf.Dictionary or pikepdf.Array")
    stream.write(cleaned, filter=pikepdf.Name.DCTDecode, decode_parms=parms)
