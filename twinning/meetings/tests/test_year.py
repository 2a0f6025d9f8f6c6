"""The year at a glance on a twinning's meetings page: a grid of days with one Tab stop, kept in the cache
until one of the schools' calendars changes."""

import re
from datetime import date, time, timedelta
from html.parser import HTMLParser

import holidays
import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from twinning.common.school_year import current_school_year
from twinning.meetings import drawing, queries, services
from twinning.meetings.engine import SchoolCalendar
from twinning.testing import as_

pytestmark = pytest.mark.django_db


class _Year(HTMLParser):
    """The year's table as the page sends it: its attributes, headers and days."""

    def __init__(self) -> None:
        super().__init__()
        self.table: dict = {}
        self.days: dict[date, dict] = {}
        self.headers: list[dict] = []
        self.tab_stops: list[str] = []
        self._depth = 0
        self._day: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-year" in attrs:
            self.table, self._depth = attrs, 1
            return
        if not self._depth:
            return
        if attrs.get("tabindex") == "0":
            self.tab_stops.append(tag)
        if tag == "th":
            self.headers.append(attrs)
        if tag == "td" and "class" in attrs:
            self._day = {"level": int(attrs["class"].removeprefix("heat-")), "text": "", "tabindex": None}
        if self._day is not None and "data-day" in attrs:
            self._day.update(tag=tag, tabindex=attrs["tabindex"], href=attrs.get("href", ""))
            self.days[date.fromisoformat(attrs["data-day"])] = self._day

    def handle_endtag(self, tag):
        if tag == "table" and self._depth:
            self._depth = 0
        if tag == "td":
            self._day = None

    def handle_data(self, data):
        if self._day is not None:
            self._day["text"] += data


def year_of(response) -> _Year:
    parser = _Year()
    parser.feed(response.content.decode())
    return parser


def year_range() -> tuple[date, date]:
    year = current_school_year(timezone.localdate())
    return date(year, 9, 1), date(year + 1, 7, 31)


def test_the_year_is_a_grid_of_days_with_one_tab_stop(client, cast, twinning):
    page = as_(client, cast.teacher_a.user).get(f"/twinnings/{twinning.pk}/meetings/")
    body = page.content.decode()
    year = year_of(page)
    first, last = year_range()
    assert year.table["role"] == "grid"
    assert (year.table["aria-labelledby"], year.table["aria-describedby"]) == ("year-title", "year-help")
    assert 'id="year-title"' in body and 'id="year-help"' in body
    # Every day of the school year is a cell; one of them is the year's only Tab stop, the others are reached
    # with the arrow keys (meetings/year.js).
    assert sorted(year.days) == [first + timedelta(days=n) for n in range((last - first).days + 1)]
    assert year.tab_stops == [year.days[max(first, min(timezone.localdate(), last))]["tag"]]
    assert {d["tabindex"] for d in year.days.values()} == {"0", "-1"}
    # Seven weekday rows and month columns name the cells for a screen reader.
    assert sum(h.get("scope") == "row" for h in year.headers) == 7
    # Each day says its date and its common time in words; a coming one with common time proposes a meeting then.
    with_time = [d for day, d in year.days.items() if d["level"] and day > timezone.localdate()]
    assert with_time, "the twinning has common time in the coming school year"
    example = with_time[0]
    assert example["tag"] == "a" and "#propose" in example["href"] and "&at=" in example["href"]
    assert re.search(r"\d+ minutes in common \(.+–.+\)\. Propose a meeting$", example["text"])
    idle = next(d for d in year.days.values() if not d["level"])
    assert idle["tag"] == "td" and idle["text"].endswith(": 0 minutes in common")
    # No link inside a picture: the week grid is for the eyes, its blocks for the mouse (the list of the week's
    # times has the same links for everyone); its frame is one stop, to scroll it on a phone.
    week_grid = body.split('<svg class="week-grid"')[1].split("</svg>")[0]
    assert 'role="img"' not in body and 'aria-hidden="true"' in body.split('<svg class="week-grid"')[1][:40]
    assert all('tabindex="-1"' in link for link in re.findall(r"<a [^>]*>", week_grid))
    assert '<div class="chart-wrap" tabindex="0"' in body
    # "Propose a meeting" is the first thing in the page's content after the twinning's tabs.
    assert body.index('data-testid="to-propose"') < body.index('id="common"')


def test_the_year_columns_are_weeks_under_their_months(client, cast, twinning):
    year = year_of(as_(client, cast.teacher_a.user).get(f"/twinnings/{twinning.pk}/meetings/"))
    months = [h for h in year.headers if h.get("scope") == "col"]
    assert len(months) == 11  # September to July, one header each
    assert 47 <= sum(int(h["colspan"]) for h in months) <= 49  # about 48 weeks from 1 September to 31 July


