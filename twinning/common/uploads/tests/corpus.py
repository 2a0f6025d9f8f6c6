"""Hostile and real-world files for the upload tests and the benchmark, made when they are needed.

Bombs are built by streaming (a 76-megapixel PNG is written row by row, a ZIP bomb member chunk by
chunk), so making them costs what they are meant to cost the server: nothing. Clips are made by
ffmpeg with the metadata a phone writes (a place, a title, a cover picture). Only the HEIC photo is
a committed sample: nothing here can write HEIC.
"""

from __future__ import annotations

import functools
import io
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

from PIL import Image

SAMPLES = Path(__file__).resolve().parent / "samples"
PLACE = "+32.0853+034.7818/"  # Tel Aviv, as a phone writes it (ISO 6709)
PLACE_BYTES = b"+32.0853+034.7818"
AUTHOR = "Maya Cohen"
COMPANY = "Herzliya Primary"


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


# --- Photos ---------------------------------------------------------------------------------------


def _exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0110] = "PhoneModel 15"
    exif[0x0112] = 6  # orientation: rotate 90°
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (32.0, 47.0, 0.0), "E", (35.0, 0.0, 0.0)
    return exif


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 10, 10))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=_exif_with_gps().tobytes())
    return out.getvalue()


@functools.cache
def phone_photo(width: int = 4000, height: int = 3000) -> bytes:
    """A phone-like photo (12 megapixels at the default size) with EXIF and a GPS position; detailed
    enough to weigh about 3 MB as JPEG."""
    noise = Image.effect_noise((width, height), 40)
    gradient = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (noise, gradient, Image.blend(noise, gradient, 0.5)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=_exif_with_gps().tobytes())
    return out.getvalue()


def heic_with_gps() -> bytes:
    """An iPhone-style HEIC (64 x 48) whose EXIF names the phone and a GPS position."""
    return (SAMPLES / "phone.heic").read_bytes()


def png_bomb(width: int = 10_000, height: int = 7_600, *, colour: bool = False) -> bytes:
    """A plain PNG of 76 megapixels that weighs a few KiB (black and white, or RGB): written row by row."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"\x00" * (width * 3 if colour else (width + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8 if colour else 1, 2 if colour else 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", AUTHOR)
    info.add_text("GPS", PLACE)
    out = io.BytesIO()
    Image.new("RGBA", (32, 32), (0, 128, 0, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _gif_frames(count: int, size: tuple[int, int]) -> bytes:
    frames = [Image.new("P", size, index % 200) for index in range(count)]
    for index, frame in enumerate(frames):
        frame.putpalette([(index * 7 + c) % 256 for c in range(768)])
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=40, loop=0, optimize=False)
    return out.getvalue()


def gif_huge_canvas(frames: int = 40, side: int = 7_000) -> bytes:
    """Tiny 1x1 frames on a 7000 x 7000 canvas (the header says so): each decoded frame would be
    the whole canvas, 196 MB in RGBA."""
    data = bytearray(_gif_frames(frames, (1, 1)))
    data[6:10] = struct.pack("<HH", side, side)
    return bytes(data)


@functools.cache
def gif_many_frames(frames: int = 800) -> bytes:
    return _gif_frames(frames, (16, 16))


def gif_frames(frames: int, size: tuple[int, int]) -> bytes:
    """An animation of plain frames, each a different colour (none is merged with the one before)."""
    return _gif_frames(frames, size)


def gif_animation(frames: int = 12, size: tuple[int, int] = (120, 90)) -> bytes:
    """A small real animation with a comment and an XMP application block to be removed."""
    images = []
    for index in range(frames):
        image = Image.new("RGB", size, (255, 255, 255))
        image.paste((200, 30, 30), (index * 8, 10, index * 8 + 20, 40))
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=80, loop=0, comment=AUTHOR.encode())
    data = out.getvalue()
    xmp = b"!\xff\x0bXMP DataXMP" + bytes([len(PLACE_BYTES)]) + PLACE_BYTES + b"\x00"
    at = data.index(b"!\xff")  # after the loop block: put XMP beside it
    return data[:at] + xmp + data[at:]


def jpeg_zip_polyglot() -> bytes:
    """A JPEG that is also a ZIP (the archive appended after the picture)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("run.sh", "#!/bin/sh\necho owned\n")
    return jpeg_with_gps() + archive.getvalue()


