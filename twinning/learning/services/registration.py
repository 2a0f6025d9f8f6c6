"""Registering for an offering, the waiting list, and giving up a seat (which goes to the first
person waiting)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.common.errors import ServiceError
from twinning.learning import rules
from twinning.learning.models import Offering, Registration

from ._common import _confirmed, _fill_seats, _lock


def register(*, offering: Offering, user) -> Registration:
    """A seat while there is one, else a place at the end of the waiting list.

    Refused, with the reason: registering twice, registration closed, not for this person.
    """
    with transaction.atomic():
        offering = _lock(offering)
        current = rules.active_registration(user, offering)
        if current is not None and current.status == Registration.Status.CONFIRMED:
            raise ServiceError(_("You are already registered."))
        if current is not None:
            raise ServiceError(
                _("You are already on the waiting list, number %(n)d.") % {"n": waiting_position(current)}
            )
        refusal = rules.registration_refusal(user, offering)
        if refusal:
            raise ServiceError(refusal)
        now = timezone.now()
        seat = _confirmed(offering) < offering.capacity
        try:
            # Its own savepoint: a clash with the unique constraint leaves the transaction usable.
            with transaction.atomic():
                return Registration.objects.create(
                    offering=offering,
                    user=user,
                    status=Registration.Status.CONFIRMED if seat else Registration.Status.WAITING,
                    registered_at=now,
                    confirmed_at=now if seat else None,
                )
        except IntegrityError as clash:
            raise ServiceError(_("You are already registered.")) from clash


def waiting_position(registration: Registration) -> int:
    """1 for the first in line. The line is the order of registration."""
    return (
        Registration.objects.filter(
            offering_id=registration.offering_id, status=Registration.Status.WAITING, pk__lt=registration.pk
        ).count()
        + 1
    )


def cancel_registration(*, registration: Registration, by) -> list[Registration]:
    """Give up a seat or leave the waiting list, before the start. Side effects: a freed seat goes
    to the first person waiting, who is told. Returns the people given a seat."""
    with transaction.atomic():
        offering = _lock(registration.offering)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            raise ServiceError(_("This registration is already cancelled."))
        if offering.has_started:
            raise ServiceError(_("It has already started: registrations can no longer be cancelled."))
        registration.status, registration.cancelled_at = Registration.Status.CANCELLED, timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        return _fill_seats(offering)
