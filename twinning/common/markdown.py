"""Markdown that people write, turned into HTML that is safe to show to everyone else.

Each app says what it allows (its tags, attributes and the test each attribute value must pass);
what is never allowed is set here once: scripts and styles are removed with their content, links
only go to the web or to an e-mail address, and every link opens without a referrer.
"""

from collections.abc import Callable, Iterable

import markdown
import nh3

URL_SCHEMES = {"http", "https", "mailto"}


def safe_html(
    source: str,
    *,
    extensions: Iterable[str],
    tags: set[str],
    attributes: dict[str, set[str]],
    attribute_filter: Callable[[str, str, str], str | None],
) -> str:
    """``source`` as HTML, cleaned with an allow-list: ``attribute_filter(tag, attribute, value)`` returns
    the value to keep, or None to drop the attribute."""
    html = markdown.markdown(source, extensions=list(extensions), output_format="html")
    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        attribute_filter=attribute_filter,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer nofollow",
    )
