"""Messages in a community: written in Markdown, turned into HTML once, and cleaned with an allow-list.

The same approach as the workspace pages (`twinning.workspace.pages`), narrower: no images and no
headings in a message, links only to http(s) and mailto. Scripts, styles, event handlers and
`javascript:` links are removed whatever the writer typed; every link opens without a referrer.
"""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "blockquote", "a", "code", "pre", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "*": {"dir"}}


def _keep(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if value.startswith(("https://", "http://", "mailto:")) else None
    return value


def render(source: str) -> str:
    """Safe HTML for a message's Markdown (a single line break stays a line break, as people type)."""
    html = markdown.markdown(source, extensions=["sane_lists", "nl2br"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep,
        url_schemes={"http", "https", "mailto"},
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer nofollow",
    )
