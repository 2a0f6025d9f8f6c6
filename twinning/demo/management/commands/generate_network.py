"""Generate a large school-twinning network to test the platform at size (see docs/large-network.md).

    python manage.py generate_network [--schools N] [--seed S] [--reset]

By default 200,000 schools in forty countries and about a million teachers and pupils, with three school
years of twinnings (one for four schools), their forum, photos, plans, meetings and quality labels, and this
year's twinning profiles for partner search. Everything scales with ``--schools``. PostgreSQL is needed above
2,000 schools; a small network (``--schools 400``) works on SQLite too.
"""

import secrets
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from twinning.accounts import second_factor
from twinning.accounts.models import User
from twinning.demo.management.commands.load_demo import delete_everything
from twinning.demo.network import (
    DEFAULT_SCHOOLS,
    SIGN_INS_FILE,
    SQLITE_MOST_SCHOOLS,
    Network,
    sign_ins_text,
    write_sign_ins,
)
from twinning.reporting import services as reporting
from twinning.schools import services as school_services
from twinning.schools.models import NSO, Country, School

# On PostgreSQL, --reset empties these tables and every table that refers to them.
RESET_TABLES = (
    "common_auditentry",
    "library_activity",
    "communities_community",
    "accounts_user",
    "schools_school",
    "schools_programme",
    "schools_country",
    "schools_nso",
    "reporting_keptreport",
)


class Command(BaseCommand):
    help = (
        "Generate a large school-twinning network (default 200,000 schools, about 1,000,000 teachers and "
        "pupils) for load tests; PostgreSQL above 2,000 schools. Writes a few sign-ins to "
        f"VAR_DIR/{SIGN_INS_FILE}: four comment lines starting with '#' (the last gives the staff's "
        "authenticator key), a header line, then one tab-separated line per account: kind (teacher, pupil, "
        "nso_staff, coordinator, admin), login (e-mail address, or a pupil's user name), password, twinning id "
        "and school id (both empty for staff). All other accounts have unusable passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schools", type=int, default=DEFAULT_SCHOOLS, help="How many schools; everything else scales with it."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed, the same network.")
        parser.add_argument(
            "--reset", action="store_true", help="Delete every school, person, programme and country first."
        )

    def handle(self, *args, schools: int, seed: int, reset: bool, **options):
        if schools < 40:
            raise CommandError("A network needs at least 40 schools (one per country).")
        if connection.vendor != "postgresql" and schools > SQLITE_MOST_SCHOOLS:
            raise CommandError(
                f"{connection.vendor} holds the demo and small networks only (at most {SQLITE_MOST_SCHOOLS:,} "
                "schools). Use PostgreSQL for a large one: DATABASE_URL=postgresql://… manage.py generate_network."
            )
        held = School.objects.count()
        if not reset and (held or Country.objects.exists() or NSO.objects.exists() or User.objects.exists()):
            raise CommandError(
                f"The database already holds a network ({held:,} schools). "
                "Run with --reset to delete it and generate a new one."
            )
        started = time.perf_counter()
        if reset:
            self.reset()
            self.stage("reset", time.perf_counter() - started, "emptied")
        password, app_key = secrets.token_urlsafe(12), second_factor.new_secret()
        network = Network(schools=schools, seed=seed, now=timezone.now(), report=self.stage)
        with transaction.atomic():
            network.run()
            began = time.perf_counter()
            rows = network.give_sign_ins(password, app_key)
            self.stage("sign-ins", time.perf_counter() - began, f"{len(rows)} accounts with a password")
            began = time.perf_counter()
        # PostgreSQL checks the deferred foreign keys of every row written as the transaction commits.
        self.stage("commit", time.perf_counter() - began, "foreign keys checked")
        path = write_sign_ins(sign_ins_text(rows, password, app_key))
        if connection.vendor == "postgresql":
            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stage("analyze", time.perf_counter() - began, "planner statistics")
        began = time.perf_counter()
        refreshed = reporting.refresh_kept_reports()["refreshed"] + reporting.keep_staff_scopes()
        self.stage("report figures", time.perf_counter() - began, f"{refreshed} scope(s) counted")
        began = time.perf_counter()
        counting = school_services.count_figures()
        self.stage("staff figures", time.perf_counter() - began, f"{counting.groups.count()} groups of schools counted")
        written = sum(network.writer.written.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated the network (seed {seed}) in {time.perf_counter() - started:.0f} s: "
                f"{written:,} rows in {len(network.writer.written)} tables."
            )
        )
        self.stdout.write(f"Sign-ins written to {path}")

    def stage(self, name: str, seconds: float, what: str) -> None:
        self.stdout.write(f"  {name:<22}{seconds:8.1f} s  {what}")
        self.stdout.flush()

    def reset(self) -> None:
        if connection.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                # Rows written earlier in the same transaction (a test's) are checked now, or TRUNCATE refuses.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                tables = ", ".join(connection.ops.quote_name(name) for name in RESET_TABLES)
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        else:
            with transaction.atomic():
                delete_everything()
