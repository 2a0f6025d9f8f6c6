"""School search at 200,000 schools on PostgreSQL: the folded copy with its trigram index, against the old
`icontains` over the three fields, on the same rows in the same run, with the reference of one school read by its key.

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
    print(f"  {'search':<36}{'typed':<14}{'index':>10}{'':>8}{'found':>8}   {'icontains':>10}{'':>8}{'found':>8}")
    for label, typed in SEARCHES:
        new = best(lambda typed=typed: page(queries.schools_for_directory(staff, search=typed)))
        old = best(lambda typed=typed: page(old_way(typed)))
        found_new = queries.schools_for_directory(staff, search=typed).count()
        found_old = old_way(typed).count()
        print(
            f"  {label:<36}{typed:<14}{new * 1000:8.1f} ms {new / reference:6.0f}x{found_new:>8,}"
            f"   {old * 1000:8.1f} ms {old / reference:6.0f}x{found_old:>8,}"
        )
    print("  (x: times the reference; found: schools matching, the first 50 of them listed)")
    assert fold("הַגָּלִיל") == fold("הגליל")


if __name__ == "__main__":
    main()
