"""The staff pages at size: the validation figures of the dashboard and the validation queue counted live (as before
the job kept them) against the same figures now (the few waiting counted live through their index, the totals read
from the job's counting), for the NSO staff of the country with the most schools, a coordinator of that country's
NSO, a programme's coordinator and the platform's administrator; the job's counting itself; and each staff page of
the load test's mix, whole, with every query of it over 50 ms named. The reference, measured in the same run: one
school read by its key.

    .venv/bin/python bench/staff_pages.py --database postgresql://postgres@127.0.0.1:5432/COPY

`--database` names a database the bench may migrate and write (it signs in, keeps the counting): a copy of the large
network (`createdb -T twinning_bignet COPY`), never the shared one. Without it the bench makes a throw-away PostgreSQL
database on 127.0.0.1:5432, fills it with `generate_network --schools BENCH_STAFF_SCHOOLS` (default 4,000) and drops
it afterwards.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = "postgresql://postgres@127.0.0.1:5432"
SLOW = 0.050  # a query slower than this is named


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a database URL the bench may migrate and write (a copy, never shared)")
    parser.add_argument("--repeat", type=int, default=7, help="requests or counts per median (default 7)")
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "twinning.settings"
    os.environ.setdefault("TWINNING_VAR_DIR", tempfile.mkdtemp(prefix="bench-staff-"))
    os.environ.pop("TWINNING_CACHE_URL", None)
    if args.database:
        os.environ["DATABASE_URL"] = args.database
        setup_django()
        measure(args.repeat)
        return
    import psycopg

    name = f"twinning_bench_staff_{os.getpid()}"
    try:
        admin = psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        print(f"Staff pages: not measured, no PostgreSQL server at 127.0.0.1:5432 ({error})")
        return
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        os.environ["DATABASE_URL"] = f"{SERVER}/{name}"
        setup_django()
        from django.core.management import call_command

        schools = int(os.environ.get("BENCH_STAFF_SCHOOLS", "4000"))
        call_command("generate_network", schools=schools, seed=2026, verbosity=0)
        measure(args.repeat)
    finally:
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


# The figures as the pages counted them before the job kept them (the code they ran, kept here to compare) -------


def counts_before_for_staff(user) -> dict:
    from django.db.models import Count, Q
    from django.utils import timezone

    from twinning.schools import rules
    from twinning.schools.models import ValidationStatus

    since = timezone.now() - timedelta(days=30)
    counts = rules.teachers_validated_by(user).aggregate(
        waiting=Count("pk", filter=Q(status=ValidationStatus.PENDING, user__email_confirmed_at__isnull=False)),
        unconfirmed=Count("pk", filter=Q(status=ValidationStatus.PENDING, user__email_confirmed_at__isnull=True)),
        validated=Count("pk", filter=Q(status=ValidationStatus.VALIDATED)),
        decided_recently=Count("pk", filter=Q(decided_at__gte=since)),
    )
    schools = rules.schools_validated_by(user).aggregate(
        schools_waiting=Count("pk", filter=Q(status=ValidationStatus.PENDING)),
        schools_validated=Count("pk", filter=Q(status=ValidationStatus.VALIDATED)),
    )
    return {**counts, **schools}


def counts_before_for_coordinator(user) -> dict:
    from django.db.models import Q
    from django.utils import timezone

    from twinning.accounts.rules import roles_of
    from twinning.schools.models import School, TeacherProfile, ValidationStatus

    roles = roles_of(user)
    scope = Q(country__nso_id__in=roles.coordinator_nso_ids) | Q(programmes__in=roles.coordinator_programme_ids)
    school_ids = School.objects.filter(scope, status=ValidationStatus.VALIDATED).values("pk")
    since = timezone.now() - timedelta(days=30)
    teachers = TeacherProfile.objects.filter(school__in=school_ids, status=ValidationStatus.VALIDATED)
    return {
        "schools": School.objects.filter(pk__in=school_ids).count(),
        "teachers": teachers.count(),
        "new_teachers": teachers.filter(decided_at__gte=since).count(),
    }


def median(call, repeat: int) -> tuple[float, object]:
    call()
    samples, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples), result


def people():
    """The staff measured: NSO staff and an NSO coordinator of the country with the most schools, the coordinator of
    the programme with the most members, the platform's administrator."""
    from django.db.models import Count

    from twinning.accounts.models import Role, User
    from twinning.schools.models import Country, Programme

    country = Country.objects.annotate(n=Count("schools")).order_by("-n").first()
    programme = Programme.objects.annotate(n=Count("schools")).order_by("-n").first()
    found = {}
    staff = Role.objects.filter(kind=Role.Kind.NSO_STAFF, nso=country.nso).order_by("pk").first()
    found["NSO staff"] = staff.user if staff else None
    coordinator = Role.objects.filter(kind=Role.Kind.COORDINATOR, nso=country.nso).order_by("pk").first()
    found["NSO coordinator"] = coordinator.user if coordinator else None
    coordinator = Role.objects.filter(kind=Role.Kind.COORDINATOR, programme=programme).order_by("pk").first()
    found["programme coordinator"] = coordinator.user if coordinator else None
    found["administrator"] = User.objects.filter(is_superuser=True).order_by("pk").first()
    print(f"Country with the most schools: {country.pk} ({country.n:,}); largest programme: {programme.n:,} schools")
    return {kind: user for kind, user in found.items() if user is not None}


