"""Importing 20,000 schools and 40,000 teachers from one XLSX file, against reading the file alone.

Run by `make bench`. A throw-away SQLite database gets six countries (Israel, Jordan, the UK, France,
Argentina, Ukraine), a programme connecting them and its administrator, and 2,000 schools already on
the platform. The file has one row per teacher (two per school), with school names in Hebrew,
Arabic and Latin letters, native names in the school's own script, and invitations in English,
Hebrew and Arabic; 500 of its schools are spelled like existing ones (other case, punctuation, Hebrew
points, Arabic marks), so the dry run offers them for merging.

Printed, each with its ratio against the reference (reading every cell of the file, nothing else):
the dry run (the whole file checked against the database: `services.plan`), the import
(`services.run_import`: the file checked again, then everything written in batches), the peak of
memory that Python allocated in each (tracemalloc, in a second pass, so it does not slow the timed
one), the queries of the import, and the file's size against the upload limit.
"""

import io
import os
import time
import tracemalloc

import _setup

WORK = _setup.django_in_throwaway_folder("onboarding")  # before anything of Django's is imported

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from twinning import testing  # noqa: E402
from twinning.accounts.models import Role  # noqa: E402
from twinning.onboarding import reader, services  # noqa: E402
from twinning.onboarding.models import ImportFile, Invitation  # noqa: E402
from twinning.schools.models import Country, Programme, School, TeacherProfile  # noqa: E402

SCHOOLS = int(os.environ.get("BENCH_SCHOOLS", 20_000))
TEACHERS_PER_SCHOOL = 2
EXISTING = 2_000
MERGES = 500
# code, name, time zone, week, languages of instruction, name in Latin letters, in its own script, cities
COUNTRIES = [
    (
        "IL",
        "Israel",
        "Asia/Jerusalem",
        "sun_thu",
        "he;en",
        "Reali School",
        "בֵּית סֵפֶר רֵאָלִי",
        ["Haifa", "Tel Aviv", "Beersheba"],
    ),
    ("JO", "Jordan", "Asia/Amman", "sun_thu", "ar;en", "Al-Amal School", "مَدْرَسَة الأَمَل", ["Amman", "Irbid", "Zarqa"]),
    (
        "GB",
        "United Kingdom",
        "Europe/London",
        "mon_fri",
        "en",
        "King David School",
        "",
        ["Leeds", "London", "Manchester"],
    ),
    ("FR", "France", "Europe/Paris", "mon_fri", "fr;en", "École Molière", "", ["Paris", "Lyon", "Marseille"]),
    (
        "AR",
        "Argentina",
        "America/Argentina/Buenos_Aires",
        "mon_fri",
        "es;he",
        "Escuela Herzl",
        "",
        ["Buenos Aires", "Rosario"],
    ),
    ("UA", "Ukraine", "Europe/Kyiv", "mon_fri", "uk;en", "Shkola Lesi", "Школа Лесі", ["Kyiv", "Odesa", "Lviv"]),
]
TEACHER_LANGUAGES = ("en", "he", "ar")
HEADER = [
    "school_name",
    "school_native_name",
    "country",
    "city",
    "school_type",
    "age_from",
    "age_to",
    "languages",
    "time_zone",
    "school_week",
    "teacher_name",
    "teacher_email",
    "teacher_language",
]
FIRST_NAMES = ["Dana", "Yossi", "Huda", "Omar", "Sarah", "Tom", "Chloé", "Léo", "Lucía", "Olena", "נועה", "سارة"]


def network():
    programme = Programme.objects.create(slug="bridges", names={"en": "Bridges"})
    for code, name, zone, week, *_rest in COUNTRIES:
        nso = testing.make_nso(code.lower(), f"{name} NSO")
        testing.make_country(code, name, nso=nso, time_zone=zone, week=week)
    programme.countries.set(Country.objects.all())
    admin = testing.make_person(name="Programme Admin")
    testing.grant(admin, Role.Kind.PROGRAMME_ADMIN, programme=programme)
    # Schools already on the platform; the file's first MERGES schools are spelled like some of them.
    existing = []
    for n in range(EXISTING):
        code, _name, zone, week, _langs, latin, native, cities = COUNTRIES[n % len(COUNTRIES)]
        number = str(n) if n < MERGES else f"A{n}"
        existing.append(
            School(
                name=f"{latin} {number}",
                native_name=f"{native} {number}" if native else "",
                country_id=code,
                city=cities[n % len(cities)],
                school_type="public",
                age_from=10,
                age_to=14,
                time_zone=zone,
                school_week=week,
                status="validated",
            )
        )
    School.objects.bulk_create(existing)
    return programme, admin


