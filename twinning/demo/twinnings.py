"""Twinnings for the demo network, one at each stage of the year, made through the services."""

import random

from twinning.accounts.models import Role
from twinning.accounts.pupils import create_pupils
from twinning.common.errors import ServiceError
from twinning.common.school_year import current_school_year
from twinning.schools.models import Programme, School, TeacherProfile, ValidationStatus
from twinning.twinnings import services
from twinning.workspace import services as workspace

TITLES = (
    {"en": "Our names, our stories", "he": "השמות שלנו, הסיפורים שלנו", "ar": "أسماؤنا وحكاياتنا"},
    {"en": "Festivals of light", "he": "חגי האור"},
    {"en": "Water in our towns", "ar": "الماء في مدننا"},
    {"en": "A day in our school", "he": "יום בבית הספר שלנו"},
    {"en": "Letters across the sea", "he": "מכתבים מעבר לים", "ar": "رسائل عبر البحر"},
    {"en": "Songs we grew up with"},
)
# The stage each demo twinning is left at.
STAGES = ("proposed", "accepted", "approved", "active", "active", "needs_partner")


def load_twinnings(*, seed: int) -> int:
    rng = random.Random(seed)  # nosec B311  # seeded, for a demo that is the same each time: no secret
    teachers: dict[int, list] = {}
    for teacher in TeacherProfile.objects.filter(
        status=ValidationStatus.VALIDATED, school__status=ValidationStatus.VALIDATED
    ).select_related("user", "school__country"):
        teachers.setdefault(teacher.school_id, []).append(teacher.user)
    schools = {s.pk: s for s in School.objects.filter(pk__in=teachers).select_related("country")}
    israeli = sorted(pk for pk, s in schools.items() if s.country_id == "IL")
    abroad = sorted(pk for pk, s in schools.items() if s.country_id not in ("IL", "PS", "JO"))
    coordinator = (
        Role.objects.filter(kind=Role.Kind.COORDINATOR, programme__isnull=False).select_related("user").first()
        or Role.objects.filter(kind=Role.Kind.COORDINATOR).select_related("user").first()
    )
    year = current_school_year()
    made = 0
    for titles, stage in zip(TITLES, STAGES, strict=True):
        if not israeli or not abroad:
            break
        home = schools[israeli.pop(rng.randrange(len(israeli)))]
        proposer = teachers[home.pk][0]
        # The first school abroad (in a random order) the programme's pairing rules allow.
        twinning = None
        for away_pk in rng.sample(abroad, len(abroad)):
            away = schools[away_pk]
            shared = set(home.programmes.values_list("pk", flat=True)) & set(
                away.programmes.values_list("pk", flat=True)
            )
            try:
                twinning = services.propose_twinning(
                    from_school=home,
                    to_schools=[away],
                    by=proposer,
                    school_year=year,
                    titles=titles,
                    programme=Programme.objects.filter(pk__in=shared).first(),
                )
            except ServiceError:
                continue
            abroad.remove(away_pk)
            break
        if twinning is None:
            continue
        made += 1
        if stage == "proposed":
            continue
        row = twinning.schools.get(school=away)
        services.answer_invitation(twinning=twinning, row=row, by=teachers[away.pk][0], accept=True)
        if stage == "accepted" or coordinator is None:
            continue
        services.approve_twinning(twinning=twinning, by=coordinator.user)
        if stage == "approved":
            continue
        services.start_twinning(twinning=twinning, by=proposer)
        _first_messages(twinning, proposer, teachers[away.pk][0], rng)
        _class_of_pupils(twinning, home, proposer, rng)
        if stage == "needs_partner":
            row.refresh_from_db()
            services.withdraw_school(
                twinning=twinning,
                row=row,
                by=teachers[away.pk][0],
                reason="Our partner class changed teacher mid-year.",
            )
    return made


CONVERSATIONS = (
    (
        "Hello from both classes",
        "שלום לכולם! הכיתה שלנו מתרגשת מאוד להכיר אתכם. נשלח בשבוע הבא סרטון קצר על בית הספר.",
        "Hello! Our pupils loved your message. We will answer with photos of our town.",
    ),
    (
        "Our first video meeting",
        "We suggest Tuesday at 10:00 our time. Does that work for your class?",
        "يناسبنا ذلك تمامًا، سنحضّر أسئلة عن مدينتكم.",
    ),
)


def _first_messages(twinning, host, guest, rng) -> None:

    title, opening, answer = CONVERSATIONS[rng.randrange(len(CONVERSATIONS))]
    thread = workspace.start_thread(twinning=twinning, by=host, title=title, body=opening)
    workspace.reply(thread=thread, by=guest, body=answer, quote=thread.posts.first())


PUPIL_NAMES = ("Noa L.", "Amir S.", "Yael D.", "Omer K.", "Tamar G.", "Itai B.")


def _class_of_pupils(twinning, school, teacher, rng) -> None:
    """A few pupils of the home school, in the twinning, one of whose replies waits for approval."""

    made = create_pupils(school=school, by=teacher, names=rng.sample(PUPIL_NAMES, 3))
    row = twinning.schools.get(school=school)
    services.add_pupils(twinning=twinning, row=row, pupils=[pupil for pupil, _password in made], by=teacher)
    thread = twinning.threads.first()
    if thread is not None:
        workspace.reply(thread=thread, by=made[0][0].user, body="We made a drawing of our classroom for you!")
