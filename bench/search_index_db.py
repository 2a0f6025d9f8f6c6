"""The partner-search index job end to end at 200,000 profiles in PostgreSQL: rows read, index built,
written and made current (what `matching.refresh_search_index` does when something changed).

`make bench` runs it at 20,000 profiles; at 200,000 (minutes on a busy machine) run it by hand:

    .venv/bin/python bench/search_index_db.py 200000      # BENCH_PG=postgresql://…/postgres

It creates a fresh database on the PostgreSQL server of BENCH_PG (default the local one), migrates
it, writes the varied synthetic network (30 countries, schools named in Hebrew, Arabic and Latin
scripts, 12 languages, a vision for 40 %), times the job, then one search with a change overlaid,
and drops the database. The reference in the same run is the engine alone building the index
from the same profiles held in memory (bench/search_index.py measures it at length).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import os
import random
import tempfile
import time

import psycopg

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = f"bench_search_index_{os.getpid()}"
NAMES = {
    "he": ("בית ספר", "תיכון", "חטיבת ביניים", "יסודי"),
    "ar": ("مدرسة", "ثانوية", "إعدادية", "ابتدائية"),
    "en": ("School", "High School", "Academy", "Primary"),
}
PLACES = {
    "he": ("חיפה", "באר שבע", "ירושלים", "נתניה"),
    "ar": ("الناصرة", "عمّان", "رام الله", "القاهرة"),
    "en": ("Leeds", "Lyon", "Porto", "Kraków", "Austin", "Perth"),
}


def clocked(run):
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def load(rows: int) -> int:
    """Write `rows` validated schools with one open profile each, from the varied generator."""
    from datetime import time as day_time

    from twinning.common.school_year import current_school_year
    from twinning.matching.engine.synthetic import OBJECTIVES, THEMES, WORLD, varied_pool
    from twinning.matching.engine.vision import to_bytes
    from twinning.matching.models import Objective, ProfileLanguage, TwinningProfile
    from twinning.schools.models import SCHOOL_WEEK_DAYS, Country, Language, School, Subject, ValidationStatus

    rng = random.Random(5)  # nosec B311  # seeded benchmark data: no secret
    weeks = {days: code for code, days in SCHOOL_WEEK_DAYS.items()}
    Country.objects.bulk_create(
        Country(code=code, names={"en": code}, default_time_zone=zone, default_school_week=weeks.get(days, "mon_fri"))
        for code, (zone, days, _native) in WORLD.items()
    )
    languages = set(Language.objects.values_list("code", flat=True))
    objectives = sorted(Objective.objects.values_list("code", flat=True))
    subjects = sorted(Subject.objects.values_list("code", flat=True))
    year = current_school_year()
    profiles = varied_pool(rows, seed=3)
    schools = []
    for i, p in enumerate(profiles):
        script = "he" if p.country == "IL" else "ar" if WORLD[p.country][2] == "ar" else "en"
        name = f"{rng.choice(NAMES[script])} {rng.choice(PLACES[script])} {i}"
        school = School(
            country_id=p.country,
            name=name,
            city=rng.choice(PLACES[script]),
            school_type=School.Type.PUBLIC,
            age_from=p.age_from,
            age_to=p.age_to,
            time_zone=p.time_zone,
            school_week=weeks.get(p.days, "mon_fri"),
            status=ValidationStatus.VALIDATED,
        )
        school.fold_searched()
        schools.append(school)
    School.objects.bulk_create(schools, batch_size=5000)
    rows_out = [
        TwinningProfile(
            school=school,
            school_year=year,
            vision="",
            vision_vector=to_bytes(p.vision) if p.vision is not None else None,
            age_from=p.age_from,
            age_to=p.age_to,
            class_size=p.class_size,
            capacity=p.capacity,
            time_zone=p.time_zone,
            school_week=school.school_week,
            day_start=day_time(p.day_start // 60, p.day_start % 60),
            day_end=day_time(min(23, p.day_end // 60), p.day_end % 60),
        )
        for school, p in zip(schools, profiles, strict=True)
    ]
    TwinningProfile.objects.bulk_create(rows_out, batch_size=5000)
    ProfileLanguage.objects.bulk_create(
        (
            ProfileLanguage(profile=row, language_id=code, level=level)
            for row, p in zip(rows_out, profiles, strict=True)
            for code, level in p.languages.items()
            if code in languages
        ),
        batch_size=10000,
    )
    through = TwinningProfile.objectives.through
    through.objects.bulk_create(
        (
            through(twinningprofile_id=row.pk, objective_id=code)
            for row, p in zip(rows_out, profiles, strict=True)
            for code in {objectives[OBJECTIVES.index(o) % len(objectives)] for o in p.objectives}
        ),
        batch_size=10000,
    )
    through = TwinningProfile.themes.through
    through.objects.bulk_create(
        (
            through(twinningprofile_id=row.pk, subject_id=code)
            for row, p in zip(rows_out, profiles, strict=True)
            for code in {subjects[THEMES.index(t) % len(subjects)] for t in p.themes}
        ),
        batch_size=10000,
    )
    return len(rows_out)


def main() -> None:
    print(f"Partner-search index job, {ROWS:,} profiles in PostgreSQL")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    try:
        os.environ["DATABASE_URL"] = SERVER.rsplit("/", 1)[0] + f"/{DATABASE}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning.settings")
        folder = tempfile.TemporaryDirectory(prefix="search-index-")
        os.environ["TWINNING_SEARCH_INDEX_DIR"] = folder.name
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        migrate_s, _cpu, _ = clocked(lambda: call_command("migrate", verbosity=0))
        load_s, _cpu, count = clocked(lambda: load(ROWS))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"  database migrated in {migrate_s:.1f} s, {count:,} schools and profiles written in {load_s:.1f} s")

        from twinning.common.school_year import current_school_year
        from twinning.matching import queries, services
        from twinning.matching.engine import SearchIndex
        from twinning.matching.models import TwinningProfile

        year = current_school_year()
        wall, cpu, version = clocked(lambda: services.build_search_index(school_year=year, force=True))
        read_wall, read_cpu, people = clocked(
            lambda: queries.engine_profiles(queries.open_profiles(year), taken=queries.partners_taken(year))
        )
        engine_wall, engine_cpu, _index = clocked(lambda: SearchIndex(people, when=_index_when()))
        print(f"  the job: rows read, index built, written, current   {wall:7.2f} s wall  {cpu:7.2f} s CPU")
        print(f"    the profiles read again alone (cache warm)        {read_wall:7.2f} s wall  {read_cpu:7.2f} s CPU")
        print(
            f"    reference: the engine alone on the same profiles  {engine_wall:7.2f} s wall  {engine_cpu:7.2f} s CPU"
        )
        print(f"    job / engine alone (CPU)                          {cpu / engine_cpu:7.2f}")
        size = sum(f.stat().st_size for f in (Path(folder.name) / str(year) / version).iterdir())
        print(f"  on disk {size / 2**20:.1f} MiB")

        # One school changes: the next search overlays it without a build.
        changed = TwinningProfile.objects.filter(school_year=year).order_by("pk").first()
        services.record_search_changes(school_ids=[changed.school_id])
        query = people[1]
        first_wall, first_cpu, index = clocked(lambda: queries.search_index(year))
        search_wall, search_cpu, found = clocked(lambda: index.search(query, limit=20))
        overlay_ms, search_ms = first_cpu * 1000, search_cpu * 1000
        print(f"  first search after a change: overlay {overlay_ms:.1f} ms CPU, search {search_ms:.1f} ms CPU")
        print(f"    ({len(found)} found; {len(index.changes or ())} profile(s) overlaid, version {index.version})")
        folder.cleanup()
        connection.close()
    finally:
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _index_when():
    from django.utils import timezone

    return timezone.now()


if __name__ == "__main__":
    main()
