"""Putting on an offering: creating and rewriting it, its sessions, publishing and cancelling it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.i18n import clean_texts
from twinning.common.notifications import notify_many
from twinning.learning.models import Offering, Registration, Session
from twinning.schools.models import Language

from ._common import _confirmed, _fill_seats, _lock, _page, _title_for


@dataclass
class Details:
    """What an organiser writes about an offering (the organiser itself is chosen once, at creation)."""

    kind: str
    titles: dict[str, str]
    language: Language
    capacity: int
    descriptions: dict[str, str] = field(default_factory=dict)
    audience: str = Offering.Audience.OWN
    basis: str = Offering.Basis.ATTENDANCE
    sessions_required: int = 1
    hours: Decimal | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None


def _check(details: Details) -> None:
    if not clean_texts(details.titles):
        raise ServiceError(_("Give a title in at least one language."))
    if details.capacity < 1:
        raise ServiceError(_("There must be at least one seat."))
    if details.opens_at and details.closes_at and details.closes_at <= details.opens_at:
        raise ServiceError(_("Registration must close after it opens."))
    if details.basis != Offering.Basis.NONE and not details.hours:
        raise ServiceError(_("Give the number of hours the certificate states."))
    if details.basis == Offering.Basis.ATTENDANCE and details.sessions_required < 1:
        raise ServiceError(_("At least one session must be attended for the certificate."))


def _write(offering: Offering, details: Details) -> None:
    offering.kind = details.kind
    offering.titles = clean_texts(details.titles)
    offering.descriptions = clean_texts(details.descriptions)
    offering.language = details.language
    offering.capacity = details.capacity
    offering.audience = details.audience
    offering.basis = details.basis
    offering.sessions_required = details.sessions_required if details.basis == Offering.Basis.ATTENDANCE else 1
    offering.hours = details.hours if details.basis != Offering.Basis.NONE else None
    offering.opens_at = details.opens_at
    offering.closes_at = details.closes_at
    offering.changed_at = timezone.now()


def create_offering(*, by, details: Details, nso=None, programme=None) -> Offering:
    """A new offering, in draft: only its organisers see it until it is published."""
    if (nso is None) == (programme is None):
        raise ServiceError(_("Choose who organises it."))
    _check(details)
    with transaction.atomic():
        offering = Offering(nso=nso, programme=programme, created_by=by)
        _write(offering, details)
        offering.save()
        audit.record(actor=by, action="learning.created", target=offering)
    return offering


def update_offering(*, offering: Offering, by, details: Details) -> Offering:
    """Rewrite an offering. Side effects: a larger capacity seats the first people waiting (and
    tells them). Refused: fewer seats than people already registered, or a certificate rule asking
    for more sessions than there are."""
    _check(details)
    if offering.status == Offering.Status.CANCELLED:
        raise ServiceError(_("It is cancelled and can no longer be changed."))
    with transaction.atomic():
        locked = _lock(offering)
        taken = _confirmed(locked)
        if details.capacity < taken:
            raise ServiceError(
                _("There cannot be fewer seats than the %(n)d people already registered.") % {"n": taken}
            )
        sessions = locked.sessions.count()
        if (
            locked.status == Offering.Status.PUBLISHED
            and details.basis == Offering.Basis.ATTENDANCE
            and details.sessions_required > sessions
        ):
            raise ServiceError(
                _("The certificate cannot ask for more sessions than the %(n)d there are.") % {"n": sessions}
            )
        _write(offering, details)
        offering.save()
        _fill_seats(offering)
    return offering


def _refresh_span(offering: Offering) -> None:
    span = offering.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    offering.starts_at, offering.ends_at = span["first"], span["last"]
    offering.changed_at = timezone.now()
    offering.save(update_fields=["starts_at", "ends_at", "changed_at"])


def _tell_participants(offering: Offering, kind: str, *, statuses=Registration.ACTIVE) -> None:
    registrations = Registration.objects.filter(offering=offering, status__in=statuses).select_related("user")
    when = offering.starts_at.isoformat() if offering.starts_at else ""
    notify_many(
        [(r.user, kind, _page(offering), {"title": _title_for(offering, r.user), "when": when}) for r in registrations]
    )


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ServiceError(_("A session must end after it starts."))


def add_session(
    *, offering: Offering, by, starts_at: datetime, ends_at: datetime, title: str = "", place: str = "", online_link=""
) -> Session:
    """A new session; the offering's first start and last end follow. Participants already
    registered are told when the start of the whole offering moves."""
    _check_times(starts_at, ends_at)
    if offering.status == Offering.Status.CANCELLED:
        raise ServiceError(_("It is cancelled and can no longer be changed."))
    with transaction.atomic():
        before = offering.starts_at
        session = Session.objects.create(
            offering=offering,
            starts_at=starts_at,
            ends_at=ends_at,
            title=title.strip(),
            place=place.strip(),
            online_link=online_link,
        )
        _refresh_span(offering)
        if offering.status == Offering.Status.PUBLISHED and offering.starts_at != before:
            _tell_participants(offering, "learning_changed", statuses=[Registration.Status.CONFIRMED])
    return session


def change_session(
    *, session: Session, by, starts_at: datetime, ends_at: datetime, title: str = "", place: str = "", online_link=""
) -> Session:
    """Rewrite a session. A new time raises its calendar sequence and tells the participants."""
    _check_times(starts_at, ends_at)
    offering = session.offering
    if offering.status == Offering.Status.CANCELLED:
        raise ServiceError(_("It is cancelled and can no longer be changed."))
    moved = (starts_at, ends_at) != (session.starts_at, session.ends_at)
    with transaction.atomic():
        session.starts_at, session.ends_at = starts_at, ends_at
        session.title, session.place, session.online_link = title.strip(), place.strip(), online_link
        if moved:
            session.sequence += 1
        session.save()
        _refresh_span(offering)
        if moved and offering.status == Offering.Status.PUBLISHED:
            _tell_participants(offering, "learning_changed", statuses=[Registration.Status.CONFIRMED])
    return session


def remove_session(*, session: Session, by) -> None:
    offering = session.offering
    if session.attendance.exists():
        raise ServiceError(_("Attendance was taken at this session: it cannot be removed."))
    if offering.status == Offering.Status.PUBLISHED and offering.sessions.count() == 1:
        raise ServiceError(_("A published offering keeps at least one session."))
    with transaction.atomic():
        session.delete()
        _refresh_span(offering)


def publish(*, offering: Offering, by) -> Offering:
    """Open it to the people it is for (registration follows its own dates)."""
    if offering.status != Offering.Status.DRAFT:
        raise ServiceError(_("Only a draft can be published."))
    sessions = offering.sessions.count()
    if sessions == 0:
        raise ServiceError(_("Add at least one session before publishing."))
    if offering.basis == Offering.Basis.ATTENDANCE and offering.sessions_required > sessions:
        raise ServiceError(
            _("The certificate cannot ask for more sessions than the %(n)d there are.") % {"n": sessions}
        )
    with transaction.atomic():
        offering.status = Offering.Status.PUBLISHED
        offering.changed_at = timezone.now()
        offering.save(update_fields=["status", "changed_at"])
        audit.record(actor=by, action="learning.published", target=offering)
    return offering


def cancel_offering(*, offering: Offering, by, reason: str) -> Offering:
    """Call it off. Side effects: everyone registered or waiting is told."""
    if offering.status == Offering.Status.CANCELLED:
        raise ServiceError(_("It is already cancelled."))
    if offering.ends_at and offering.ends_at <= timezone.now():
        raise ServiceError(_("It is over: it can no longer be cancelled."))
    if not reason.strip():
        raise ServiceError(_("Say why it is cancelled: the participants will read it."))
    with transaction.atomic():
        offering = _lock(offering)
        offering.status, offering.cancel_reason = Offering.Status.CANCELLED, reason.strip()
        offering.changed_at = timezone.now()
        offering.save(update_fields=["status", "cancel_reason", "changed_at"])
        audit.record(actor=by, action="learning.cancelled", target=offering, reason=reason.strip())
        _tell_participants(offering, "learning_cancelled")
    return offering
