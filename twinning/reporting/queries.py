"""Reads for the reports and the questionnaires' results.

`report_for` counts the network per school year, country and programme in a fixed number of
aggregate queries (GROUP BY in the database, never a query per school or per row): five sources
(schools in twinnings, members, meetings, plan activities, quality labels), each read at four levels
(the table's rows, per country, per school year, all together). The levels are counted separately because the
numbers are distinct counts: a twinning between an Israeli and a British school is one twinning in
Israel's row and one in the United Kingdom's, and one, not two, in the total.

The pages do not count: the job queue counts each scope's cells once (`count_cells`: every combination of
school year, country and programme, each of which may be "all of them", so every level of every filtered report is
there) and keeps them (`models.KeptCount`); `report_from_kept` builds the same `Report` from those few hundred rows,
whatever the size of the network. `report_for` stays the live count, the reference the kept one is tested against.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations
from typing import TYPE_CHECKING, cast

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Aggregate, Case, Count, Exists, F, OuterRef, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from twinning.common.models import AuditEntry
from twinning.meetings.models import Meeting, MeetingSchool
from twinning.recognition.models import Label
from twinning.reporting.models import (
    EVERY_COUNTRY,
    EVERY_PROGRAMME,
    EVERY_YEAR,
    HIGHEST,
    LOWEST,
    Answer,
    Group,
    KeptCount,
    KeptReport,
    Question,
    Response,
    Survey,
    Wave,
)
from twinning.reporting.rules import TEACHERS, Scope
from twinning.reporting.small_groups import SMALLEST_GROUP, protect
from twinning.schools.models import Country, Programme, School, TeacherProfile, ValidationStatus
from twinning.twinnings.models import Membership, Twinning, TwinningSchool
from twinning.workspace.models import Activity

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A programme filter value meaning "twinnings that belong to no programme".
NO_PROGRAMME = 0
# Fewer answers than SMALLEST_GROUP (imported above) in a group and wave, and its results are not shown:
# pupils are minors (small_groups.py also keeps a small group from being worked out by subtraction).


@dataclass(frozen=True)
class Measure:
    key: str
    label: StrOrPromise
    definition: StrOrPromise
    by_country: StrOrPromise  # the charts' titles, whole sentences for the translators
    by_year: StrOrPromise


# What each number counts, in the words shown under the table, in the downloads and in the charts' titles.
MEASURES = (
    Measure(
        "schools",
        _("Schools"),
        _(
            "Validated schools of the country taking part in at least one of the twinnings counted "
            "(a school that withdrew from a twinning is not counted for it)."
        ),
        _("Schools by country"),
        _("Schools by school year"),
    ),
    Measure(
        "teachers",
        _("Teachers"),
        _(
            "Validated teachers who are members of a twinning counted, through a school of the country. "
            "A teacher who has since left the school still counts for the years they took part."
        ),
        _("Teachers by country"),
        _("Teachers by school year"),
    ),
    Measure(
        "pupils",
        _("Pupils"),
        _("Pupils who are members of a twinning counted, through a school of the country."),
        _("Pupils by country"),
        _("Pupils by school year"),
    ),
    Measure(
        "twinnings",
        _("Twinnings"),
        _(
            "Twinnings approved and under way, looking for a new partner, or closed after approval, in which "
            "a school of the country takes part. Proposals, declined twinnings and those closed before "
            "approval are not counted."
        ),
        _("Twinnings by country"),
        _("Twinnings by school year"),
    ),
    Measure(
        "meetings",
        _("Meetings held"),
        _("Live meetings recorded as held in those twinnings in which a school of the country took part."),
        _("Meetings held by country"),
        _("Meetings held by school year"),
    ),
    Measure(
        "attendance",
        _("Pupils at meetings"),
        _(
            "Pupils present at those meetings, as the teachers recorded them, added up over the meetings: "
            "a pupil at three meetings counts three times."
        ),
        _("Pupils at meetings by country"),
        _("Pupils at meetings by school year"),
    ),
    Measure(
        "activities",
        _("Activities completed"),
        _("Steps of those twinnings' activity plans marked as done."),
        _("Activities completed by country"),
        _("Activities completed by school year"),
    ),
    Measure(
        "labels",
        _("Quality labels"),
        _(
            "National Quality Labels awarded for those twinnings to teachers of the country's schools: a "
            "twinning can bring a label to a teacher of each partner school."
        ),
        _("Quality labels by country"),
        _("Quality labels by school year"),
    ),
)
KEYS = tuple(m.key for m in MEASURES)


@dataclass
class Line:
    school_year: int
    country: Country
    programme: Programme | None
    counts: dict[str, int]


@dataclass
class Report:
    lines: list[Line] = field(default_factory=list)
    by_country: list[tuple[Country, dict[str, int]]] = field(default_factory=list)
    by_year: list[tuple[int, dict[str, int]]] = field(default_factory=list)
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEYS, 0))
    refreshed_at: datetime | None = None  # when the figures were counted, for a kept report


@dataclass(frozen=True)
class Tally:
    """One measure of a source: the distinct values of `field` (among the rows that match `only`), or the sum of
    `field`. Read either as an aggregate of the ORM (`aggregate`), or, for a grouping by CUBE, as a column of the
    rows counted (`column`) and the aggregate over that column (`over`)."""

    distinct: bool
    field: str
    only: Q | None = None

    def aggregate(self) -> Aggregate | Coalesce:
        if self.distinct:
            return Count(self.field, distinct=True, filter=self.only)
        return Coalesce(Sum(self.field), 0)

    def column(self) -> F | Case:
        return Case(When(self.only, then=F(self.field))) if self.only is not None else F(self.field)

    def over(self, column: str) -> str:
        return f"COUNT(DISTINCT {column})" if self.distinct else f"COALESCE(SUM({column}), 0)"


@dataclass(frozen=True)
class Source:
    """One table counted: where its twinning, its school's country and its filter are, and what it counts."""

    model: type[TwinningSchool | Membership | MeetingSchool | Activity | Label]
    twinning: str
    country: str
    where: Q
    tallies: dict[str, Tally]

    @property
    def counts(self) -> dict[str, Aggregate | Coalesce]:
        return {key: tally.aggregate() for key, tally in self.tallies.items()}


