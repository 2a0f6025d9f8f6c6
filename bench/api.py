"""The JSON API at a network of eTwinning's size: CPU per request of the school list's first page and
its 500th, and of a twinning's detail, against `/health/` measured in the same run; and the queries of
each page (they must not grow with the page's depth).

Run by `make bench`. A throw-away SQLite database gets 200,000 schools in every country the platform
knows, named in Latin, Hebrew and Arabic scripts, with one to three languages each, a third of them
in a programme and some still waiting for validation; a twinning between two of them with its
teachers. An NSO's staff member walks the list with a token, page by page, as an NSO's register
would (50 schools a page) to the 500th page; each measured page is then requested again in rounds
that take turns, CPU time read around each batch.
"""

import os

import _setup

SCHOOLS = int(os.environ.get("BENCH_API_SCHOOLS", "200000"))
ROUNDS, PER_ROUND = 7, 10

MEASURE = r"""
import os, random, statistics, time
import django
django.setup()
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from twinning import testing
from twinning.accounts.models import Role
from twinning.api import services
from twinning.schools.models import NSO, Country, Language, Programme, School, ValidationStatus
from twinning.twinnings.models import Membership, Twinning, TwinningSchool

SCHOOLS = int(os.environ["SCHOOLS"])
ROUNDS, PER_ROUND = int(os.environ["ROUNDS"]), int(os.environ["PER_ROUND"])
rng = random.Random(7)
# Forty countries as the networks span them, each with its NSO (reference rows the demo would load).
ZONES = {
    "IL": "Asia/Jerusalem", "PS": "Asia/Hebron", "GB": "Europe/London", "FR": "Europe/Paris", "DE": "Europe/Berlin",
    "US": "America/New_York", "CA": "America/Toronto", "AR": "America/Argentina/Buenos_Aires",
    "BR": "America/Sao_Paulo",
    "MX": "America/Mexico_City", "AU": "Australia/Sydney", "ZA": "Africa/Johannesburg", "JO": "Asia/Amman",
    "EG": "Africa/Cairo", "MA": "Africa/Casablanca", "TN": "Africa/Tunis", "LB": "Asia/Beirut", "TR": "Europe/Istanbul",
    "GR": "Europe/Athens", "IT": "Europe/Rome", "ES": "Europe/Madrid", "PT": "Europe/Lisbon", "NL": "Europe/Amsterdam",
    "BE": "Europe/Brussels", "PL": "Europe/Warsaw", "CZ": "Europe/Prague", "HU": "Europe/Budapest",
    "RO": "Europe/Bucharest", "BG": "Europe/Sofia", "UA": "Europe/Kyiv", "SE": "Europe/Stockholm", "NO": "Europe/Oslo",
    "FI": "Europe/Helsinki", "DK": "Europe/Copenhagen", "IE": "Europe/Dublin", "AT": "Europe/Vienna",
    "CH": "Europe/Zurich", "HR": "Europe/Zagreb", "RS": "Europe/Belgrade", "CY": "Asia/Nicosia",
}
for code, zone in ZONES.items():
    nso = NSO.objects.create(slug=f"nso-{code.lower()}", names={"en": f"NSO {code}"})
    Country.objects.get_or_create(code=code, defaults={"names": {"en": code}, "nso": nso, "default_time_zone": zone})
countries = list(Country.objects.order_by("code"))
languages = list(Language.objects.order_by("code").values_list("code", flat=True))
programme = Programme.objects.create(slug="bench", names={"en": "Bench programme"})
LATIN = ["Oak", "River", "Hill", "Unity", "Peace", "Garden", "Harbour", "Valley", "Star", "Bridge"]
HEBREW = ["אורט", "רעות", "הדר", "נווה", "גבעת", "אלון", "תמר", "שחר"]
ARABIC = ["الأمل", "النور", "الزيتون", "القدس", "الفجر", "الرازي", "ابن سينا", "الياسمين"]
TYPES = [value for value, _ in School.Type.choices]

began = time.perf_counter()
with transaction.atomic():
    batch = []
    for n in range(SCHOOLS):
        country = countries[n % len(countries)]
        script = n % 3
        name = f"{rng.choice(LATIN)} School {n}"
        native = ""
        if script == 1:
            native = f"{rng.choice(HEBREW)} {n}"
        elif script == 2:
            native = f"مدرسة {rng.choice(ARABIC)} {n}"
        age = rng.randint(5, 15)
        batch.append(School(
            name=name, native_name=native, country=country, city=f"City {n % 997}", school_type=TYPES[n % len(TYPES)],
            age_from=age, age_to=age + rng.randint(1, 4), time_zone=country.default_time_zone,
            school_week=country.default_school_week,
            status=ValidationStatus.PENDING if n % 50 == 0 else ValidationStatus.VALIDATED,
        ))
        if len(batch) == 5000:
            School.objects.bulk_create(batch)
            batch = []
    School.objects.bulk_create(batch)
    ids = list(School.objects.values_list("pk", flat=True))
    Through = School.languages.through
    rows = []
    for pk in ids:
        for code in rng.sample(languages, rng.randint(1, 3)):
            rows.append(Through(school_id=pk, language_id=code))
    Through.objects.bulk_create(rows, batch_size=10000)
    Members = School.programmes.through
    Members.objects.bulk_create([Members(school_id=pk, programme_id=programme.pk) for pk in ids[::3]], batch_size=10000)
built = time.perf_counter() - began

country = countries[0]
staff = testing.make_person(name="NSO register")
Role.objects.create(user=staff, kind=Role.Kind.NSO_STAFF, nso=country.nso) if country.nso else None
a, b = School.objects.filter(status=ValidationStatus.VALIDATED).order_by("pk")[:2]
teacher = testing.make_teacher(school=a, name="Bench teacher")
partner = testing.make_teacher(school=b, name="Partner teacher")
twinning = Twinning.objects.create(titles={"en": "Bench twinning"}, school_year=2026, status=Twinning.Status.ACTIVE)
for school, person in ((a, teacher), (b, partner)):
    TwinningSchool.objects.create(
        twinning=twinning, school=school, status=TwinningSchool.Status.JOINED, joined_at=timezone.now()
    )
    Membership.objects.create(twinning=twinning, user=person.user, school=school, role=Membership.Role.TEACHER_ADMIN)

def client_for(user):
    client = Client(HTTP_HOST="127.0.0.1")
    scopes = ["schools:read", "twinnings:read"]
    token = services.create_token(user=user, name="bench", scopes_wanted=scopes, days=5).value
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client

register, member = client_for(staff), client_for(teacher.user)
walked = time.perf_counter()
DEEP = min(500, SCHOOLS * 9 // 10 // 50)  # the 500th page at full size; less in a small trial run
url, pages = "/api/v1/schools?limit=50", {}
for number in range(1, DEEP + 1):
    if number in (1, DEEP):
        pages[number] = url
    response = register.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    if number < DEEP:
        url = "/api/v1/schools?limit=50&cursor=" + response.json()["next"]
walked = time.perf_counter() - walked

measured = {
    "/health/ (reference)": (register, "/health/"),
    "schools, page 1": (register, pages[1]),
    f"schools, page {DEEP}": (register, pages[DEEP]),
    "a twinning's detail": (member, f"/api/v1/twinnings/{twinning.pk}"),
}
queries = {}
for name, (client, path) in measured.items():
    with CaptureQueriesContext(connection) as seen:
        assert client.get(path).status_code == 200, path
    queries[name] = len(seen)
samples = {name: [] for name in measured}
for _ in range(2):
    for client, path in measured.values():
        client.get(path)
for _ in range(ROUNDS):
    for name, (client, path) in measured.items():
        began = time.process_time()
        for _ in range(PER_ROUND):
            client.get(path)
        samples[name].append((time.process_time() - began) / PER_ROUND * 1000)
health = statistics.median(samples["/health/ (reference)"])
print(f"JSON API at {SCHOOLS:,} schools in {len(countries)} countries (built in {built:.0f} s); SQLite, DEBUG off;")
print(f"  an NSO's register walked {DEEP} pages of 50 in {walked:.1f} s ({walked / DEEP * 1000:.0f} ms a page, wall)")
print(f"  CPU per request, median of {ROUNDS} rounds of {PER_ROUND} (min–max of the rounds)")
print("-" * 100)
for name, values in samples.items():
    median = statistics.median(values)
    print(f"  {name:24} {median:7.1f} ms  ({min(values):6.1f}–{max(values):6.1f})  {median / health:6.1f} x /health/"
          f"  {queries[name]:3} queries")
last = f"schools, page {DEEP}"
same = queries["schools, page 1"] == queries[last]
deep = statistics.median(samples[last]) / statistics.median(samples["schools, page 1"])
print(f"  target: page {DEEP} costs what the first does: {'PASS' if same and deep <= 1.5 else 'FAIL'}"
      f" ({deep:.2f} of the first page's CPU; queries {queries['schools, page 1']} and {queries[last]})")
"""


def main() -> None:
    _setup.run_script(
        MEASURE,
        capture=False,
        prefix="api",
        DJANGO_DEBUG="0",
        TWINNING_API_RATE_PER_MINUTE=str(10**9),
        SCHOOLS=str(SCHOOLS),
        ROUNDS=str(ROUNDS),
        PER_ROUND=str(PER_ROUND),
    )


if __name__ == "__main__":
    main()
