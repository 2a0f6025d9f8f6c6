"""Rows a person puts in order with "Move up" and "Move down" buttons (a workspace's albums, a community's folders).

The page posts the order it showed (`seen`): if someone else changed it since, or a row came or went, nothing moves
and the person is told, so that a stale page never moves the wrong row. Two moves at once wait for each other on the
rows' lock.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from twinning.common.errors import ServiceError


def seen_order(request, name: str = "seen") -> list[int]:
    """The order a page showed, posted as comma-separated ids; anything that is not an id (a tampered form) is left
    out, so the order cannot match and nothing moves."""
    return [int(value) for value in request.POST.get(name, "").split(",") if value.isascii() and value.isdigit()]


def move(rows: QuerySet, pk: int, *, offset: int, seen: list[int], rearranged: str, no_further: str) -> None:
    """Move row `pk` of `rows` (ordered by their `position`) `offset` places (-1 up, +1 down), numbering them all
    again from 1. Refused with `rearranged` when `seen` is not their order now, with `no_further` at either end."""
    with transaction.atomic():
        order = list(rows.select_for_update().values_list("pk", flat=True))
        if order != seen:
            raise ServiceError(rearranged)
        index = order.index(pk)
        target = index + offset
        if not 0 <= target < len(order):
            raise ServiceError(no_further)
        order[index], order[target] = order[target], order[index]
        for position, row in enumerate(order, start=1):
            rows.model.objects.filter(pk=row).update(position=position)
