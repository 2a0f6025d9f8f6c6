"""Workspace pages: written in Markdown, turned into HTML, and cleaned with an allow-list.

Images come only from the twinning's own shared photos: `![caption](media:42)` shows photo 42
through the access-checked file view. Any other image, any script, style, event handler or
`javascript:` link is removed, whatever the writer typed.
"""

from __future__ import annotations

import re

from django.urls import reverse

from twinning.common.markdown import safe_html

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "blockquote",
    "a",
    "img",
    "hr",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "*": {"dir"}}
MEDIA_REFERENCE = re.compile(r"\]\(media:(\d+)\)")


def _safe_link(value: str) -> bool:
    """Web and mail links, anchors, and addresses of this site (not `//host`, which leaves it)."""
    if value.startswith(("http://", "https://", "mailto:", "#")):
        return True
    return value.startswith("/") and not value.startswith("//") and "\\" not in value


def render(source: str, *, twinning_id: int, photo_ids: set[int]) -> str:
    """Safe HTML for a page's Markdown. `photo_ids` are the twinning's published photos."""

    def media_url(match: re.Match) -> str:
        pk = int(match.group(1))
        if pk in photo_ids:
            return "](" + reverse("workspace:media_file", args=[twinning_id, pk]) + ")"
        return "](about:invalid)"

    # The only images: the twinning's own published photos, by the exact address of the file view.
    # A prefix test would let `/twinnings/5/media/../../notifications/` make every reader's browser
    # call another address with their cookies.
    own_images = {reverse("workspace:media_file", args=[twinning_id, pk]) for pk in photo_ids}

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return value if value in own_images else None
        if tag == "a" and attribute == "href":
            return value if _safe_link(value) else None
        return value

    return safe_html(
        MEDIA_REFERENCE.sub(media_url, source),
        extensions=["tables", "sane_lists"],
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep,
    )
