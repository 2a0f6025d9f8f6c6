"""Photos decoded and encoded again so that nothing but pixels survives, with bounded work.

Every limit is checked from the header before a pixel is decoded: the picture's size, an
animation's canvas and frame count (read by walking the GIF's blocks, not by decoding them), a
JPEG's number of scans. Animations are re-encoded one frame at a time: at most one frame is ever
held expanded. HEIC (iPhone) photos are read through pi-heif and kept as JPEG, which every browser
shows.
"""

from __future__ import annotations

import struct
import warnings
from pathlib import Path
from typing import Any, BinaryIO, cast

from PIL import GifImagePlugin, Image, ImageOps, UnidentifiedImageError

from . import limits
from .refusal import Refused

FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP", "heic": "HEIF"}
# Pillow's own guard, as a second line: above this it refuses instead of decoding.
Image.MAX_IMAGE_PIXELS = limits.PHOTO_MAX_PIXELS
UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


def clean_photo(source: Path, target: Path, key: str) -> dict[str, str]:
    """Write the photo at `source` to `target` with no metadata at all; returns the key it is kept as."""
    gif_frames = 1
    if key == "gif":
        width, height, gif_frames = gif_geometry(source)
        if gif_frames > 1:
            _check_animation(width, height, gif_frames)
    if key == "jpeg" and jpeg_scans(source) > limits.JPEG_MAX_SCANS:
        raise Refused("unreadable_photo")
    if key == "heic":
        _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=[FORMATS[key]]) as image:
                width, height = image.size
                if width * height > limits.PHOTO_MAX_PIXELS:
                    raise Refused("too_many_pixels", megapixels=limits.PHOTO_MAX_PIXELS // 1_000_000)
                # An animated PNG is kept as its first picture; WebP declares its frames in its header.
                frames = {"gif": gif_frames, "webp": getattr(image, "n_frames", 1)}.get(key, 1)
                if frames > 1:
                    _check_animation(width, height, frames)
                    if key == "gif":
                        _write_gif_animation(image, target, frames)
                    else:
                        _write_webp_animation(image, target)
                    return {"key": key}
                return {"key": _write_still(image, target, key)}
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise Refused("too_many_pixels", megapixels=limits.PHOTO_MAX_PIXELS // 1_000_000) from error
    except UNREADABLE as error:
        raise Refused("unreadable_photo") from error


def _check_animation(width: int, height: int, frames: int) -> None:
    canvas = width * height
    if (
        canvas > limits.ANIMATION_MAX_CANVAS
        or frames > limits.ANIMATION_MAX_FRAMES
        or canvas * frames > limits.ANIMATION_MAX_TOTAL_PIXELS
    ):
        raise Refused("animation_too_large", frames=limits.ANIMATION_MAX_FRAMES)


def _register_heif() -> None:
    try:
        import pi_heif
    except ImportError as error:  # the reader is an optional part of an installation
        raise Refused("unreadable_photo") from error
    # Only the main picture: no depth maps, no thumbnails (they would be decoded for nothing).
    pi_heif.options.DEPTH_IMAGES = False
    pi_heif.options.THUMBNAILS = False
    pi_heif.options.AUX_IMAGES = False
    pi_heif.register_heif_opener()


def _write_still(image: Image.Image, target: Path, key: str) -> str:
    image.load()
    # Turned upright in place (no second copy), then only pixels (and a palette) travel on.
    ImageOps.exif_transpose(image, in_place=True)
    transparency = image.info.get("transparency")
    image.info = {} if transparency is None else {"transparency": transparency}
    out_key = "jpeg" if key == "heic" else key
    if out_key == "jpeg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # Pillow's writers take their options as keyword arguments of any type.
    options: dict[str, Any] = {"jpeg": {"quality": 88}, "webp": {"quality": 88}}.get(out_key, {})
    # An explicit empty EXIF/XMP/ICC: no format falls back to what the upload carried.
    if out_key in ("jpeg", "webp"):
        options.update(exif=b"", icc_profile=None if out_key == "jpeg" else "", xmp=b"")
    image.save(target, format=FORMATS[out_key], **options)
    return out_key


def _write_gif_animation(image: Image.Image, target: Path, frames: int) -> None:
    """Each frame composed on the canvas, reduced to its own palette and written straight away."""
    with open(target, "wb") as out:
        for index in range(frames):
            try:
                image.seek(index)
            except EOFError:
                break
            frame, transparent = _palette_frame(image)
            duration = int(image.info.get("duration", 100) or 100)
            if index == 0:
                header, _used = GifImagePlugin.getheader(frame, info={"loop": int(image.info.get("loop", 0))})
                out.write(b"".join(header))
            params: dict[str, Any] = {"duration": duration, "disposal": 2, "include_color_table": True}
            if transparent:
                params["transparency"] = 255
            out.write(b"".join(GifImagePlugin.getdata(frame, **params)))
            del frame
        out.write(b";")


def _palette_frame(image: Image.Image) -> tuple[Image.Image, bool]:
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A")
    # One band: its extrema are one (lowest, highest) pair, not a pair per band.
    lowest, _highest = cast(tuple[int, int], alpha.getextrema())
    transparent = lowest < 128
    frame = rgba.convert("RGB").quantize(colors=255, method=Image.Quantize.FASTOCTREE)
    palette = frame.getpalette() or []
    frame.putpalette(palette + [0] * (768 - len(palette)))
    if transparent:
        frame.paste(255, mask=alpha.point(lambda a: 255 if a < 128 else 0).convert("1"))
    return frame, transparent


def _write_webp_animation(image: Image.Image, target: Path) -> None:
    # Pillow's WebP writer seeks through the source one frame at a time; nothing but pixels is given.
    image.info = {key: value for key, value in image.info.items() if key in ("duration", "loop", "background")}
    image.save(target, format="WEBP", save_all=True, quality=80, exif=b"", xmp=b"", icc_profile="")


def gif_geometry(path: Path) -> tuple[int, int, int]:
    """(canvas width, canvas height, frames) by walking the GIF's blocks without decoding any.

    The canvas grows to hold a frame placed beyond it, as Pillow's reader does; counting stops one
    past the frame limit, so a file of a million frames costs no more than one of 501.
    """
    with open(path, "rb") as handle:
        head = handle.read(13)
        if len(head) < 13 or head[:6] not in (b"GIF87a", b"GIF89a"):
            raise Refused("unreadable_photo")
        width, height = struct.unpack("<HH", head[6:10])
        if head[10] & 0x80:
            handle.seek(3 << ((head[10] & 7) + 1), 1)
        frames = 0
        while frames <= limits.ANIMATION_MAX_FRAMES:
            block = handle.read(1)
            if not block or block == b";":
                break
            if block == b"!":
                handle.read(1)
                _skip_sub_blocks(handle)
            elif block == b",":
                descriptor = handle.read(9)
                if len(descriptor) < 9:
                    break
                left, top, frame_width, frame_height = struct.unpack("<HHHH", descriptor[:8])
                width, height = max(width, left + frame_width), max(height, top + frame_height)
                if descriptor[8] & 0x80:
                    handle.seek(3 << ((descriptor[8] & 7) + 1), 1)
                handle.read(1)  # LZW minimum code size
                _skip_sub_blocks(handle)
                frames += 1
            else:
                break
    if frames == 0:
        raise Refused("unreadable_photo")
    return width, height, frames


def _skip_sub_blocks(handle: BinaryIO) -> None:
    while True:
        size = handle.read(1)
        if not size or size == b"\x00":
            return
        handle.seek(size[0], 1)


def jpeg_scans(path: Path) -> int:
    """How many start-of-scan markers the JPEG has (entropy-coded data cannot contain one)."""
    count, tail = 0, b""
    with open(path, "rb") as handle:
        while block := handle.read(1024 * 1024):
            joined = tail + block
            count += joined.count(b"\xff\xda")
            tail = block[-1:]
            if count > limits.JPEG_MAX_SCANS:
                break
    return count
