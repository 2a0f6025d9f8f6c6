"""Courses and events at network scale: 5,000 offerings (a quarter over, the rest coming up) with one
to four sessions and 60,000 registrations, listed through the page as a teacher does, and the
certificates of a 300-person conference issued at once. Run by `make bench`.

Targets: every listing page (kinds, languages, past ones, a far page) in <= 300 ms with the same
number of queries whatever is shown; issuing 300 certificates in <= 2 s. The reference is `/health/`
(one `SELECT 1`) measured the same way in the same run.
"""

import _setup

SEED_AND_MEASURE = r"""
import random, statistics, time as clock
from datetime import timedelta
from decimal import Decimal
import django
django.setup()
from django.db import connection
from bench._setup import signed_in, timed
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from twinning import testing
from twinning.accounts.models import Role, User
from twinning.learning import services
from twinning.learning.models import Attendance, Offering, Registration, Session
from twinning.schools.models import TeacherProfile

N, PEOPLE = 5_000, 3_000
rng = random.Random(7)
now = timezone.now()
nso = testing.make_nso("il", "Israel NSO")
il = testing.make_country("IL", "Israel", nso=nso, time_zone="Asia/Jerusalem", week="sun_thu")
school = testing.make_school(country=il, name="Reali")
teacher = testing.make_teacher(school=school, name="Dana Levi").user
staff = testing.make_person(name="Noa Israeli")
testing.grant(staff, Role.Kind.NSO_STAFF, nso=nso)
people = User.objects.bulk_create([User(email=f"t{n}@example.org", full_name=f"Teacher {n}") for n in range(PEOPLE)])
TeacherProfile.objects.bulk_create([TeacherProfile(user=u, school=school, status="validated") for u in people])
kinds = [k for k, _label in Offering.Kind.choices]
offerings = []
for n in range(N):
    start = now + timedelta(days=rng.randint(-120, 360), hours=rng.randint(0, 23))
    offerings.append(Offering(
        kind=rng.choice(kinds), status="published", titles={"en": f"Offering {n}", "he": f"הצעה {n}"},
        nso=nso, language_id=rng.choice(["en", "he", "ar"]), capacity=rng.choice([10, 20, 30, 200]),
        audience=rng.choice(["own", "network"]), basis="attendance", hours=Decimal("3"), starts_at=start,
        ends_at=start + timedelta(days=7 * rng.randint(0, 3), hours=2)))
Offering.objects.bulk_create(offerings, batch_size=2000)
sessions = []
for o in offerings:
    weeks = (o.ends_at - o.starts_at).days // 7 + 1
    sessions += [Session(offering=o, starts_at=o.starts_at + timedelta(days=7 * w),
                         ends_at=o.starts_at + timedelta(days=7 * w, hours=2)) for w in range(weeks)]
Session.objects.bulk_create(sessions, batch_size=5000)
registrations, seen = [], set()
while len(registrations) < 60_000:
    o, u = rng.choice(offerings), rng.choice(people)
    if (o.pk, u.pk) not in seen:
        seen.add((o.pk, u.pk))
        registrations.append(Registration(offering=o, user=u, status=rng.choice(["confirmed", "confirmed", "waiting"])))
Registration.objects.bulk_create(registrations, batch_size=5000)
for o in rng.sample(offerings, 40):
    Registration.objects.create(offering=o, user=teacher, status="confirmed")

client = signed_in(teacher)
ROW = b'data-testid="offering-row"'
pages = {
    "coming_up": "/learning/",
    "online_seminars": "/learning/?kind=seminar",
    "taught_in_arabic": "/learning/?language=ar",
    "already_over": "/learning/?when=past",
    "coming_up_page_100": "/learning/?page=100",
}
out = ["health", timed(client, "/health/")[0]]
for name, url in pages.items():
    seconds, results = timed(client, url, marker=ROW)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    out += [name, f"{seconds}:{results}:{len(queries)}"]

# A conference of 300 that ended yesterday, each present at one of its two days or both.
start = now - timedelta(days=2)
conference = Offering.objects.create(kind="event", status="published", titles={"en": "Conference"}, nso=nso,
    language_id="en", capacity=300, audience="network", basis="attendance", sessions_required=2,
    hours=Decimal("12"), starts_at=start, ends_at=start + timedelta(days=1, hours=6))
days = Session.objects.bulk_create([Session(offering=conference, starts_at=start + timedelta(days=d),
    ends_at=start + timedelta(days=d, hours=6)) for d in range(2)])
rows = Registration.objects.bulk_create([Registration(offering=conference, user=u, status="confirmed")
    for u in people[:300]])
Attendance.objects.bulk_create([Attendance(session=s, registration=r) for s in days for r in rows])
began = clock.perf_counter()
issued = services.issue_certificates(offering=conference, by=staff)
out += ["issue_300", f"{clock.perf_counter() - began}:{len(issued)}:0"]
print(*out)
"""


def main() -> None:
    figures = _setup.figures(_setup.run_script(SEED_AND_MEASURE, prefix="learning"))
    health = float(figures.pop("health"))
    issue_seconds, issued, _queries = figures.pop("issue_300").split(":")
    print("Courses and events (5,000 offerings, 60,000 registrations, SQLite)")
    print("-" * 80)
    print(f"  /health/ (reference, median)                 {health * 1000:7.1f} ms")
    for name, value in figures.items():
        seconds, results, queries = value.split(":")
        seconds = float(seconds)
        verdict = "PASS" if seconds <= 0.3 else "FAIL"
        print(
            f"  {name.replace('_', ' '):<44} {seconds * 1000:7.1f} ms  {verdict} (<= 300 ms; {seconds / health:.0f} x; "
            f"{results} shown; {queries} queries)"
        )
    seconds = float(issue_seconds)
    verdict = "PASS" if seconds <= 2 else "FAIL"
    print(f"  {'issue 300 certificates':<44} {seconds * 1000:7.1f} ms  {verdict} (<= 2 s; {issued} issued)")


if __name__ == "__main__":
    main()
