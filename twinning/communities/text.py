"""Messages in a community: written in Markdown, turned into HTML once, and cleaned with an allow-list.

The same cleaner as the workspace pages (`twinning.common.markdown`), with a narrower allow-list: no
images and no headings in a message, links only to http(s) and mailto. Scripts, styles, event handlers and
`javascript:` links are removed whatever the writer typed; every link opens without a referrer.
"""

from __future__ import annotations

from twinning.common.markdown import safe_html

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "blockquote", "a", "code", "pre", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "*": {"dir"}}


def _keep(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if value.startswith(("https://", "http://", "mailto:")) else None
    return value


def render(source: str) -> str:
    """Safe HTML for a message's Markdown (a single line break stays a line break, as people type)."""
    return safe_html(
        source,
        extensions=["sane_lists", "nl2br"],
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep,
    )
