"""Page costs: the workspace feed, partner search and a twinning's meetings page, against `/health/`.

Target (CPU per view, measured against `/health/` in the same run): the workspace feed serves >= 150
requests a second on one core with p95 <= 50 ms; partner search and the meetings page each cost at most
3 x the feed.

Run by `make bench`. A throw-away SQLite database gets the demo network (`load_demo`: schools in ten
countries with their hours, terms, closures and festivals, twinnings with meetings), and then what a
lived network adds:

- the twinning with meetings gets a feed of a term's work: threads and replies in English, Hebrew and
  Arabic, steps of its activity plan, and photos shared through the upload checks with their light
  copies made (so the feed shows thumbnails); and a year of meetings across the two schools' time
  zones, held, cancelled, confirmed and proposed;
- partner search looks among thousands more schools, with the demo's profile generator: forty
  countries on every continent's time zones, names in Latin, Hebrew and Arabic scripts, ages 5 to 18,
  one to three languages, in the searcher's programme.

The same teacher (a member of that twinning, signed in as a load test's client is) requests each page.
Two measurements:

1. In one process, through Django's test client, with DEBUG off: the CPU time (`time.process_time`) of
   each view, in rounds that take turns so a busy machine weighs on every page alike. This figure holds
   still on a shared machine.
2. Over HTTP: gunicorn as shipped but one sync worker, pinned to one core, a load generator on the
   other; per page, requests a second, p50/p95 and the worker's CPU per view (its user + system time
   read from /proc before and after, divided by the requests served).

Each page's figures are printed with their ratio to `/health/` and to the feed, and PASS/FAIL lines for
the targets: the feed's rate is judged both as measured and as the rate one core's worth of the worker's
CPU gives (1000 / CPU ms per view), as the measured rate on a loaded machine also counts the waits for a
core. The load average is printed at the start and at the end.
"""

import http.client
import os
import shutil
import statistics
import threading
import time
from pathlib import Path

import _setup

SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CLIENTS = 4
ROUNDS, PER_ROUND = 7, 10
EXTRA_SCHOOLS = int(os.environ.get("BENCH_PAGE_COSTS_SCHOOLS", "4000"))
FEED_RPS, FEED_P95_MS, TIMES_FEED = 150, 50, 3.0

