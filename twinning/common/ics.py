"""Text for iCalendar files (RFC 5545) that nothing a person types can break.

RFC 5545 allows no control character in a text value but the tab, and a one-line property such as
SUMMARY or X-WR-CALNAME with a raw line break is not even a valid content line (the icalendar
library refuses to write it). Titles and names come from people and may carry anything: they go
through `one_line`, longer texts through `text_block`.
"""

import re
import unicodedata

# A title longer than this is cut: calendar applications show a line, not a page.
TITLE_LIMIT = 250
TEXT_LIMIT = 10_000

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
_SPACES = re.compile(r"\s+")


def _without_controls(text: str, keep: str = "") -> str:
    # Cc: C0 and C1 controls and DEL; Cs: lone surrogates, which cannot be written as UTF-8.
    return "".join(ch for ch in text if ch in keep or unicodedata.category(ch) not in ("Cc", "Cs"))


def one_line(text: str | None, *, limit: int = TITLE_LIMIT) -> str:
    """A title on one line: line breaks, tabs and other control characters become spaces, runs of
    spaces one, cut at `limit` characters (with an ellipsis)."""
    flat = _SPACES.sub(" ", _without_controls(_LINE_BREAKS.sub(" ", text or ""), keep="\t")).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def text_block(text: str | None, *, limit: int = TEXT_LIMIT) -> str:
    """A longer text (DESCRIPTION): line breaks kept as "\\n", other control characters dropped."""
    lines = _LINE_BREAKS.sub("\n", text or "")
    clean = _without_controls(lines, keep="\n\t").strip()
    return clean if len(clean) <= limit else clean[: limit - 1].rstrip() + "…"
