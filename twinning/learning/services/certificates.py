"""Attendance and certificates: taking attendance, ticking who completed it, the certificates' codes,
issuing certificates (never twice) and revoking one."""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.i18n import pick
from twinning.common.notifications import notify, notify_many
from twinning.learning.models import Attendance, Certificate, Offering, Registration, Session

from ._common import _lock, _title_for

# No 0/O, 1/I/L or U: a code read out over the phone or typed from paper is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
# 30^12 ≈ 5·10^17 codes: guessing a valid one is hopeless, so the public page can answer freely.
CODE_LENGTH = 12


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


def _local_date(moment: datetime | None, user) -> date:
    # None (an offering without sessions has no dates) is taken by timezone.localtime as now.
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
        if issuer is None:  # never: a database constraint gives every offering one organiser
            raise ValueError(f"offering {offering.pk} has no organiser")
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