SEED = r"""
import io, random, sys
from datetime import timedelta
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone
from PIL import Image
from twinning import testing
from twinning.common.school_year import current_school_year
from twinning.demo.matching import load_profiles
from twinning.meetings.models import Meeting
from twinning.schools.models import Country, Language, School, ValidationStatus
from twinning.twinnings.models import Membership
from twinning.workspace import services as workspace
from twinning.workspace.models import Event, MediaVariant

rng = random.Random(24)
extra = int(sys.argv[1])

# The demo's twinning with the most meetings, and one of its teachers who leads it.
twinning_id = Meeting.objects.values("twinning").annotate(n=Count("id")).order_by("-n", "twinning")[0]["twinning"]
teachers = list(
    Membership.objects.filter(twinning_id=twinning_id, role="teacher_admin", active=True)
    .select_related("user", "twinning").order_by("pk")
)
me, partner = teachers[0].user, teachers[-1].user
twinning = teachers[0].twinning

# A term's work in the workspace: threads, replies, steps of the plan and photos, in three languages.
TITLES = [
    "Our town in winter", "מה אוכלים אצלנו בחג", "رحلتنا إلى البحر", "Questions for the video call",
    "שירים שאנחנו אוהבים", "قصص من أجدادنا", "The recycling project", "תמונות מהטיול השנתי",
]
BODIES = ["Hello from our class!", "שלום לכולם, הנה מה שעשינו השבוע.", "مرحبا! هذا ما تعلمناه هذا الأسبوع."]
def photo(n):
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (40 + 9 * n % 200, 90, 160)).save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(f"class-photo-{n}.jpg", buffer.getvalue(), content_type="image/jpeg")
today = timezone.localdate()
for n in range(14):
    thread = workspace.start_thread(twinning=twinning, by=me, title=f"{TITLES[n % len(TITLES)]} ({n + 1})",
                                    body=BODIES[n % 3])
    workspace.reply(thread=thread, by=partner, body=BODIES[(n + 1) % 3])
    workspace.reply(thread=thread, by=me, body=BODIES[(n + 2) % 3])
    workspace.plan_activity(twinning=twinning, by=partner, title=f"{TITLES[(n + 3) % len(TITLES)]}: step {n + 1}",
                            starts_on=today + timedelta(days=n))
    workspace.upload_media(twinning=twinning, by=(me, partner)[n % 2], upload=photo(n), title=TITLES[(n + 5) % 8])
events = Event.objects.filter(twinning=twinning).count()
thumbs = MediaVariant.objects.filter(item__twinning=twinning, name=MediaVariant.Name.THUMB).count()

# A year of meetings across the two schools' time zones: held and cancelled ones behind, others ahead.
now = timezone.now().replace(minute=0, second=0, microsecond=0)
for n in range(-16, 9):
    if n == 0:
        continue
    starts = now + timedelta(days=11 * n, hours=rng.choice((-3, -1, 0, 2)))
    status = ("held" if n % 5 else "cancelled") if n < 0 else ("confirmed" if n % 2 else "proposed")
    Meeting.objects.create(twinning=twinning, title=f"{TITLES[n % 8]}: meeting", starts_at=starts,
                           ends_at=starts + timedelta(minutes=45), status=status, proposed_by=me,
                           agenda=BODIES[n % 3])
meetings = Meeting.objects.filter(twinning=twinning).count()

# Thousands of schools looking for partners, as varied as real ones, in the searcher's programme.
COUNTRIES = [
    ("NO", "Norway", "Europe/Oslo"), ("SE", "Sweden", "Europe/Stockholm"), ("FI", "Finland", "Europe/Helsinki"),
    ("PL", "Poland", "Europe/Warsaw"), ("CZ", "Czechia", "Europe/Prague"), ("HU", "Hungary", "Europe/Budapest"),
    ("RO", "Romania", "Europe/Bucharest"), ("GR", "Greece", "Europe/Athens"), ("IT", "Italy", "Europe/Rome"),
    ("ES", "Spain", "Europe/Madrid"), ("PT", "Portugal", "Europe/Lisbon"), ("NL", "Netherlands", "Europe/Amsterdam"),
    ("BE", "Belgium", "Europe/Brussels"), ("IE", "Ireland", "Europe/Dublin"), ("UA", "Ukraine", "Europe/Kyiv"),
    ("TR", "Türkiye", "Europe/Istanbul"), ("EG", "Egypt", "Africa/Cairo"), ("MA", "Morocco", "Africa/Casablanca"),
    ("TN", "Tunisia", "Africa/Tunis"), ("ET", "Ethiopia", "Africa/Addis_Ababa"),
    ("ZA", "South Africa", "Africa/Johannesburg"),
    ("KE", "Kenya", "Africa/Nairobi"), ("IN", "India", "Asia/Kolkata"), ("JP", "Japan", "Asia/Tokyo"),
    ("BR", "Brazil", "America/Sao_Paulo"), ("MX", "Mexico", "America/Mexico_City"), ("CL", "Chile", "America/Santiago"),
    ("UY", "Uruguay", "America/Montevideo"), ("NZ", "New Zealand", "Pacific/Auckland"),
    ("AE", "United Arab Emirates", "Asia/Dubai"),
]
LANGUAGES = {"NO": "en", "SE": "en", "FI": "en", "PL": "pl", "CZ": "en", "HU": "en", "RO": "en", "GR": "el",
             "IT": "it", "ES": "es", "PT": "pt", "NL": "nl", "BE": "fr", "IE": "en", "UA": "uk", "TR": "tr",
             "EG": "ar", "MA": "ar", "TN": "ar", "ET": "am", "ZA": "en", "KE": "en", "IN": "en", "JP": "en",
             "BR": "pt", "MX": "es", "CL": "es", "UY": "es", "NZ": "en", "AE": "ar"}
countries = {c.code: c for c in Country.objects.all()}
for code, name, zone in COUNTRIES:
    if code not in countries:
        countries[code] = testing.make_country(code, name, nso=None, time_zone=zone)
HEBREW = ["אור", "שלום", "הגליל", "נווה", "רמות", "הדר", "גבעת", "עמק", "תקווה", "אלון"]
ARABIC = ["الأمل", "النور", "الزيتون", "الإخاء", "السلام", "الفجر", "المستقبل", "الهدى"]
LATIN = ["Oak", "River", "Hill", "Unity", "Peace", "Garden", "Harbour", "Valley", "Star", "Bridge", "Molière", "Dvořák"]
TOWNS = ["Haifa", "חיפה", "نابلس", "Lyon", "Kraków", "São Paulo", "Zürich", "Córdoba", "Kyiv", "Osaka", "Nairobi"]
programme = teachers[0].school.programmes.order_by("pk").first()
languages = {language.code: language for language in Language.objects.all()}
codes = list(countries)
schools = []
for n in range(extra):
    country = countries[codes[n % len(codes)]]
    script = rng.random()
    if country.code in ("IL",) or script < 0.15:
        name, native = f"Beit Sefer {rng.choice(LATIN)} {n}", f"בית ספר {rng.choice(HEBREW)} {n}"
    elif country.code in ("PS", "JO", "EG", "MA", "TN", "AE") or script < 0.3:
        name, native = f"Madrasat {rng.choice(LATIN)} {n}", f"مدرسة {rng.choice(ARABIC)} {n}"
    else:
        name, native = f"{rng.choice(LATIN)} School {n}", ""
    youngest = rng.randint(5, 15)
    school = School(name=name, native_name=native, country=country, city=rng.choice(TOWNS),
                    school_type=rng.choice(list(School.Type.values)), age_from=youngest,
                    age_to=min(18, youngest + rng.randint(2, 6)), time_zone=country.default_time_zone,
                    school_week=country.default_school_week, status=ValidationStatus.VALIDATED)
    school.fold_searched()
    schools.append(school)
School.objects.bulk_create(schools, batch_size=500)
School.languages.through.objects.bulk_create(
    [School.languages.through(school_id=s.pk, language_id=code)
     for s in schools
     for code in {LANGUAGES.get(s.country_id, "en"), *rng.sample(["en", "fr", "he", "ar", "es"], rng.randint(0, 2))}
     if code in languages], batch_size=2000)
if programme is not None:
    programme.schools.add(*schools)
profiles = load_profiles(seed=24, schools=School.objects.filter(pk__in=[s.pk for s in schools]))
print(twinning.pk, events, thumbs, meetings, profiles, len(countries), testing.signed_in_session(me))
"""

