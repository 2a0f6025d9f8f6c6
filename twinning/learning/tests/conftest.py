"""Offerings made the way an organiser makes them, and registration, attendance and certificates
through the client, for the learning tests (and the access network)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from twinning import testing
from twinning.learning import services
from twinning.learning.models import Certificate, Offering, Registration, Session
from twinning.learning.services import Details
from twinning.schools.models import Language
from twinning.testing import as_

# A Tuesday, far enough ahead for registration to stay open whenever the suite runs.
START = datetime(2030, 11, 12, 8, 0, tzinfo=UTC)


def make_offering(
    cast,
    *,
    capacity: int = 2,
    sessions: int = 1,
    by=None,
    nso=None,
    programme=None,
    basis: str = Offering.Basis.ATTENDANCE,
    required: int = 1,
    audience: str = Offering.Audience.OWN,
    kind: str = Offering.Kind.COURSE,
    titles: dict | None = None,
    start: datetime = START,
    publish: bool = True,
) -> Offering:
    by = by or cast.nso_il
    offering = services.create_offering(
        by=by,
        nso=None if programme else (nso or cast.il_nso),
        programme=programme,
        details=Details(
            kind=kind,
            titles=titles
            or {"en": "Teaching with tablets", "he": "הוראה עם טאבלטים", "ar": "التعليم بالأجهزة اللوحية"},
            descriptions={"en": "Three evenings of practice."},
            # get_or_create: a transactional test may run after another one emptied the reference rows.
            language=Language.objects.get_or_create(code="en", defaults={"names": {"en": "English"}})[0],
            capacity=capacity,
            audience=audience,
            basis=basis,
            sessions_required=required,
            hours=Decimal("6.0"),
        ),
    )
    for week in range(sessions):
        services.add_session(
            offering=offering,
            by=by,
            starts_at=start + timedelta(days=7 * week),
            ends_at=start + timedelta(days=7 * week, hours=2),
            place="Room 4, Reali School" if week == 0 else "",
            online_link="https://meet.example.org/tablets" if week else "",
        )
    if publish:
        services.publish(offering=offering, by=by)
    offering.refresh_from_db()
    return offering


def teacher(cast, name: str, *, country=None, language: str = "en", time_zone: str = "UTC"):
    school = cast.school_a if country is None else testing.make_school(country=country, name=f"School of {name}")
    return testing.make_teacher(school=school, name=name, language=language, time_zone=time_zone).user


def into_the_past(offering: Offering) -> Offering:
    """As if time had passed: the sessions move back by whole days until the last one is over
    (data set-up: people register before the start, attendance is taken after it)."""
    shift = offering.ends_at - timezone.now() + timedelta(days=1)
    shift = timedelta(days=shift.days + 1)
    Session.objects.filter(offering=offering).update(starts_at=F("starts_at") - shift, ends_at=F("ends_at") - shift)
    Offering.objects.filter(pk=offering.pk).update(starts_at=F("starts_at") - shift, ends_at=F("ends_at") - shift)
    offering.refresh_from_db()
    return offering


def register(client, user, offering):
    return as_(client, user).post(f"/learning/{offering.pk}/register/", follow=True)


def attend(client, organiser, session, registrations):
    return as_(client, organiser).post(
        f"/learning/{session.offering_id}/sessions/{session.pk}/attendance/",
        {"ticked": [r.pk for r in registrations]},
        follow=True,
    )


def issued(client, cast) -> Certificate:
    offering = make_offering(cast, capacity=5)
    register(client, cast.teacher_a.user, offering)
    offering = into_the_past(offering)
    attend(client, cast.nso_il, offering.sessions.get(), Registration.objects.all())
    return Certificate.objects.get()
