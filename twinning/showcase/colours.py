"""Contrast of a programme's accent colour (WCAG 2.x), plain Python over plain data.

The accent colour is used twice on the public page: as the colour of headings and links on the
page's background, and as the background of buttons with white text. Both must reach the AA ratio
for normal text, 4.5:1.
"""

from __future__ import annotations

import re

# The page's background (site.css `--wash`) and the panels' (`--paper`): the accent is read on both.
PAGE_BACKGROUNDS = ("#f3f6f9", "#ffffff")
WHITE = "#ffffff"
AA = 4.5

_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def normalise(colour: str) -> str | None:
    """'#0B5C8C', '0b5c8c' or '#08c' as '#0b5c8c' / '#0088cc'; None for anything else."""
    found = _HEX.match(colour.strip())
    if not found:
        return None
    digits = found.group(1).lower()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits}"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """The relative luminance of a '#rrggbb' colour."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two '#rrggbb' colours, from 1 to 21."""
    a, b = sorted((luminance(first), luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def weakest_contrast(colour: str) -> float:
    """The lowest of the accent's ratios: on each background, and under white text."""
    return min(*(contrast(colour, background) for background in PAGE_BACKGROUNDS), contrast(colour, WHITE))