MEASURE = r"""
import os, statistics, sys, time
import django
django.setup()
from django.test import Client

pages = dict(zip(sys.argv[1::2], sys.argv[2::2]))
client = Client(HTTP_HOST="127.0.0.1")
client.cookies["sessionid"] = os.environ["BENCH_SESSION"]
rounds, per_round = int(os.environ["ROUNDS"]), int(os.environ["PER_ROUND"])
for _ in range(3):  # warm up: imports, templates, the search index, the caches, the database's pages
    for url in pages.values():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
samples = {name: [] for name in pages}
for _ in range(rounds):
    for name, url in pages.items():
        began = time.process_time()
        for _ in range(per_round):
            client.get(url)
        samples[name].append((time.process_time() - began) / per_round * 1000)
for name, values in samples.items():
    print(name, statistics.median(values), min(values), max(values))
"""


def pinned(core: int) -> list[str]:
    return ["taskset", "-c", str(core)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def load(port: int, path: str, cookie: str, seconds: float) -> tuple[float, list[float], int]:
    """Requests per second, latencies (ms) and failures over `seconds`, from CLIENTS threads."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client():
        mine = []
        while time.perf_counter() < stop:
            start = time.perf_counter()
            connection = http.client.HTTPConnection(_setup.HOST, port, timeout=10)
            try:
                connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Accept-Language": "en"})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
            finally:
                connection.close()
            mine.append((time.perf_counter() - start) * 1000)
            if not ok:
                with lock:
                    failures[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies) / (time.perf_counter() - began), latencies, failures[0]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    print(f"Page costs: load average at the start {load_average()}")
    # DEBUG off, background jobs run where they are queued, each process's cache its own memory: what the
    # measured process itself keeps.
    site = _setup.throwaway_site("bench", DJANGO_DEBUG="0", ROUNDS=str(ROUNDS), PER_ROUND=str(PER_ROUND))
    with site as (env, _folder):
        began = time.perf_counter()
        _setup.manage(env, "migrate", "-v0", capture=False)
        _setup.manage(env, "load_demo")
        seeded = _setup.python(env, SEED, str(EXTRA_SCHOOLS)).split()
        twinning, events, thumbs, meetings, profiles, countries, cookie = seeded[-7:]
        print(
            f"  data ({time.perf_counter() - began:.0f} s): the demo network, a feed of {events} events "
            f"({thumbs} photos with thumbnails), {meetings} meetings, {profiles} more profiles in {countries} countries"
        )
        pages = {
            "/health/ (reference)": "/health/",
            "workspace feed": f"/twinnings/{twinning}/workspace/",
            "partner search": "/matching/search/",
            "meetings page": f"/twinnings/{twinning}/meetings/",
        }
        measured = _setup.python(
            {**env, "BENCH_SESSION": cookie}, MEASURE, *(x for pair in pages.items() for x in pair)
        ).splitlines()
        in_process = {}
        for line in measured[-len(pages) :]:
            *name, median, low, high = line.split()
            in_process[" ".join(name)] = (float(median), float(low), float(high))

        port = _setup.free_port()
        # One sync worker, whatever the shipped gunicorn.conf.py (read from the working folder) says.
        server = _setup.Process(
            [*pinned(0), _setup.PYTHON, "-m", "gunicorn", "twinning.wsgi", "-w", "1", "-k", "sync",
             "-b", f"{_setup.HOST}:{port}", "--access-logfile", "/dev/null", "--log-level", "warning"],
            env,
        )  # fmt: skip
        try:
            server.start()
            _setup.wait_for_port(port, 60)
            worker = server.first_child()
            if pinned(1):
                os.sched_setaffinity(0, {1})
            for url in pages.values():
                load(port, url, cookie, 1.0)  # warm up: imports, templates, the search index, the caches
            served = {}
            for name, url in pages.items():
                cpu = _setup.cpu_seconds(worker)
                rps, latencies, failures = load(port, url, cookie, SECONDS)
                cpu = _setup.cpu_seconds(worker) - cpu
                served[name] = (rps, latencies, failures, cpu / len(latencies) * 1000)
            check = http.client.HTTPConnection(_setup.HOST, port)
            check.request("GET", pages["workspace feed"], headers={"Cookie": f"sessionid={cookie}"})
            shown = check.getresponse().read().decode().count('data-testid="event"')
        finally:
            server.stop(30)

    print(
        f"  1. CPU per view in one process (Django's test client, DEBUG off, SQLite): median of {ROUNDS} rounds "
        f"of {PER_ROUND} views (min–max)"
    )
    print("-" * 110)
    health, feed = in_process["/health/ (reference)"][0], in_process["workspace feed"][0]
    for name, (median, low, high) in in_process.items():
        print(
            f"  {name:22} {median:7.2f} ms ({low:6.2f}–{high:6.2f})  {median / health:5.1f} x /health/  "
            f"{median / feed:5.2f} x feed"
        )
    print(
        f"  2. Over HTTP: gunicorn, 1 sync worker pinned to one core, {CLIENTS} clients on the other, "
        f"{SECONDS:.0f} s per page; the worker's CPU per view"
    )
    print("-" * 110)
    health_cpu, feed_cpu = served["/health/ (reference)"][3], served["workspace feed"][3]
    for name, (rps, latencies, failures, cpu) in served.items():
        print(
            f"  {name:22} {rps:7.1f} req/s  p50 {statistics.median(latencies):6.1f} ms  p95 {p95(latencies):6.1f} ms"
            f"  CPU {cpu:6.2f} ms/view  {cpu / health_cpu:5.1f} x /health/  {cpu / feed_cpu:5.2f} x feed"
            f"  failures {failures}"
        )
    rps, latencies, failures, _cpu = served["workspace feed"]
    errors = sum(f for _r, _l, f, _c in served.values())
    measured_ok = rps >= FEED_RPS and p95(latencies) <= FEED_P95_MS
    capacity = 1000 / feed_cpu
    print("-" * 110)
    print(f"  feed: {shown} events shown; failures on all pages: {errors}")
    print(
        f"  target feed >= {FEED_RPS} req/s on one core, as measured: {'PASS' if measured_ok else 'FAIL'} "
        f"({rps:.0f} req/s, p95 {p95(latencies):.0f} ms <= {FEED_P95_MS} ms)"
    )
    print(
        f"  target feed >= {FEED_RPS} req/s on one core, by the worker's CPU: "
        f"{'PASS' if capacity >= FEED_RPS else 'FAIL'} ({capacity:.0f} req/s per core of CPU; in one process "
        f"{1000 / feed:.0f})"
    )
    for name in ("partner search", "meetings page"):
        over_http, alone = served[name][3] / feed_cpu, in_process[name][0] / feed
        verdict = "PASS" if max(over_http, alone) <= TIMES_FEED else "FAIL"
        print(
            f"  target {name} <= {TIMES_FEED:.0f} x feed: {verdict} ({over_http:.2f} x over HTTP, "
            f"{alone:.2f} x in one process)"
        )
    print(f"  load average at the end {load_average()}")


if __name__ == "__main__":
    main()