def rows():
    for n in range(SCHOOLS):
        code, _name, zone, week, languages, latin, native, cities = COUNTRIES[n % len(COUNTRIES)]
        if n < MERGES:  # another spelling of existing school n: case, punctuation, points and marks
            name = f"{latin.upper().replace('-', ' ')} {n}"
            native_name = f"{native.replace('ֵ', '').replace('َ', '')} {n}" if native else ""
        else:
            name, native_name = f"{latin} {n}", f"{native} {n}" if native else ""
        city = cities[n % len(cities)]
        ages = (6 + n % 8, 10 + n % 8)
        for t in range(TEACHERS_PER_SCHOOL):
            language = TEACHER_LANGUAGES[(n + t) % 3]
            teacher = f"{FIRST_NAMES[(n + t) % len(FIRST_NAMES)]} {n}-{t}"
            yield [
                name,
                native_name,
                code,
                city,
                "public",
                ages[0],
                ages[1],
                languages,
                zone,
                week,
                teacher,
                f"t{n}-{t}@example.org",
                language,
            ]


def xlsx() -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for cells in rows():
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(work):
    counter = _setup.StatementCounter()
    start = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = work()
    return time.perf_counter() - start, counter.n, result


def peak(work) -> float:
    """MiB Python allocated at most while `work` ran."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def read_only(data: bytes) -> int:
    return sum(len(cells) for _line, cells in reader.rows_of(data, "network.xlsx"))


def main() -> None:
    _setup.migrate()
    programme, admin = network()
    start = time.perf_counter()
    data = xlsx()
    written = time.perf_counter() - start

    ref_s, _q, cells = timed(lambda: read_only(data))
    plan_s, plan_q, found = timed(lambda: services.plan(scope=programme, data=data, filename="network.xlsx"))
    assert not found.checked.problems, found.checked.problems[:5]
    assert len(found.merges) == MERGES, len(found.merges)
    checked = services.check_file(by=admin, scope=programme, data=data, filename="network.xlsx")
    run_s, run_q, result = timed(lambda: services.run_import(by=admin, import_file=checked))
    assert result["teachers"] == SCHOOLS * TEACHERS_PER_SCHOOL and result["schools_merged"] == MERGES, result
    assert TeacherProfile.objects.count() == SCHOOLS * TEACHERS_PER_SCHOOL
    assert Invitation.objects.filter(sent_at__isnull=True).count() == SCHOOLS * TEACHERS_PER_SCHOOL

    ref_mib = peak(lambda: read_only(data))
    plan_mib = peak(lambda: services.plan(scope=programme, data=data, filename="network.xlsx"))
    # The import's memory, over a second file of new addresses on a fresh copy of the programme's scope.
    ImportFile.objects.all().delete()
    Invitation.objects.all().delete()
    TeacherProfile.objects.all().delete()
    from twinning.accounts.models import User

    User.objects.filter(email__endswith="@example.org", teacher__isnull=True, roles__isnull=True).delete()
    School.objects.filter(pk__gt=EXISTING).delete()
    again = services.check_file(by=admin, scope=programme, data=data, filename="network.xlsx")
    run_mib = peak(lambda: services.run_import(by=admin, import_file=again))

    teachers = SCHOOLS * TEACHERS_PER_SCHOOL
    print(f"onboarding import: {SCHOOLS} schools, {teachers} teachers in one XLSX file ({len(data) / 2**20:.1f} MiB,")
    print(
        f"  the upload limit is {settings.ONBOARDING_MAX_FILE_BYTES / 2**20:.0f} MiB); {EXISTING} schools already there"
    )
    print(f"  writing the file (openpyxl, not measured against):  {written:7.2f} s")
    print(
        f"  reading every cell, nothing else (reference):       {ref_s:7.2f} s   {ref_mib:7.1f} MiB peak  "
        f"({cells} cells)"
    )
    print(
        f"  dry run: checked against the database:              {plan_s:7.2f} s   {plan_mib:7.1f} MiB peak  "
        f"{plan_q:5d} queries   ({len(found.merges)} merges offered)"
    )
    print(
        f"  import: checked again, then written in batches:     {run_s:7.2f} s   {run_mib:7.1f} MiB peak  "
        f"{run_q:5d} queries   ({result['schools_created']} schools, {result['invitations']} invitations queued)"
    )
    print(
        f"  dry run / reference: {plan_s / ref_s:4.1f}x time, {plan_mib / ref_mib:4.1f}x memory;  "
        f"import / reference: {run_s / ref_s:4.1f}x time, {run_mib / ref_mib:4.1f}x memory"
    )
    print(f"  import per 1,000 teachers: {1000 * run_s / teachers:.2f} s")
    _setup.remove(WORK)


if __name__ == "__main__":
    main()