def _counted(twinning: str = "") -> Q:
    """Twinnings under way or done: approved, active, looking for a new partner, or closed after approval.

    `twinning` is the path to the twinning (empty on the twinning itself). Closing is open to proposals
    too, so a closed twinning counts only if its audit log says it was approved first.
    """
    path = f"{twinning}__" if twinning else ""
    kind = ContentType.objects.get_for_model(Twinning)
    approved = AuditEntry.objects.filter(
        target_type=kind, target_id=OuterRef(f"{twinning}_id" if twinning else "pk"), action="twinning.approved"
    )
    working = (Twinning.Status.APPROVED, Twinning.Status.ACTIVE, Twinning.Status.NEEDS_PARTNER)
    # A Q combined with Exists is a Q; django-stubs types it as any combinable expression.
    return cast(
        Q, Q(**{f"{path}status__in": working}) | (Q(**{f"{path}status": Twinning.Status.CLOSED}) & Exists(approved))
    )


def _sources() -> tuple[Source, ...]:
    joined = TwinningSchool.Status.JOINED
    validated = ValidationStatus.VALIDATED
    school_joined = Exists(
        TwinningSchool.objects.filter(
            twinning_id=OuterRef("twinning_id"), school_id=OuterRef("school_id"), status=joined
        )
    )
    return (
        Source(
            TwinningSchool,
            "twinning",
            "school__country",
            Q(status=joined, school__status=validated),
            {"schools": Tally(True, "school"), "twinnings": Tally(True, "twinning")},
        ),
        Source(
            Membership,
            "twinning",
            "school__country",
            Q(school__status=validated)
            & school_joined
            & (
                Q(role=Membership.Role.PUPIL, active=True)
                | Q(role__in=TEACHERS, user__teacher__status=validated)
                & (Q(active=True) | Q(user__teacher__left_at__isnull=False))
            ),
            {
                "teachers": Tally(True, "user", Q(role__in=TEACHERS)),
                "pupils": Tally(True, "user", Q(role=Membership.Role.PUPIL)),
            },
        ),
        Source(
            MeetingSchool,
            "meeting__twinning",
            "school__country",
            Q(meeting__status=Meeting.Status.HELD, school__status=validated),
            {"meetings": Tally(True, "meeting"), "attendance": Tally(False, "pupils_present")},
        ),
        # One filter() call, so the school of the country and the joined school are the same row.
        Source(
            Activity,
            "twinning",
            "twinning__schools__school__country",
            Q(
                status=Activity.Status.DONE,
                twinning__schools__status=joined,
                twinning__schools__school__status=validated,
            ),
            {"activities": Tally(True, "pk")},
        ),
        Source(
            Label,
            "twinning",
            "school__country",
            Q(kind=Label.Kind.NATIONAL, school__status=validated),
            {"labels": Tally(True, "pk")},
        ),
    )


