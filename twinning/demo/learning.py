"""Courses and events for the demo network: a national conference open to everyone, an online
seminar series already held (attendance taken, certificates issued), and a full face-to-face
workshop with a waiting list.

Everything goes through the services, as an NSO and its teachers would do it on the pages. The
seminar series is registered for while it is still ahead and then moved into the past, since
nobody can register for something that has started (the meetings demo does the same).
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max, Min
from django.utils import timezone

from twinning.accounts.models import Role, User
from twinning.learning import services
from twinning.learning.models import Offering, Session
from twinning.learning.services import Details
from twinning.schools.models import NSO, Language, TeacherProfile, ValidationStatus

CONFERENCE = {
    "en": "National eTwinning conference: well-being and digital learning",
    "he": "הכנס הארצי של eTwinning: רווחה והוראה דיגיטלית",
    "ar": "المؤتمر الوطني للتوأمة الإلكترونية: الرفاه والتعلم الرقمي",
}
CONFERENCE_TEXT = {
    "en": "Two days of talks and hands-on workshops for teachers of twinned classes, with the year's "
    "quality labels and the project awards. Teachers from every country of the network are welcome.",
    "ar": "يومان من المحاضرات وورش العمل التطبيقية لمعلمي الصفوف المتوأمة، مع شهادات الجودة وجوائز "
    "المشاريع لهذا العام. يرحَّب بالمعلمين من جميع دول الشبكة.",
}
SEMINAR = {
    "en": "Online seminar series: planning a twinning project that lasts",
    "he": "סדרת סמינרים מקוונים: מתכננים פרויקט תאומות שמחזיק לאורך זמן",
    "ar": "سلسلة ندوات عبر الإنترنت: تخطيط مشروع توأمة يدوم",
}
SEMINAR_TEXT = {
    "en": "Four evening sessions online: choosing a shared theme, the first live meeting, keeping the "
    "partners writing, and showing the work at the end of the year.",
    "he": "ארבעה מפגשי ערב מקוונים: בחירת נושא משותף, המפגש החי הראשון, שמירה על קשר כתוב עם "
    "השותפים, והצגת העבודה בסוף השנה.",
}
WORKSHOP = {
    "en": "Workshop: digital storytelling with your partner class",
    "he": "סדנה: סיפור דיגיטלי יחד עם הכיתה השותפה",
    "ar": "ورشة عمل: السرد الرقمي مع الصف الشريك",
}
WORKSHOP_TEXT = {
    "he": "סדנה מעשית של אחר צהריים: מתכננים סיפור דיגיטלי קצר שהכיתות כותבות ומצלמות יחד. הביאו מחשב נייד או טאבלט.",
    "en": "A hands-on afternoon: plan a short digital story that both classes write and film together. "
    "Bring a laptop or a tablet.",
}
READING_LIST = (
    b"Planning a twinning project that lasts: reading list\n\n"
    b"1. The activity library: Our streets, our stories\n"
    b"2. The workspace guide: a shared plan in five steps\n"
    b"3. Keeping partners writing between live meetings\n"
)


def _nso(country: str) -> NSO | None:
    return NSO.objects.filter(countries__code=country).first()


def _staff(nso: NSO) -> User | None:
    role = Role.objects.filter(kind=Role.Kind.NSO_STAFF, nso=nso).select_related("user").order_by("pk").first()
    return role.user if role else None


def _teachers(*countries: str) -> list[User]:
    """Validated teachers at validated schools, the demo's first sign-in teachers first."""
    rows = (
        TeacherProfile.objects.filter(
            status=ValidationStatus.VALIDATED,
            school__status=ValidationStatus.VALIDATED,
            school__country__in=countries,
            left_at__isnull=True,
        )
        .select_related("user")
        .order_by("pk")
    )
    return [row.user for row in rows]


def _at(day, hour: int, minute: int, zone: str) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))


def load_learning(*, seed: int = 7) -> int:
    """Load the demo's courses and events; returns how many offerings were made (0 if already there)."""
    if Offering.objects.exists():
        return 0
    il, ps = _nso("IL"), _nso("PS")
    if il is None or ps is None or _staff(il) is None or _staff(ps) is None:
        return 0
    rng = random.Random(seed)  # nosec B311  # seeded, for a demo that is the same each time: no secret
    today = timezone.localdate()
    made = [
        _conference(ps, _staff(ps), today, rng),
        _seminar(il, _staff(il), today, rng),
        _workshop(il, _staff(il), today),
    ]
    return len(made)


