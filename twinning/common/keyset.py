"""Keyset (cursor) pagination for long lists: a page is the rows after (or before) the last row shown, found by the
values it is ordered by, so the database reads one page's rows through an index however deep the page, and nothing
is counted. OFFSET pages read and throw away every row before the page, and "page 3 of 4,000" counts them all.

A list is ordered by `keys`: field or annotation names, `-` for descending, the last one unique (`pk`), none null
(annotate a `Coalesce` for a nullable field). A cursor is those values of the row at the page's edge, signed so that
nobody writes one by hand; a cursor that does not read (cut, forged, from a list ordered otherwise) gives the first
page with a message saying so. The page's links are `common/keyset_pagination.html`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core import signing
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext

AFTER, BEFORE = "after", "before"
# The cursor of the list's last page (`?before=end`): where a reply just posted is shown.
END = "end"


@dataclass
class KeysetPage:
    """One page of a list: its rows, and the cursors of the pages beside it (None where there is none)."""

    object_list: list[Any]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    refused: bool = field(default=False, repr=False)
    # The links' query strings, the request's other parameters kept, for a page with two lists (set by
    # `keyset_page` when it is given a `prefix`; `common/keyset_pagination_prefixed.html` shows them).
    first_query: str = field(default="", repr=False)
    previous_query: str = field(default="", repr=False)
    next_query: str = field(default="", repr=False)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _value_of(row: Any, key: str) -> Any:
    value = row
    for part in key.split("__"):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


def _encode(value: Any) -> Any:
    # Dates and times go as ISO text, tagged, to come back as what they were (JSON has no date).
    if isinstance(value, datetime.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise ValueError(f"a keyset key cannot hold {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"t"}:
            return datetime.datetime.fromisoformat(value["t"])
        if set(value) == {"d"}:
            return datetime.date.fromisoformat(value["d"])
        raise ValueError("not a keyset value")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise ValueError("not a keyset value")


def _salt(keys: Sequence[str]) -> str:
    return "twinning.keyset:" + ",".join(keys)


def make_cursor(row: Any, keys: Sequence[str], direction: str) -> str:
    """The signed cursor of `row` in a list ordered by `keys`: the page `direction` (AFTER or BEFORE) it."""
    return _signed([_value_of(row, key.lstrip("-")) for key in keys], keys, direction)


def _signed(values: Sequence[Any], keys: Sequence[str], direction: str) -> str:
    if any(value is None for value in values):
        raise ValueError("a keyset key is null: order by a non-null expression")
    return signing.dumps({"v": [_encode(value) for value in values], "d": direction}, salt=_salt(keys), compress=True)


def read_cursor(cursor: str, keys: Sequence[str]) -> tuple[list[Any], str]:
    """The values and the direction of a cursor made by `make_cursor` for these keys; ValueError if it does not
    read."""
    try:
        data = signing.loads(cursor, salt=_salt(keys))
    except signing.BadSignature as error:
        raise ValueError("the cursor is not one of ours") from error
    if not isinstance(data, dict) or data.get("d") not in (AFTER, BEFORE):
        raise ValueError("the cursor has no direction")
    values = data.get("v")
    if not isinstance(values, list) or len(values) != len(keys):
        raise ValueError("the cursor does not fit these keys")
    return [_decode(value) for value in values], data["d"]


def beyond(keys: Sequence[str], values: Sequence[Any], *, forward: bool = True) -> Q:
    """Rows after (`forward`) or before the row with these values, in the order of `keys`: for keys a, b, c,
    a > x OR (a = x AND b > y) OR (a = x AND b = y AND c > z), with `<` for a descending key (and each turned
    round going backward). The first key's bound is repeated on its own so that the planner uses an index on it."""
    names = [key.lstrip("-") for key in keys]
    later = [key.startswith("-") != forward for key in keys]  # True: the next rows have a greater value
    found = Q(pk__in=[])
    for i, name in enumerate(names):
        step = Q(**{f"{name}__{'gt' if later[i] else 'lt'}": values[i]})
        for j in range(i):
            step &= Q(**{names[j]: values[j]})
        found |= step
    return Q(**{f"{names[0]}__{'gte' if later[0] else 'lte'}": values[0]}) & found


