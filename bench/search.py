"""School and people search, and the directory's pages, at 200,000 schools and 200,000 people on PostgreSQL: the folded
copy with its trigram index against the old `icontains`, and a page deep in the directory read by key against the
same page read by OFFSET (with the count "page N of M" needs), on the same rows in the same run, with the reference of
one school read by its key.

Run by `make bench` (needs the PostgreSQL server on 127.0.0.1:5432, user postgres, as the CI uses; it makes a
throw-away database there and drops it). 200,000 schools in forty countries are named as real ones are: Latin names
(some accented), Hebrew names written with niqqud on one school in five, Arabic names with tashkeel on one in five,
and towns in each script. Each search is what a teacher types: a town or a name, with or without points, tashkeel or
accents. Printed per search: the median time of the directory's query (count and first page of 50, as the page asks)
with the index, and with the old `icontains`, and how many schools each found (the old way misses the spellings it
cannot see).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCHOOLS = int(os.environ.get("BENCH_SEARCH_SCHOOLS", "200000"))
PEOPLE = int(os.environ.get("BENCH_SEARCH_PEOPLE", "200000"))
DATABASE = f"twinning_bench_search_{os.getpid()}"
SERVER = "postgresql://postgres@127.0.0.1:5432"

from twinning.demo.names import TOWNS, scripted_name  # noqa: E402  (after the path to the project)


def main() -> None:
    import psycopg

    try:
        admin = psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        print(f"School search: not measured, no PostgreSQL server at 127.0.0.1:5432 ({error})")
        return
    admin.execute(f'CREATE DATABASE "{DATABASE}"')
    try:
        os.environ["DJANGO_SETTINGS_MODULE"] = "twinning.settings"
        os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
        measure()
    finally:
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.close()


SEARCHES = [
    ("a town in Hebrew, as typed", "חיפה"),
    ("a Hebrew name with niqqud", "הַגָּלִיל"),
    ("a Hebrew name without", "הגליל"),
    ("an Arabic name with tashkeel", "الأَمَل"),
    ("an Arabic name, bare alef", "الامل"),
    ("a Latin name without accents", "moliere"),
    ("a town without accents", "krakow"),
    ("two words, name and town", "oak lyon"),
    ("a rare word (no school)", "xylophone"),
]


def measure() -> None:
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection
    from django.db.models import Q

    from twinning import testing
    from twinning.common.search import fold
    from twinning.schools import queries
    from twinning.schools.models import NSO, Country, School

    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    countries = []
    for n in range(40):
        code = f"{chr(65 + n // 26)}{chr(65 + n % 26)}"
        nso = NSO.objects.create(slug=f"nso-{n}", names={"en": f"NSO {n}"})
        countries.append(Country.objects.get_or_create(code=code, defaults={"names": {"en": code}, "nso": nso})[0])
    began = time.perf_counter()
    batch = []
    for n in range(SCHOOLS):
        name, native = scripted_name(rng, n)
        school = School(
            name=name,
            native_name=native,
            city=rng.choice(TOWNS),
            country=rng.choice(countries),
            school_type="public",
            age_from=10,
            age_to=14,
            status="validated",
            time_zone="UTC",
            school_week="mon_fri",
        )
        school.fold_searched()
        batch.append(school)
        if len(batch) == 5000:
            School.objects.bulk_create(batch)
            batch = []
    School.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE schools_school")
    seeded = time.perf_counter() - began
    staff = testing.make_person(name="Admin", is_superuser=True, is_staff=True)

    def best(action, repeat=7) -> float:
        action()
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            action()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)

    def page(queryset):
        found = Paginator(queryset, 50).get_page(1)
        return found.paginator.count, list(found.object_list)

    def old_way(search):
        return (
            School.objects.filter(status="validated")
            .filter(Q(name__icontains=search) | Q(native_name__icontains=search) | Q(city__icontains=search))
            .order_by("name", "pk")
        )

    some = School.objects.order_by("pk").values_list("pk", flat=True)[SCHOOLS // 2]
    reference = best(lambda: School.objects.get(pk=some))
    print(f"School search at {SCHOOLS:,} schools (PostgreSQL; seeded in {seeded:.0f} s)")
    print("-" * 104)
    print(f"  reference: one school read by its key {reference * 1000:8.2f} ms")
    print(HEADER)
    for label, typed in SEARCHES:
        now = best(
            lambda typed=typed: by_key(queries.schools_for_directory(staff, search=typed), queries.DIRECTORY_KEYS)
        )
        new = best(lambda typed=typed: page(queries.schools_for_directory(staff, search=typed)))
        old = best(lambda typed=typed: page(old_way(typed)))
        found_new = queries.schools_for_directory(staff, search=typed).count()
        found_old = old_way(typed).count()
        print(
            f"  {label:<36}{typed:<14}{now * 1000:8.1f} ms {now / reference:5.0f}x"
            f"{new * 1000:9.1f} ms {new / reference:5.0f}x{found_new:>8,}"
            f"{old * 1000:11.1f} ms {old / reference:5.0f}x{found_old:>8,}"
        )
    print(LEGEND.format(what="schools"))
    assert fold("הַגָּלִיל") == fold("הגליל")
    measure_people(rng, best, reference, staff)
    measure_pages(best, reference, staff)


HEADER = "  {:<36}{:<14}{:>15}{:>16}{:>8}{:>19}{:>8}".format(
    "search", "typed", "page by key", "index + count", "found", "icontains + count", "found"
)
LEGEND = (
    "  (page by key: the first page as the page now reads it, no count; index + count: the same search through\n"
    "  Django's Paginator, counting every match; icontains + count: before the folded copy.\n"
    "  x: times the reference; found: {what} matching)"
)


def request_for(**params):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    made = RequestFactory().get("/", params)
    made.session = SessionStore()
    made._messages = FallbackStorage(made)
    return made


def by_key(queryset, keys, size: int = 25, **cursor) -> list:
    from twinning.common.keyset import keyset_page

    return list(keyset_page(request_for(**cursor), queryset, keys=keys, size=size))


FIRST = ["דָּנָה", "אַבְרָהָם", "נועה", "יוסף", "إِبْرَاهِيم", "فاطمة", "مُصْطَفَى", "أحمد", "Zoë", "José", "Anna", "Jan"]
LAST = ["לֵוִי", "כהן", "מזרחי", "الحُسَيْنِي", "النجار", "خليل", "Müller", "Lefèvre", "Nowak", "García", "Smith"]
PEOPLE_SEARCHES = [
    ("a Hebrew name, typed bare", "אברהם"),
    ("a Hebrew name with niqqud", "דָּנָה לֵוִי"),
    ("an Arabic name, bare alef", "ابراهيم"),
    ("an Arabic name, yeh for maqsura", "مصطفي"),
    ("a Latin name without accents", "zoe lefevre"),
    ("part of an address", "school77"),
    ("a rare name (nobody)", "xylophone"),
]


def measure_people(rng, best, reference, staff) -> None:
    from django.core.paginator import Paginator
    from django.db import connection
    from django.db.models import Q

    from twinning.accounts import queries
    from twinning.accounts.models import User

    began = time.perf_counter()
    batch = []
    for n in range(PEOPLE):
        person = User(
            full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
            email=f"teacher{n}@school{n % 1000}.example.org",
            password="!",
        )
        person.fold_searched()
        batch.append(person)
        if len(batch) == 5000:
            User.objects.bulk_create(batch)
            batch = []
    User.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
    seeded = time.perf_counter() - began

    def page(queryset):
        found = Paginator(queryset, 25).get_page(1)  # the roles page's search, as it pages
        return found.paginator.count, list(found.object_list)

    def old_way(search):
        people = User.objects.filter(is_active=True, email__isnull=False)
        for word in search.split()[:6]:
            people = people.filter(Q(full_name__icontains=word) | Q(email__icontains=word))
        return people.order_by("full_name", "pk")

    print()
    print(f"People search at {PEOPLE:,} people (an administrator's roles page; seeded in {seeded:.0f} s)")
    print("-" * 104)
    print(HEADER)
    for label, typed in PEOPLE_SEARCHES:
        now = best(lambda typed=typed: by_key(queries.people_for_appointer(staff, search=typed), queries.PEOPLE_KEYS))
        new = best(lambda typed=typed: page(queries.people_for_appointer(staff, search=typed)))
        old = best(lambda typed=typed: page(old_way(typed)))
        found_new = queries.people_for_appointer(staff, search=typed).count()
        found_old = old_way(typed).count()
        print(
            f"  {label:<36}{typed:<14}{now * 1000:8.1f} ms {now / reference:5.0f}x"
            f"{new * 1000:9.1f} ms {new / reference:5.0f}x{found_new:>8,}"
            f"{old * 1000:11.1f} ms {old / reference:5.0f}x{found_old:>8,}"
        )
    print(LEGEND.format(what="people"))


def measure_pages(best, reference, staff) -> None:
    from django.core.paginator import Paginator

    from twinning.common.keyset import AFTER, make_cursor
    from twinning.schools import queries

    size = 25
    directory = queries.schools_for_directory(staff)
    ordered = list(directory.values_list("pk", flat=True))

    print()
    print(f"The directory's pages at {SCHOOLS:,} schools: by key (no count) against OFFSET with its count")
    print("-" * 104)
    print(f"  {'page':<36}{'by key':>10}{'':>8}   {'OFFSET + count':>16}{'':>8}")

    def by_keys(cursor: dict) -> list:
        return by_key(directory, queries.DIRECTORY_KEYS, size, **cursor)

    last = len(ordered) // size
    for number in sorted({1, 10, last // 2, last} - {0}):
        if number == 1:
            cursor = {}
        else:
            edge = directory.get(pk=ordered[(number - 1) * size - 1])
            cursor = {"after": make_cursor(edge, queries.DIRECTORY_KEYS, AFTER)}
        keyed = best(lambda cursor=cursor: by_keys(cursor))
        by_offset = best(lambda number=number: list(Paginator(directory, size).page(number)))  # a count, then OFFSET
        if [school.pk for school in by_keys(cursor)] != ordered[(number - 1) * size : number * size]:
            raise SystemExit(f"page {number}: read by key, it is not the page read by OFFSET")
        print(
            f"  {f'page {number:,}':<36}{keyed * 1000:8.1f} ms {keyed / reference:6.0f}x"
            f"   {by_offset * 1000:14.1f} ms {by_offset / reference:6.0f}x   {by_offset / keyed:5.1f}x the time"
        )
    print("  (x: times the reference; the rows read by key are checked to be those read by OFFSET)")


if __name__ == "__main__":
    main()
