"""Start- and end-of-year questionnaires through the client: define, open, answer once, compare, hide small groups."""

import re

import pytest

from twinning.accounts.pupils import create_pupils
from twinning.common.errors import ServiceError
from twinning.demo.reporting import load_surveys
from twinning.reporting import services
from twinning.reporting.models import Answer, Participation, Response, Survey
from twinning.testing import as_
from twinning.twinnings import services as twinning_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def classes(cast, twinning):
    """Six pupils of the Israeli school and two of the British school in the 2026 twinning."""

    def add(school, teacher, names):
        made = [p for p, _password in create_pupils(school=school, by=teacher.user, names=names)]
        row = twinning.schools.get(school=school)
        twinning_services.add_pupils(twinning=twinning, row=row, pupils=made, by=teacher.user)
        return [p.user for p in made]

    israeli = add(cast.school_a, cast.teacher_a, ["Noa L.", "Eli K.", "Maya R.", "Dan S.", "Yael D.", "Omer K."])
    british = add(cast.school_b, cast.teacher_b, ["Tom B.", "Amy C."])
    return israeli, british


def define(client, cast, **extra):
    data = {
        "owner": f"nso-{cast.il_nso.pk}",
        "school_year": 2026,
        "audience": "both",
        "title_en": "Our partners",
        "title_he": "השותפים שלנו",
        "q1_en": "I would like to visit my partners' country",
        "q1_he": "הייתי רוצה לבקר בארץ של השותפים שלי",
        "q2_en": "I know how my partners live",
        **extra,
    }
    response = as_(client, cast.nso_il).post("/reports/surveys/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Survey.objects.latest("pk")


def step(client, cast, survey):
    survey.refresh_from_db()
    response = as_(client, cast.nso_il).post(f"/reports/surveys/{survey.pk}/", {"stage": survey.stage})
    assert response.status_code == 302
    survey.refresh_from_db()
    return survey


def answer(client, user, survey, values):
    questions = list(survey.questions.order_by("position"))
    data = {f"q{q.pk}": v for q, v in zip(questions, values, strict=False) if v is not None}
    return as_(client, user).post(f"/reports/surveys/{survey.pk}/answer/", data)


def test_a_questionnaire_from_definition_to_results(client, cast, classes):
    israeli, british = classes
    survey = define(client, cast)
    assert (survey.nso, survey.school_year, survey.stage, survey.titles) == (
        cast.il_nso,
        2026,
        "draft",
        {"en": "Our partners", "he": "השותפים שלנו"},
    )
    assert [q.texts for q in survey.questions.all()] == [
        {"en": "I would like to visit my partners' country", "he": "הייתי רוצה לבקר בארץ של השותפים שלי"},
        {"en": "I know how my partners live"},
    ]
    # Not open yet: nothing to answer.
    assert as_(client, israeli[0]).get("/reports/surveys/").context["to_answer"] == []
    assert answer(client, israeli[0], survey, [4, 4]).status_code == 404

    survey = step(client, cast, survey)
    assert survey.stage == "start_open"
    page = as_(client, israeli[0], "he").get("/reports/surveys/")
    assert [s.pk for s in page.context["to_answer"]] == [survey.pk]
    form = client.get(f"/reports/surveys/{survey.pk}/answer/")
    assert form.status_code == 200
    assert "הייתי רוצה לבקר בארץ של השותפים שלי" in form.content.decode()  # the pupil's language

    # Six Israeli pupils and their teacher answer the start of the year.
    for user, value in zip(israeli, (2, 2, 3, 3, 4, 4), strict=True):
        assert answer(client, user, survey, [value, 1]).status_code == 302
    assert answer(client, cast.teacher_a.user, survey, [5, 5]).status_code == 302
    assert Participation.objects.filter(survey=survey, wave="start").count() == 7
    assert sorted(Response.objects.values_list("group", "country_id").distinct()) == [
        ("pupils", "IL"),
        ("teachers", "IL"),
    ]

    # A second answer is refused, in the pupil's own language (Hebrew), and the first is kept as it was.
    assert israeli[0].preferred_language == "he"
    again = answer(client, israeli[0], survey, [5, 5])
    assert again.status_code == 302
    assert list(client.get("/reports/surveys/").context["messages"])[-1].message == (
        "כבר עניתם על השאלון הזה; אי אפשר לשנות תשובות."
    )
    assert Participation.objects.filter(survey=survey, person=israeli[0]).count() == 1
    assert Answer.objects.filter(response__survey=survey).count() == 14
    assert sorted(
        Answer.objects.filter(question__position=1, response__group="pupils").values_list("value", flat=True)
    ) == [
        2,
        2,
        3,
        3,
        4,
        4,
    ]
    assert client.get(f"/reports/surveys/{survey.pk}/answer/").context["answered"] is True

    # The British pupils are not the Israeli NSO's to ask.
    assert as_(client, british[0]).get("/reports/surveys/").context["to_answer"] == []
    assert answer(client, british[0], survey, [3, 3]).status_code == 404

    survey = step(client, cast, survey)
    survey = step(client, cast, survey)
    assert survey.stage == "end_open"
    for user, value in zip(israeli[:5], (4, 4, 5, 5, 3), strict=True):
        assert answer(client, user, survey, [value, 2]).status_code == 302
    assert Participation.objects.filter(survey=survey, wave="end").count() == 5

    page = as_(client, cast.nso_il).get(f"/reports/surveys/{survey.pk}/results/")
    assert page.status_code == 200
    pupils, teachers = page.context["groups"]
    first = pupils["result"].questions[0]
    assert (first.waves["start"].n, first.waves["start"].mean, first.waves["start"].distribution) == (
        6,
        3.0,
        [0, 2, 2, 2, 0],
    )
    assert (first.waves["end"].n, first.waves["end"].mean, first.waves["end"].distribution) == (
        5,
        4.2,
        [0, 0, 1, 2, 2],
    )
    # One teacher answered: hidden in both waves, and the page says why.
    assert teachers["result"].hidden_everywhere
    assert all(w.hidden and w.mean is None for q in teachers["result"].questions for w in q.waves.values())
    html = page.content.decode()
    chart = re.search(r'<svg class="bar-chart".*?</svg>', html, re.S).group(0)
    assert len(re.findall(r'<rect class="bar"', chart)) == 4  # two statements × start and end
    assert "3.0 (n = 6)" in chart and "4.2 (n = 5)" in chart
    assert 'data-testid="hidden"' in html
    assert "Fewer than 5 answers in each wave" in html
    assert "5.0" not in html  # the teacher's answers appear nowhere


def test_results_in_hebrew_draw_the_bars_from_the_right(client, cast, classes):
    israeli, _british = classes
    survey = define(client, cast, audience="pupils")
    step(client, cast, survey)
    for user in israeli:
        answer(client, user, survey, [3, 4])
    html = as_(client, cast.nso_il, "he").get(f"/reports/surveys/{survey.pk}/results/").content.decode()
    assert 'lang="he" dir="rtl"' in html
    axis = int(re.search(r'data-axis="(\d+)"', html).group(1))
    drawn = [(int(x), int(w)) for x, w in re.findall(r'<rect class="bar" x="(\d+)" y="\d+" width="(\d+)"', html)]
    assert len(drawn) == 2 and all(x + w == axis for x, w in drawn) and axis == 330


def test_answers_out_of_range_or_missing_are_refused_and_nothing_is_saved(client, cast, classes):
    israeli, _british = classes
    survey = define(client, cast)
    step(client, cast, survey)
    for values, message in (
        ([7, 3], "Choose an answer from 1 to 5."),
        ([0, 3], "Choose an answer from 1 to 5."),
        (["x", 3], "Choose an answer from 1 to 5."),
        ([4, None], "Choose an answer for this statement."),
    ):
        response = answer(client, israeli[0], survey, values)
        assert response.status_code == 400
        errors = [e for errors in response.context["form"].errors.values() for e in errors]
        assert errors == [message]
    assert (Participation.objects.count(), Response.objects.count(), Answer.objects.count()) == (0, 0, 0)
    # The service refuses them too, whoever calls it.
    first, second = survey.questions.values_list("pk", flat=True)
    for values in ({first: 6, second: 3}, {first: 3}, {first: 3, second: 3, 999: 3}):
        with pytest.raises(ServiceError):
            services.submit_answers(survey=survey, by=israeli[0], values=values)
    assert (Participation.objects.count(), Response.objects.count(), Answer.objects.count()) == (0, 0, 0)
    services.submit_answers(survey=survey, by=israeli[0], values={first: 3, second: 3})
    with pytest.raises(ServiceError, match="already answered"):
        services.submit_answers(survey=survey, by=israeli[0], values={first: 1, second: 1})
    assert list(Answer.objects.values_list("value", flat=True)) == [3, 3]


def test_another_nso_teachers_and_pupils_get_404_on_the_organisers_pages(client, cast, classes):
    israeli, _british = classes
    survey = define(client, cast)
    step(client, cast, survey)
    for person in (cast.nso_uk, cast.teacher_a.user, israeli[0], cast.principal_a, cast.coordinator):
        for url in (f"/reports/surveys/{survey.pk}/", f"/reports/surveys/{survey.pk}/results/"):
            assert as_(client, person).get(url).status_code == 404
        assert client.post(f"/reports/surveys/{survey.pk}/", {"stage": "start_open"}).status_code == 404
    survey.refresh_from_db()
    assert survey.stage == "start_open"
    uk = as_(client, cast.nso_uk)
    assert uk.get("/reports/surveys/").context["running"] == []
    assert uk.post("/reports/surveys/new/", {"owner": f"nso-{cast.il_nso.pk}", "school_year": 2026}).status_code == 400
    assert as_(client, cast.teacher_a.user).get("/reports/surveys/new/").status_code == 404
    assert as_(client, cast.admin).get(f"/reports/surveys/{survey.pk}/results/").status_code == 200


def test_a_wave_step_is_taken_once_even_when_sent_twice(client, cast, classes):
    survey = define(client, cast)
    organiser = as_(client, cast.nso_il)
    organiser.post(f"/reports/surveys/{survey.pk}/", {"stage": "draft"})
    organiser.post(f"/reports/surveys/{survey.pk}/", {"stage": "draft"})
    survey.refresh_from_db()
    assert survey.stage == "start_open"
    with pytest.raises(ServiceError):
        services.advance_survey(survey=survey, by=cast.nso_il, expected="draft")


def test_a_questionnaire_needs_a_title_and_a_statement(client, cast, classes):
    response = as_(client, cast.nso_il).post(
        "/reports/surveys/new/", {"owner": f"nso-{cast.il_nso.pk}", "school_year": 2026, "audience": "both"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "title": ["Give the questionnaire a title in at least one language."],
        "q1": ["Write at least one statement."],
    }
    assert not Survey.objects.exists()


def test_a_questionnaire_in_a_language_added_to_the_settings(client, cast, classes, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("fr", "Français")]
    organiser = as_(client, cast.nso_il)
    page = organiser.get("/reports/surveys/new/").content.decode()
    assert '<label for="id_title_fr">French</label>' in page
    assert '<input type="text" name="q8_fr" lang="fr" dir="ltr" maxlength="300"' in page
    survey = define(client, cast, title_fr="Nos partenaires", q2_fr="Je sais comment vivent mes partenaires")
    assert survey.titles == {"en": "Our partners", "he": "השותפים שלנו", "fr": "Nos partenaires"}
    assert [q.texts for q in survey.questions.order_by("position")] == [
        {"en": "I would like to visit my partners' country", "he": "הייתי רוצה לבקר בארץ של השותפים שלי"},
        {"en": "I know how my partners live", "fr": "Je sais comment vivent mes partenaires"},
    ]


def test_a_teacher_only_questionnaire_is_not_shown_to_pupils(client, cast, classes):
    israeli, _british = classes
    survey = define(client, cast, audience="teachers")
    step(client, cast, survey)
    assert as_(client, israeli[0]).get("/reports/surveys/").context["to_answer"] == []
    assert [s.pk for s in as_(client, cast.teacher_a.user).get("/reports/surveys/").context["to_answer"]] == [survey.pk]
    assert answer(client, israeli[0], survey, [3, 3]).status_code == 404


def test_the_demo_questionnaire_has_both_waves_and_hides_the_small_group(cast, twinning):
    from twinning.reporting.queries import results_of

    given = load_surveys(seed=1, school_year=2026)
    survey = Survey.objects.get()
    assert (survey.nso, survey.stage, survey.questions.count()) == (cast.il_nso, "end_open", 4)
    pupils, teachers = results_of(survey)
    # Ten pupils added to the Israeli class; one of them and the teacher have not answered the end of the year yet.
    assert (pupils.answered, teachers.answered) == ({"start": 10, "end": 9}, {"start": 1, "end": 0})
    assert given == 20
    assert not any(w.hidden for q in pupils.questions for w in q.waves.values())
    assert teachers.hidden_everywhere
    assert load_surveys(seed=1, school_year=2026) == 0  # once only
