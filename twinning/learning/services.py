"""Putting on courses and events, registering for them, taking attendance and issuing certificates.

Seats: every change to who holds a seat (registering, cancelling, a larger capacity) first locks
the offering's row (`select_for_update`), so two teachers taking the last seat at once are served
one after the other: one gets it, the other is first on the waiting list. When a seat frees up
before the start, the first person waiting gets it and is told, in their own language.

Certificates: `issue_certificates` gives one to each registered participant who met the rule
(attended enough sessions, or was marked as having completed it) and has none yet; it may run any
number of times (and runs after each attendance list) without ever issuing a second one.
"""

from __future__ import annotations

import secrets
import uuid
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.i18n import pick
from twinning.common.notifications import notify, notify_many
from twinning.learning import rules
from twinning.learning.models import Attendance, Certificate, Material, Offering, Registration, Session
from twinning.workspace.media import examine, safe_name

MAX_MATERIALS = 30
# No 0/O, 1/I/L or U: a code read out over the phone or typed from paper is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
# 30^12 ≈ 5·10^17 codes: guessing a valid one is hopeless, so the public page can answer freely.
CODE_LENGTH = 12


@dataclass
class Details:
    """What an organiser writes about an offering (the organiser itself is chosen once, at creation)."""

    kind: str
    titles: dict[str, str]
    language: object
    capacity: int
    descriptions: dict[str, str] = field(default_factory=dict)
    audience: str = Offering.Audience.OWN
    basis: str = Offering.Basis.ATTENDANCE
    sessions_required: int = 1
    hours: Decimal | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None


def _clean_texts(texts: dict[str, str]) -> dict[str, str]:
    return {code: text.strip() for code, text in texts.items() if text and text.strip()}


def _check(details: Details) -> None:
    if not _clean_texts(details.titles):
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
    offering.titles = _clean_texts(details.titles)
    offering.descriptions = _clean_texts(details.descriptions)
    offering.language = details.language
    offering.capacity = details.capacity
    offering.audience = details.audience
    offering.basis = details.basis
    offering.sessions_required = details.sessions_required if details.basis == Offering.Basis.ATTENDANCE else 1
    offering.hours = details.hours if details.basis != Offering.Basis.NONE else None
    offering.opens_at = details.opens_at
    offering.closes_at = details.closes_at
    offering.changed_at = timezone.now()


def _lock(offering: Offering) -> Offering:
    """The offering's row, locked until the transaction ends: seat changes for it queue up here."""
    return Offering.objects.select_for_update().get(pk=offering.pk)


def _confirmed(offering: Offering) -> int:
    return Registration.objects.filter(offering=offering, status=Registration.Status.CONFIRMED).count()


def _title_for(offering: Offering, user) -> str:
    return pick(offering.titles, user.preferred_language)


def _page(offering: Offering) -> str:
    return reverse("learning:offering", args=[offering.pk])


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


# --- Registration -------------------------------------------------------------------------------


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


# --- Attendance and certificates ----------------------------------------------------------------


def record_attendance(*, session: Session, by, present: set[int]) -> list[Certificate]:
    """The session's attendance as the organiser ticked it: `present` are registration ids (others
    are ignored). Side effects: certificates for whoever now meets the rule."""
    offering = session.offering
    if offering.status != Offering.Status.PUBLISHED:
        raise ServiceError(_("Attendance is taken only for a published offering."))
    if session.starts_at > timezone.now():
        raise ServiceError(_("Attendance can be taken once the session has started."))
    confirmed = set(
        Registration.objects.filter(offering=offering, status=Registration.Status.CONFIRMED).values_list(
            "pk", flat=True
        )
    )
    present = set(present) & confirmed
    with transaction.atomic():
        Attendance.objects.filter(session=session).exclude(registration_id__in=present).delete()
        marked = set(Attendance.objects.filter(session=session).values_list("registration_id", flat=True))
        Attendance.objects.bulk_create(
            [Attendance(session=session, registration_id=pk, marked_by=by) for pk in sorted(present - marked)]
        )
        audit.record(actor=by, action="learning.attendance", target=offering, session=session.pk, present=len(present))
        return issue_certificates(offering=offering, by=by)


def mark_completed(*, offering: Offering, by, completed: set[int]) -> list[Certificate]:
    """For offerings certified on completion: who completed it (registration ids). Side effects:
    their certificates. Unticking someone does not take back a certificate (revoke it for that)."""
    if offering.basis != Offering.Basis.COMPLETION:
        raise ServiceError(_("Its certificate is not given for completing it."))
    if not offering.has_started:
        raise ServiceError(_("Nobody can have completed it before it starts."))
    now = timezone.now()
    with transaction.atomic():
        rows = Registration.objects.filter(offering=offering, status=Registration.Status.CONFIRMED)
        rows.filter(pk__in=completed, completed_at__isnull=True).update(completed_at=now, completed_by=by)
        rows.exclude(pk__in=completed).update(completed_at=None, completed_by=None)
        return issue_certificates(offering=offering, by=by)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed or followed, as stored: capitals, without spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isascii() and ch.isalnum())[:32]


