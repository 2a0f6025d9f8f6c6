"""A cleaned photo's sized copies: a thumbnail for galleries and feeds, a screen size for viewing.

The source is the clean original (already upright, no metadata); each copy is a baseline JPEG of
pixels only, fitted inside its box and never enlarged. A JPEG is decoded at the smallest scale that
still covers the box (``draft``), so a 12-megapixel photo's thumbnail costs a fraction of a full
decode. An animation's copies show its first picture; transparency is laid on white.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

from . import limits
from .refusal import Refused

SIZES = {"thumb": limits.THUMB_BOX, "screen": limits.SCREEN_BOX}
QUALITY = {"thumb": 70, "screen": 80}


def _flat(image: Image.Image) -> Image.Image:
    if image.mode in ("RGB", "L"):
        return image
    rgba = image.convert("RGBA")
    ground = Image.new("RGB", rgba.size, (255, 255, 255))
    ground.paste(rgba, mask=rgba.getchannel("A"))
    return ground


def _fitted(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    scale = min(1.0, box[0] / size[0], box[1] / size[1])
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def sized_photos(source: Path, folder: Path) -> dict[str, str]:
    """Write `thumb.jpg` and `screen.jpg` into `folder`; returns each one's "WIDTHxHEIGHT"."""
    made: dict[str, str] = {"key": "jpeg"}
    try:
        with Image.open(source, formats=["JPEG", "PNG", "GIF", "WEBP"]) as image:
            if image.width * image.height > limits.PHOTO_MAX_PIXELS:
                raise Refused("too_many_pixels", megapixels=limits.PHOTO_MAX_PIXELS // 1_000_000)
            # The largest box first: the smaller copy is made from the larger one, not decoded again.
            image.draft("RGB", _fitted(image.size, limits.SCREEN_BOX))
            picture = _flat(image.convert("RGB") if image.mode == "P" else image)
            for name in ("screen", "thumb"):
                copy = (
                    ImageOps.contain(picture, SIZES[name], Image.Resampling.LANCZOS)
                    if (picture.width > SIZES[name][0] or picture.height > SIZES[name][1])
                    else picture.copy()
                )
                copy.info = {}
                copy.save(
                    folder / f"{name}.jpg",
                    format="JPEG",
                    quality=QUALITY[name],
                    optimize=True,
                    progressive=True,
                    exif=b"",
                    xmp=b"",
                )
                made[name] = f"{copy.width}x{copy.height}"
                picture = copy
    except Refused:
        raise
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise Refused("unreadable_photo") from error
    return made
