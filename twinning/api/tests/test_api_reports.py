"""The API's report and questionnaire results: the report page's figures in the reader's scope, filtered with
the page's own form, and a questionnaire's results with groups under five never shown on their own."""

import json

import pytest

from twinning import testing
from twinning.accounts.models import Role
from twinning.api.tests.conftest import ApiClient, token_for
from twinning.reporting import queries, rules
from twinning.reporting.models import Answer, Question, Response, Survey
from twinning.schools.models import Programme
from twinning.twinnings.models import Twinning

pytestmark = pytest.mark.django_db


def _body(response) -> dict:
    return json.loads(response.content)


def test_the_report_is_the_pages_figures_in_the_readers_scope(cast, twinning):
    staff = ApiClient(token_for(cast.nso_il))
    body = _body(staff.get("/api/v1/report"))
    expected = queries.report_for(rules.get_report_scope(cast.nso_il))
    assert body["total"] == expected.total
    assert [(line["school_year"], line["country"]) for line in body["lines"]] == [
        (line.school_year, line.country.code) for line in expected.lines
    ]
    assert {m["key"] for m in body["measures"]} == set(queries.KEYS)
    # Filtered by a country of its scope: the page's filter, the same figures.
    only = _body(staff.get("/api/v1/report?country=IL&school_year=2026"))
    filtered = queries.report_for(rules.get_report_scope(cast.nso_il), country="IL", school_year=2026)
    assert only["total"] == filtered.total


def test_a_filter_outside_the_scope_is_refused_with_the_pages_message(cast, twinning):
    refused = ApiClient(token_for(cast.nso_il), language="he").get("/api/v1/report?country=ZZ")
    assert refused.status_code == 400 and _body(refused)["code"] == "bad_filter"
    problem = _body(refused)["problems"][0]
    assert problem["where"] == ["query", "country"] and any("\u05d0" <= c <= "\u05ea" for c in problem["problem"])


def test_teachers_have_no_report(cast, twinning):
    assert ApiClient(token_for(cast.teacher_a.user)).get("/api/v1/report").status_code == 404


@pytest.fixture
def programme_survey(cast, twinning):
    """A programme's questionnaire answered in both waves: five Israeli pupils of one twinning; four and one
    British pupils of two others (so the British twinnings cannot be told apart by subtraction either)."""
    programme = Programme.objects.create(slug="bridges", names={"en": "Bridges"})
    coordinator = testing.make_person(name="Pia Programme")
    testing.grant(coordinator, Role.Kind.COORDINATOR, programme=programme)
    stranger = testing.make_person(name="Quinn Other")
    other = Programme.objects.create(slug="other", names={"en": "Other"})
    testing.grant(stranger, Role.Kind.COORDINATOR, programme=other)
    Twinning.objects.filter(pk=twinning.pk).update(programme=programme)
    small, smallest = (
        Twinning.objects.create(titles={"en": title}, school_year=2026, programme=programme, status="active")
        for title in ("Four answer here", "One answers here")
    )
    survey = Survey.objects.create(
        programme=programme, school_year=2026, titles={"en": "Bridges questionnaire"}, audience="pupils", stage="closed"
    )
    question = Question.objects.create(survey=survey, position=1, texts={"en": "I like my partners"})
    for wave, value in (("start", 3), ("end", 5)):
        for place, country, count in ((twinning, cast.israel, 5), (small, cast.uk, 4), (smallest, cast.uk, 1)):
            for _ in range(count):
                response = Response.objects.create(
                    survey=survey, wave=wave, group="pupils", country=country, twinning=place
                )
                Answer.objects.create(response=response, question=question, value=value)
    return {"survey": survey, "coordinator": coordinator, "stranger": stranger, "question": question, "small": small}


def test_a_questionnaires_results_show_five_and_hide_four(cast, twinning, programme_survey):
    survey, question = programme_survey["survey"], programme_survey["question"]
    coordinator = ApiClient(token_for(programme_survey["coordinator"]))
    listed = _body(coordinator.get("/api/v1/surveys"))["items"]
    assert [row["id"] for row in listed] == [survey.pk] and listed[0]["programme"] == "bridges"
    results = coordinator.get(f"/api/v1/surveys/{survey.pk}/results")
    body = _body(results)
    assert body["smallest_group"] == 5
    rows = body["groups"][0]["by_twinning"]["rows"]
    shown = [row for row in rows if not row["others"]]
    assert [row["key"] for row in shown] == [str(twinning.pk)]
    assert shown[0]["waves"]["start"]["answered"] == 5
    assert shown[0]["change"][str(question.pk)] == pytest.approx(2.0)
    assert b"Four answer here" not in results.content and b"One answers here" not in results.content
    assert body["groups"][0]["by_twinning"]["hidden"] >= 1


def test_another_programmes_staff_and_teachers_get_404(cast, twinning, programme_survey):
    path = f"/api/v1/surveys/{programme_survey['survey'].pk}/results"
    stranger = ApiClient(token_for(programme_survey["stranger"]))
    assert stranger.get(path).status_code == 404
    assert ApiClient(token_for(cast.teacher_a.user)).get(path).status_code == 404
    assert _body(stranger.get("/api/v1/surveys"))["items"] == []
