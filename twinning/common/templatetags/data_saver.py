"""``{% load data_saver %}``: the photos inside stored HTML (a workspace page's Markdown, a community's post) as
the data-saver mode shows every photo: a link that loads it on tap (``common/_image.html``), never an image the
browser fetches by itself."""

import re
from html import unescape

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_IMG = re.compile(r"<img\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([a-zA-Z][\w-]*)="([^"]*)"')


def _placeholder(match: re.Match) -> str:
    attributes = {name.lower(): unescape(value) for name, value in _ATTRIBUTE.findall(match.group(1))}
    source = attributes.get("src", "")
    if not source:
        return ""
    # The include escapes src and alt again: what comes out is as safe as what went in.
    context = {"data_saver": True, "src": source, "alt": attributes.get("alt", "")}
    return render_to_string("common/_image.html", context).strip()


@register.filter
def photos_on_tap(html: str) -> SafeString:
    """Stored HTML, cleaned with an allow-list when it was saved (``common/markdown.py``, which writes attributes in
    double quotes), with each photo replaced by its tap-to-load placeholder."""
    # Cleaned when it was saved; the placeholders are rendered, and escaped, by the template engine.
    return mark_safe(_IMG.sub(_placeholder, str(html)))  # noqa: S308  # nosec B308, B703
