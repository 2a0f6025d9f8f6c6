"""A programme's questionnaires through the client: its staff run them, its twinnings answer, results per country
and per twinning with small groups hidden on the page and in both downloads, other staff get 404."""

import csv
import io

import pytest
from django.db import IntegrityError
from openpyxl import load_workbook

from twinning.common.errors import ServiceError
from twinning.common.models import AuditEntry
from twinning.reporting import services
from twinning.reporting.models import Response, Survey
from twinning.testing import as_

pytestmark = pytest.mark.django_db


def define(client, person, programme, **extra):
    data = {
        "owner": f"programme-{programme.pk}",
        "school_year": 2026,
        "audience": "pupils",
        "title_en": "Bridges questionnaire",
        "q1_en": "I would like to visit my partners' country",
        "q2_en": '=HYPERLINK("http://x.example")',
        **extra,
    }
    response = as_(client, person).post("/reports/surveys/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Survey.objects.latest("pk")


def step(client, person, survey):
    survey.refresh_from_db()
    assert as_(client, person).post(f"/reports/surveys/{survey.pk}/", {"stage": survey.stage}).status_code == 302
    survey.refresh_from_db()
    return survey


def answer(client, user, survey, values):
    questions = list(survey.questions.order_by("position"))
    data = {f"q{q.pk}": v for q, v in zip(questions, values, strict=True)}
    return as_(client, user).post(f"/reports/surveys/{survey.pk}/answer/", data)


@pytest.fixture
def answered(client, cast, network):
    """The programme's questionnaire, both waves: T5's five answer 4 then 5, T4's four 2 then 2, T1's one 2 then 2."""
    survey = define(client, network["coordinator"], network["programme"])
    survey = step(client, network["administrator"], survey)
    for key, value in (("t5", 4), ("t4", 2), ("t1", 2)):
        for pupil in network[key][1]:
            assert answer(client, pupil, survey, [value, 3]).status_code == 302
    survey = step(client, network["coordinator"], survey)
    survey = step(client, network["coordinator"], survey)
    for key, value in (("t5", 5), ("t4", 2), ("t1", 2)):
        for pupil in network[key][1]:
            assert answer(client, pupil, survey, [value, 3]).status_code == 302
    return survey


def test_a_programme_coordinator_writes_and_runs_the_programmes_questionnaire(client, cast, network):
    survey = define(client, network["coordinator"], network["programme"])
    assert (survey.programme, survey.nso, survey.created_by) == (network["programme"], None, network["coordinator"])
    # The programme's pupils, in either country, find it once open; the pupils of a twinning of no programme do not.
    survey = step(client, network["administrator"], survey)
    assert survey.stage == "start_open"
    for key in ("t5", "t4", "t1"):
        pupil = network[key][1][0]
        assert [s.pk for s in as_(client, pupil).get("/reports/surveys/").context["to_answer"]] == [survey.pk]
    outsider = network["plain"][1][0]
    assert as_(client, outsider).get("/reports/surveys/").context["to_answer"] == []
    assert answer(client, outsider, survey, [3, 3]).status_code == 404
    # Each set of answers keeps its twinning and country, never the pupil.
    assert answer(client, network["t4"][1][0], survey, [2, 3]).status_code == 302
    response = Response.objects.get()
    assert (response.group, response.country_id, response.twinning_id) == ("pupils", "GB", network["t4"][0].pk)
    # The programme's staff list it; the form offers them their programme only.
    page = as_(client, network["administrator"]).get("/reports/surveys/")
    assert [s.pk for s in page.context["running"]] == [survey.pk]
    form = as_(client, network["coordinator"]).get("/reports/surveys/new/").context["form"]
    assert form.fields["owner"].choices == [("Programmes", [(f"programme-{network['programme'].pk}", "Bridges")])]


def test_another_programmes_staff_get_404_and_cannot_write_for_it(client, cast, network, answered):
    survey = answered
    for person in (network["stranger"], network["stranger_admin"], cast.nso_uk, cast.coordinator, cast.teacher_a.user):
        for url in ("", "results/", "results.csv", "results.xlsx"):
            assert as_(client, person).get(f"/reports/surveys/{survey.pk}/{url}").status_code == 404, (person, url)
        assert client.post(f"/reports/surveys/{survey.pk}/", {"stage": survey.stage}).status_code == 404
    assert as_(client, network["stranger"]).get("/reports/surveys/").context["running"] == []
    response = as_(client, network["stranger"]).post(
        "/reports/surveys/new/",
        {"owner": f"programme-{network['programme'].pk}", "school_year": 2026, "title_en": "x", "q1_en": "y"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["owner"] == ["Choose an NSO or a programme from the list."]
    with pytest.raises(ServiceError, match="programme's coordinators and administrators"):
        services.create_survey(
            programme=network["programme"],
            by=network["stranger"],
            school_year=2026,
            titles={"en": "x"},
            questions=[{"en": "y"}],
            audience="both",
        )
    assert Survey.objects.count() == 1
    # The programme's own staff and the platform administrator read it.
    for person in (network["coordinator"], network["administrator"], cast.admin):
        assert as_(client, person).get(f"/reports/surveys/{survey.pk}/results/").status_code == 200


def test_a_questionnaire_has_an_nso_or_a_programme_never_both_nor_neither(cast, network):
    with pytest.raises(ServiceError):
        services.create_survey(
            nso=cast.il_nso,
            programme=network["programme"],
            by=cast.admin,
            school_year=2026,
            titles={"en": "x"},
            questions=[{"en": "y"}],
            audience="both",
        )
    with pytest.raises(IntegrityError):
        Survey.objects.create(school_year=2026, titles={"en": "x"})


def _unit(rows, key):
    return next(row for row in rows if row["unit"].key == key)


def test_results_per_twinning_show_a_group_of_five_and_hide_a_group_of_four(client, cast, network, answered):
    survey = answered
    page = as_(client, network["coordinator"]).get(f"/reports/surveys/{survey.pk}/results/")
    assert page.status_code == 200
    (pupils,) = page.context["groups"]
    twinnings = pupils["by_twinning"]["rows"]
    t5 = network["t5"][0]
    # T5's five are shown, start against end; T4's four and T1's one only together, as the others (five).
    assert [row["unit"].key for row in twinnings] == [t5.pk, None]
    five = _unit(twinnings, t5.pk)
    assert (five["start_n"], five["end_n"]) == (5, 5)
    assert [(s["start"], s["end"], s["change"]) for s in five["statements"]] == [
        ("4.0", "5.0", "+1.0"),
        ("3.0", "3.0", "0.0"),
    ]
    others = _unit(twinnings, None)
    assert (others["start_n"], others["end_n"], others["unit"].grouped) == (5, 5, 2)
    assert [(s["start"], s["end"], s["change"]) for s in others["statements"]] == [
        ("2.0", "2.0", ""),
        ("3.0", "3.0", ""),
    ]
    # Per country: Israel's five (T5) and Britain's five (T4 and T1).
    countries = pupils["by_country"]["rows"]
    assert [(row["unit"].key, row["start_n"]) for row in countries] == [("IL", 5), ("GB", 5)]
    html = page.content.decode()
    assert "Five answer here" in html
    assert "Four answer here" not in html and "One answers here" not in html
    assert "Other twinnings, together" in html
    assert "2 twinnings not shown on their own, counted here together." in html


def _rows_of_csv(client, person, survey, language="en"):
    response = as_(client, person, language).get(f"/reports/surveys/{survey.pk}/results.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_downloads_hide_the_group_of_four_as_the_page_does(client, cast, network, answered):
    survey = answered
    rows = _rows_of_csv(client, network["coordinator"], survey)
    header = rows[0]
    assert header[:11] == [
        "Level",
        "Name",
        "Schools",
        "Group",
        "Statement",
        "Statement text",
        "Start of the year: answers",
        "Start of the year: mean",
        "End of the year: answers",
        "End of the year: mean",
        "Change (end less start)",
    ]
    by_name = {(row[0], row[1], row[4]): row for row in rows[1:]}
    assert by_name[("Twinning", "Five answer here", "1")][6:11] == ["5", "4.0", "5", "5.0", "1.0"]
    assert by_name[("Twinning", "Other twinnings, together", "1")][6:11] == ["5", "2.0", "5", "2.0", ""]
    assert by_name[("Country", "United Kingdom", "1")][6:10] == ["5", "2.0", "5", "2.0"]
    assert by_name[("All", "", "1")][6:11] == ["10", "3.0", "10", "3.5", "0.5"]
    text = "\n".join(",".join(row) for row in rows)
    assert "Four answer here" not in text and "One answers here" not in text
    # A statement written as a formula stays text.
    assert by_name[("All", "", "2")][5] == '\'=HYPERLINK("http://x.example")'

    workbook = as_(client, network["coordinator"]).get(f"/reports/surveys/{survey.pk}/results.xlsx")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0] == header
    values = {(row[0], row[1], row[4]): row for row in cells[1:]}
    assert values[("Twinning", "Five answer here", 1)][6:11] == [5, 4.0, 5, 5.0, 1.0]
    assert values[("Twinning", "Other twinnings, together", 1)][6:10] == [5, 2.0, 5, 2.0]
    flat = " ".join(str(v) for row in cells for v in row)
    assert "Four answer here" not in flat and "One answers here" not in flat
    formula = next(row for row in sheet.iter_rows() if row[4].value == 2 and row[0].value == "All")[5]
    assert (formula.value, formula.data_type) == ('=HYPERLINK("http://x.example")', "s")
    assert AuditEntry.objects.filter(action="survey.results_downloaded").count() == 2


def test_the_downloads_headings_are_in_the_readers_language(client, cast, network, answered):
    rows = _rows_of_csv(client, network["coordinator"], answered, "ar")
    assert rows[0][0] == "المستوى"
    workbook = as_(client, network["coordinator"], "he").get(f"/reports/surveys/{answered.pk}/results.xlsx")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet.sheet_view.rightToLeft is True
    assert sheet["A1"].value == "רמה"


def test_a_group_of_four_alone_is_hidden_in_both_waves_and_downloads(client, cast, network):
    """Only T4's four answer: nothing of theirs is shown anywhere, only that they are fewer than five."""
    survey = define(client, network["coordinator"], network["programme"])
    survey = step(client, network["coordinator"], survey)
    for pupil in network["t4"][1]:
        answer(client, pupil, survey, [1, 1])
    page = as_(client, network["coordinator"]).get(f"/reports/surveys/{survey.pk}/results/")
    assert 'data-testid="hidden"' in page.content.decode()
    assert "1.0" not in page.content.decode()
    rows = _rows_of_csv(client, network["coordinator"], survey)
    assert [row[0] for row in rows[1:]] == ["All", "All"]
    assert all(row[6:11] == ["", "", "", "", ""] for row in rows[1:])


def test_the_demo_runs_a_programme_questionnaire_with_a_twinning_shown_on_its_own(cast, network):
    from twinning.demo.reporting import load_programme_survey
    from twinning.reporting.queries import breakdowns_of

    given = load_programme_survey(seed=1, school_year=2026)
    survey = Survey.objects.get()
    assert (survey.programme, survey.stage, survey.questions.count()) == (network["programme"], "end_open", 3)
    # Five Israeli and six British pupils in T5, four in T4, one in T1, and the four schools' teachers.
    assert Response.objects.filter(wave="start").count() == 16 + 4
    assert given == Response.objects.count()
    pupils = next(b for b in breakdowns_of(survey) if b.group == "pupils")
    shown = [row.key for row in pupils.by_twinning.rows]
    assert shown == [network["t5"][0].pk, None]
    assert pupils.by_twinning.rows[0].waves["start"].n == 11
    assert load_programme_survey(seed=1, school_year=2026) == 0  # once only


def test_the_results_page_reads_as_many_rows_for_one_twinning_as_for_three(client, cast, network):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    survey = define(client, network["coordinator"], network["programme"])
    survey = step(client, network["coordinator"], survey)
    for pupil in network["t5"][1]:
        answer(client, pupil, survey, [4, 4])
    reader = as_(client, network["coordinator"])
    reader.get(f"/reports/surveys/{survey.pk}/results/")  # the session and the roles, read once
    with CaptureQueriesContext(connection) as one:
        assert reader.get(f"/reports/surveys/{survey.pk}/results/").status_code == 200
    for key in ("t4", "t1"):
        for pupil in network[key][1]:
            answer(client, pupil, survey, [2, 2])
    reader = as_(client, network["coordinator"])
    reader.get(f"/reports/surveys/{survey.pk}/results/")
    with CaptureQueriesContext(connection) as three:
        page = reader.get(f"/reports/surveys/{survey.pk}/results/")
    assert page.context["groups"][0]["by_twinning"]["rows"][-1]["unit"].grouped == 2
    assert len(three) == len(one)