def _programme_q(source: Source, programme: int | None) -> Q:
    if programme is None:
        return Q()
    if programme == NO_PROGRAMME:
        return Q(**{f"{source.twinning}__programme__isnull": True})
    return Q(**{f"{source.twinning}__programme_id": programme})


def report_for(
    scope: Scope, *, school_year: int | None = None, programme: int | None = None, country: str | None = None
) -> Report:
    """Counts per (school year, country, programme) in the scope, per country, per school year (every year,
    for the trend) and all together; each level counts distinct schools, people, twinnings and meetings."""
    empty = dict.fromkeys(KEYS, 0)
    lines: dict[tuple, dict[str, int]] = {}
    per_country: dict[str, dict[str, int]] = {}
    per_year: dict[int, dict[str, int]] = {}
    total = dict(empty)
    for source in _sources():
        year_path = f"{source.twinning}__school_year"
        programme_path = f"{source.twinning}__programme"
        every_year = (
            source.where
            & _counted(source.twinning)
            & scope.q(country=source.country, programme=f"{source.twinning}__programme_id")
            & _programme_q(source, programme)
            & (Q(**{f"{source.country}_id": country}) if country else Q())
        )
        # Everything in one filter(): a multi-valued join (an activity's schools) is then made once.
        rows = source.model.objects.filter(every_year & (Q(**{year_path: school_year}) if school_year else Q()))
        for row in (
            rows.values(year=F(year_path), place=F(f"{source.country}_id"), plan=F(programme_path))
            .annotate(**source.counts)
            .order_by()
        ):
            counts = lines.setdefault((row["year"], row["place"], row["plan"]), dict(empty))
            counts.update({key: row[key] for key in source.counts})
        for row in rows.values(place=F(f"{source.country}_id")).annotate(**source.counts).order_by():
            per_country.setdefault(row["place"], dict(empty)).update({key: row[key] for key in source.counts})
        for row in (
            source.model.objects.filter(every_year).values(year=F(year_path)).annotate(**source.counts).order_by()
        ):
            per_year.setdefault(row["year"], dict(empty)).update({key: row[key] for key in source.counts})
        total.update(rows.order_by().aggregate(**source.counts))
    countries = Country.objects.in_bulk({place for _year, place, _plan in lines} | set(per_country))
    programmes = Programme.objects.in_bulk({plan for _year, _place, plan in lines if plan is not None})
    report = Report(total=total)
    for (year, place, plan), counts in lines.items():
        report.lines.append(Line(year, countries[place], programmes.get(plan), counts))
    report.lines.sort(key=lambda line: (line.school_year, line.country.name.casefold(), _programme_key(line.programme)))
    report.by_country = sorted(
        ((countries[place], counts) for place, counts in per_country.items()), key=lambda pair: pair[0].name.casefold()
    )
    report.by_year = sorted(per_year.items())
    return report


# The kept figures -----------------------------------------------------------------------------------

ReportCell = tuple[int, str, int]  # (school year or EVERY_YEAR, country or EVERY_COUNTRY, programme or EVERY_PROGRAMME)
AXES = ("year", "place", "plan")


def count_cells(scope: Scope, *, by_cube: bool | None = None) -> dict[ReportCell, dict[str, int]]:
    """Every cell of the scope's report: the counts for each combination of school year, country and programme
    (a programme of NO_PROGRAMME being the twinnings of none), where each axis may also be "all of them".

    On PostgreSQL one query per source, five in all, grouped by CUBE (every combination of the three axes in one
    pass over the rows counted); elsewhere (SQLite) eight aggregate queries per source, forty in all, one per
    combination. The two give the same cells (`by_cube` chooses, for the tests); either way the number of queries
    does not depend on the size of the network."""
    empty = dict.fromkeys(KEYS, 0)
    cells: dict[ReportCell, dict[str, int]] = {}
    for source in _sources():
        rows = source.model.objects.filter(
            source.where
            & _counted(source.twinning)
            & scope.q(country=source.country, programme=f"{source.twinning}__programme_id")
        ).order_by()
        cube = connections[rows.db].vendor == "postgresql" if by_cube is None else by_cube
        for cell, counts in _cube(source, rows) if cube else _combinations(source, rows):
            cells.setdefault(cell, dict(empty)).update(counts)
    return cells


