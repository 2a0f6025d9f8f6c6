"""The reports (page, CSV, XLSX) and the questionnaires (list, define, run, answer, results)."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from twinning.common.errors import ServiceError
from twinning.common.school_year import current_school_year, school_year_label
from twinning.reporting import exports, queries, rules, services
from twinning.reporting.drawing import Item, Value, bar_chart
from twinning.reporting.forms import AnswerForm, ProgrammeYear, ReportFilter, SurveyForm
from twinning.reporting.models import KeptReport, Participation, Wave


def _report_filter(request, scope: rules.Scope, kept: KeptReport) -> tuple[ReportFilter, list, list]:
    """The filter form, its choices limited to the scope, and those choices (countries, programmes)."""
    countries, programmes = list(rules.countries_in(scope)), list(rules.programmes_in(scope))
    form = ReportFilter(request.GET or None, years=kept.school_years, countries=countries, programmes=programmes)
    return form, countries, programmes


def _filters(form: ReportFilter) -> dict | None:
    """The filters when they are valid (an empty form is: the whole scope); None when they are not."""
    if not form.is_bound:
        return {"school_year": None, "country": None, "programme": None}
    return form.filters() if form.is_valid() else None


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _charts(report: queries.Report, rtl: bool) -> list[dict]:
    """For each measure: bars per country and bars per school year."""
    charts = []
    for measure in queries.MEASURES:
        by_country = [
            Item(country.name, [Value(counts[measure.key], _number(counts[measure.key]))])
            for country, counts in report.by_country
        ]
        by_year = [
            Item(school_year_label(year), [Value(counts[measure.key], _number(counts[measure.key]))])
            for year, counts in report.by_year
        ]
        charts.append(
            {
                "measure": measure,
                "by_country": bar_chart(by_country, rtl=rtl),
                "by_year": bar_chart(by_year, rtl=rtl),
            }
        )
    return charts


@login_required
def report(request):
    """Schools, teachers, pupils, twinnings, meetings and activities in the reader's scope: table and charts."""
    scope = rules.get_report_scope(request.user)
    kept = services.kept_report(scope)
    form, countries, programmes = _report_filter(request, scope, kept)
    filters = _filters(form)
    if filters is None:
        return render(request, "reporting/report.html", {"form": form, "report": None}, status=400)
    result = queries.report_from_kept(kept, **filters)
    # Who the page is about, in words: the NSO's countries, and/or the programmes of a programme coordinator.
    own_countries = sorted(c.name for c in countries if c.nso_id in scope.nso_ids)
    own_programmes = sorted(p.name for p in programmes if p.pk in scope.programme_ids)
    return render(
        request,
        "reporting/report.html",
        {
            "form": form,
            "report": result,
            "measures": queries.MEASURES,
            "charts": _charts(result, translation.get_language_bidi()),
            "everything": scope.everything,
            "scope_countries": ", ".join(own_countries),
            "scope_programmes": ", ".join(own_programmes),
            "programme_pages": sorted(rules.programmes_reported_to(request.user), key=lambda p: p.name.casefold()),
            "query": request.GET.urlencode(),
            "lines": [
                {
                    "line": line,
                    "year": school_year_label(line.school_year),
                    "counts": [line.counts[m.key] for m in queries.MEASURES],
                }
                for line in result.lines
            ],
            "by_country": [(c, [counts[m.key] for m in queries.MEASURES]) for c, counts in result.by_country],
            "by_year": [
                (school_year_label(y), [counts[m.key] for m in queries.MEASURES]) for y, counts in result.by_year
            ],
            "totals": [(m, result.total[m.key]) for m in queries.MEASURES],
        },
    )


