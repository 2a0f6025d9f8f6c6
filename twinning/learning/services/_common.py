"""Helpers the services share: the offering's row lock, the count of seats taken, the offering's
title and address for a notification, and giving freed seats to the first people waiting."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from twinning.common.i18n import pick
from twinning.common.notifications import notify
from twinning.learning.models import Offering, Registration


def _lock(offering: Offering) -> Offering:
    """The offering's row, locked until the transaction ends: seat changes for it queue up here."""
    return Offering.objects.select_for_update().get(pk=offering.pk)


def _confirmed(offering: Offering) -> int:
    return Registration.objects.filter(offering=offering, status=Registration.Status.CONFIRMED).count()


def _title_for(offering: Offering, user) -> str:
    return pick(offering.titles, user.preferred_language)


def _page(offering: Offering) -> str:
    return reverse("learning:offering", args=[offering.pk])


def _fill_seats(offering: Offering) -> list[Registration]:
    """Give free seats to the first people waiting (the offering is locked) and tell them."""
    if offering.status != Offering.Status.PUBLISHED or offering.has_started:
        return []
    free = offering.capacity - _confirmed(offering)
    if free <= 0:
        return []
    promoted = list(
        Registration.objects.filter(offering=offering, status=Registration.Status.WAITING)
        .select_related("user")
        .order_by("pk")[:free]
    )
    now = timezone.now()
    for registration in promoted:
        registration.status, registration.confirmed_at = Registration.Status.CONFIRMED, now
        registration.save(update_fields=["status", "confirmed_at"])
        notify(
            user=registration.user,
            kind="learning_seat",
            url=_page(offering),
            title=_title_for(offering, registration.user),
            when=offering.starts_at.isoformat() if offering.starts_at else "",
        )
    return promoted