def keyset_page(
    request: HttpRequest, queryset: QuerySet, *, keys: Sequence[str], size: int, prefix: str = ""
) -> KeysetPage:
    """The page of `queryset` (ordered here by `keys`) that the request's cursor asks for (`after` or `before`,
    with `prefix` where a page has two lists; `before=end` is the last page): one query of `size` + 1 rows, no
    count. A cursor that does not read gives the first page and a message."""
    page = _page(request, queryset, keys=keys, size=size, prefix=prefix)
    if prefix:
        page.first_query = _query(request, prefix, None, None)
        if page.previous_cursor:
            page.previous_query = _query(request, prefix, BEFORE, page.previous_cursor)
        if page.next_cursor:
            page.next_query = _query(request, prefix, AFTER, page.next_cursor)
    return page


def _query(request: HttpRequest, prefix: str, direction: str | None, cursor: str | None) -> str:
    """The request's query string with this list's cursor replaced (none: its first page)."""
    query = request.GET.copy()
    query.pop(f"{prefix}{AFTER}", None)
    query.pop(f"{prefix}{BEFORE}", None)
    if direction and cursor:
        query[f"{prefix}{direction}"] = cursor
    return "?" + query.urlencode()


def _page(request: HttpRequest, queryset: QuerySet, *, keys: Sequence[str], size: int, prefix: str) -> KeysetPage:
    after, before = request.GET.get(f"{prefix}{AFTER}"), request.GET.get(f"{prefix}{BEFORE}")
    cursor = after or before
    values: list[Any] = []
    direction = AFTER
    refused = False
    if cursor == END and not after:
        return _last_page(queryset, keys=keys, size=size)
    if cursor:
        try:
            values, direction = read_cursor(cursor, keys)
        except ValueError:
            refused = True
            messages.warning(
                request, gettext("That page of the list could not be found any more, so here is its first page.")
            )
    ordered = queryset.order_by(*keys)
    forward = direction == AFTER
    if not values:
        return _first_page(ordered, keys=keys, size=size, refused=refused)
    if forward:
        rows = list(ordered.filter(beyond(keys, values))[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
    else:
        rows = list(queryset.filter(beyond(keys, values, forward=False)).order_by(*_reversed(keys))[: size + 1])
        more = len(rows) > size
        rows = rows[:size][::-1]
    if not rows:
        if not forward:
            # The rows before were removed meanwhile: the list begins here.
            return _first_page(ordered, keys=keys, size=size)
        # Past the end (the rows after were removed meanwhile): the way back is all that is left.
        return KeysetPage(object_list=[], previous_cursor=_signed(values, keys, BEFORE))
    # Going forward there are rows before (the cursor's own row at least); going back, rows after.
    has_previous = more if not forward else True
    has_next = more if forward else True
    return KeysetPage(
        object_list=rows,
        next_cursor=make_cursor(rows[-1], keys, AFTER) if has_next else None,
        previous_cursor=make_cursor(rows[0], keys, BEFORE) if has_previous else None,
    )


def _reversed(keys: Sequence[str]) -> list[str]:
    return [key[1:] if key.startswith("-") else f"-{key}" for key in keys]


def _last_page(queryset: QuerySet, *, keys: Sequence[str], size: int) -> KeysetPage:
    rows = list(queryset.order_by(*_reversed(keys))[: size + 1])
    shown = rows[:size][::-1]
    return KeysetPage(
        object_list=shown,
        previous_cursor=make_cursor(shown[0], keys, BEFORE) if len(rows) > size else None,
    )


def _first_page(ordered: QuerySet, *, keys: Sequence[str], size: int, refused: bool = False) -> KeysetPage:
    rows = list(ordered[: size + 1])
    return KeysetPage(
        object_list=rows[:size],
        next_cursor=make_cursor(rows[size - 1], keys, AFTER) if len(rows) > size else None,
        refused=refused,
    )


@dataclass(frozen=True)
class CappedCount:
    """How many rows a list has, counted no further than `most`: "1,000+" rather than a count of every row."""

    n: int
    most: int

    @property
    def more(self) -> bool:
        return self.n > self.most

    @property
    def shown(self) -> int:
        return min(self.n, self.most)


def count_at_most(queryset: QuerySet, most: int = 1000) -> CappedCount:
    """The rows of `queryset`, counted up to `most` + 1 (one query that stops there)."""
    return CappedCount(n=queryset.order_by()[: most + 1].count(), most=most)