def _axes(source: Source) -> dict[str, F]:
    return {
        "year": F(f"{source.twinning}__school_year"),
        "place": F(f"{source.country}_id"),
        "plan": F(f"{source.twinning}__programme"),
    }


def _cell(row: dict, axes: tuple[str, ...]) -> ReportCell:
    return (
        row["year"] if "year" in axes else EVERY_YEAR,
        row["place"] if "place" in axes else EVERY_COUNTRY,
        (row["plan"] or NO_PROGRAMME) if "plan" in axes else EVERY_PROGRAMME,
    )


def _combinations(source: Source, rows: QuerySet) -> Iterator[tuple[ReportCell, dict[str, int]]]:
    """The cells of one source in eight aggregate queries, one per combination of the axes."""
    paths = _axes(source)
    for size in range(len(AXES) + 1):
        for axes in combinations(AXES, size):
            if axes:
                found = list(rows.values(**{axis: paths[axis] for axis in axes}).annotate(**source.counts))
            else:
                found = [rows.aggregate(**source.counts)]
                if not any(found[0].values()):
                    continue
            for row in found:
                yield _cell(row, axes), {key: row[key] or 0 for key in source.tallies}


def _cube(source: Source, rows: QuerySet) -> Iterator[tuple[ReportCell, dict[str, int]]]:
    """The cells of one source in one query (PostgreSQL): the rows counted, as the ORM builds them (the axes and
    one column per measure), grouped by CUBE of the three axes. GROUPING() tells an axis rolled up ("all of
    them") from a programme that is NULL (twinnings of no programme)."""
    connection = connections[rows.db]
    name = connection.ops.quote_name
    columns = {f"m_{key}": tally.column() for key, tally in source.tallies.items()}
    counted = rows.values(**_axes(source), **columns)
    try:
        sql, params = counted.query.get_compiler(using=rows.db).as_sql()
    except EmptyResultSet:  # a scope of nothing (no NSO, no programme): no rows, no cells
        return
    axes = ", ".join(name(axis) for axis in AXES)
    measures = ", ".join(tally.over(name(f"m_{key}")) for key, tally in source.tallies.items())
    # The axes and measures are names quoted here and the ORM's own SQL; the values stay parameters.
    query = f"SELECT {axes}, GROUPING({axes}), {measures} FROM ({sql}) AS counted GROUP BY CUBE ({axes})"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        found = cursor.fetchall()
    for year, place, plan, rolled, *values in found:
        # GROUPING's bits, from the left: 4 the school year rolled up, 2 the country, 1 the programme.
        kept = tuple(axis for axis, bit in zip(AXES, (4, 2, 1), strict=True) if not rolled & bit)
        counts = {key: value or 0 for key, value in zip(source.tallies, values, strict=True)}
        if not kept and not any(counts.values()):
            continue  # no rows at all: the grand total of nothing, as the eight queries leave it out
        yield _cell({"year": year, "place": place, "plan": plan}, kept), counts


def _counted_tables() -> list[str]:
    """The tables whose rows the counts read. Two that the queries touch are left out, on purpose: the users
    (joined only on the way to a teacher's profile; no column of theirs is counted, and a user deleted takes their
    memberships along) and the audit log (a twinning's approval is recorded in the same transaction as its change of
    status, and entries are never removed, so what it says of a twinning never changes without the twinning's row).
    Both are written all day long, by sign-ins and by every audited action."""
    models = (Twinning, TwinningSchool, Membership, Meeting, MeetingSchool, Activity, Label, School, TeacherProfile)
    return sorted({model._meta.db_table for model in (*models, Country)})


