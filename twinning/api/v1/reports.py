"""The API: the report's figures (the same counts as the report page, per school year, country and
programme, in the reader's scope) and the aggregated results of the questionnaires a person runs,
with the same rule as the pages: a group of fewer than five answers is never shown on its own."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from twinning.api.auth import need
from twinning.api.errors import ApiError, not_found
from twinning.api.v1.base import REFUSALS, Id, PageQuery, api, paged
from twinning.reporting import queries as report_queries
from twinning.reporting import rules as report_rules
from twinning.reporting import services as report_services
from twinning.reporting.forms import ReportFilter
from twinning.reporting.models import Survey, Wave

# --- The report ---------------------------------------------------------------------------------


class MeasureOut(Schema):
    key: str
    label: str = Field(description="In the language of Accept-Language")
    definition: str


class LineOut(Schema):
    school_year: int = Field(description="The year the school year starts in")
    country: str = Field(description="ISO 3166 code")
    programme: str | None = Field(description="The programme's slug; null for twinnings outside any programme")
    counts: dict[str, int] = Field(description="Measure key → count")


class CountryOut(Schema):
    country: str
    counts: dict[str, int]


class YearOut(Schema):
    school_year: int
    counts: dict[str, int]


class ReportOut(Schema):
    counted_at: datetime = Field(
        description="When the figures were counted: the job queue counts them again every hour, no request does"
    )
    measures: list[MeasureOut]
    lines: list[LineOut]
    by_country: list[CountryOut]
    by_year: list[YearOut] = Field(description="Every school year, for the trend, whatever the filter on the year")
    total: dict[str, int]


class ReportFilters(Schema):
    school_year: int | None = Field(None, description="The year the school year starts in")
    country: str | None = Field(None, description="ISO 3166 code, among the countries you report on")
    programme: int | None = Field(None, description="A programme's id, among those you report on")


reports_router = Router(tags=["reports"])


@reports_router.get("/report", response={200: ReportOut, **REFUSALS}, summary="The report's figures in your scope")
def report(request, filters: Query[ReportFilters]):
    need(request, "reports")
    scope = report_rules.report_scope(request.user)
    if scope is None:
        raise not_found()
    kept = report_services.kept_report(scope)
    # The page's own filter form: the same choices, limited to the reader's scope, and the same messages.
    form = ReportFilter(
        {key: value for key, value in filters.dict().items() if value is not None},
        years=kept.school_years,
        countries=list(report_rules.countries_in(scope)),
        programmes=list(report_rules.programmes_in(scope)),
    )
    if not form.is_valid():
        # Well-formed, but not one of the reader's choices (a country or programme outside the scope, a
        # year with nothing counted): refused as the page refuses it, 400, with the page's messages.
        problems = [{"where": ["query", name], "problem": str(errors[0])} for name, errors in form.errors.items()]
        message = _("A filter is not one you can use: see “problems”.")
        raise ApiError(400, "bad_filter", message, problems=problems)
    result = report_queries.report_from_kept(kept, **form.filters())
    return {
        "counted_at": kept.refreshed_at,
        "measures": [
            {"key": m.key, "label": str(m.label), "definition": str(m.definition)} for m in report_queries.MEASURES
        ],
        "lines": [
            {
                "school_year": line.school_year,
                "country": line.country.code,
                "programme": line.programme.slug if line.programme else None,
                "counts": line.counts,
            }
            for line in result.lines
        ],
        "by_country": [{"country": country.code, "counts": counts} for country, counts in result.by_country],
        "by_year": [{"school_year": year, "counts": counts} for year, counts in result.by_year],
        "total": result.total,
    }


# --- Questionnaires -----------------------------------------------------------------------------


class SurveyOut(Schema):
    id: int
    title: str
    school_year: int
    audience: str = Field(description="pupils, teachers or both")
    stage: str
    nso: str | None = Field(description="The NSO's slug, for an NSO's questionnaire")
    programme: str | None = Field(description="The programme's slug, for a programme's questionnaire")


class SurveyPage(Schema):
    items: list[SurveyOut]
    next: str | None


class QuestionOut(Schema):
    id: int
    position: int
    text: str


class WaveOut(Schema):
    answered: int
    means: dict[str, float | None] = Field(description="Question id → mean answer on the 1–5 scale")


class UnitOut(Schema):
    key: str | None = Field(description="A country's code or a twinning's id; null for the others together")
    label: str
    others: bool = Field(description="The countries or twinnings too small to show alone, together")
    grouped: int = Field(description="For the others: how many they are")
    waves: dict[str, WaveOut | None] = Field(description="start and end; null where the group is too small to show")
    change: dict[str, float | None] = Field(description="Question id → end less start, where both are shown")


class BreakdownOut(Schema):
    rows: list[UnitOut]
    hidden: int = Field(description="How many are not shown on their own in at least one wave")


class GroupOut(Schema):
    group: str = Field(description="pupils or teachers")
    label: str
    questions: list[QuestionOut]
    by_country: BreakdownOut
    by_twinning: BreakdownOut


class ResultsOut(Schema):
    survey: SurveyOut
    smallest_group: int = Field(description="Groups with fewer answers than this are never shown on their own")
    groups: list[GroupOut]


def _survey_out(survey: Survey) -> dict:
    return {
        "id": survey.pk,
        "title": survey.title,
        "school_year": survey.school_year,
        "audience": survey.audience,
        "stage": survey.stage,
        "nso": survey.nso.slug if survey.nso else None,
        "programme": survey.programme.slug if survey.programme else None,
    }


def _unit_out(row, questions) -> dict:
    waves = {}
    for wave in Wave.values:
        figures = row.waves.get(wave)
        waves[wave] = (
            None
            if figures is None
            else {"answered": figures.n, "means": {str(q.pk): figures.mean(q.pk) for q in questions}}
        )
    return {
        "key": None if row.is_other or row.key is None else str(row.key),
        "label": row.label,
        "others": row.is_other,
        "grouped": row.grouped,
        "waves": waves,
        "change": {str(q.pk): row.change(q.pk) for q in questions},
    }


@reports_router.get(
    "/surveys", response={200: SurveyPage, **REFUSALS}, summary="The questionnaires you run (your NSO's or programme's)"
)
def list_surveys(request, paging: Query[PageQuery]):
    need(request, "reports")
    found = report_rules.surveys_run_by(request.user).select_related("nso", "programme")
    rows, following = paged(found, list_key="surveys", paging=paging)
    return {"items": [_survey_out(survey) for survey in rows], "next": following}


@reports_router.get(
    "/surveys/{survey_id}/results",
    response={200: ResultsOut, **REFUSALS},
    summary="A questionnaire's results per country and per twinning, small groups hidden",
)
def survey_results(request, survey_id: Id):
    need(request, "reports")
    survey = report_rules.get_survey_for_organiser(request.user, survey_id)
    groups = []
    for part in report_queries.breakdowns_of(survey):
        questions = part.questions
        groups.append(
            {
                "group": part.group,
                "label": part.label,
                "questions": [{"id": q.pk, "position": q.position, "text": q.text} for q in questions],
                "by_country": {
                    "rows": [_unit_out(row, questions) for row in part.by_country.rows],
                    "hidden": part.by_country.hidden,
                },
                "by_twinning": {
                    "rows": [_unit_out(row, questions) for row in part.by_twinning.rows],
                    "hidden": part.by_twinning.hidden,
                },
            }
        )
    return {"survey": _survey_out(survey), "smallest_group": report_queries.SMALLEST_GROUP, "groups": groups}


__all__ = ["api", "reports_router"]
