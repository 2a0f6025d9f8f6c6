"""Match a cohort kept in a spreadsheet: profiles in as CSV, the best pairs out as CSV.

    python manage.py match_csv PROFILES.csv --out PAIRS.csv [--side-column side] [--left VALUE --right VALUE]
        [--one-pool] [--capacity-column capacity] [--date YYYY-MM-DD] [--candidates K] [--greedy]
        [--min-score S] [--max-age-gap N] [--other-country]

Two sides when the side column holds exactly two values (or --left/--right name them), else one
pool of schools of different countries. Every problem in the file is reported with its line and
nothing is written; the output file appears whole or not at all. docs/matching-csv.md has the format.
"""

from __future__ import annotations

import io
import os
import secrets
from datetime import UTC, date, datetime, time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from twinning.matching.csv_profiles import ProfileFileError, choose_sides, pair_rows, read_profiles, write_pairs
from twinning.matching.engine import MatchingError, Rules, diagnose, match
from twinning.matching.engine.assign import CANDIDATES
from twinning.matching.explain import no_pair_message


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f'--date: "{text}" is not a date (write YYYY-MM-DD)') from None


def write_atomically(path: Path, text: str) -> None:
    """Write `text` beside `path` under a temporary name, then rename it over `path`.

    A rename within one directory is atomic, so a reader sees the old file or the new one, never
    half of it. The file is UTF-8 with a byte-order mark: without it, Excel shows Hebrew and
    Arabic names as mojibake.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temporary.open("x", encoding="utf-8-sig", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


class Command(BaseCommand):
    help = "Match the schools of a CSV file (one row per school) and write the best pairs as CSV."

    def add_arguments(self, parser):
        parser.add_argument("profiles", help="the profiles CSV (format: docs/matching-csv.md)")
        parser.add_argument("--out", required=True, help="where to write the pairs CSV ('-' for standard output)")
        parser.add_argument("--side-column", default="side", help="the column saying a school's side (default: side)")
        parser.add_argument("--left", help="the side value of the left side (default: the first in sorted order)")
        parser.add_argument("--right", help="the side value of the right side")
        parser.add_argument("--one-pool", action="store_true", help="ignore the side column: match one pool")
        parser.add_argument(
            "--capacity-column", default="capacity", help="the column with each school's number of partners"
        )
        parser.add_argument("--date", help="the date whose UTC offsets count for timetables (default: today, UTC)")
        parser.add_argument(
            "--candidates",
            type=int,
            default=CANDIDATES,
            help="best candidates per school the solver considers (0: all)",
        )
        parser.add_argument("--greedy", action="store_true", help="best pair first instead of the optimum")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language of the explanation when no pair is possible (default: the site's)",
        )
        parser.add_argument(
            "--min-score",
            type=float,
            default=0.0,
            help="never propose a pair scoring below this (0-1; default 0: every possible pair may be used)",
        )
        parser.add_argument(
            "--max-age-gap",
            type=int,
            default=Rules().max_age_gap,
            help="years the two classes' age ranges may be apart at most (0: they must overlap; default 1)",
        )
        parser.add_argument(
            "--other-country",
            action="store_true",
            help="two sides too: never pair two schools of the same country (one pool always does)",
        )

    def handle(self, *args, **options):
        source = Path(options["profiles"])
        to_stdout = options["out"] == "-"
        out = None if to_stdout else Path(options["out"])
        if out is not None and not out.parent.is_dir():
            raise CommandError(f"--out: the folder {out.parent} does not exist")
        if options["candidates"] < 0:
            raise CommandError("--candidates: must be 0 (every pair) or more")
        if options["max_age_gap"] < 0:
            raise CommandError("--max-age-gap: must be 0 (the age ranges overlap) or more")
        if options["one_pool"] and (options["left"] or options["right"]):
            raise CommandError("--one-pool and --left/--right contradict each other")
        day = _date(options["date"]) if options["date"] else datetime.now(UTC).date()
        # Noon UTC: the school day's offsets on that date, wherever the school is.
        when = datetime.combine(day, time(12), tzinfo=UTC)

        try:
            data = source.read_bytes()
        except OSError as error:
            raise CommandError(f"{source}: cannot read it ({error.strerror})") from None
        try:
            file = read_profiles(data, side_column=options["side_column"], capacity_column=options["capacity_column"])
            sides = None if options["one_pool"] else choose_sides(file, left=options["left"], right=options["right"])
        except ProfileFileError as error:
            count = len(error.problems)
            raise CommandError(
                f"{source}: {count} problem{'s' if count > 1 else ''}, nothing written:\n{error}"
            ) from None

        try:
            if sides is None:
                everyone = file.profiles
                matching = self._match(everyone, None, when, options)
            else:
                everyone = sides.left + sides.right
                matching = self._match(sides.left, sides.right, when, options)
        except MatchingError as error:
            raise CommandError(f"{source}: {error}; nothing written") from None
        if not matching.pairs:
            left, right = (file.profiles, None) if sides is None else (sides.left, sides.right)
            counts = diagnose(left, right, when=when, rules=self._rules(options), min_score=options["min_score"])
            with translation.override(options["language"]):
                raise CommandError(f"{source}: {no_pair_message(counts)}")

        buffer = io.StringIO(newline="")
        rules = self._rules(options)
        write_pairs(buffer, pair_rows(matching.pairs, everyone, when=when, one_pool=sides is None, rules=rules))
        if to_stdout:
            self.stdout.write(buffer.getvalue(), ending="")
        else:
            try:
                write_atomically(out, buffer.getvalue())
            except OSError as error:
                raise CommandError(f"--out: cannot write {out} ({error.strerror})") from None

        # With --out - the pairs own standard output, so the summary goes to standard error.
        report = self.stderr if to_stdout else self.stdout
        for line in self._summary(source, file, sides, matching, when, options, out):
            report.write(line, style_func=lambda text: text)

    @staticmethod
    def _rules(options) -> Rules:
        return Rules(max_age_gap=options["max_age_gap"], other_country=options["other_country"])

    @classmethod
    def _match(cls, left, right, when, options):
        return match(
            left,
            right,
            when=when,
            k=options["candidates"] or None,
            method="greedy" if options["greedy"] else "flow",
            min_score=options["min_score"],
            rules=cls._rules(options),
        )

    @staticmethod
    def _summary(source, file, sides, matching, when, options, out):
        yield f"profiles read: {len(file.profiles)} ({source})"
        if file.ignored_columns:
            yield f"ignored columns: {', '.join(file.ignored_columns)}"
        if sides is not None:
            yield (
                f'shape: two sides, "{sides.left_value}" ({len(sides.left)}) with "{sides.right_value}" '
                f"({len(sides.right)}), by column {file.side_column}"
            )
            if sides.elsewhere:
                yield f"not matched, on neither side: {len(sides.elsewhere)}"
        elif options["one_pool"]:
            yield "shape: one pool (--one-pool), schools of different countries"
        elif file.side_column is None:
            column = options["side_column"].strip().lower()
            yield f'shape: one pool (no "{column}" column), schools of different countries'
        else:
            count = len({p.side for p in file.profiles if p.side})
            values = f"{count} value{'s' if count != 1 else ''}"
            yield f"shape: one pool (column {file.side_column} has {values}, not 2), schools of different countries"
        yield f"date: {when.date().isoformat()} ({'greedy' if options['greedy'] else 'optimal'} matching)"
        yield f"pairs: {len(matching.pairs)}"
        yield f"total score: {matching.total:.4f}"
        shown = ", ".join(matching.unmatched[:20]) + (" …" if len(matching.unmatched) > 20 else "")
        yield f"unmatched: {len(matching.unmatched)}" + (f" ({shown})" if matching.unmatched else "")
        if matching.upper_bound is not None:
            ratio = matching.total / matching.upper_bound if matching.upper_bound else 1.0
            yield f"upper bound: {matching.upper_bound:.4f} (the total is {ratio:.1%} of it)"
        yield f"written: {out if out is not None else 'standard output'}"