def progressive_jpeg_scan_bomb() -> bytes:
    """A JPEG with a thousand start-of-scan markers."""
    data = jpeg_with_gps()
    return data[:-2] + (b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" * 1000) + b"\xff\xd9"


# --- Documents ------------------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    "<w:p><w:r><w:t>Our class project</w:t></w:r></w:p></w:body></w:document>"
)
CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{author}</dc:creator>'
    "<cp:lastModifiedBy>{author}</cp:lastModifiedBy></cp:coreProperties>"
)
APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Company>{company}</Company><Manager>{author}</Manager></Properties>"
)


def docx_with_author(extra: dict[str, bytes] | None = None, main: str = WORD_MAIN) -> bytes:
    """A Word file whose properties name its author and school, with a phone photo (EXIF, GPS) inside."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=main))
        docx.writestr("_rels/.rels", RELS)
        docx.writestr("word/document.xml", DOCUMENT)
        docx.writestr("docProps/core.xml", CORE.format(author=AUTHOR))
        docx.writestr("docProps/app.xml", APP.format(company=COMPANY, author=AUTHOR))
        docx.writestr("word/media/image1.jpeg", jpeg_with_gps())
        for name, data in (extra or {}).items():
            docx.writestr(name, data)
    return out.getvalue()


def _zeros_member(archive: zipfile.ZipFile, name: str, size: int, prefix: bytes = b"") -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        member.write(prefix)
        block = b"\x00" * (1024 * 1024)
        for _ in range(size // len(block)):
            member.write(block)


@functools.cache
def docx_zip_bomb(size: int = 120 * 1024 * 1024) -> bytes:
    """A Word file whose document part inflates to 120 MB (about 120 KiB on the wire)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=WORD_MAIN))
        docx.writestr("_rels/.rels", RELS)
        _zeros_member(docx, "word/document.xml", size)
    return out.getvalue()


@functools.cache
def odt_huge_mimetype(size: int = 60 * 1024 * 1024) -> bytes:
    """An OpenDocument text whose `mimetype` member inflates to 60 MB (the benchmark makes 600 MB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as odt:
        _zeros_member(odt, "mimetype", size, prefix=b"application/vnd.oasis.opendocument.text")
        odt.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def odt_with_author() -> bytes:
    meta = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'office:version="1.3"><office:meta><meta:initial-creator>{AUTHOR}</meta:initial-creator>'
        f'<dc:creator>{AUTHOR}</dc:creator><meta:user-defined meta:name="School">{COMPANY}</meta:user-defined>'
        "</office:meta></office:document-meta>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as odt:
        odt.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        odt.writestr("content.xml", "<office:document-content/>")
        odt.writestr("meta.xml", meta)
        odt.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return out.getvalue()


def docx_with_nested_zip() -> bytes:
    """A Word file carrying another archive as an embedded object."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as nested:
        _zeros_member(nested, "inner.bin", 5 * 1024 * 1024)
    return docx_with_author({"word/media/image2.png": inner.getvalue()})


def docx_without_parts() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as docx:
        docx.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=WORD_MAIN))
        docx.writestr("_rels/.rels", RELS)
        docx.writestr("word/styles.xml", "<w:styles/>")
    return out.getvalue()


def docx_with_macros() -> bytes:
    return docx_with_author(
        {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64},
        main="application/vnd.ms-word.document.macroEnabled.main+xml",
    )


