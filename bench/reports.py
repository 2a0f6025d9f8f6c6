"""The reports over a large network against a small one: the pages read kept figures, so they cost the same.

Run by `make bench`. A throw-away SQLite database gets schools in six countries (three NSOs), twinnings (two
programmes and none, three school years, a tenth closed after approval, a few declined), two teachers and four
pupils per twinning, a meeting held in every third twinning (with attendance) and two plan steps per twinning, with
bulk inserts: once with 100 twinnings (200 schools), once with 10,000 (20,000 schools; `BENCH_TWINNINGS` sets it).
Then, in each:

- the job's count of the kept figures (`services.refresh_report`) for the whole network and for one NSO, and the
  live count (`queries.report_for`) it replaced on every view, timed in-process against a reference measured the
  same way in the same run: reading every membership once;
- the report page (table and 16 charts), the programme's page and the XLSX and CSV downloads, which read the kept
  figures, requested through Django's test client as a signed-in administrator and as NSO staff, against
  `/health/` (one `SELECT 1`), with their queries.

The last lines compare the large network's pages with the small one's: the ratio should stay near 1.

With ``--database NAME`` (a loaded PostgreSQL database on 127.0.0.1:5432, or a URL; for instance the generated
200,000-school network) it measures the job's count on that network instead, read-only (its session refuses every
write): the cells of the whole network and of one NSO counted the way the job did before (eight aggregate queries
per source) and the way it does now on PostgreSQL (one query per source, grouped by CUBE), checked equal cell for
cell, and what the job costs when nothing was written since the last count (`queries.source_state`), against a
reference measured the same way in the same run: reading every membership once.

    .venv/bin/python bench/reports.py --database twinning_bignet
"""

import argparse
import os
import subprocess
import sys

import _setup

PG = "postgresql://postgres@127.0.0.1:5432"

ON_A_LOADED_NETWORK = r"""
import statistics, time as clock
import django
django.setup()
from django.db import connection
from twinning.reporting import queries, rules
from twinning.schools.models import NSO, School
from twinning.twinnings.models import Membership, Twinning

with connection.cursor() as cursor:  # the network is shared: this session writes nothing
    cursor.execute("SET default_transaction_read_only = on")


def timed(action, repeat):
    samples, result = [], None
    for _ in range(repeat):
        began = clock.perf_counter()
        result = action()
        samples.append(clock.perf_counter() - began)
    return statistics.median(samples), result


reference, _ = timed(lambda: list(Membership.objects.values_list("twinning_id", "user_id", "school_id", "role")), 3)
everything = rules.Scope(everything=True)
nso = rules.Scope(nso_ids=frozenset({NSO.objects.order_by("pk").values_list("pk", flat=True).first()}))
cube, cells = timed(lambda: queries.count_cells(everything, by_cube=True), 3)
eight, same = timed(lambda: queries.count_cells(everything, by_cube=False), 1)
assert cells == same, "the two ways counted different cells"
cube_nso, cells_nso = timed(lambda: queries.count_cells(nso, by_cube=True), 3)
eight_nso, same_nso = timed(lambda: queries.count_cells(nso, by_cube=False), 1)
assert cells_nso == same_nso, "the two ways counted different cells for the NSO"
idle, state = timed(lambda: queries.source_state("default"), 20)
assert state is not None
print("schools", School.objects.count(), "twinnings", Twinning.objects.count(), "memberships",
      Membership.objects.count(), "cells", len(cells), "cells_nso", len(cells_nso), "reference", reference,
      "eight", eight, "cube", cube, "eight_nso", eight_nso, "cube_nso", cube_nso, "idle", idle)
"""


def on_a_loaded_network(database: str) -> None:
    url = database if "://" in database else f"{PG}/{database}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "twinning.settings", "DATABASE_URL": url}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_setup.ROOT), os.environ.get("PYTHONPATH")]))
    env.pop("TWINNING_CACHE_URL", None)
    run = subprocess.run(
        [sys.executable, "-c", ON_A_LOADED_NETWORK], cwd=_setup.ROOT, env=env, capture_output=True, text=True
    )
    if run.returncode:
        sys.exit(run.stderr[-3000:])
    f = _setup.figures(run.stdout)
    reference = float(f["reference"])
    print(
        f"The job's count on {url.rsplit('/', 1)[-1]}: {int(f['schools']):,} schools, {int(f['twinnings']):,} "
        f"twinnings, {int(f['memberships']):,} memberships; {f['cells']} cells for the network, {f['cells_nso']} "
        "for one NSO (PostgreSQL; median time)"
    )
    print("-" * 100)
    print(f"  reading every membership once (reference)        {reference * 1000:9.1f} ms")
    for key, label in (
        ("eight", "whole network, 8 queries per source (before)"),
        ("cube", "whole network, 1 query per source, CUBE (now)"),
        ("eight_nso", "one NSO, 8 queries per source (before)"),
        ("cube_nso", "one NSO, 1 query per source, CUBE (now)"),
        ("idle", "nothing written since: the job's one query"),
    ):
        value = float(f[key])
        print(f"  {label:<48} {value * 1000:9.1f} ms  ({value / reference:8.3f} x the reference)")
    print(
        f"  CUBE against eight queries per source: {float(f['eight']) / float(f['cube']):.1f} x faster for the "
        f"network, {float(f['eight_nso']) / float(f['cube_nso']):.1f} x for one NSO; the same cells"
    )