def source_state(using: str) -> dict | None:
    """What PostgreSQL's statistics say has been written to the counted tables: per table, the rows inserted,
    updated and deleted so far and the table's file (which TRUNCATE changes), with when the server started and when
    the statistics were last reset (either starts the counters afresh). A transaction's writes are in these
    counters once it has ended, so a state read before a count and found again later means that the count would
    find the same figures. None where there are no such counters (SQLite, or PostgreSQL with `track_counts` off):
    then every run counts again. One query on a few rows of statistics."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # not the statistics read earlier in this transaction
        cursor.execute(
            "SELECT current_setting('track_counts'), pg_postmaster_start_time()::text, "
            "(SELECT stats_reset::text FROM pg_stat_database WHERE datname = current_database())"
        )
        tracked, started, reset = cursor.fetchone()
        if tracked != "on":
            return None
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, pg_relation_filenode(relid) FROM pg_stat_user_tables "
            "WHERE schemaname = current_schema() AND relname = ANY(%s)",
            [_counted_tables()],
        )
        tables = {name: [int(n) for n in numbers] for name, *numbers in cursor.fetchall()}
    return {"started": started, "reset": reset, "tables": tables}


def kept_cells(kept: KeptReport) -> dict[ReportCell, dict[str, int]]:
    return {
        (row["school_year"], row["country"], row["programme"]): {key: row[key] for key in KEYS}
        for row in KeptCount.objects.filter(report=kept).values("school_year", "country", "programme", *KEYS)
    }


def report_from_kept(
    kept: KeptReport, *, school_year: int | None = None, programme: int | None = None, country: str | None = None
) -> Report:
    """The report of a scope, read from its kept figures: the same `Report` as `report_for` gave when they were
    counted, in three queries."""
    report = report_from_cells(kept_cells(kept), school_year=school_year, programme=programme, country=country)
    report.refreshed_at = kept.refreshed_at
    return report


def report_from_cells(
    cells: dict[ReportCell, dict[str, int]],
    *,
    school_year: int | None = None,
    programme: int | None = None,
    country: str | None = None,
) -> Report:
    year = EVERY_YEAR if school_year is None else school_year
    plan = EVERY_PROGRAMME if programme is None else programme
    place = country or EVERY_COUNTRY
    lines, per_country, per_year = [], [], []
    for (y, c, p), counts in cells.items():
        is_line = y != EVERY_YEAR and c != EVERY_COUNTRY and p != EVERY_PROGRAMME
        if is_line and school_year in (None, y) and country in (None, c) and programme in (None, p):
            lines.append((y, c, p, counts))
        if y == year and c != EVERY_COUNTRY and p == plan and country in (None, c):
            per_country.append((c, counts))
        if y != EVERY_YEAR and c == place and p == plan:
            per_year.append((y, counts))
    countries = Country.objects.in_bulk({c for _y, c, _p, _n in lines} | {c for c, _n in per_country})
    programmes = Programme.objects.in_bulk({p for _y, _c, p, _n in lines if p != NO_PROGRAMME})
    report = Report(total=dict(cells.get((year, place, plan), dict.fromkeys(KEYS, 0))))
    report.lines = [Line(y, countries[c], programmes.get(p), dict(n)) for y, c, p, n in lines]
    report.lines.sort(key=lambda line: (line.school_year, line.country.name.casefold(), _programme_key(line.programme)))
    report.by_country = sorted(
        ((countries[c], dict(n)) for c, n in per_country), key=lambda pair: pair[0].name.casefold()
    )
    report.by_year = sorted((y, dict(n)) for y, n in per_year)
    return report


# The programme's page: what ministries and funders ask of a programme, this school year against the last.
PROGRAMME_MEASURES = tuple(m for m in MEASURES if m.key in ("schools", "twinnings", "meetings", "activities", "labels"))
PROGRAMME_CHART_TITLES = {
    "schools": _("Schools by country, the school year before and this one"),
    "twinnings": _("Twinnings by country, the school year before and this one"),
    "meetings": _("Meetings held by country, the school year before and this one"),
    "activities": _("Activities completed by country, the school year before and this one"),
    "labels": _("Quality labels by country, the school year before and this one"),
}


@dataclass
class Comparison:
    """A programme's numbers for a school year and the one before, per country and all together."""

    school_year: int
    countries: list[tuple[Country, dict[str, int], dict[str, int]]]  # (country, the year before, this year)
    before: dict[str, int]
    now: dict[str, int]


def programme_comparison(report: Report, school_year: int) -> Comparison:
    """The main report's own counts (the report filtered to the programme): its rows of the two school years
    per country, and its totals per school year, so that the two pages always agree."""
    empty = dict.fromkeys(KEYS, 0)
    per_country: dict[str, tuple[Country, dict[str, int], dict[str, int]]] = {}
    for line in report.lines:
        if line.school_year not in (school_year - 1, school_year):
            continue
        country, before, now = per_country.setdefault(line.country.code, (line.country, dict(empty), dict(empty)))
        (now if line.school_year == school_year else before).update(line.counts)
    years = dict(report.by_year)
    return Comparison(
        school_year,
        sorted(per_country.values(), key=lambda row: row[0].name.casefold()),
        years.get(school_year - 1, dict(empty)),
        years.get(school_year, dict(empty)),
    )


