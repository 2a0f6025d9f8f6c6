"""When can these schools meet live?

manage.py meeting_windows --school 3 --school 8 --from 2026-11-23 --to 2026-12-18 [--json]
"""

import json
from datetime import date
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError

from twinning.meetings.calendars import calendar_for
from twinning.meetings.engine import CalendarError, meeting_windows, why_no_window
from twinning.schools.models import School


class Command(BaseCommand):
    help = "List the times when all the given schools are in session at once (UTC, with each school's local time)."

    def add_arguments(self, parser):
        parser.add_argument("--school", type=int, action="append", required=True, help="a school's id (twice or more)")
        parser.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--min-minutes", type=int, default=30, help="shortest window worth listing")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args, school, first, last, min_minutes, as_json: bool, **options):
        try:
            first_day, last_day = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError as error:
            raise CommandError(f"dates are written YYYY-MM-DD: {error}") from error
        found = School.objects.filter(pk__in=school).select_related("country").in_bulk()
        missing = sorted(set(school) - set(found))
        if missing:
            raise CommandError(f"unknown school id(s): {', '.join(map(str, missing))}")
        schools = [found[pk] for pk in dict.fromkeys(school)]  # in the order given
        try:
            calendars = [calendar_for(s, first_day, last_day) for s in schools]
            windows = meeting_windows(calendars, first_day, last_day, min_minutes=min_minutes)
            reason = None if windows else why_no_window(calendars, first_day, last_day)
        except CalendarError as error:
            raise CommandError(str(error)) from error
        if as_json:
            self.stdout.write(_json(windows, schools, reason))
            return
        if not windows:
            self.stdout.write(f"No window: {reason}")
            return
        for window in sorted(windows, key=lambda w: w.start):
            local = "  ".join(
                f"{s.name}: {window.start.astimezone(ZoneInfo(s.time_zone)):%a %d %b %H:%M}–"
                f"{window.end.astimezone(ZoneInfo(s.time_zone)):%H:%M}"
                for s in schools
            )
            self.stdout.write(f"{window.start:%Y-%m-%d %H:%M}–{window.end:%H:%M} UTC ({window.minutes} min)  {local}")


def _json(windows, schools, reason) -> str:
    return json.dumps(
        {
            "schools": [{"id": s.pk, "name": s.name, "time_zone": s.time_zone} for s in schools],
            "windows": [
                {"start": w.start.isoformat(), "end": w.end.isoformat(), "minutes": w.minutes, "score": w.score}
                for w in sorted(windows, key=lambda w: w.start)
            ],
            "reason": reason,
        },
        ensure_ascii=False,
        indent=2,
    )
