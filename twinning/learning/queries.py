"""Reading courses and events: the listing, an organiser's list, participants, a person's own."""

from datetime import UTC, datetime

from django.db.models import Count, DateTimeField, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from twinning.learning import rules
from twinning.learning.models import Certificate, Offering, Registration, Session


# The orders the two lists page by key in (`common.keyset`), coming ones soonest first, past ones latest first. The
# listing through the index `offering_listing_order`; an organiser's own list sorts its drafts (no start yet) first.
def listing_keys(past: bool) -> tuple[str, ...]:
    return ("-starts_at", "-pk") if past else ("starts_at", "pk")


def organised_keys(past: bool) -> tuple[str, ...]:
    return ("-start_key", "-pk") if past else ("start_key", "pk")


_NO_START = datetime(1, 1, 1, tzinfo=UTC)


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT, so a page of offerings is one query whatever their number."""
    counted = queryset.order_by().values("offering_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_seats(offerings: QuerySet[Offering]) -> QuerySet[Offering]:
    return offerings.annotate(
        taken=_count(Registration.objects.filter(offering=OuterRef("pk"), status=Registration.Status.CONFIRMED)),
        waiting=_count(Registration.objects.filter(offering=OuterRef("pk"), status=Registration.Status.WAITING)),
    ).annotate(seats_left=F("capacity") - F("taken"))


def _with_reader(offerings: QuerySet[Offering], user) -> QuerySet[Offering]:
    """Each offering with the reader's own registration status ("" when none)."""
    mine = Registration.objects.filter(offering=OuterRef("pk"), user=user, status__in=Registration.ACTIVE)
    return offerings.annotate(my_status=Coalesce(Subquery(mine.values("status")[:1]), Value("")))


def listing_for(user, *, kind: str = "", language: str = "", past: bool = False) -> QuerySet[Offering]:
    """Published offerings open to the reader, upcoming (or past) ones, soonest (or latest) first."""
    now = timezone.now()
    found = rules.offerings_for(user).filter(status=Offering.Status.PUBLISHED, starts_at__isnull=False)
    found = found.filter(ends_at__lt=now) if past else found.filter(ends_at__gte=now)
    if kind:
        found = found.filter(kind=kind)
    if language:
        found = found.filter(language_id=language)
    found = found.select_related("nso", "programme", "language").order_by(*listing_keys(past))
    return _with_reader(with_seats(found), user)


def organised_list(user, *, past: bool = False) -> QuerySet[Offering]:
    """Everything this person organises, drafts first, then by date."""
    now = timezone.now()
    found = rules.organised_by(user)
    # Drafts without a session yet have no end: they belong with what is coming.
    coming = Q(ends_at__gte=now) | Q(ends_at__isnull=True)
    found = found.filter(ends_at__lt=now) if past else found.filter(coming)
    found = found.annotate(start_key=Coalesce("starts_at", Value(_NO_START), output_field=DateTimeField()))
    return with_seats(found.select_related("nso", "programme", "language").order_by(*organised_keys(past)))


def sessions_of(offering: Offering) -> list[Session]:
    return list(offering.sessions.annotate(present=Count("attendance")).order_by("starts_at", "pk"))


def participants_of(offering: Offering) -> list[Registration]:
    """Everyone who registered, the seated first, then the waiting list in its order, then those who
    cancelled; each with the sessions they attended and their certificate."""
    rows: list[Registration] = list(
        Registration.objects.filter(offering=offering)
        .select_related("user__teacher__school__country")
        .annotate(attended=Count("attendance"))
        .order_by("pk")
    )
    certificates = {c.holder_id: c for c in Certificate.objects.filter(offering=offering)}
    order: dict[str, int] = {
        Registration.Status.CONFIRMED: 0,
        Registration.Status.WAITING: 1,
        Registration.Status.CANCELLED: 2,
    }
    position = 0
    for row in rows:
        row.certificate = certificates.get(row.user_id) if row.status == Registration.Status.CONFIRMED else None
        if row.status == Registration.Status.WAITING:
            position += 1
            row.position = position
    rows.sort(key=lambda r: (order[r.status], r.user.full_name.casefold() if r.status == "confirmed" else r.pk))
    return rows


def attendance_sheet(session: Session) -> list[Registration]:
    """The registered participants, by name, each with `present` for this session."""
    return list(
        Registration.objects.filter(offering_id=session.offering_id, status=Registration.Status.CONFIRMED)
        .select_related("user__teacher__school")
        .annotate(present=Count("attendance", filter=Q(attendance__session=session)))
        .order_by("user__full_name", "pk")
    )


def learning_of(user) -> dict:
    """A person's own offerings (upcoming, waiting, past) and certificates, for their profile."""
    now = timezone.now()
    waiting_before = Registration.objects.filter(
        offering=OuterRef("offering_id"), status=Registration.Status.WAITING, pk__lt=OuterRef("pk")
    )
    rows = list(
        Registration.objects.filter(user=user, status__in=Registration.ACTIVE)
        .select_related("offering__nso", "offering__programme")
        .annotate(
            ahead=Coalesce(
                Subquery(
                    waiting_before.order_by().values("offering").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            )
        )
        .order_by("offering__starts_at", "pk")
    )
    for row in rows:
        row.position = row.ahead + 1
    certificates = list(
        Certificate.objects.filter(holder=user).select_related("offering").order_by("-issued_at", "-pk")
    )
    ended = [r for r in rows if r.offering.ends_at and r.offering.ends_at < now]
    return {
        "upcoming": [r for r in rows if r not in ended and r.status == Registration.Status.CONFIRMED],
        "waiting": [r for r in rows if r not in ended and r.status == Registration.Status.WAITING],
        "past": [r for r in reversed(ended) if r.status == Registration.Status.CONFIRMED],
        "certificates": certificates,
    }


def materials_of(offering: Offering):
    return offering.materials.all().order_by("pk")


def offering_with_sessions(offering: Offering) -> Offering:
    return (
        Offering.objects.select_related("nso", "programme", "language")
        .prefetch_related(Prefetch("sessions", Session.objects.order_by("starts_at", "pk")))
        .get(pk=offering.pk)
    )
