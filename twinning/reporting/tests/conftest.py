"""The reporting tests' network of a programme: three twinnings of it, another programme, a twinning of none."""

import pytest

from twinning.accounts.models import Role
from twinning.accounts.pupils import create_pupils
from twinning.schools.models import Programme
from twinning.testing import grant, make_person, make_school, make_teacher
from twinning.twinnings import services as twinning_services


def _twinning(cast, programme, partner, partner_teacher, title, school_year=2026):
    twinning = twinning_services.propose_twinning(
        from_school=cast.school_a,
        to_schools=[partner],
        by=cast.teacher_a.user,
        school_year=school_year,
        titles={"en": title},
        programme=programme,
    )
    row = twinning.schools.get(school=partner)
    twinning_services.answer_invitation(twinning=twinning, row=row, by=partner_teacher.user, accept=True)
    twinning_services.approve_twinning(twinning=twinning, by=cast.coordinator)
    twinning_services.start_twinning(twinning=twinning, by=cast.teacher_a.user)
    return twinning


def _class(twinning, school, teacher, names):
    made = [p for p, _password in create_pupils(school=school, by=teacher, names=names)]
    row = twinning.schools.get(school=school)
    twinning_services.add_pupils(twinning=twinning, row=row, pupils=made, by=teacher)
    return [p.user for p in made]


@pytest.fixture
def network(cast):
    """Programme P with three twinnings of the Israeli school: T5 with five Israeli pupils, T4 with four pupils of
    a British school, T1 with one pupil of another British school; its coordinator and administrator. A second
    programme Q with its own coordinator; a twinning of no programme with three pupils."""
    programme = Programme.objects.create(slug="bridges", names={"en": "Bridges"})
    programme.countries.set([cast.israel, cast.uk])
    other = Programme.objects.create(slug="other-net", names={"en": "Other network"})
    other.countries.set([cast.israel, cast.uk])
    c = make_school(country=cast.uk, name="Castle School")
    d = make_school(country=cast.uk, name="Dale School")
    teacher_c, teacher_d = make_teacher(school=c, name="Carl Castle"), make_teacher(school=d, name="Dora Dale")
    for school in (cast.school_a, cast.school_b, c, d):
        school.programmes.add(programme)
    t5 = _twinning(cast, programme, cast.school_b, cast.teacher_b, "Five answer here")
    t4 = _twinning(cast, programme, c, teacher_c, "Four answer here")
    t1 = _twinning(cast, programme, d, teacher_d, "One answers here")
    # Two schools outside every programme twin outside them (a member pairs only within its programmes).
    outside = make_school(country=cast.uk, name="Elm School")
    teacher_e = make_teacher(school=outside, name="Eve Elm")
    alone = make_school(country=cast.israel, name="Gan School")
    teacher_g = make_teacher(school=alone, name="Gil Gan")
    plain = twinning_services.propose_twinning(
        from_school=alone, to_schools=[outside], by=teacher_g.user, school_year=2026, titles={"en": "x"}
    )
    twinning_services.answer_invitation(
        twinning=plain, row=plain.schools.get(school=outside), by=teacher_e.user, accept=True
    )
    twinning_services.approve_twinning(twinning=plain, by=cast.coordinator)
    twinning_services.start_twinning(twinning=plain, by=teacher_g.user)
    coordinator = make_person(name="Pia Programme")
    grant(coordinator, Role.Kind.COORDINATOR, programme=programme)
    administrator = make_person(name="Adi Admin")
    grant(administrator, Role.Kind.PROGRAMME_ADMIN, programme=programme)
    stranger = make_person(name="Quinn Other")
    grant(stranger, Role.Kind.COORDINATOR, programme=other)
    stranger_admin = make_person(name="Quentin Other")
    grant(stranger_admin, Role.Kind.PROGRAMME_ADMIN, programme=other)
    return {
        "programme": programme,
        "other": other,
        "coordinator": coordinator,
        "administrator": administrator,
        "stranger": stranger,
        "stranger_admin": stranger_admin,
        "t5": (t5, _class(t5, cast.school_a, cast.teacher_a.user, ["A1", "A2", "A3", "A4", "A5"])),
        "t4": (t4, _class(t4, c, teacher_c.user, ["C1", "C2", "C3", "C4"])),
        "t1": (t1, _class(t1, d, teacher_d.user, ["D1"])),
        "plain": (plain, _class(plain, outside, teacher_e.user, ["E1", "E2", "E3"])),
    }


def programme_with_answers(cast, twinning):
    """For the pages' browser tests: `twinning` joins programme "bridges" (with one from the year before), six
    Israeli pupils answer the programme's questionnaire at the start and the end of the year. Returns the
    programme's coordinator and the questionnaire."""
    from twinning.reporting import services
    from twinning.reporting.models import Survey

    programme = Programme.objects.create(slug="bridges", names={"en": "Bridges", "he": "גשרים", "ar": "جسور"})
    programme.countries.set([cast.israel, cast.uk])
    for school in (cast.school_a, cast.school_b):
        school.programmes.add(programme)
    type(twinning).objects.filter(pk=twinning.pk).update(programme=programme)
    fen = make_school(country=cast.uk, name="Fen School")
    fen.programmes.add(programme)
    _twinning(cast, programme, fen, make_teacher(school=fen, name="Finn Fen"), "Last year", 2025)
    coordinator = make_person(name="Pia Programme")
    grant(coordinator, Role.Kind.COORDINATOR, programme=programme)
    pupils = _class(twinning, cast.school_a, cast.teacher_a.user, ["Noa L.", "Eli K.", "Maya R.", "Dan S.", "Omer K."])
    survey = services.create_survey(
        programme=programme,
        by=coordinator,
        school_year=twinning.school_year,
        titles={"en": "A year in Bridges", "he": "שנה בגשרים", "ar": "عام في جسور"},
        questions=[
            {"en": "I know my partners well.", "he": "אני מכיר/ה היטב את השותפים.", "ar": "أعرف شركائي جيدًا."},
            {"en": "I like our joint work.", "he": "אני אוהב/ת את העבודה המשותפת.", "ar": "أحب عملنا المشترك."},
        ],
        audience=Survey.Audience.PUPILS,
    )
    questions = list(survey.questions.values_list("pk", flat=True))
    survey = services.advance_survey(survey=survey, by=coordinator, expected=Survey.Stage.DRAFT)
    for n, pupil in enumerate(pupils):
        services.submit_answers(survey=survey, by=pupil, values=dict.fromkeys(questions, 2 + n % 2))
    survey = services.advance_survey(survey=survey, by=coordinator, expected=Survey.Stage.START_OPEN)
    survey = services.advance_survey(survey=survey, by=coordinator, expected=Survey.Stage.START_CLOSED)
    for n, pupil in enumerate(pupils):
        services.submit_answers(survey=survey, by=pupil, values=dict.fromkeys(questions, 4 + n % 2))
    return coordinator, survey