def _programme_key(programme: Programme | None) -> tuple:
    return (1, "") if programme is None else (0, programme.name.casefold())


def school_years_counted() -> list[int]:
    """The school years that have a twinning under way or done, newest first (for the filter)."""
    return list(
        Twinning.objects.filter(_counted()).order_by("-school_year").values_list("school_year", flat=True).distinct()
    )


# Questionnaires ------------------------------------------------------------------------------


@dataclass
class WaveResult:
    n: int
    hidden: bool
    mean: float | None = None
    distribution: list[int] = field(default_factory=list)  # how many answered 1, 2, 3, 4, 5


@dataclass
class QuestionResult:
    position: int
    text: str
    waves: dict[str, WaveResult]


@dataclass
class GroupResult:
    group: str
    label: str
    answered: dict[str, int]  # wave → number of people who answered
    questions: list[QuestionResult]

    @property
    def hidden_everywhere(self) -> bool:
        return all(n < SMALLEST_GROUP for n in self.answered.values())


def results_of(survey: Survey) -> list[GroupResult]:
    """Per group (pupils, teachers) and question, each wave's mean and distribution; a wave with fewer than
    SMALLEST_GROUP answers in a group is hidden. Three queries, whatever the number of answers."""
    questions = list(survey.questions.all())
    answered = {
        (row["group"], row["wave"]): row["n"]
        for row in Response.objects.filter(survey=survey).values("group", "wave").annotate(n=Count("pk")).order_by()
    }
    tally: dict[tuple, int] = {}
    for row in (
        Answer.objects.filter(response__survey=survey)
        .values("response__group", "response__wave", "question_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        tally[(row["response__group"], row["response__wave"], row["question_id"], row["value"])] = row["n"]
    results = []
    for group in survey.groups:
        counts = {wave: answered.get((group, wave), 0) for wave in Wave.values}
        rows = []
        for question in questions:
            waves = {}
            for wave in Wave.values:
                n = counts[wave]
                if n < SMALLEST_GROUP:
                    waves[wave] = WaveResult(n=n, hidden=True)
                    continue
                spread = [tally.get((group, wave, question.pk, value), 0) for value in range(LOWEST, HIGHEST + 1)]
                given = sum(spread)
                total = sum(value * count for value, count in zip(range(LOWEST, HIGHEST + 1), spread, strict=True))
                waves[wave] = WaveResult(n=n, hidden=False, mean=total / given if given else None, distribution=spread)
            rows.append(QuestionResult(question.position, question.text, waves))
        results.append(GroupResult(group, str(Group(group).label), counts, rows))
    return results


SCALE = range(LOWEST, HIGHEST + 1)


@dataclass
class Figures:
    """The answers of one part of a group in one wave: how many answered, and how each statement's answers spread."""

    n: int = 0
    spreads: dict[int, list[int]] = field(default_factory=dict)  # question → how many answered 1, 2, 3, 4, 5

    def add(self, other: Figures) -> None:
        self.n += other.n
        for question, spread in other.spreads.items():
            mine = self.spreads.setdefault(question, [0] * len(SCALE))
            for at, count in enumerate(spread):
                mine[at] += count

    def spread(self, question: int) -> list[int]:
        return self.spreads.get(question, [0] * len(SCALE))

    def mean(self, question: int) -> float | None:
        spread = self.spread(question)
        given = sum(spread)
        return sum(v * c for v, c in zip(SCALE, spread, strict=True)) / given if given else None


@dataclass
class UnitRow:
    """A country's or a twinning's figures in each wave (None: hidden), or the others' together (`is_other`)."""

    key: str | int | None
    label: str
    waves: dict[str, Figures | None]
    is_other: bool = False
    grouped: int = 0  # for the row of the others: how many countries or twinnings it holds
    schools: str = ""  # for a twinning: its schools' names

    def mean(self, wave: str, question: int) -> float | None:
        figures = self.waves.get(wave)
        return figures.mean(question) if figures is not None else None

    def change(self, question: int) -> float | None:
        """End of the year less the start, when both waves are shown; never for the others (not the same parts)."""
        start, end = self.mean(Wave.START, question), self.mean(Wave.END, question)
        if self.is_other or start is None or end is None:
            return None
        return end - start


@dataclass
class Breakdown:
    kind: str  # "country" or "twinning"
    rows: list[UnitRow]
    hidden: int  # how many countries or twinnings are not shown on their own in at least one wave


@dataclass
class GroupBreakdown:
    group: str
    label: str
    questions: list[Question]
    by_country: Breakdown
    by_twinning: Breakdown


Cell = tuple[int | None, str | None]  # (twinning, country)


def breakdowns_of(survey: Survey) -> list[GroupBreakdown]:
    """Per group (pupils, teachers): each wave's figures per country and per twinning, with what must stay hidden
    (small_groups.protect) shown only together as "other". Four queries, whatever the number of answers."""
    questions = list(survey.questions.all())
    cells: dict[tuple[str, str], dict[Cell, Figures]] = {}
    for row in (
        Response.objects.filter(survey=survey)
        .values("group", "wave", "twinning_id", "country_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        place = (row["twinning_id"], row["country_id"])
        cells.setdefault((row["group"], row["wave"]), {})[place] = Figures(n=row["n"])
    for row in (
        Answer.objects.filter(response__survey=survey)
        .values(
            "response__group", "response__wave", "response__twinning_id", "response__country_id", "question_id", "value"
        )
        .annotate(n=Count("pk"))
        .order_by()
    ):
        place = (row["response__twinning_id"], row["response__country_id"])
        figures = cells[(row["response__group"], row["response__wave"])][place]
        figures.spreads.setdefault(row["question_id"], [0] * len(SCALE))[row["value"] - LOWEST] += row["n"]
    countries = Country.objects.in_bulk({c for part in cells.values() for _t, c in part if c is not None})
    twinnings = (
        Twinning.objects.filter(pk__in={t for part in cells.values() for t, _c in part if t is not None})
        .prefetch_related("schools__school")
        .in_bulk()
    )
    results = []
    for group in survey.groups:
        shown = {
            wave: protect({place: f.n for place, f in cells.get((group, wave), {}).items()}) for wave in Wave.values
        }
        by_country = _breakdown(
            "country",
            {wave: cells.get((group, wave), {}) for wave in Wave.values},
            {wave: shown[wave].countries for wave in Wave.values},
            lambda cell: cell[1],
            {code: UnitRow(code, c.name, {}) for code, c in countries.items()},
        )
        by_twinning = _breakdown(
            "twinning",
            {wave: cells.get((group, wave), {}) for wave in Wave.values},
            {wave: shown[wave].twinnings for wave in Wave.values},
            lambda cell: cell[0],
            {pk: UnitRow(pk, t.title, {}, schools=_schools_of(t)) for pk, t in twinnings.items()},
        )
        results.append(GroupBreakdown(group, str(Group(group).label), questions, by_country, by_twinning))
    return results


def _schools_of(twinning: Twinning) -> str:
    rows = [row for row in twinning.schools.all() if row.status == TwinningSchool.Status.JOINED]
    return " · ".join(sorted((row.school.name for row in rows), key=str.casefold))


def _breakdown(
    kind: str,
    cells_by_wave: dict[str, dict[Cell, Figures]],
    shown_by_wave: dict[str, frozenset],
    unit_of,
    units: dict,
) -> Breakdown:
    """Rows for the units shown in at least one wave (a wave's figures None where hidden), then the others'."""
    others: dict[str, Figures] = {}
    in_others: set = set()
    for wave in Wave.values:
        for cell, figures in cells_by_wave[wave].items():
            unit = unit_of(cell)
            if unit in shown_by_wave[wave]:
                row = units[unit]
                row.waves.setdefault(wave, Figures())
                row.waves[wave].add(figures)
            else:
                others.setdefault(wave, Figures()).add(figures)
                in_others.add(unit)
    rows = [row for row in units.values() if row.waves]
    for row in rows:
        for wave in Wave.values:
            row.waves.setdefault(wave, None)
    rows.sort(key=lambda row: row.label.casefold())
    hidden = len({unit for unit in in_others if unit is not None})
    if others:
        # Shown only when big enough: protect() leaves the others none or at least the smallest group.
        waves = {wave: f if f.n >= SMALLEST_GROUP else None for wave, f in others.items()}
        rows.append(UnitRow(None, "", {w: waves.get(w) for w in Wave.values}, is_other=True, grouped=hidden))
    return Breakdown(kind, rows, hidden)
