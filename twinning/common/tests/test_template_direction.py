"""Headings follow the page's direction; what they show from outside is isolated with <bdi>.

A heading with ``dir="auto"`` takes the direction of its first letter: a twinning titled in English
was a left-aligned heading in a Hebrew or Arabic page. ``<bdi>`` inside the heading keeps the title's
own direction for its letters while the heading stays aligned with the page.
"""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = sorted((Path(settings.BASE_DIR) / "twinning").rglob("templates/**/*.html"))
HEADING_WITH_AUTO = re.compile(r"<h[1-6]\b[^>]*\bdir=\"auto\"", re.IGNORECASE)


def test_templates_are_found():
    assert len(TEMPLATES) > 100


def test_no_heading_takes_its_direction_from_its_text():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if HEADING_WITH_AUTO.search(line)
    ]
    assert found == [], 'write <hN><bdi>{{ title }}</bdi></hN> instead of <hN dir="auto">'
