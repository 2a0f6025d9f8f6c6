"""A start- and end-of-year questionnaire for the demo, answered by the pupils and teachers of the Israeli twinnings.

Made through the services, as the NSO and the respondents would: the Israeli NSO writes it (in English, Hebrew
and Arabic), opens the start of the year, the pupils and teachers answer, it closes that wave and opens the end of
the year, and most of them answer again, a little warmer towards their partners. It is left open at the end of
the year, so a pupil who has not answered yet still finds it on "Questionnaires".

There are enough pupils for their results to show (a class of twelve is added if the twinnings have fewer); the
teachers are fewer than five, so the results page shows how a small group is kept hidden.

A programme runs its own questionnaire too (`load_programme_survey`): its coordinator writes it for the pupils
and teachers of the programme's twinnings in every country, and a partner class abroad answers with the Israeli
class, so the results show a twinning of its own, start against end, and the twinnings too small to show counted
together.

Call them after the twinnings and their pupils are loaded: `load_surveys(seed=...)`, then
`load_programme_survey(seed=...)`.
"""

from __future__ import annotations

import random
from collections import Counter

from django.db.models import Q

from twinning.accounts.models import Role
from twinning.accounts.pupils import create_pupils
from twinning.common.school_year import current_school_year
from twinning.reporting import rules, services
from twinning.reporting.models import Group, Survey
from twinning.schools.models import NSO, Programme
from twinning.twinnings import services as twinning_services
from twinning.twinnings.models import Membership, Twinning, TwinningSchool

TITLES = {
    "en": "Our partners and us",
    "he": "אנחנו והשותפים שלנו",
    "ar": "نحن وشركاؤنا",
}
STATEMENTS = (
    {
        "en": "I would like to visit my partners' country.",
        "he": "הייתי רוצה לבקר בארץ של השותפים שלי.",
        "ar": "أودّ أن أزور بلد شركائي.",
    },
    {
        "en": "I know how children of my age live in my partners' country.",
        "he": "אני יודע/ת איך חיים ילדים בגילי בארץ של השותפים שלי.",
        "ar": "أعرف كيف يعيش الأطفال في عمري في بلد شركائي.",
    },
    {
        "en": "My partners and I have a lot in common.",
        "he": "יש לי ולשותפים שלי הרבה במשותף.",
        "ar": "لدي الكثير من القواسم المشتركة مع شركائي.",
    },
    {
        "en": "I feel comfortable speaking with my partners.",
        "he": "נוח לי לדבר עם השותפים שלי.",
        "ar": "أشعر بالراحة عند التحدث مع شركائي.",
    },
)
CLASS = ("Lior A.", "Shira B.", "Adam C.", "Roni D.", "Gal E.", "Neta F.", "Ido G.", "Hila H.", "Ben I.", "Tal J.")
ENOUGH_PUPILS = 8


def load_surveys(*, seed: int = 0, nso_slug: str = "il", school_year: int | None = None) -> int:
    """The demo questionnaire (for this school year unless told) with answers in both waves.

    Returns how many sets of answers were given (0 if none, or if the NSO has a questionnaire already).
    """
    rng = random.Random(seed)  # nosec B311  # seeded, for a demo that is the same each time: no secret
    nso = NSO.objects.filter(slug=nso_slug).first()
    staff = Role.objects.filter(kind=Role.Kind.NSO_STAFF, nso=nso).select_related("user").order_by("pk").first()
    if nso is None or staff is None or Survey.objects.filter(nso=nso).exists():
        return 0
    year = school_year or current_school_year()
    _enough_pupils(nso, year)
    survey = services.create_survey(
        nso=nso,
        by=staff.user,
        school_year=year,
        titles=TITLES,
        questions=list(STATEMENTS),
        audience=Survey.Audience.BOTH,
    )
    return _answer_both_waves(survey, staff.user, rng)


def _answer_both_waves(survey: Survey, organiser, rng: random.Random) -> int:
    """Open the start of the year, everyone answers; open the end, most answer again. Returns the sets given."""
    people = _respondents(survey)
    if not people:
        return 0
    given = 0
    survey = services.advance_survey(survey=survey, by=organiser, expected=Survey.Stage.DRAFT)
    for person, _group in people:
        given += _answer(survey, person, rng, warmth=0)
    survey = services.advance_survey(survey=survey, by=organiser, expected=Survey.Stage.START_OPEN)
    survey = services.advance_survey(survey=survey, by=organiser, expected=Survey.Stage.START_CLOSED)
    # Most answer again at the end of the year. A teacher (the first, so the demo's Reali teacher can try it) and a
    # pupil have not yet: the questionnaire is still open for them.
    later = {next((p for p, group in people if group == Group.TEACHERS), None), people[-1][0]}
    for person, _group in people:
        if person not in later:
            given += _answer(survey, person, rng, warmth=1)
    return given