def pdf_with_author(*, script: bool = False, attachment: bool = False) -> bytes:
    """A PDF whose information and XMP name its author, with a phone photo (EXIF, GPS) drawn on
    its page; optionally a script that runs on opening and an attached file."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    photo = pikepdf.Stream(pdf, jpeg_with_gps())
    photo.Type, photo.Subtype, photo.Filter = pikepdf.Name.XObject, pikepdf.Name.Image, pikepdf.Name.DCTDecode
    photo.Width, photo.Height, photo.BitsPerComponent = 64, 48, 8
    photo.ColorSpace = pikepdf.Name.DeviceRGB
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=photo))
    page.Contents = pdf.make_stream(b"q 64 0 0 48 10 10 cm /Im0 Do Q")
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [AUTHOR]
        meta["pdf:Producer"] = COMPANY
    pdf.docinfo["/Author"] = AUTHOR
    pdf.docinfo["/Creator"] = COMPANY
    pdf.docinfo["/Title"] = "Maya's home address"
    if script:
        action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
        pdf.Root.OpenAction = action
    if attachment:
        pdf.attachments["notes.txt"] = pikepdf.AttachedFileSpec(pdf, b"Maya lives at 3 Herzl St.")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def not_a_pdf() -> bytes:
    return b"%PDF-1.7\n" + bytes(range(256)) * 40


# --- Sound and video ------------------------------------------------------------------------------


def _ffmpeg(*arguments: str, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"out{suffix}"
        subprocess.run(  # noqa: S603 - our own fixed command line
            [shutil.which("ffmpeg") or "ffmpeg", "-v", "error", "-nostdin", "-y", *arguments, str(target)],
            check=True,
            cwd=folder,
        )
        return target.read_bytes()


TEST_VIDEO = ("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=1")
TEST_SOUND = ("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=1")
PHONE_TAGS = ("-metadata", f"location={PLACE}", "-metadata", "title=Maya at home", "-metadata", "make=PhoneMaker")


@functools.cache
def phone_mp4() -> bytes:
    """An MP4 as a phone writes it: H.264 and AAC, the place in a `©xyz` atom, a title, the make,
    and a data track beside the sound and pictures (a timecode track, as cameras write)."""
    return _ffmpeg(
        *TEST_VIDEO, *TEST_SOUND, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", *PHONE_TAGS,
        "-timecode", "01:00:00:00",
        "-f", "mov", "-brand", "mp42", suffix=".mp4",
    )  # fmt: skip


@functools.cache
def hd_mp4(width: int = 1280, height: int = 720, seconds: int = 2) -> bytes:
    """A clip larger than 360p, with a phone's tags: it gets both a small and a medium copy."""
    return _ffmpeg(
        "-f", "lavfi", "-i", f"testsrc=size={width}x{height}:rate=25:duration={seconds}", *TEST_SOUND,
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", *PHONE_TAGS, "-f", "mov", suffix=".mp4",
    )  # fmt: skip


@functools.cache
def phone_mov() -> bytes:
    return _ffmpeg(
        *TEST_VIDEO, *TEST_SOUND, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", *PHONE_TAGS,
        "-f", "mov", suffix=".mov",
    )  # fmt: skip


@functools.cache
def mp3_with_tags() -> bytes:
    """An MP3 whose ID3 tags name the artist and carry a cover picture."""
    with tempfile.TemporaryDirectory() as folder:
        cover = Path(folder) / "cover.jpg"
        cover.write_bytes(jpeg_with_gps())
        return _ffmpeg(
            *TEST_SOUND, "-i", str(cover), "-map", "0:a", "-map", "1:v", "-c:a", "libmp3lame", "-c:v", "copy",
            "-disposition:v", "attached_pic", "-id3v2_version", "3", "-metadata", f"artist={AUTHOR}",
            "-metadata", f"comment={PLACE}", suffix=".mp3",
        )  # fmt: skip


@functools.cache
def m4a_with_tags() -> bytes:
    return _ffmpeg(*TEST_SOUND, "-c:a", "aac", "-metadata", f"artist={AUTHOR}", *PHONE_TAGS, suffix=".m4a")


@functools.cache
def ogg_with_tags() -> bytes:
    return _ffmpeg(*TEST_SOUND, "-c:a", "libvorbis", "-metadata", f"artist={AUTHOR}", *PHONE_TAGS, suffix=".ogg")


@functools.cache
def webm_voice() -> bytes:
    return _ffmpeg(*TEST_SOUND, "-c:a", "libopus", "-metadata", f"artist={AUTHOR}", *PHONE_TAGS, suffix=".webm")


def ftyp_garbage() -> bytes:
    """An `ftyp` header (what the old check looked for) followed by anything at all."""
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"<?php echo 1; ?>" * 200


def mp4_only_tags() -> bytes:
    """A container with no sound and no picture: just a subtitle track saying where a pupil lives."""
    with tempfile.TemporaryDirectory() as folder:
        subtitles = Path(folder) / "s.srt"
        subtitles.write_text("1\n00:00:00,000 --> 00:00:01,000\nMaya lives at 3 Herzl St.\n")
        return _ffmpeg("-i", str(subtitles), "-c:s", "mov_text", *PHONE_TAGS, "-f", "mp4", suffix=".mp4")