def _local_date(moment: datetime, user):
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.localtime(moment, zone).date()


def issue_certificates(*, offering: Offering, by) -> list[Certificate]:
    """A certificate for each registered participant who met the rule and has none yet.

    Idempotent: a person never gets two for one offering (checked under the offering's lock and
    by a unique constraint). Side effects: each new holder is told. Returns the new certificates.
    """
    if not offering.gives_certificate or offering.status != Offering.Status.PUBLISHED:
        return []
    with transaction.atomic():
        offering = _lock(offering)
        holders = set(Certificate.objects.filter(offering=offering).values_list("holder_id", flat=True))
        candidates = (
            Registration.objects.filter(offering=offering, status=Registration.Status.CONFIRMED)
            .exclude(user_id__in=holders)
            .select_related("user")
            .annotate(attended=Count("attendance"))
        )
        if offering.basis == Offering.Basis.ATTENDANCE:
            earned = [r for r in candidates if r.attended >= offering.sessions_required]
        else:
            earned = [r for r in candidates if r.completed_at is not None]
        if not earned:
            return []
        issuer = offering.nso or offering.programme
        total = offering.sessions.count()
        now = timezone.now()
        codes: list[str] = []
        while len(codes) < len(earned):
            fresh = {new_code() for _i in range(len(earned) - len(codes))} - set(codes)
            fresh -= set(Certificate.objects.filter(code__in=fresh).values_list("code", flat=True))
            codes.extend(sorted(fresh))
        certificates = []
        for registration, code in zip(earned, codes, strict=True):
            holder = registration.user
            certificates.append(
                Certificate(
                    offering=offering,
                    holder=holder,
                    registration=registration,
                    code=code,
                    basis=offering.basis,
                    kind=offering.kind,
                    holder_name=holder.full_name,
                    titles=dict(offering.titles),
                    issuer_names=dict(issuer.names),
                    first_day=_local_date(offering.starts_at, holder),
                    last_day=_local_date(offering.ends_at, holder),
                    hours=offering.hours,
                    sessions_attended=registration.attended,
                    sessions_total=total,
                    issued_on=_local_date(now, holder),
                    issued_at=now,
                    issued_by=by,
                )
            )
        # A clash on (offering, holder) or on a code (vanishingly rare) undoes the whole batch, so a
        # retry starts clean; the lock above makes a clash on the holder practically impossible.
        Certificate.objects.bulk_create(certificates)
        notify_many(
            [
                (
                    c.holder,
                    "learning_certificate",
                    reverse("learning:offering", args=[offering.pk]),
                    {"title": _title_for(offering, c.holder)},
                )
                for c in certificates
            ]
        )
        audit.record(actor=by, action="learning.certificates", target=offering, issued=len(certificates))
    return certificates


def revoke_certificate(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Withdraw a certificate given in error; its public page then says it is revoked."""
    if certificate.is_revoked:
        raise ServiceError(_("This certificate is already revoked."))
    if not reason.strip():
        raise ServiceError(_("Say why the certificate is revoked."))
    with transaction.atomic():
        certificate.revoked_at, certificate.revoked_by = timezone.now(), by
        certificate.revoke_reason = reason.strip()
        certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit.record(actor=by, action="learning.revoked", target=certificate.offering, reason=reason.strip())
        notify(
            user=certificate.holder,
            kind="learning_revoked",
            url=reverse("learning:offering", args=[certificate.offering_id]),
            title=pick(certificate.titles, certificate.holder.preferred_language),
        )
    return certificate


# --- Materials ----------------------------------------------------------------------------------


def add_material(*, offering: Offering, by, upload) -> Material:
    """A file for the participants, checked for what it really is (photos lose their metadata).

    Raises UploadRefused or ServiceError with the reason; on failure no row and no file remain.
    """
    if offering.materials.count() >= MAX_MATERIALS:
        raise ServiceError(_("At most %(n)d files go with one offering.") % {"n": MAX_MATERIALS})
    kind, data = examine(upload)
    name = f"learning/{offering.pk}/{uuid.uuid4().hex}.{kind.extension}"
    stored = None
    try:
        with transaction.atomic():
            stored = default_storage.save(name, ContentFile(data))
            return Material.objects.create(
                offering=offering,
                file=stored,
                content_type=kind.content_type,
                size=len(data),
                original_name=safe_name(upload.name) or stored.rsplit("/", 1)[-1],
                uploaded_by=by,
            )
    except BaseException:
        for leftover in {name, stored} - {None}:
            if default_storage.exists(leftover):
                default_storage.delete(leftover)
        raise


def remove_material(*, material: Material, by) -> None:
    name = material.file.name
    with transaction.atomic():
        material.delete()
    if default_storage.exists(name):
        default_storage.delete(name)
