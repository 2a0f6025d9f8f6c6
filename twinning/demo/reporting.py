"""A start- and end-of-year questionnaire for the demo, answered by the pupils and teachers of the Israeli twinnings.

Made through the services, as the NSO and the respondents would: the Israeli NSO writes it (in English, Hebrew
and Arabic), opens the start of the year, the pupils and teachers answer, it closes that wave and opens the end of
the year, and most of them answer again, a little warmer towards their partners. It is left open at the end of
the year, so a pupil who has not answered yet still finds it on "Questionnaires".

There are enough pupils for their results to show (a class of twelve is added if the twinnings have fewer); the
teachers are fewer than five, so the results page shows how a small group is kept hidden.

Call it after the twinnings and their pupils are loaded: `load_surveys(seed=...)`.
"""

from __future__ import annotations

import random

from twinning.accounts.models import Role
from twinning.accounts.pupils import create_pupils
from twinning.common.school_year import current_school_year
from twinning.reporting import rules, services
from twinning.reporting.models import Group, Survey
from twinning.schools.models import NSO
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
    people = _respondents(survey)
    if not people:
        return 0
    given = 0
    survey = services.advance_survey(survey=survey, by=staff.user, expected=Survey.Stage.DRAFT)
    for person, _group in people:
        given += _answer(survey, person, rng, warmth=0)
    survey = services.advance_survey(survey=survey, by=staff.user, expected=Survey.Stage.START_OPEN)
    survey = services.advance_survey(survey=survey, by=staff.user, expected=Survey.Stage.START_CLOSED)
    # Most answer again at the end of the year. A teacher (the first, so the demo's Reali teacher can try it) and a
    # pupil have not yet: the questionnaire is still open for them.
    later = {next((p for p, group in people if group == Group.TEACHERS), None), people[-1][0]}
    for person, _group in people:
        if person not in later:
            given += _answer(survey, person, rng, warmth=1)
    return given


def _respondents(survey: Survey) -> list[tuple]:
    """Everyone the questionnaire is for, with their group, in a fixed order."""
    members = (
        Membership.objects.filter(
            active=True,
            twinning__school_year=survey.school_year,
            twinning__status__in=rules.WORKING,
            school__country__nso_id=survey.nso_id,
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
