"""Draw the installable app's icons from the favicon's design (twinning/common/static/common/favicon.svg).

Two rings in the site's colours on its blue: 192 and 512 px icons with rounded corners, and a
512 px "maskable" one (full bleed, the rings inside the middle 80 % that every phone's mask keeps).
Run again after changing the design: `.venv/bin/python scripts/app_icons.py`.
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE, WHITE, GOLD = (11, 92, 140, 255), (255, 255, 255, 255), (242, 169, 0, 255)
OUT = Path(__file__).resolve().parent.parent / "twinning" / "common" / "static" / "common"
SUPER = 4  # drawn four times larger, then scaled down: smooth edges


def draw(size: int, *, maskable: bool) -> Image.Image:
    big = size * SUPER
    unit = big / 32  # the SVG's 32-unit grid
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=BLUE)
        unit *= 0.8  # the rings within the safe zone
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=6 * unit, fill=BLUE)
    middle = big / 2
    for centre_x, colour in ((-4, WHITE), (4, GOLD)):
        x = middle + centre_x * unit
        radius, width = 7 * unit, 3 * unit
        outer = radius + width / 2
        pen.ellipse((x - outer, middle - outer, x + outer, middle + outer), outline=colour, width=round(width))
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for size, maskable, name in (
        (192, False, "icon-192.png"),
        (512, False, "icon-512.png"),
        (512, True, "icon-maskable-512.png"),
    ):
        draw(size, maskable=maskable).save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