SEED_AND_MEASURE = r"""
import random, statistics, time as clock
from datetime import timedelta
import django
django.setup()
from bench._setup import signed_in
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from twinning import testing
from twinning.accounts.models import Role, User
from twinning.common.models import AuditEntry
from twinning.meetings.models import Meeting, MeetingSchool
from django.db import connection
from django.test.utils import CaptureQueriesContext
from twinning.reporting import queries, rules, services
from twinning.schools.models import Programme, School
from twinning.twinnings.models import Membership, Twinning, TwinningSchool
from twinning.workspace.models import Activity

import os
N = int(os.environ["BENCH_N"])
rng = random.Random(7)
now = timezone.now()
nsos = [testing.make_nso(slug, name) for slug, name in (("il", "Israel NSO"), ("uk", "UK NSO"), ("fr", "France NSO"))]
countries = [
    testing.make_country(code, name, nso=nsos[n // 2])
    for n, (code, name) in enumerate((("IL", "Israel"), ("PS", "Palestine"), ("GB", "United Kingdom"),
                                      ("IE", "Ireland"), ("FR", "France"), ("BE", "Belgium")))
]
programmes = [Programme.objects.create(slug=s, names={"en": s.title()}) for s in ("bridges", "voices")]
admin = testing.make_person(name="Admin", is_superuser=True, is_staff=True)
staff = testing.make_person(name="NSO staff")
testing.grant(staff, Role.Kind.NSO_STAFF, nso=nsos[1])
places = []
for _pair in range(N):
    home = rng.randrange(6)
    places += [countries[home], countries[(home + rng.randrange(1, 6)) % 6]]
schools = School.objects.bulk_create([
    School(name=f"School {n}", city="Town", school_type="public", age_from=10, age_to=14, status="validated",
           country=places[n], time_zone="UTC", school_week="mon_fri")
    for n in range(2 * N)], batch_size=5000)
teachers = User.objects.bulk_create(
    [User(email=f"t{n}@example.org", full_name=f"Teacher {n}") for n in range(2 * N)], batch_size=5000)
from twinning.schools.models import TeacherProfile
TeacherProfile.objects.bulk_create(
    [TeacherProfile(user=u, school=schools[n], status="validated") for n, u in enumerate(teachers)], batch_size=5000)
pupils = User.objects.bulk_create(
    [User(username=f"p{n}", full_name=f"Pupil {n}") for n in range(4 * N)], batch_size=5000)
statuses = ["active"] * 80 + ["approved"] * 5 + ["needs_partner"] * 3 + ["closed"] * 10 + ["declined"] * 2
twinnings = Twinning.objects.bulk_create([
    Twinning(titles={"en": f"Twinning {n}"}, school_year=rng.choice((2024, 2025, 2026)), status=rng.choice(statuses),
             programme=rng.choice((programmes[0], programmes[0], programmes[1], None)))
    for n in range(N)], batch_size=5000)
kind = ContentType.objects.get_for_model(Twinning)
AuditEntry.objects.bulk_create([
    AuditEntry(action="twinning.approved", target_type=kind, target_id=t.pk)
    for t in twinnings if t.status != "declined"], batch_size=5000)
# Partner schools (school 2n and school 2n + 1) are never in the same country.
TwinningSchool.objects.bulk_create([
    TwinningSchool(twinning=t, school=schools[2 * n + k], status="joined")
    for n, t in enumerate(twinnings) for k in (0, 1)], batch_size=5000)
Membership.objects.bulk_create(
    [Membership(twinning=t, user=teachers[2 * n + k], school=schools[2 * n + k], role="teacher_admin")
     for n, t in enumerate(twinnings) for k in (0, 1)]
    + [Membership(twinning=t, user=pupils[4 * n + k], school=schools[2 * n + k % 2], role="pupil")
       for n, t in enumerate(twinnings) for k in range(4)], batch_size=5000)
meetings = Meeting.objects.bulk_create([
    Meeting(twinning=t, title="Mifgash", starts_at=now - timedelta(days=10),
            ends_at=now - timedelta(days=10, minutes=-45), status="held")
    for n, t in enumerate(twinnings) if n % 3 == 0 and t.status != "declined"], batch_size=5000)
index = {t.pk: n for n, t in enumerate(twinnings)}
MeetingSchool.objects.bulk_create([
    MeetingSchool(meeting=m, school=schools[2 * index[m.twinning_id] + k], answer="accepted",
                  pupils_present=rng.randint(10, 30))
    for m in meetings for k in (0, 1)], batch_size=5000)
Activity.objects.bulk_create([
    Activity(twinning=t, title="Letters", starts_on=now.date(), status="done" if k == 0 or n % 2 else "planned")
    for n, t in enumerate(twinnings) for k in (0, 1)], batch_size=5000)

def best(action, repeat=5):
    action()
    samples = []
    for _ in range(repeat):
        began = clock.perf_counter()
        action()
        samples.append(clock.perf_counter() - began)
    return statistics.median(samples)

reference = best(lambda: list(Membership.objects.values_list("twinning_id", "user_id", "school_id", "role")))
everything = rules.Scope(everything=True)
report = queries.report_for(everything)
live = best(lambda: queries.report_for(everything))
live_nso = best(lambda: queries.report_for(rules.report_scope(staff)))
refresh = best(lambda: services.refresh_report(everything), repeat=3)
refresh_nso = best(lambda: services.refresh_report(rules.report_scope(staff)), repeat=3)
programme = programmes[0]

def timed(client, url, repeat=7):
    client.get(url)
    samples = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries_made:
            began = clock.perf_counter()
            response = client.get(url)
            samples.append(clock.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    return f"{statistics.median(samples)}:{len(queries_made)}"

as_admin, as_staff = signed_in(admin), signed_in(staff)
print("twinnings", report.total["twinnings"], "schools", School.objects.count(), "people",
      report.total["teachers"] + report.total["pupils"], "rows", len(report.lines), "memberships",
      Membership.objects.count(), "reference", reference, "live", live, "live_nso", live_nso,
      "refresh", refresh, "refresh_nso", refresh_nso,
      "page", timed(as_admin, "/reports/"), "page_nso", timed(as_staff, "/reports/"),
      "page_programme", timed(as_admin, f"/reports/programmes/{programme.slug}/"),
      "xlsx", timed(as_admin, "/reports/export.xlsx"), "csv", timed(as_admin, "/reports/export.csv"),
      "health", timed(as_admin, "/health/"))
"""


