"""The reports over a large network: 20,000 schools and 10,000 twinnings over three school years. Run by `make bench`.

A throw-away SQLite database gets 20,000 schools in six countries (three NSOs), 10,000 twinnings (two programmes and
none, three school years, a tenth closed after approval, a few declined), two teachers and four pupils per twinning,
a meeting held in every third twinning (with attendance) and two plan steps per twinning, with bulk inserts. Then:

- `report_for` for the whole network (an administrator) and for one NSO, timed in-process;
- the report page (table and 16 charts) and the XLSX download, requested through Django's test client as a
  signed-in administrator and as NSO staff;

each against a reference measured the same way in the same run: reading every membership once (for the query),
and `/health/` (one `SELECT 1`) for the pages.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SEED_AND_MEASURE = r"""
import random, statistics, time as clock
from datetime import timedelta
import django
django.setup()
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from twinning import testing
from twinning.accounts.models import Role, User
from twinning.common.models import AuditEntry
from twinning.meetings.models import Meeting, MeetingSchool
from twinning.reporting import queries, rules
from twinning.schools.models import Programme, School
from twinning.twinnings.models import Membership, Twinning, TwinningSchool
from twinning.workspace.models import Activity

N = 10_000
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
whole = best(lambda: queries.report_for(everything))
one_year = best(lambda: queries.report_for(everything, school_year=2026))
one_nso = best(lambda: queries.report_for(rules.report_scope(staff)))

def timed(client, url, repeat=5):
    client.get(url)
    samples = []
    for _ in range(repeat):
        began = clock.perf_counter()
        response = client.get(url)
        samples.append(clock.perf_counter() - began)
        assert response.status_code == 200, response.status_code
    return statistics.median(samples)

as_admin, as_staff = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
as_admin.force_login(admin)
as_staff.force_login(staff)
print("twinnings", report.total["twinnings"], "schools", report.total["schools"], "people",
      report.total["teachers"] + report.total["pupils"], "rows", len(report.lines), "memberships",
      Membership.objects.count(), "reference", reference, "whole", whole, "year", one_year, "nso", one_nso,
      "page", timed(as_admin, "/reports/"), "page_nso", timed(as_staff, "/reports/"),
      "xlsx", timed(as_admin, "/reports/export.xlsx"), "csv", timed(as_admin, "/reports/export.csv"),
      "health", timed(as_admin, "/health/"))
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "twinning.settings",
            "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
            "TWINNING_VAR_DIR": workdir,
            "TWINNING_JOBS_IMMEDIATE": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        run = subprocess.run(
            [sys.executable, "-c", SEED_AND_MEASURE], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if run.returncode:
            sys.exit(run.stderr[-3000:])
        out = run.stdout.split()
    f = dict(zip(out[::2], out[1::2], strict=True))
    reference, health = float(f["reference"]), float(f["health"])
    print("Reports (20,000 schools, 10,000 twinnings over three school years, SQLite)")
    print("-" * 80)
    memberships = int(f["memberships"])
    print(f"  reading every membership once (reference) {reference * 1000:7.0f} ms  ({memberships:,} memberships)")
    for key, label in (
        ("whole", "report_for, whole network, every year"),
        ("year", "report_for, whole network, one year"),
        ("nso", "report_for, one NSO (two countries)"),
    ):
        value = float(f[key])
        print(f"  {label:<42} {value * 1000:7.0f} ms  ({value / reference:.1f} x the reference)")
    print(
        f"  counted: {int(f['twinnings']):,} twinnings, {int(f['schools']):,} schools, "
        f"{int(f['people']):,} teachers and pupils, {f['rows']} rows"
    )
    for key, label in (
        ("page", "report page, administrator (median)"),
        ("page_nso", "report page, NSO staff (median)"),
        ("xlsx", "XLSX download, administrator (median)"),
        ("csv", "CSV download, administrator (median)"),
    ):
        value = float(f[key])
        print(f"  {label:<42} {value * 1000:7.0f} ms  ({value / health:.0f} x /health/, {health * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
