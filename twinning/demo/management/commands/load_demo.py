"""Load a demo school-twinning network into an empty (or demo) database.

    python manage.py load_demo [--reset] [--seed N]

Ten countries with their NSOs, two programmes, about sixty schools and a hundred and fifty
teachers at every stage of validation, NSO staff, coordinators, principals and a platform admin.
School and person names are invented (a name may resemble a real one by kind, never by data);
cities, time zones and school weeks are real. Every demo account shares one random password,
written with a few sign-ins to ``VAR_DIR/demo-sign-ins.txt``; the staff accounts whose role needs a
second factor share one authenticator key, written there too (``manage.py demo_code`` prints the
code it gives now).

The same seed gives the same network (only the dates, which count back from today, and the
password differ). Running the command again without ``--reset`` loads nothing and prints the
sign-ins again.
"""

import itertools
import random
import re
import secrets
import time
import unicodedata
from base64 import b32decode
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django_otp.plugins.otp_totp.models import TOTPDevice

from twinning.accounts import second_factor
from twinning.accounts.models import Role, User
from twinning.accounts.queries import people_needing_a_second_factor
from twinning.common import audit
from twinning.common.models import AuditEntry
from twinning.common.notifications import emails_muted
from twinning.communities.models import Community
from twinning.demo.communities import load_communities
from twinning.demo.consent import load_consent
from twinning.demo.coordination import load_caseload
from twinning.demo.data import (
    COUNTRIES,
    DEMO_DOMAIN,
    EXTRA_LANGUAGES,
    FIRST_NAMES,
    HOPES_AR,
    HOPES_EN,
    HOPES_HE,
    INTERFACE_LANGUAGE,
    JEWISH_FIRST_NAMES,
    JEWISH_LAST_NAMES,
    LAST_NAMES,
    MARKER_NSO,
    PRINCIPAL_COUNTRIES,
    PROGRAMMES,
    REJECTED,
    REJECTION_REASONS,
    SCHOOLS,
    SIGN_INS_FILE,
    SITE_URL,
    SUBJECT_LANGUAGE,
    SUBJECT_PHRASES,
    SUBJECTS_BY_KIND,
    TEACHERS,
    UNCONFIRMED,
    WAITING,
    D,
    SchoolSpec,
)
from twinning.demo.learning import load_learning
from twinning.demo.library import load_library
from twinning.demo.matching import load_profiles
from twinning.demo.meetings import load_meetings
from twinning.demo.programmes import load_memberships
from twinning.demo.recognition import load_recognition
from twinning.demo.reporting import load_programme_survey, load_surveys
from twinning.demo.showcase import load_showcase
from twinning.demo.twinnings import load_twinnings
from twinning.library.models import Activity as LibraryActivity
from twinning.schools.models import (
    NSO,
    Country,
    Language,
    Programme,
    School,
    Subject,
    TeacherProfile,
    ValidationStatus,
)
from twinning.twinnings.models import Twinning