def _respondents(survey: Survey) -> list[tuple]:
    """Everyone the questionnaire is for, with their group, in a fixed order."""
    whose = (
        Q(twinning__programme_id=survey.programme_id)
        if survey.programme_id is not None
        else Q(school__country__nso_id=survey.nso_id)
    )
    members = (
        Membership.objects.filter(
            whose,
            active=True,
            twinning__school_year=survey.school_year,
            twinning__status__in=rules.WORKING,
            role__in=[Membership.Role.PUPIL, *rules.TEACHERS],
        )
        .select_related("user")
        .order_by("user_id")
    )
    seen, people = set(), []
    for member in members:
        place = rules.respondent_place(member.user, survey) if member.user_id not in seen else None
        if place is not None:
            seen.add(member.user_id)
            people.append((member.user, place.group))
    return people


def _answer(survey: Survey, person, rng: random.Random, *, warmth: int) -> int:
    values = {}
    for question in survey.questions.all():
        # Start of the year around 3; the end around 4: the exchange brought the classes closer.
        values[question.pk] = max(1, min(5, rng.choice((2, 3, 3, 4)) + warmth + rng.choice((-1, 0, 0, 0, 1))))
    services.submit_answers(survey=survey, by=person, values=values)
    return 1


def _enough_pupils(nso: NSO, year: int) -> None:
    """A class of pupils in an active twinning of the NSO's countries, if the demo has too few for results."""
    pupils = Membership.objects.filter(
        role=Membership.Role.PUPIL,
        active=True,
        twinning__school_year=year,
        twinning__status__in=rules.WORKING,
        school__country__nso=nso,
    ).count()
    if pupils >= ENOUGH_PUPILS:
        return
    row = (
        TwinningSchool.objects.filter(
            status=TwinningSchool.Status.JOINED,
            school__country__nso=nso,
            twinning__status=Twinning.Status.ACTIVE,
            twinning__school_year=year,
            contact__isnull=False,
        )
        .select_related("twinning", "school", "contact")
        .order_by("pk")
        .first()
    )
    if row is None:
        return
    made = create_pupils(school=row.school, by=row.contact, names=list(CLASS))
    twinning_services.add_pupils(twinning=row.twinning, row=row, pupils=[p for p, _password in made], by=row.contact)


PROGRAMME_TITLES = {
    "en": "A year in the programme",
    "he": "שנה בתוכנית",
    "ar": "عام في البرنامج",
}
PROGRAMME_STATEMENTS = (
    {
        "en": "I know my partners better than at the start.",
        "he": "אני מכיר/ה את השותפים שלי טוב יותר מאשר בהתחלה.",
        "ar": "أعرف شركائي أفضل مما كنت أعرفهم في البداية.",
    },
    {
        "en": "I enjoy working with a class in another country.",
        "he": "נהנה/ית לעבוד עם כיתה בארץ אחרת.",
        "ar": "أستمتع بالعمل مع صف في بلد آخر.",
    },
    {
        "en": "I want to stay in touch with my partners.",
        "he": "אני רוצה להישאר בקשר עם השותפים שלי.",
        "ar": "أريد أن أبقى على تواصل مع شركائي.",
    },
)
PARTNER_CLASS = ("Emma W.", "Noah S.", "Lucas M.", "Chloe R.", "Jacob T.", "Ella P.")


def load_programme_survey(*, seed: int = 0, school_year: int | None = None) -> int:
    """The programme with the most twinnings this year runs its own questionnaire, written by its coordinator,
    answered in both waves. Returns how many sets of answers were given (0 if none, or if it has one already)."""
    rng = random.Random(seed + 1)  # nosec B311  # seeded, for a demo that is the same each time: no secret
    year = school_year or current_school_year()
    working = Counter(
        Twinning.objects.filter(school_year=year, status__in=rules.WORKING, programme__isnull=False).values_list(
            "programme_id", flat=True
        )
    )
    programme = Programme.objects.filter(pk=min(working, key=lambda pk: (-working[pk], pk), default=None)).first()
    if programme is None or Survey.objects.filter(programme=programme).exists():
        return 0
    role = (
        Role.objects.filter(kind__in=[Role.Kind.COORDINATOR, Role.Kind.PROGRAMME_ADMIN], programme=programme)
        .select_related("user")
        .order_by("kind", "pk")
        .first()
    )
    if role is None:
        return 0
    _partner_class(programme, year)
    survey = services.create_survey(
        programme=programme,
        by=role.user,
        school_year=year,
        titles=PROGRAMME_TITLES,
        questions=list(PROGRAMME_STATEMENTS),
        audience=Survey.Audience.BOTH,
    )
    return _answer_both_waves(survey, role.user, rng)


def _partner_class(programme: Programme, year: int) -> None:
    """A class of the partner school abroad joins the programme's first active twinning, so that a twinning has
    enough answers to show on its own."""
    row = (
        TwinningSchool.objects.filter(
            status=TwinningSchool.Status.JOINED,
            twinning__programme=programme,
            twinning__status=Twinning.Status.ACTIVE,
            twinning__school_year=year,
            contact__isnull=False,
        )
        .exclude(school__country_id="IL")
        .select_related("twinning", "school", "contact")
        .order_by("twinning_id", "pk")
        .first()
    )
    if row is None:
        return
    made = create_pupils(school=row.school, by=row.contact, names=list(PARTNER_CLASS))
    twinning_services.add_pupils(twinning=row.twinning, row=row, pupils=[p for p, _password in made], by=row.contact)