PAGES = (
    ("page", "report page, administrator"),
    ("page_nso", "report page, NSO staff"),
    ("page_programme", "a programme's page, administrator"),
    ("xlsx", "XLSX download, administrator"),
    ("csv", "CSV download, administrator"),
)


def measure(twinnings: int) -> dict[str, str]:
    return _setup.figures(_setup.run_script(SEED_AND_MEASURE, prefix="reports", BENCH_N=str(twinnings)))


def report(f: dict[str, str]) -> dict[str, float]:
    reference = float(f["reference"])
    health = float(f["health"].split(":")[0])
    print(
        f"Reports: {int(f['schools']):,} schools, {int(f['memberships']):,} memberships, "
        f"{int(f['twinnings']):,} twinnings counted, {int(f['people']):,} teachers and pupils, "
        f"{f['rows']} rows (SQLite)"
    )
    print("-" * 100)
    print(f"  reading every membership once (reference)     {reference * 1000:8.1f} ms")
    for key, label in (
        ("refresh", "the job: kept figures counted, whole network"),
        ("refresh_nso", "the job: kept figures counted, one NSO"),
        ("live", "live count per view (before), whole network"),
        ("live_nso", "live count per view (before), one NSO"),
    ):
        value = float(f[key])
        print(f"  {label:<46} {value * 1000:8.1f} ms  ({value / reference:.1f} x the reference)")
    pages = {}
    for key, label in PAGES:
        seconds, queries = f[key].split(":")
        pages[key] = float(seconds)
        print(
            f"  {label:<46} {float(seconds) * 1000:8.1f} ms  ({float(seconds) / health:.1f} x /health/, "
            f"{health * 1000:.1f} ms; {queries} queries)"
        )
    print()
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="a loaded PostgreSQL database (a name on 127.0.0.1:5432, or a URL)")
    args = parser.parse_args()
    if args.database:
        on_a_loaded_network(args.database)
        return
    large = int(os.environ.get("BENCH_TWINNINGS", 10_000))
    small = report(measure(100))
    big = report(measure(large))
    print(f"The pages at {2 * large:,} schools against 200 (median time per view; 1.0 means the same cost)")
    print("-" * 100)
    for key, label in PAGES:
        print(f"  {label:<46} {big[key] / small[key]:5.2f} x")


if __name__ == "__main__":
    main()