def _email_part(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


class Network:
    """Builds the demo rows in memory with one seeded random source, then writes them in bulk."""

    def __init__(self, *, seed: int, password_hash: str, now: datetime):
        self.rng = random.Random(seed)  # nosec B311  # seeded demo data; the password comes from secrets
        self.password_hash = password_hash
        self.now = now
        self.numbers = itertools.count(1)
        self.used_names: set[str] = set()
        self.users: list[User] = []
        self.decisions: list[tuple[datetime, dict]] = []  # (when, audit.record arguments)

    # People ---------------------------------------------------------------------------------

    def days_ago(self, low: int, high: int) -> datetime:
        return self.now - timedelta(days=self.rng.randint(low, high), minutes=self.rng.randint(0, 600))

    def draw_name(self, country: str, *, jewish: bool = False) -> tuple[str, str]:
        firsts, lasts = FIRST_NAMES[country], LAST_NAMES[country]
        if jewish:
            firsts = firsts + JEWISH_FIRST_NAMES
            if self.rng.random() < 0.7:
                lasts = JEWISH_LAST_NAMES[country]
        for _attempt in range(50):
            first, last = self.rng.choice(firsts), self.rng.choice(lasts)
            if f"{first} {last}" not in self.used_names:
                break
        self.used_names.add(f"{first} {last}")
        return first, last

    def person(
        self, country: str, *, time_zone: str, joined: datetime, jewish: bool = False, confirmed: bool = True
    ) -> User:
        first, last = self.draw_name(country, jewish=jewish)
        user = User(
            email=f"{_email_part(first)}.{_email_part(last)}.{next(self.numbers)}@{DEMO_DOMAIN}",
            full_name=f"{first} {last}",
            password=self.password_hash,
            preferred_language=INTERFACE_LANGUAGE.get(country, "en"),
            time_zone=time_zone,
            date_joined=joined,
            email_confirmed_at=joined + timedelta(minutes=self.rng.randint(2, 90)) if confirmed else None,
        )
        self.users.append(user)
        return user

    # Loading --------------------------------------------------------------------------------

    def load(self) -> None:
        languages = set(Language.objects.values_list("code", flat=True))
        self.subjects = dict(Subject.objects.values_list("code", "names"))
        needed_languages = {code for spec in SCHOOLS for code in spec.languages.split()}
        needed_subjects = {code for kind in SUBJECTS_BY_KIND.values() for code in kind}
        if not needed_languages <= languages or not needed_subjects <= set(self.subjects):
            raise CommandError("The reference languages and subjects are missing: run `manage.py migrate` first.")

        nsos, countries = self.load_countries()
        programmes = self.load_programmes()
        self.make_staff(nsos)
        schools = self.plan_schools(countries)
        principals = self.make_principals(schools)
        teachers = self.plan_teachers(schools)

        for user in self.users:
            user.fold_searched()  # bulk_create does not call save()
        User.objects.bulk_create(self.users)
        for school in schools:
            school.fold_searched()  # bulk_create does not call save()
        School.objects.bulk_create(schools)
        self.link_schools(schools, programmes)
        TeacherProfile.objects.bulk_create(teachers)
        self.link_teachers(teachers)
        Role.objects.bulk_create(self.roles(nsos, programmes, principals))
        self.record_decisions(schools, teachers)
        load_memberships()
        load_profiles(seed=self.rng.randrange(1 << 30))
        load_twinnings(seed=self.rng.randrange(1 << 30))
        load_meetings()
        load_library()
        load_learning()
        load_caseload()
        load_recognition()
        load_surveys(seed=self.rng.randrange(1 << 30))
        load_programme_survey(seed=self.rng.randrange(1 << 30))
        load_communities()
        load_consent()
        load_showcase()

    def load_countries(self) -> tuple[dict[str, NSO], dict[str, Country]]:
        nsos, countries = {}, {}
        for code, (en, he, ar, time_zone, week) in COUNTRIES.items():
            slug = code.lower()
            nsos[code] = NSO(
                slug=slug,
                email=f"nso-{slug}@example.org",
                website=f"https://nso-{slug}.example.org",
                names={
                    "en": f"National Support Organisation – {en}",
                    "he": f"ארגון התמיכה הלאומי – {he}",
                    "ar": f"منظمة الدعم الوطنية – {ar}",
                },
            )
            countries[code] = Country(
                code=code,
                names={"en": en, "he": he, "ar": ar},
                nso=nsos[code],
                default_time_zone=time_zone,
                default_school_week=week,
            )
        NSO.objects.bulk_create(nsos.values())
        Country.objects.bulk_create(countries.values())
        return nsos, countries

    def load_programmes(self) -> dict[str, Programme]:
        programmes = {
            slug: Programme(
                slug=slug,
                names=dict(zip(("en", "he", "ar"), names, strict=True)),
                descriptions=dict(zip(("en", "he", "ar"), descriptions, strict=True)),
                # Both twin schools across borders: a partner is always from another country.
                partners_from_other_countries=True,
            )
            for slug, (names, descriptions, _codes) in PROGRAMMES.items()
        }
        Programme.objects.bulk_create(programmes.values())
        through = Programme.countries.through
        through.objects.bulk_create(
            through(programme_id=programmes[slug].pk, country_id=code)
            for slug, (_names, _descriptions, codes) in PROGRAMMES.items()
            for code in codes
        )
        return programmes

    def make_staff(self, nsos: dict[str, NSO]) -> None:
        joined = self.now - timedelta(days=1200)
        self.admin = User(
            email=f"admin@{DEMO_DOMAIN}",
            full_name="Platform Administrator",
            password=self.password_hash,
            is_staff=True,
            is_superuser=True,
            time_zone="UTC",
            date_joined=joined,
            email_confirmed_at=joined,
        )
        self.users.append(self.admin)
        self.nso_staff = {
            code: self.person(code, time_zone=COUNTRIES[code][3], joined=self.days_ago(1100, 1200)) for code in nsos
        }
        self.coordinators = [
            (self.person("IL", time_zone="Asia/Jerusalem", joined=self.days_ago(900, 1100)), D),
            (self.person("GB", time_zone="Europe/London", joined=self.days_ago(900, 1100)), D),
            (self.person("PS", time_zone="Asia/Hebron", joined=self.days_ago(900, 1100)), "PS"),
        ]

    def plan_schools(self, countries: dict[str, Country]) -> list[School]:
        schools = []
        for spec in SCHOOLS:
            country = countries[spec.country]
            school = School(
                name=spec.name,
                native_name=spec.native_name,
                country=country,
                city=spec.city,
                school_type=spec.school_type,
                age_from=spec.ages[0],
                age_to=spec.ages[1],
                time_zone=spec.time_zone or country.default_time_zone,
                school_week=spec.week or country.default_school_week,
            )
            school.spec = spec
            if spec.pending:
                school.status = ValidationStatus.PENDING
            else:
                school.status = ValidationStatus.VALIDATED
                school.created_at = self.days_ago(700, 1000)
                school.decided_at = school.created_at + timedelta(days=self.rng.randint(2, 12))
                school.decided_by = self.nso_staff[spec.country]
                if self.rng.random() < 0.4:
                    school.website = f"https://{slugify(spec.name)}.example.org"
            schools.append(school)
        self.principal_schools = {
            code: next(s for s in schools if s.spec.country == code and not s.spec.pending)
            for code in PRINCIPAL_COUNTRIES
        }
        return schools

    def plan_teachers(self, schools: list[School]) -> list[TeacherProfile]:
        # Two teachers at each validated school, one at each pending school (the one who registered
        # it), and the rest spread at random over the validated schools.
        counts = {id(school): 1 if school.spec.pending else 2 for school in schools}
        validated = [school for school in schools if not school.spec.pending]
        while sum(counts.values()) < TEACHERS:
            school = self.rng.choice(validated)
            if counts[id(school)] < 6:
                counts[id(school)] += 1

        teachers = []
        for school in schools:
            for _n in range(counts[id(school)]):
                teachers.append(self.teacher(school))
        self.assign_stages(schools, teachers)
        return teachers

    def teacher(self, school: School) -> TeacherProfile:
        spec = school.spec
        jewish = spec.country != "IL" and spec.school_type in ("day", "supplementary")
        submitted = self.days_ago(30, 650)
        user = self.person(spec.country, time_zone=school.time_zone, joined=submitted, jewish=jewish)
        teacher = TeacherProfile(user=user, school=school, submitted_at=submitted)
        teacher.subject_codes = self.subjects_for(spec)
        teacher.language_codes = self.languages_for(spec, teacher.subject_codes)
        if self.rng.random() < 0.85:
            teacher.bio = self.bio(spec, teacher.subject_codes[0])
        return teacher

    def subjects_for(self, spec: SchoolSpec) -> list[str]:
        if spec.ages[1] <= 12 and spec.school_type != "supplementary":
            kind = "primary"
        elif spec.country == "IL":
            kind = "il-religious" if spec.school_type == "religious" else "il"
        elif spec.country in ("PS", "JO"):
            kind = "arab"
        elif spec.school_type == "supplementary":
            kind = "supplementary"
        elif spec.school_type == "day":
            kind = "jewish"
        else:
            kind = "public-en" if spec.country in ("GB", "US", "AU", "CA") else "public"
        pool = SUBJECTS_BY_KIND[kind]
        first = self.rng.choice(pool)
        subjects = [first]
        if self.rng.random() < 0.4:
            second = self.rng.choice(pool)
            if second != first:
                subjects.append(second)
        return subjects

    def languages_for(self, spec: SchoolSpec, subjects: list[str]) -> list[str]:
        school_languages = spec.languages.split()
        codes = [school_languages[0]]
        codes += [SUBJECT_LANGUAGE[code] for code in subjects if code in SUBJECT_LANGUAGE]
        if self.rng.random() < 0.75:
            codes.append("en")
        if len(school_languages) > 1 and self.rng.random() < 0.5:
            codes.append(school_languages[1])
        if self.rng.random() < 0.2:
            codes.append(self.rng.choice(EXTRA_LANGUAGES[spec.country]))
        return list(dict.fromkeys(codes))

    def bio(self, spec: SchoolSpec, subject: str) -> str:
        low = self.rng.randint(spec.ages[0], max(spec.ages[0], spec.ages[1] - 2))
        high = min(spec.ages[1], low + self.rng.randint(1, 3))
        native = spec.native_name or spec.name
        if spec.country == "IL" and self.rng.random() < 0.35:
            if subject == "primary-class":
                return f"מורה בכיתה יסודית ב{native}. {self.rng.choice(HOPES_HE)}"
            return f"מורה ל{self.subjects[subject]['he']} ב{native}. {self.rng.choice(HOPES_HE)}"
        if spec.country in ("PS", "JO") and self.rng.random() < 0.35:
            if subject == "primary-class":
                return f"أدرّس صفاً في المرحلة الابتدائية في {native}. {self.rng.choice(HOPES_AR)}"
            return f"أدرّس {self.subjects[subject]['ar']} في {native}. {self.rng.choice(HOPES_AR)}"
        if subject == "primary-class":
            opening = f"I have a class of {low}–{high} year olds at {spec.name}."
        else:
            opening = f"I teach {SUBJECT_PHRASES[subject]} to {low}–{high} year olds at {spec.name}."
        return f"{opening} {self.rng.choice(HOPES_EN)}"

    def assign_stages(self, schools: list[School], teachers: list[TeacherProfile]) -> None:  # noqa: C901 - one step per stage
        """Decide who is validated, waiting (some vouched for), unconfirmed or turned down."""
        by_school: dict[int, list[TeacherProfile]] = {}
        for teacher in teachers:
            by_school.setdefault(id(teacher.school), []).append(teacher)

        # The first teacher of every validated school stays validated, so no school is empty of them.
        free: dict[str, list[TeacherProfile]] = {}
        for school in schools:
            if not school.spec.pending:
                free.setdefault(school.spec.country, []).extend(by_school[id(school)][1:])
        for pool in free.values():
            self.rng.shuffle(pool)

        waiting, vouched, unconfirmed, rejected = [], [], [], []
        for code, number in WAITING.items():
            vouched_school = self.principal_schools.get(code)
            pool = free[code]
            if vouched_school is not None:
                # One waiting teacher at the school whose principal is on the platform has been vouched for.
                first = next(t for t in pool if t.school is vouched_school)
                pool.remove(first)
                vouched.append(first)
                waiting.append(first)
                number -= 1
            waiting += [pool.pop() for _n in range(number)]
        for code, number in UNCONFIRMED.items():
            unconfirmed += [free[code].pop() for _n in range(number)]
        for code, number in REJECTED.items():
            rejected += [free[code].pop() for _n in range(number)]
        waiting += [by_school[id(school)][0] for school in schools if school.spec.pending]

        for teacher in teachers:
            teacher.status = ValidationStatus.VALIDATED
        for teacher in waiting + unconfirmed:
            teacher.status = ValidationStatus.PENDING
            teacher.submitted_at = self.days_ago(2, 25)
            teacher.user.date_joined = teacher.submitted_at
            teacher.user.email_confirmed_at = teacher.submitted_at + timedelta(minutes=self.rng.randint(2, 90))
        for teacher in unconfirmed:
            teacher.submitted_at = teacher.user.date_joined = self.days_ago(0, 3)
            teacher.user.email_confirmed_at = None
        for teacher in vouched:
            teacher.vouched_by = self.principal_of[id(teacher.school)]
            teacher.vouched_at = teacher.submitted_at + timedelta(hours=self.rng.randint(3, 40))
        for teacher in rejected:
            teacher.status = ValidationStatus.REJECTED
            teacher.rejection_reason = REJECTION_REASONS[teacher.user.preferred_language]
        for teacher in teachers:
            country = teacher.school.spec.country
            if teacher.status != ValidationStatus.PENDING:
                teacher.decided_at = teacher.submitted_at + timedelta(
                    days=self.rng.randint(1, 10), hours=self.rng.randint(0, 8)
                )
                teacher.decided_by = self.nso_staff[country]
        for school in schools:
            if school.spec.pending:
                registrant = by_school[id(school)][0]
                school.created_at = registrant.submitted_at
                school.created_by = registrant.user

    def make_principals(self, schools: list[School]) -> list[tuple[User, School]]:
        principals = []
        for code, school in self.principal_schools.items():
            jewish = code != "IL" and school.school_type in ("day", "supplementary")
            user = self.person(code, time_zone=school.time_zone, joined=self.days_ago(400, 800), jewish=jewish)
            principals.append((user, school))
        self.principal_of = {id(school): user for user, school in principals}
        return principals

    def link_schools(self, schools: list[School], programmes: dict[str, Programme]) -> None:
        languages, in_programmes = School.languages.through, School.programmes.through
        languages.objects.bulk_create(
            languages(school_id=school.pk, language_id=code)
            for school in schools
            for code in school.spec.languages.split()
        )
        in_programmes.objects.bulk_create(
            in_programmes(school_id=school.pk, programme_id=programmes[slug].pk)
            for school in schools
            for slug in school.spec.programmes
        )

    def link_teachers(self, teachers: list[TeacherProfile]) -> None:
        subjects, languages = TeacherProfile.subjects.through, TeacherProfile.languages.through
        subjects.objects.bulk_create(
            subjects(teacherprofile_id=teacher.pk, subject_id=code)
            for teacher in teachers
            for code in teacher.subject_codes
        )
        languages.objects.bulk_create(
            languages(teacherprofile_id=teacher.pk, language_id=code)
            for teacher in teachers
            for code in teacher.language_codes
        )

    def roles(self, nsos, programmes, principals) -> list[Role]:
        roles = [
            Role(
                user=user, kind=Role.Kind.NSO_STAFF, nso=nsos[code], granted_at=user.date_joined, granted_by=self.admin
            )
            for code, user in self.nso_staff.items()
        ]
        for user, scope in self.coordinators:
            scoped = {"programme": programmes[scope]} if scope in programmes else {"nso": nsos[scope]}
            roles.append(
                Role(
                    user=user, kind=Role.Kind.COORDINATOR, granted_at=user.date_joined, granted_by=self.admin, **scoped
                )
            )
        for user, school in principals:
            roles.append(
                Role(
                    user=user,
                    kind=Role.Kind.PRINCIPAL,
                    school=school,
                    granted_at=user.date_joined,
                    granted_by=self.nso_staff[school.spec.country],
                )
            )
        return roles

    def record_decisions(self, schools: list[School], teachers: list[TeacherProfile]) -> None:
        """The audit log as the services would have written it, each entry at its own moment."""
        entries: list[tuple[AuditEntry, datetime]] = []

        def record(at: datetime, **arguments) -> None:
            entries.append((audit.record(**arguments), at))

        for school in schools:
            if school.status == ValidationStatus.VALIDATED:
                record(school.decided_at, actor=school.decided_by, action="school.validated", target=school)
            else:
                record(school.created_at, actor=school.created_by, action="school.registered", target=school)
        for teacher in teachers:
            record(
                teacher.submitted_at,
                actor=teacher.user,
                action="teacher.registered",
                target=teacher,
                school=teacher.school.pk,
            )
            if teacher.vouched_by is not None:
                record(teacher.vouched_at, actor=teacher.vouched_by, action="teacher.vouched", target=teacher)
            if teacher.status == ValidationStatus.VALIDATED:
                record(teacher.decided_at, actor=teacher.decided_by, action="teacher.validated", target=teacher)
            elif teacher.status == ValidationStatus.REJECTED:
                record(
                    teacher.decided_at,
                    actor=teacher.decided_by,
                    action="teacher.rejected",
                    target=teacher,
                    reason=teacher.rejection_reason,
                )
        for entry, at in entries:
            entry.at = at
        AuditEntry.objects.bulk_update([entry for entry, _at in entries], ["at"], batch_size=200)


# Sign-ins -----------------------------------------------------------------------------------------


def sign_ins_path() -> Path:
    return Path(settings.VAR_DIR) / SIGN_INS_FILE


def demo_sign_ins() -> list[tuple[str, str]]:
    """A person of each kind to try the demo as: (who, e-mail), read from the database."""
    rows = []
    demo = {"user__email__endswith": f"@{DEMO_DOMAIN}"}
    admin = User.objects.filter(is_superuser=True, email__endswith=f"@{DEMO_DOMAIN}").order_by("pk").first()
    if admin:
        rows.append(("Platform admin", admin.email))
    for code in ("IL", "PS", "GB"):
        role = (
            Role.objects.filter(kind=Role.Kind.NSO_STAFF, nso__countries__code=code, **demo)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if role:
            rows.append((f"NSO staff, {COUNTRIES[code][0]}", role.user.email))
    coordinator = Role.objects.filter(kind=Role.Kind.COORDINATOR, **demo).select_related("user", "programme", "nso")
    for role in coordinator.order_by("pk")[:1]:
        scope = role.programme or role.nso
        rows.append((f"Coordinator, {scope.names.get('en', scope.slug)}", role.user.email))
    principal = Role.objects.filter(kind=Role.Kind.PRINCIPAL, **demo).select_related("user", "school")
    for role in principal.order_by("pk")[:1]:
        rows.append((f"Principal, {role.school}", role.user.email))
    teachers = TeacherProfile.objects.filter(**demo).select_related("user", "school").order_by("pk")
    for code in ("IL", "PS", "GB"):
        teacher = teachers.filter(status=ValidationStatus.VALIDATED, school__country=code).first()
        if teacher:
            rows.append((f"Validated teacher, {teacher.school} ({COUNTRIES[code][0]})", teacher.user.email))
    waiting = teachers.filter(
        status=ValidationStatus.PENDING, user__email_confirmed_at__isnull=False, school__country="IL"
    ).first()
    if waiting:
        rows.append((f"Teacher waiting for validation, {waiting.school}", waiting.user.email))
    return rows


def sign_ins_text(password: str, app_key: str) -> str:
    rows = [("Who", "E-mail"), *demo_sign_ins()]
    width = max(len(who) for who, _email in rows)
    lines = [
        "Demo sign-ins: every demo account has the same password.",
        f"Open {SITE_URL} and sign in with one of these e-mail addresses.",
        "",
        f"Password: {password}",
        "",
        "The platform admin, NSO staff and coordinators then type a code from an authenticator app.",
        "Add this key to one (a time-based key: FreeOTP, Aegis, Google or Microsoft Authenticator...),",
        "or print the current code with: .venv/bin/python manage.py demo_code",
        "",
        f"Authenticator key: {second_factor.secret_for_typing(app_key)}",
        "",
        f"{rows[0][0]:<{width}}  {rows[0][1]}",
        f"{'-' * width}  {'-' * max(len(email) for _who, email in rows)}",
        *(f"{who:<{width}}  {email}" for who, email in rows[1:]),
    ]
    return "\n".join(lines) + "\n"


def give_staff_an_app(app_key: str) -> None:
    """Every demo account whose role needs a second factor gets an authenticator app with one shared
    key (like the shared password), so that one entry in an evaluator's app signs them all in."""
    demo_staff = people_needing_a_second_factor().filter(email__endswith=f"@{DEMO_DOMAIN}")
    TOTPDevice.objects.filter(user__in=demo_staff).delete()
    TOTPDevice.objects.bulk_create(
        [TOTPDevice(user=user, name=second_factor.APP_DEVICE_NAME, key=app_key, confirmed=True) for user in demo_staff]
    )


def app_key_in(text: str) -> str | None:
    match = re.search(r"^Authenticator key: ([A-Z2-7 ]+)$", text, flags=re.MULTILINE)
    if not match:
        return None
    return b32decode(match.group(1).replace(" ", "")).hex()


def write_sign_ins(text: str) -> Path:
    path = sign_ins_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)  # it holds a password, however throwaway
    return path


def password_in(text: str) -> str | None:
    match = re.search(r"^Password: (\S+)$", text, flags=re.MULTILINE)
    return match.group(1) if match else None


# The command ------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Load a demo school-twinning network (countries, NSOs, schools, teachers, staff) with demo sign-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete every person, school, programme, country, NSO and audit entry first.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed, the same network.")

    def handle(self, *args, reset: bool, seed: int, **options):
        started = time.perf_counter()
        loaded = (
            NSO.objects.filter(slug=MARKER_NSO).exists()
            or User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exists()
        )
        if loaded and not reset:
            self.show_existing()
            return
        if not reset and (
            Country.objects.exists() or NSO.objects.exists() or Programme.objects.exists() or School.objects.exists()
        ):
            raise CommandError(
                "The database already holds countries or schools that are not the demo's. "
                "Run with --reset to replace everything with the demo network."
            )

        password, app_key = secrets.token_urlsafe(9), second_factor.new_secret()
        with transaction.atomic():
            if reset:
                delete_everything()
            with emails_muted():  # the demo's own notifications stay in the app, with no e-mail storm
                Network(seed=seed, password_hash=make_password(password), now=timezone.now()).load()
            give_staff_an_app(app_key)
            text = sign_ins_text(password, app_key)
        path = write_sign_ins(text)

        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo network (seed {seed}) in {time.perf_counter() - started:.1f} s: "
                f"{Country.objects.count()} countries, {NSO.objects.count()} NSOs, {Programme.objects.count()} "
                f"programmes, {School.objects.count()} schools, {TeacherProfile.objects.count()} teachers, "
                f"{User.objects.count()} people."
            )
        )
        self.stdout.write(f"Sign-ins written to {path}\n\n")
        self.stdout.write(text)

    def show_existing(self) -> None:
        path = sign_ins_path()
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        password, app_key = password_in(text), app_key_in(text)
        someone = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").order_by("pk").first()
        if password and someone and check_password(password, someone.password):
            if app_key is None or not TOTPDevice.objects.filter(key=app_key).exists():
                # Loaded before staff needed an app: give them one now.
                app_key = second_factor.new_secret()
                give_staff_an_app(app_key)
                text = sign_ins_text(password, app_key)
                write_sign_ins(text)
            self.stdout.write("The demo network is already loaded (run with --reset to load it afresh).\n\n")
            self.stdout.write(text)
            return
        # The file is gone, or belongs to another database: give the demo accounts a new password
        # and their authenticator apps a new key.
        password, app_key = secrets.token_urlsafe(9), second_factor.new_secret()
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").update(password=make_password(password))
        give_staff_an_app(app_key)
        text = sign_ins_text(password, app_key)
        path = write_sign_ins(text)
        self.stdout.write(
            "The demo network is already loaded (run with --reset to load it afresh). "
            f"The demo accounts have a new password, written to {path}\n\n"
        )
        self.stdout.write(text)


def delete_everything() -> None:
    """Empty the demo database: people, schools, programmes, countries, NSOs, the library, the communities
    and the audit log.

    The reference languages and subjects stay: they come from a migration.
    """
    AuditEntry.objects.all().delete()
    LibraryActivity.objects.all().delete()
    Community.objects.all().delete()
    Twinning.objects.all().delete()
    TeacherProfile.objects.all().delete()
    Role.objects.all().delete()
    School.objects.all().delete()
    User.objects.all().delete()
    Programme.objects.all().delete()
    Country.objects.all().delete()
    NSO.objects.all().delete()