def _conference(nso: NSO, by: User, today, rng: random.Random) -> Offering:
    conference = services.create_offering(
        by=by,
        nso=nso,
        details=Details(
            kind=Offering.Kind.EVENT,
            titles=CONFERENCE,
            descriptions=CONFERENCE_TEXT,
            language=Language.objects.get(code="ar"),
            capacity=150,
            audience=Offering.Audience.NETWORK,
            basis=Offering.Basis.COMPLETION,
            hours=Decimal("12"),
        ),
    )
    # A Tuesday and a Wednesday six weeks ahead: school days in Palestine (Friday is the weekend).
    first = today + timedelta(days=42 + (1 - today.weekday()) % 7)
    for day, (start, end) in enumerate(((9, 16), (9, 14))):
        services.add_session(
            offering=conference,
            by=by,
            title=("Talks and the awards ceremony", "Workshops by theme")[day],
            starts_at=_at(first + timedelta(days=day), start, 0, "Asia/Hebron"),
            ends_at=_at(first + timedelta(days=day), end, 0, "Asia/Hebron"),
            place="Ramallah Cultural Palace, main hall",
        )
    services.publish(offering=conference, by=by)
    # Teachers from around the network; the first sign-in teachers are left to register themselves.
    people = _teachers("PS")[1:12] + _teachers("JO")[:4] + _teachers("GB", "FR")[1:5]
    for user in rng.sample(people, k=min(len(people), 16)):
        services.register(offering=conference, user=user)
    return conference


def _seminar(nso: NSO, by: User, today, rng: random.Random) -> Offering:
    seminar = services.create_offering(
        by=by,
        nso=nso,
        details=Details(
            kind=Offering.Kind.SEMINAR,
            titles=SEMINAR,
            descriptions=SEMINAR_TEXT,
            language=Language.objects.get(code="en"),
            capacity=40,
            audience=Offering.Audience.NETWORK,
            basis=Offering.Basis.ATTENDANCE,
            sessions_required=3,
            hours=Decimal("6"),
        ),
    )
    topics = ("Choosing a shared theme", "The first live meeting", "Keeping partners writing", "Showing the work")
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    for week, topic in enumerate(topics):
        day = tuesday + timedelta(days=7 * week)
        services.add_session(
            offering=seminar,
            by=by,
            title=topic,
            starts_at=_at(day, 17, 0, "Asia/Jerusalem"),
            ends_at=_at(day, 18, 30, "Asia/Jerusalem"),
            online_link="https://meet.example.org/twinning-seminar",
        )
    services.publish(offering=seminar, by=by)
    services.add_material(
        offering=seminar, by=by, upload=SimpleUploadedFile("reading-list.txt", READING_LIST, "text/plain")
    )
    participants = _teachers("IL")[:8] + _teachers("GB")[:3] + _teachers("US")[:3]
    for user in participants:
        services.register(offering=seminar, user=user)
    # The series was held over the past weeks: each session moves back by whole weeks, at the same
    # time of day in Jerusalem (summer time may have ended in between).
    back = timedelta(days=7 * (len(topics) + 1))
    zone = ZoneInfo("Asia/Jerusalem")
    for session in seminar.sessions.all():
        start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        Session.objects.filter(pk=session.pk).update(
            starts_at=_at(start.date() - back, start.hour, start.minute, "Asia/Jerusalem"),
            ends_at=_at(end.date() - back, end.hour, end.minute, "Asia/Jerusalem"),
        )
    span = seminar.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    Offering.objects.filter(pk=seminar.pk).update(starts_at=span["first"], ends_at=span["last"])
    seminar.refresh_from_db()
    registrations = list(seminar.registrations.order_by("pk"))
    for session in seminar.sessions.order_by("starts_at"):
        session.offering = seminar
        # The first participant (a demo sign-in) came every time; the others most times.
        present = {registrations[0].pk} | {r.pk for r in registrations[1:] if rng.random() < 0.75}
        services.record_attendance(session=session, by=by, present=present)
    return seminar


def _workshop(nso: NSO, by: User, today) -> Offering:
    workshop = services.create_offering(
        by=by,
        nso=nso,
        details=Details(
            kind=Offering.Kind.WORKSHOP,
            titles=WORKSHOP,
            descriptions=WORKSHOP_TEXT,
            language=Language.objects.get(code="he"),
            capacity=6,
            audience=Offering.Audience.OWN,
            basis=Offering.Basis.ATTENDANCE,
            sessions_required=1,
            hours=Decimal("3"),
        ),
    )
    day = today + timedelta(days=20)
    services.add_session(
        offering=workshop,
        by=by,
        starts_at=_at(day, 15, 0, "Asia/Jerusalem"),
        ends_at=_at(day, 18, 0, "Asia/Jerusalem"),
        place="Jerusalem, Beit Ha'Am, hall 2",
    )
    services.publish(offering=workshop, by=by)
    teachers = _teachers("IL")
    # Six seats for eight teachers: the demo's first Israeli teacher is first on the waiting list.
    for user in [*teachers[1:7], teachers[0], *teachers[7:8]]:
        services.register(offering=workshop, user=user)
    return workshop