def _export(request, kind: str):
    scope = rules.get_report_scope(request.user)
    kept = services.kept_report(scope)
    form, _countries, _programmes = _report_filter(request, scope, kept)
    filters = _filters(form)
    if filters is None:
        problems = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponse("\n".join(problems), status=400, content_type="text/plain; charset=utf-8")
    result = queries.report_from_kept(kept, **filters)
    services.record_report_download(by=request.user, kind=kind, scope=scope, filters=filters)
    stem = f"twinning-report-{timezone.localdate():%Y-%m-%d}"
    if kind == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        # A byte-order mark, so spreadsheet programs read the file as UTF-8 (Hebrew and Arabic names).
        response.write("\ufeff")
        csv.writer(response).writerows(exports.table(result))
        return response
    response = HttpResponse(
        exports.workbook(result, rtl=translation.get_language_bidi()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response


@login_required
def export_csv(request):
    return _export(request, "csv")


@login_required
def export_xlsx(request):
    return _export(request, "xlsx")


# A programme's report ------------------------------------------------------------------------


def _programme_year(request, kept: KeptReport) -> tuple[ProgrammeYear, int | None]:
    """The school year chosen (this one unless told), or None when the choice is not in the list."""
    year = current_school_year()
    years = sorted(set(kept.school_years) | {year}, reverse=True)
    form = ProgrammeYear(request.GET or None, years=years, initial={"school_year": year})
    if not form.is_bound:
        return form, year
    return form, (form.cleaned_data["school_year"] or year) if form.is_valid() else None


def _comparison_charts(comparison: queries.Comparison, rtl: bool) -> list[dict]:
    """For each number: two bars per country, the school year before then this one."""
    before, now = school_year_label(comparison.school_year - 1), school_year_label(comparison.school_year)
    charts = []
    for measure in queries.PROGRAMME_MEASURES:
        key = measure.key
        items = [
            Item(
                country.name,
                [
                    Value(last[key], _number(last[key]), 0, f"{country.name}, {before}: {_number(last[key])}"),
                    Value(this[key], _number(this[key]), 1, f"{country.name}, {now}: {_number(this[key])}"),
                ],
            )
            for country, last, this in comparison.countries
        ]
        charts.append(
            {"measure": measure, "title": queries.PROGRAMME_CHART_TITLES[key], "chart": bar_chart(items, rtl=rtl)}
        )
    return charts


@login_required
def programme_report(request, slug: str):
    """A programme for ministries and funders: this school year against the one before, per country."""
    programme, scope = rules.get_programme_for_report(request.user, slug)
    kept = services.kept_report(scope)
    form, year = _programme_year(request, kept)
    context: dict = {"programme": programme, "form": form, "comparison": None, "everything": scope.all_countries}
    if year is None:
        return render(request, "reporting/programme_report.html", context, status=400)
    comparison = queries.programme_comparison(queries.report_from_kept(kept, programme=programme.pk), year)
    measures = queries.PROGRAMME_MEASURES
    context |= {
        "comparison": comparison,
        "counted_at": kept.refreshed_at,
        "measures": measures,
        "before": school_year_label(year - 1),
        "now": school_year_label(year),
        "totals": [(m, comparison.before[m.key], comparison.now[m.key]) for m in measures],
        "rows": [
            (country, [(last[m.key], this[m.key]) for m in measures]) for country, last, this in comparison.countries
        ],
        "charts": _comparison_charts(comparison, translation.get_language_bidi()),
        "query": request.GET.urlencode(),
    }
    return render(request, "reporting/programme_report.html", context)


def _programme_export(request, slug: str, kind: str):
    programme, scope = rules.get_programme_for_report(request.user, slug)
    kept = services.kept_report(scope)
    form, year = _programme_year(request, kept)
    if year is None:
        problems = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponse("\n".join(problems), status=400, content_type="text/plain; charset=utf-8")
    comparison = queries.programme_comparison(queries.report_from_kept(kept, programme=programme.pk), year)
    services.record_report_download(
        by=request.user,
        kind=kind,
        scope=scope,
        filters={"school_year": year, "programme": programme.pk, "country": None},
    )
    stem = f"{programme.slug}-report-{timezone.localdate():%Y-%m-%d}"
    if kind == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        response.write("\ufeff")  # spreadsheet programs then read the file as UTF-8
        csv.writer(response).writerows(exports.programme_table(comparison))
        return response
    response = HttpResponse(
        exports.programme_workbook(
            exports.programme_table(comparison, guard=lambda text: text), rtl=translation.get_language_bidi()
        ),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response


@login_required
def programme_export_csv(request, slug: str):
    return _programme_export(request, slug, "csv")


@login_required
def programme_export_xlsx(request, slug: str):
    return _programme_export(request, slug, "xlsx")


# Questionnaires ------------------------------------------------------------------------------


@login_required
def surveys(request):
    """Questionnaires to answer (pupils and teachers), and the questionnaires an NSO or a programme runs."""
    to_answer = list(rules.surveys_for_respondent(request.user).select_related("nso", "programme"))
    done = set(
        Participation.objects.filter(person=request.user, survey__in=[s.pk for s in to_answer]).values_list(
            "survey_id", "wave"
        )
    )
    for survey in to_answer:
        survey.answered = (survey.pk, survey.open_wave) in done
    running = None
    if rules.can_run_surveys(request.user):
        running = list(rules.surveys_run_by(request.user).select_related("nso", "programme"))
    return render(request, "reporting/surveys.html", {"to_answer": to_answer, "running": running})


@login_required
def survey_new(request):
    nsos, programmes = list(rules.survey_nsos_of(request.user)), list(rules.survey_programmes_of(request.user))
    if not nsos and not programmes:
        raise Http404
    year = current_school_year()
    form = SurveyForm(
        request.POST or None,
        nsos=nsos,
        programmes=programmes,
        years=[year - 1, year, year + 1],
        initial={"school_year": year},
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.create_survey(
                **form.runner(),
                by=request.user,
                school_year=form.cleaned_data["school_year"],
                titles=form.titles(),
                questions=form.questions(),
                audience=form.cleaned_data["audience"],
            )
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("The questionnaire is saved. Open it when the school year starts."))
            return redirect("reporting:survey", pk=survey.pk)
    return render(
        request, "reporting/survey_form.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@login_required
def survey(request, pk: int):
    """An organiser's view of a questionnaire: its statements, where it stands, the next step."""
    survey = rules.get_survey_for_organiser(request.user, pk)
    if request.method == "POST":
        try:
            survey = services.advance_survey(survey=survey, by=request.user, expected=request.POST.get("stage", ""))
        except ServiceError as problem:
            messages.error(request, problem.message)
        else:
            messages.success(request, str(survey.get_stage_display()))
        return redirect("reporting:survey", pk=survey.pk)
    answered = dict.fromkeys(Wave.values, 0) | dict(
        Participation.objects.filter(survey=survey).values("wave").annotate(n=Count("pk")).values_list("wave", "n")
    )
    return render(
        request,
        "reporting/survey.html",
        {
            "survey": survey,
            "questions": survey.questions.all(),
            "answered_start": answered[Wave.START],
            "answered_end": answered[Wave.END],
            "school_year": school_year_label(survey.school_year),
        },
    )


def _mean(value: float | None) -> str:
    # number_format cuts the decimals off: round first, so 3.46 reads 3.5.
    return number_format(round(value, 1), decimal_pos=1) if value is not None else ""


def _survey_group(group: queries.GroupResult, *, rtl: bool) -> dict:
    """One group's paired bars (start and end of the year per statement) and its table of answers."""
    waves = dict(Wave.choices)
    items, rows = [], []
    for question in group.questions:
        label = _("Statement %(number)s") % {"number": question.position}
        values = []
        for series, wave in enumerate(Wave.values):
            result = question.waves[wave]
            if result.hidden:
                note = _("%(wave)s: hidden, fewer than %(smallest)s answers") % {
                    "wave": waves[wave],
                    "smallest": queries.SMALLEST_GROUP,
                }
                values.append(Value(None, _("hidden"), series, note))
            else:
                shown = _("%(mean)s (n = %(n)s)") % {"mean": _mean(result.mean), "n": _number(result.n)}
                note = _("%(wave)s: %(value)s") % {"wave": waves[wave], "value": shown}
                values.append(Value(result.mean, shown, series, note))
        items.append(Item(label, values))
        rows.append(
            {
                "label": label,
                "question": question,
                "waves": [(waves[w], question.waves[w], _mean(question.waves[w].mean)) for w in Wave.values],
            }
        )
    return {
        "result": group,
        "chart": bar_chart(items, rtl=rtl, maximum=5),
        "answered_start": group.answered[Wave.START],
        "answered_end": group.answered[Wave.END],
        "rows": rows,
    }


def _change(value: float | None) -> str:
    if value is None:
        return ""
    shown = _mean(abs(value))
    # A sign the reader's language does not turn round: plus, or the minus sign, kept left to right.
    return f"+{shown}" if round(value, 1) > 0 else f"\u2212{shown}" if round(value, 1) < 0 else shown


def _breakdown(part: queries.Breakdown, questions: list) -> dict:
    """A breakdown's rows for the page: per country or twinning, each statement's start, end and change."""
    rows = []
    for unit in part.rows:
        start, end = unit.waves.get(Wave.START), unit.waves.get(Wave.END)
        rows.append(
            {
                "unit": unit,
                "name": exports.other_name(part.kind) if unit.is_other else unit.label,
                "note": exports.other_note(part.kind, unit.grouped) if unit.is_other else "",
                "start_n": start.n if start else None,
                "end_n": end.n if end else None,
                "statements": [
                    {
                        "label": _("Statement %(number)s") % {"number": q.position},
                        "start": _mean(start.mean(q.pk)) if start else None,
                        "end": _mean(end.mean(q.pk)) if end else None,
                        "change": _change(unit.change(q.pk)),
                    }
                    for q in questions
                ],
            }
        )
    return {"kind": part.kind, "rows": rows, "hidden": part.hidden, "count": len(questions)}


@login_required
def survey_results(request, pk: int):
    """Per group and statement: the mean at the start and at the end of the year, and how the answers spread;
    then per country and per twinning, start against end, with small groups kept hidden."""
    survey = rules.get_survey_for_organiser(request.user, pk)
    rtl = translation.get_language_bidi()
    split = {b.group: b for b in queries.breakdowns_of(survey)}
    groups = []
    for group in queries.results_of(survey):
        shown = _survey_group(group, rtl=rtl)
        breakdown = split[group.group]
        shown["by_country"] = _breakdown(breakdown.by_country, breakdown.questions)
        shown["by_twinning"] = _breakdown(breakdown.by_twinning, breakdown.questions)
        groups.append(shown)
    return render(
        request,
        "reporting/survey_results.html",
        {
            "survey": survey,
            "groups": groups,
            "smallest": queries.SMALLEST_GROUP,
            "school_year": school_year_label(survey.school_year),
            "scale": range(1, 6),
        },
    )


def _survey_export(request, pk: int, kind: str):
    survey = rules.get_survey_for_organiser(request.user, pk)
    # The CSV guards texts against running as formulas; the workbook stores every text as text.
    guard = exports.safe if kind == "csv" else (lambda text: text)
    rows = exports.survey_table(queries.results_of(survey), queries.breakdowns_of(survey), guard=guard)
    services.record_survey_download(by=request.user, survey=survey, kind=kind)
    stem = f"questionnaire-{survey.pk}-results-{timezone.localdate():%Y-%m-%d}"
    if kind == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        response.write("\ufeff")  # spreadsheet programs then read the file as UTF-8
        csv.writer(response).writerows(rows)
        return response
    response = HttpResponse(
        exports.survey_workbook(rows, rtl=translation.get_language_bidi()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response


@login_required
def survey_results_csv(request, pk: int):
    return _survey_export(request, pk, "csv")


@login_required
def survey_results_xlsx(request, pk: int):
    return _survey_export(request, pk, "xlsx")


@login_required
def survey_answer(request, pk: int):
    """A pupil or teacher answers the open wave, once."""
    survey = rules.get_survey_for_respondent(request.user, pk)
    if rules.respondent_place(request.user, survey) is None:
        raise Http404
    wave = survey.open_wave
    answered = Participation.objects.filter(survey=survey, wave=wave, person=request.user).exists()
    form = AnswerForm(request.POST or None, questions=survey.questions.all())
    if request.method == "POST":
        if answered:
            messages.error(request, _("You have already answered this questionnaire; answers cannot be changed."))
            return redirect("reporting:surveys")
        if form.is_valid():
            try:
                services.submit_answers(survey=survey, by=request.user, values=form.values())
            except ServiceError as problem:
                form.add_error(None, problem.message)
            else:
                messages.success(request, _("Thank you: your answers are saved."))
                return redirect("reporting:surveys")
    return render(
        request,
        "reporting/survey_answer.html",
        {"survey": survey, "form": form, "answered": answered, "wave": dict(Wave.choices)[wave]},
        status=400 if request.method == "POST" else 200,
    )