PAGES = {
    "NSO staff": ["/dashboard/", "/validation/", "/schools/", "/meetings/", "/reports/"],
    "NSO coordinator": ["/dashboard/", "/coordination/", "/schools/", "/meetings/", "/reports/"],
    "programme coordinator": ["/dashboard/", "/coordination/", "/reports/"],
    "administrator": ["/dashboard/", "/validation/", "/reports/"],
}


def measure(repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench._setup import signed_in, timed
    from twinning.accounts.models import User
    from twinning.accounts.rules import roles_of
    from twinning.schools import queries, services
    from twinning.schools.models import School

    school = School.objects.order_by("pk").first()
    reference, _ = median(lambda: School.objects.get(pk=school.pk), 31)
    print(f"Reference: one school read by its key, {reference * 1000:.2f} ms")
    began = time.perf_counter()
    counting = services.count_figures()
    job = time.perf_counter() - began
    print(f"The job's counting (schools.count_figures): {job:.2f} s, {counting.groups.count()} groups kept")
    print()
    staff = people()
    print(f"{'figures of':<32}{'before ms':>11}{'after ms':>10}{'before/ref':>12}{'after/ref':>11}{'faster':>8}")
    for kind, user in staff.items():
        roles = roles_of(User.objects.get(pk=user.pk))
        if roles.nso_staff or roles.admin:
            fresh = User.objects.get(pk=user.pk)
            before, old = median(lambda fresh=fresh: counts_before_for_staff(fresh), repeat)
            after, new = median(lambda fresh=fresh: queries.validation_counts_for_staff(fresh, counting), repeat)
            row(f"{kind} (validation)", before, after, reference)
            assert old == new, (kind, old, new)  # nothing changed since the counting
        if roles.coordinator:
            fresh = User.objects.get(pk=user.pk)
            before, old = median(lambda fresh=fresh: counts_before_for_coordinator(fresh), repeat)
            after, new = median(lambda fresh=fresh: queries.scope_counts_for_coordinator(fresh, counting), repeat)
            row(f"{kind} (network)", before, after, reference)
            assert old == new, (kind, old, new)
    print()
    print(f"{'page':<40}{'ms':>8}{'/ref':>8}{'queries':>9}")
    slow = []
    for kind, user in staff.items():
        client = signed_in(user)
        for url in PAGES[kind]:
            took, _ = timed(client, url, repeat=repeat)
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            print(f"{kind + ' ' + url:<40}{took * 1000:>8.1f}{took / reference:>8.0f}{len(captured):>9}")
            slow += [(kind, url, float(q["time"]), q["sql"]) for q in captured if float(q["time"]) > SLOW]
    print()
    print(f"Queries over {SLOW * 1000:.0f} ms: {len(slow) or 'none'}")
    for kind, url, took, sql in slow:
        print(f"  {took * 1000:7.1f} ms  {kind} {url}: {sql[:300]}")


def row(name: str, before: float, after: float, reference: float) -> None:
    print(
        f"{name:<32}{before * 1000:>11.1f}{after * 1000:>10.1f}{before / reference:>12.0f}"
        f"{after / reference:>11.0f}{before / after:>7.0f}×"
    )


if __name__ == "__main__":
    main()