def _engine_runs(monkeypatch) -> list[int]:
    runs: list[int] = []
    real = queries.meeting_windows

    def counted(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(queries, "meeting_windows", counted)
    return runs


def _layouts(monkeypatch) -> list[int]:
    runs: list[int] = []
    real = drawing.year_heatmap

    def counted(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(drawing, "year_heatmap", counted)
    return runs


def test_the_year_is_kept_until_a_term_or_a_closure_changes_it(client, cast, twinning, monkeypatch):
    cache.clear()  # another test's identical calendars may have left this year in the process's cache
    reader = as_(client, cast.teacher_b.user)
    url = f"/twinnings/{twinning.pk}/meetings/"
    engine, layouts = _engine_runs(monkeypatch), _layouts(monkeypatch)
    before = year_of(reader.get(url))
    assert (len(engine), len(layouts)) == (1, 1)
    assert year_of(reader.get(url)).days == before.days
    assert (len(engine), len(layouts)) == (1, 1)  # seen again: neither the engine nor the layout ran
    first, last = year_range()
    day = next(d for d in sorted(before.days) if before.days[d]["level"] and d > first + timedelta(days=60))
    later = next(d for d in sorted(before.days) if before.days[d]["level"] and d > day + timedelta(days=40))
    # A term from a month before the day to a week after it: the school is out of session after it.
    services.add_term(
        school=cast.school_b,
        by=cast.teacher_b.user,
        name="Spring",
        first_day=day - timedelta(30),
        last_day=day + timedelta(7),
    )
    with_term = year_of(reader.get(url))
    assert (len(engine), len(layouts)) == (2, 2)
    assert with_term.days[day]["level"] == before.days[day]["level"] and with_term.days[later]["level"] == 0
    closure = services.add_closure(
        school=cast.school_b, by=cast.teacher_b.user, kind="trip", reason="Museum", first_day=day, last_day=day
    )
    closed = year_of(reader.get(url))
    assert closed.days[day]["level"] == 0 and closed.days[day]["text"].endswith(": 0 minutes in common")
    services.remove_calendar_entry(entry=closure, by=cast.teacher_b.user)
    assert year_of(reader.get(url)).days[day] == with_term.days[day]
    assert len(engine) == 3  # the calendar is again as it was with the term alone: its year is read back


def test_a_region_with_other_holidays_changes_the_year(client, cast, twinning):
    reader = as_(client, cast.teacher_b.user)
    url = f"/twinnings/{twinning.pk}/meetings/"
    before = year_of(reader.get(url))
    first, last = year_range()
    years = range(first.year, last.year + 1)
    scottish = set(holidays.country_holidays("GB", subdiv="SCT", years=years)) - set(
        holidays.country_holidays("GB", years=years)
    )
    day = min(d for d in scottish if first <= d <= last and before.days[d]["level"])
    hours = dict.fromkeys(range(1, 6), (time(8), time(14)))
    services.save_timetable(
        school=cast.school_b, by=cast.teacher_b.user, hours=hours, subdivision="SCT", date_calendar=""
    )
    assert year_of(reader.get(url)).days[day]["level"] == 0  # a Scottish holiday: no common time that day


def test_the_kept_year_is_the_one_drawn_without_a_cache(client, cast, twinning):
    reader = as_(client, cast.teacher_a.user)
    url = f"/twinnings/{twinning.pk}/meetings/"
    reader.get(url)
    kept = reader.get(url).context["year_html"]
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        assert as_(client, cast.teacher_a.user).get(url).context["year_html"] == kept


def test_a_calendars_version_ignores_the_order_of_its_sets_and_follows_every_change(monkeypatch):
    hours = {1: (time(8), time(14))}
    days = [date(2027, 1, 4) + timedelta(days=n) for n in range(40)]
    one = SchoolCalendar("1", "Europe/London", hours, holidays=frozenset(days))
    other = SchoolCalendar("1", "Europe/London", hours, holidays=frozenset(reversed(days)))
    version = queries.calendar_version([one], date(2027, 1, 1), date(2027, 2, 1), 30)
    assert version == queries.calendar_version([other], date(2027, 1, 1), date(2027, 2, 1), 30)
    changed = SchoolCalendar("1", "Europe/London", hours, holidays=frozenset(days), closures=frozenset([days[0]]))
    assert version != queries.calendar_version([changed], date(2027, 1, 1), date(2027, 2, 1), 30)
    assert version != queries.calendar_version([one], date(2027, 1, 1), date(2027, 2, 2), 30)
    monkeypatch.setattr(queries, "ENGINE_CODE", "another release")
    assert version != queries.calendar_version([one], date(2027, 1, 1), date(2027, 2, 1), 30)
