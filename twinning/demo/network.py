"""A large generated network (``manage.py generate_network``): forty countries, schools by the hundred
thousand, their teachers, three school years of twinnings with their pupils, forum, media, meetings, plans
and quality labels, and this year's twinning profiles for partner search.

Rows are made in memory from one seeded random source and written table by table in bulk: with COPY on
PostgreSQL (through Django's own connection, in its transaction), with batched INSERTs on SQLite (small
networks only). The fields the services derive are derived here the same way: a school's folded
`search_text` (`common.search.fold` over `School.SEARCHED`), a thread's `post_count` and `last_post_at`, the
workspace's events, a pupil's `full_name` kept only with the family's consent; the report's figures are
counted by the reporting job after the load.

The vocabularies are the demo's (`demo/data.py`: countries, programmes, people's names, bios; `demo/names.py`:
school names in Hebrew, Arabic and Latin scripts, some pointed, with tashkeel or accented).
"""

import json
import random
import re
import time as clock
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models
from django_otp.plugins.otp_totp.models import TOTPDevice

from twinning.accounts import second_factor
from twinning.accounts.models import Pupil, Role, User
from twinning.common.models import AuditEntry
from twinning.common.school_year import current_school_year
from twinning.common.search import fold
from twinning.demo import names as school_names
from twinning.demo.data import (
    ARABIC_PERSON_NAMES,
    COUNTRY_LANGUAGES,
    EXTRA_LANGUAGES,
    FIRST_NAMES,
    HEBREW_PERSON_NAMES,
    HOPES_AR,
    HOPES_EN,
    HOPES_HE,
    LAST_NAMES,
    MORE_CITIES,
    NAMES_LIKE,
    NETWORK_COUNTRIES,
    NETWORK_INTERFACE_LANGUAGE,
    NETWORK_PROGRAMMES,
    SCHOOLS,
    SUBJECT_LANGUAGE,
    SUBJECT_PHRASES,
    SUBJECTS_BY_KIND,
    D,
)
from twinning.demo.matching import DEFAULT_OBJECTIVES, OBJECTIVES_BY_COUNTRY, THEMES, VISIONS
from twinning.demo.meetings import TITLES as MEETING_TITLES
from twinning.demo.twinnings import CONVERSATIONS
from twinning.demo.twinnings import TITLES as TWINNING_TITLES
from twinning.matching.models import ProfileLanguage, TwinningProfile
from twinning.meetings.models import Meeting, MeetingSchool
from twinning.recognition.models import Label
from twinning.schools.models import (
    NSO,
    SCHOOL_WEEK_DAYS,
    Country,
    Programme,
    ProgrammeMembership,
    School,
    TeacherProfile,
    ValidationStatus,
)
from twinning.twinnings.models import Membership, Twinning, TwinningSchool
from twinning.workspace.models import Activity, Event, MediaItem, MediaVariant, Post, Thread

NETWORK_DOMAIN = "network.twinning.test"
SIGN_INS_FILE = "network-sign-ins.txt"
MEDIA_FOLDER = "network"
# SQLite holds the demo and small test networks; a large one needs PostgreSQL.
SQLITE_MOST_SCHOOLS = 2000
DEFAULT_SCHOOLS = 200_000

# Per school: how many teachers (weights of 1 to 5: 2.5 on average).
TEACHERS_PER_SCHOOL = ((1, 2, 3, 4, 5), (20, 35, 25, 12, 8))
# One twinning for four schools, over three school years (the last one is this one).
SCHOOLS_PER_TWINNING = 4
YEAR_SHARES = (0.3, 0.33, 0.37)
# Where this year's twinnings stand.
THIS_YEAR = (("active", 60), ("needs_partner", 5), ("approved", 10), ("accepted", 10), ("proposed", 15))
PUPILS_PER_CLASS = 6
# How many accounts of each kind get the password of the sign-ins file.
SIGN_IN_TEACHERS, SIGN_IN_PUPILS = 200, 50
PHOTO_TITLES = ("Our classroom", "The view from our school", "Our art project", "Sports day", "Our town's market")
PLAN_TITLES = ("Introduce ourselves", "Letters to our partners", "Shared map of our towns", "Festival calendar")
THREAD_TITLES = (
    "Hello from both classes",
    "Our first video meeting",
    "שאלות לכיתה השותפה",
    "أسئلة إلى صفّ الشركاء",
    "Our favourite books",
)
REPLIES = (
    "Thank you! Our pupils loved your photos.",
    "We will answer with a short video next week.",
    "תודה רבה! נשלח לכם מכתבים בקרוב.",
    "شكرًا لكم! سنرسل لكم رسائلنا قريبًا.",
    "Merci ! Nous avons préparé des questions sur votre ville.",
    "Can we meet on video before the holidays?",
)
PUPIL_FIRST = ("Noa", "Amir", "Yael", "Omer", "Lina", "Sami", "Emma", "Lucas", "Sofia", "Jonas", "Ayşe", "Maya")


def email_part(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "teacher"


# Writing in bulk ---------------------------------------------------------------------------------


class Writer:
    """Writes rows (tuples in the order of `columns`, attribute names) into a model's table in bulk."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.written: Counter[str] = Counter()

    def write(self, model: type[models.Model], columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        searched = getattr(model, "SEARCHED", ())
        if searched and "search_text" not in columns:
            # The folded copy a search reads (`common.search.Searchable`), as `save()` would write it.
            at = [columns.index(name) for name in searched]
            rows = (row + (fold(*(row[i] for i in at)),) for row in rows)
            columns += ("search_text",)
        fields = [model._meta.get_field(name) for name in columns]
        # The columns not given take the field's default, as the ORM would write it: the database has none.
        others = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in columns and not f.primary_key and (f.has_default() or not f.null)
        ]
        if others:
            fields += others
            defaults = tuple(f.get_default() for f in others)
            rows = (row + defaults for row in rows)
        table = model._meta.db_table
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        count = 0
        with connection.cursor() as cursor:
            if self.postgres:
                json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
                with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        if json_at:
                            row = list(row)
                            for i in json_at:
                                row[i] = json.dumps(row[i])
                        copy.write_row(row)
                        count += 1
            else:
                # The table and column names are the models', quoted; the values go as parameters.
                marks = ", ".join(["%s"] * len(fields))
                sql = f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})"  # noqa: S608  # nosec B608
                batch: list[list] = []
                for row in rows:
                    batch.append([f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)])
                    if len(batch) == 5000:
                        cursor.executemany(sql, batch)
                        count, batch = count + len(batch), []
                cursor.executemany(sql, batch)
                count += len(batch)
        self.written[table] += count
        return count

    def reset_sequences(self, tables: Iterable[type[models.Model]]) -> None:
        """After rows written with their own keys, the next key the database gives follows them."""
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(tables)):
                cursor.execute(sql)


class Keys:
    """Primary keys handed out in order, after those already in each table."""

    def __init__(self) -> None:
        self.next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        if model not in self.next:
            top = model.objects.aggregate(top=models.Max("pk"))["top"] or 0
            self.next[model] = top + 1
        key = self.next[model]
        self.next[model] = key + 1
        return key


# The rows kept in memory between stages -----------------------------------------------------------


@dataclass(slots=True)
class SchoolRow:
    pk: int
    country: str
    language: str
    age_from: int
    age_to: int
    time_zone: str
    week: str
    validated: bool
    programmes: tuple[int, ...]
    kind: str
    teachers: list[int] = field(default_factory=list)  # user ids of validated teachers still there
    profile: bool = False


@dataclass(slots=True)
class TwinningRow:
    pk: int
    year: int
    status: str
    schools: list[SchoolRow]
    joined: list[SchoolRow]
    contacts: dict[int, int]  # school pk -> contact's user id
    teachers: list[tuple[int, int]]  # (user id, school pk) of its active teachers
    members: list[tuple[int, int]]  # (user id, school pk) of its active members, teachers and pupils
    started: datetime
    ends: datetime


@dataclass
class Sizes:
    schools: int

    @property
    def twinnings(self) -> int:
        return max(3, self.schools // SCHOOLS_PER_TWINNING)


class Network:
    """One generation: `run` calls each stage in turn and reports its time through `report`."""

    def __init__(self, *, schools: int, seed: int, now: datetime, report: Callable[[str, float, str], None]):
        self.sizes = Sizes(schools)
        self.rng = random.Random(seed)  # nosec B311  # seeded test data; passwords come from `secrets`
        self.now = now
        self.year = current_school_year(now.date())
        self.report = report
        self.writer = Writer()
        self.keys = Keys()
        self.schools: list[SchoolRow] = []
        self.twinnings: list[TwinningRow] = []
        self.nso_staff: dict[str, list[int]] = {}
        self.coordinators: dict[int, int] = {}  # programme pk -> coordinator's user id
        self.admin_id = 0
        self.programmes: dict[str, Programme] = {}
        self.pupils_of: dict[int, list[int]] = {}  # twinning pk -> pupils' user ids
        self.sign_ins: list[tuple[str, str, int | None, int | None]] = []  # (kind, login, twinning, school)

    def run(self) -> None:
        for stage in (
            self.countries_and_staff,
            self.schools_stage,
            self.teachers_stage,
            self.profiles_stage,
            self.twinnings_stage,
            self.pupils_stage,
            self.forum_stage,
            self.media_stage,
            self.plans_and_meetings_stage,
            self.labels_stage,
        ):
            began = clock.perf_counter()
            what = stage()
            self.report(stage.__name__.removesuffix("_stage").replace("_", " "), clock.perf_counter() - began, what)
        self.writer.reset_sequences(
            [
                User,
                Role,
                NSO,
                Programme,
                School,
                TeacherProfile,
                ProgrammeMembership,
                TwinningProfile,
                ProfileLanguage,
                Twinning,
                TwinningSchool,
                Membership,
                Pupil,
                Thread,
                Post,
                Event,
                MediaItem,
                MediaVariant,
                Activity,
                Meeting,
                MeetingSchool,
                Label,
                AuditEntry,
                School.languages.through,
                School.programmes.through,
                TeacherProfile.subjects.through,
                TeacherProfile.languages.through,
                TwinningProfile.objectives.through,
                TwinningProfile.themes.through,
            ]
        )

    # Helpers -------------------------------------------------------------------------------------

    def moment(self, start: datetime, end: datetime) -> datetime:
        span = max(1, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randrange(span))

    def person_name(self, country: str) -> tuple[str, str]:
        """(full name, the part of an e-mail address made from it)."""
        rng = self.rng
        source = NAMES_LIKE.get(country, country)
        first, last = rng.choice(FIRST_NAMES[source]), rng.choice(LAST_NAMES[source])
        latin = f"{first} {last}"
        if country == "IL" and rng.random() < 0.5:
            return f"{rng.choice(HEBREW_PERSON_NAMES[0])} {rng.choice(HEBREW_PERSON_NAMES[1])}", email_part(latin)
        if NETWORK_INTERFACE_LANGUAGE.get(country) == "ar" and rng.random() < 0.5:
            return f"{rng.choice(ARABIC_PERSON_NAMES[0])} {rng.choice(ARABIC_PERSON_NAMES[1])}", email_part(latin)
        return latin, email_part(latin)

    def unusable_password(self) -> str:
        # As `set_unusable_password` writes it: "!" and random characters, no hash of anything.
        return f"!{self.rng.getrandbits(160):040x}"

    # Stages --------------------------------------------------------------------------------------

    def countries_and_staff(self) -> str:
        nsos: dict[str, NSO] = {}
        for code, (en, he, ar, time_zone, week) in NETWORK_COUNTRIES.items():
            slug = code.lower()
            nsos[code] = NSO.objects.create(
                slug=slug,
                email=f"nso-{slug}@example.org",
                website=f"https://nso-{slug}.example.org",
                names={
                    "en": f"National Support Organisation – {en}",
                    "he": f"ארגון התמיכה הלאומי – {he}",
                    "ar": f"منظمة الدعم الوطنية – {ar}",
                },
            )
            Country.objects.create(
                code=code,
                names={"en": en, "he": he, "ar": ar},
                nso=nsos[code],
                default_time_zone=time_zone,
                default_school_week=week,
            )
        for slug, (titles, descriptions, codes) in NETWORK_PROGRAMMES.items():
            programme = Programme.objects.create(
                slug=slug,
                names=dict(zip(("en", "he", "ar"), titles, strict=True)),
                descriptions=dict(zip(("en", "he", "ar"), descriptions, strict=True)),
                partners_from_other_countries=True,
            )
            programme.countries.set(codes)
            self.programmes[slug] = programme
        joined = self.now - timedelta(days=1500)
        users, roles = [], []

        def staff(email: str, full_name: str, language: str, time_zone: str, **extra) -> int:
            pk = self.keys.take(User)
            users.append(
                (pk, self.unusable_password(), email, None, full_name, language, time_zone, joined, joined, True)
                + (extra.get("is_staff", False), extra.get("is_superuser", False))
            )
            return pk

        self.admin_id = staff(
            f"admin@{NETWORK_DOMAIN}", "Platform Administrator", "en", "UTC", is_staff=True, is_superuser=True
        )
        for code, (_en, _he, _ar, time_zone, _week) in NETWORK_COUNTRIES.items():
            language = NETWORK_INTERFACE_LANGUAGE.get(code, "en")
            self.nso_staff[code] = []
            for n in (1, 2):
                name, _part = self.person_name(code)
                pk = staff(f"nso-{code.lower()}-{n}@{NETWORK_DOMAIN}", name, language, time_zone)
                self.nso_staff[code].append(pk)
                roles.append((self.keys.take(Role), pk, Role.Kind.NSO_STAFF, nsos[code].pk, None, joined))
            name, _part = self.person_name(code)
            pk = staff(f"coordinator-{code.lower()}@{NETWORK_DOMAIN}", name, language, time_zone)
            roles.append((self.keys.take(Role), pk, Role.Kind.COORDINATOR, nsos[code].pk, None, joined))
        for slug, programme in self.programmes.items():
            code = NETWORK_PROGRAMMES[slug][2][0]
            name, _part = self.person_name(code)
            pk = staff(f"coordinator-{slug}@{NETWORK_DOMAIN}", name, "en", NETWORK_COUNTRIES[code][3])
            self.coordinators[programme.pk] = pk
            roles.append((self.keys.take(Role), pk, Role.Kind.COORDINATOR, None, programme.pk, joined))
        self.writer.write(User, USER_COLUMNS + ("is_staff", "is_superuser"), users)
        self.writer.write(
            Role,
            ("id", "user_id", "kind", "nso_id", "programme_id", "granted_at"),
            roles,
        )
        return f"{len(nsos)} countries and NSOs, {len(self.programmes)} programmes, {len(users)} staff"

    def schools_stage(self) -> str:
        rng, n = self.rng, self.sizes.schools
        cities = self.cities()
        codes = list(NETWORK_COUNTRIES)
        # Countries as large as real ones are, roughly: a few with many schools, many with fewer.
        weights = [1.0 / (1 + i % 13) for i in range(len(codes))]
        programmes_of = {
            code: [p for slug, p in self.programmes.items() if code in NETWORK_PROGRAMMES[slug][2]] for code in codes
        }
        seen: Counter[tuple[str, str]] = Counter()
        rows, languages, in_programmes, memberships = [], [], [], []
        created = self.now - timedelta(days=365 * 4)
        for country in rng.choices(codes, weights, k=n):
            pk = self.keys.take(School)
            spoken = COUNTRY_LANGUAGES[country]
            language = spoken[0]
            kind = rng.choice(("public", "public", "public", "private", "religious"))
            # Jewish day and supplementary schools, in the diaspora's countries.
            jewish = country != "IL" and "he" in spoken and rng.random() < (0.1 if country == "ET" else 0.05)
            if jewish:
                kind = rng.choice(("day", "day", "supplementary"))
            if country in ("PS", "JO", "LB") and rng.random() < 0.15:
                kind = "refugee"
            name, native, age_from, age_to = school_names.school_name(
                rng, language if language in LANGUAGE_OF_NAMES else "en"
            )
            city, time_zone = rng.choice(cities[country])
            seen[(name, city)] += 1
            if seen[(name, city)] > 1:
                k = seen[(name, city)]
                name_language = language if language in LANGUAGE_OF_NAMES else "en"
                name = school_names.numbered(name_language, name, k)
                native = school_names.numbered(name_language, native, k)
            if jewish and language not in ("he",):
                name = f"{name} – Hebrew Day School" if kind == "day" else f"{name} Hebrew Classes"
                native = ""
            week = "sun_thu" if kind == "supplementary" else NETWORK_COUNTRIES[country][4]
            validated = rng.random() < 0.96
            choices = [p for p in programmes_of[country] if (p.slug == D) == (jewish or country == "IL")]
            if country == "IL" and rng.random() < 0.3:
                choices += [p for p in programmes_of[country] if p.slug != D]
            chosen = tuple(sorted({p.pk for p in choices[: 1 + (rng.random() < 0.2)]})) or (
                programmes_of[country][0].pk,
            )
            school = SchoolRow(pk, country, language, age_from, age_to, time_zone, week, validated, chosen, kind)
            self.schools.append(school)
            made = self.moment(created, self.now - timedelta(days=30))
            status = ValidationStatus.VALIDATED if validated else ValidationStatus.PENDING
            decided = made + timedelta(days=rng.randint(1, 12)) if validated else None
            rows.append(
                (
                    pk,
                    fold(name, native, city),
                    name,
                    native,
                    country,
                    city,
                    kind,
                    age_from,
                    age_to,
                    time_zone,
                    week,
                    "",
                    status,
                    made,
                    decided,
                    rng.choice(self.nso_staff[country]) if validated else None,
                    "",
                )
            )
            for code in spoken[: rng.randint(1, len(spoken))]:
                languages.append((school.pk, code))
            for programme in chosen:
                in_programmes.append((school.pk, programme))
                memberships.append(
                    (self.keys.take(ProgrammeMembership), programme, school.pk, "approved", made, decided, "")
                )
        self.writer.write(School, SCHOOL_COLUMNS, rows)
        self.writer.write(School.languages.through, ("school_id", "language_id"), languages)
        self.writer.write(School.programmes.through, ("school_id", "programme_id"), in_programmes)
        self.writer.write(
            ProgrammeMembership,
            ("id", "programme_id", "school_id", "status", "requested_at", "decided_at", "reason"),
            memberships,
        )
        return f"{len(rows):,} schools"

    def cities(self) -> dict[str, list[tuple[str, str]]]:
        """Each country's towns with their time zones: the demo's schools' towns, and the thirty more's."""
        found: dict[str, dict[str, str]] = {}
        for spec in SCHOOLS:
            found.setdefault(spec.country, {})[spec.city] = spec.time_zone or NETWORK_COUNTRIES[spec.country][3]
        for code, towns in MORE_CITIES.items():
            for town in towns:
                city, zone = town if isinstance(town, tuple) else (town, NETWORK_COUNTRIES[code][3])
                found.setdefault(code, {})[city] = zone
        return {code: sorted(towns.items()) for code, towns in found.items()}

    def teachers_stage(self) -> str:
        rng = self.rng
        counts, weights = TEACHERS_PER_SCHOOL
        users, teachers, subjects, languages = [], [], [], []
        for school in self.schools:
            staff = self.nso_staff[school.country]
            language = NETWORK_INTERFACE_LANGUAGE.get(school.country, "en")
            pool = self.subject_pool(school)
            for n in range(rng.choices(counts, weights)[0]):
                pk = self.keys.take(User)
                full_name, part = self.person_name(school.country)
                joined = self.moment(self.now - timedelta(days=1400), self.now - timedelta(days=3))
                confirmed = joined + timedelta(minutes=rng.randint(2, 300))
                users.append(
                    (
                        pk,
                        self.unusable_password(),
                        f"{part}.{pk}@{NETWORK_DOMAIN}",
                        None,
                        full_name,
                        language,
                        school.time_zone,
                        joined,
                        confirmed,
                        True,
                    )
                )
                status, decided, decided_by, reason, left = ValidationStatus.PENDING, None, None, "", None
                if school.validated:
                    roll = rng.random()
                    if roll < 0.92 or n == 0:
                        status = ValidationStatus.VALIDATED
                    elif roll < 0.97:
                        status = ValidationStatus.PENDING
                    else:
                        status = ValidationStatus.REJECTED
                        reason = "We could not confirm that you teach at this school."
                    if status != ValidationStatus.PENDING:
                        decided, decided_by = confirmed + timedelta(days=rng.randint(1, 10)), rng.choice(staff)
                    if status == ValidationStatus.VALIDATED and n > 0 and rng.random() < 0.02:
                        left = self.moment(decided, self.now)
                if status == ValidationStatus.VALIDATED and left is None:
                    school.teachers.append(pk)
                codes = list(dict.fromkeys(rng.sample(pool, rng.randint(1, 2))))  # the pools repeat some, for weight
                bio = self.bio(school, codes)
                teachers.append((pk, pk, school.pk, bio, status, joined, decided, decided_by, reason, left))
                subjects.extend((pk, code) for code in codes)
                spoken = {school.language if school.language in LANGUAGES else "en"} | {
                    SUBJECT_LANGUAGE[c] for c in codes if c in SUBJECT_LANGUAGE
                }
                if rng.random() < 0.3:
                    spoken.add(rng.choice(EXTRA_LANGUAGES.get(school.country, COUNTRY_LANGUAGES[school.country])))
                languages.extend((pk, code) for code in sorted(spoken))
        self.writer.write(User, USER_COLUMNS, users)
        self.writer.write(
            TeacherProfile,
            (
                "id",
                "user_id",
                "school_id",
                "bio",
                "status",
                "submitted_at",
                "decided_at",
                "decided_by_id",
                "rejection_reason",
                "left_at",
            ),
            teachers,
        )
        self.writer.write(TeacherProfile.subjects.through, ("teacherprofile_id", "subject_id"), subjects)
        self.writer.write(TeacherProfile.languages.through, ("teacherprofile_id", "language_id"), languages)
        return f"{len(teachers):,} teachers"

    def subject_pool(self, school: SchoolRow) -> tuple[str, ...]:
        if school.age_to <= 12:
            return SUBJECTS_BY_KIND["primary"]
        if school.kind == "supplementary":
            return SUBJECTS_BY_KIND["supplementary"]
        if school.kind == "day":
            return SUBJECTS_BY_KIND["jewish"]
        if school.country == "IL":
            return SUBJECTS_BY_KIND["il-religious" if school.kind == "religious" else "il"]
        if school.language == "ar":
            return SUBJECTS_BY_KIND["arab"]
        return SUBJECTS_BY_KIND["public-en" if school.language == "en" else "public"]

    def bio(self, school: SchoolRow, codes: list[str]) -> str:
        if self.rng.random() < 0.3:
            return ""
        if school.language == "he":
            return self.rng.choice(HOPES_HE)
        if school.language == "ar":
            return self.rng.choice(HOPES_AR)
        subjects = " and ".join(SUBJECT_PHRASES.get(c, "a primary class") for c in codes)
        return f"I teach {subjects}. {self.rng.choice(HOPES_EN)}"

    def profiles_stage(self) -> str:
        """This year's open twinning profiles, for about a third of the validated schools with teachers."""
        from twinning.matching.engine.vision import VisionEncoder, to_bytes  # numpy and the model, only here

        rng = self.rng
        encoder = VisionEncoder.shared()
        vectors: dict[str, bytes | None] = {}
        for texts in VISIONS.values():
            encoded = encoder.encode(list(texts)) if encoder is not None else [None] * len(texts)
            for text, vector in zip(texts, encoded, strict=True):
                vectors[text] = to_bytes(vector) if vector is not None else None
        rows, levels, objectives, themes = [], [], [], []
        for school in self.schools:
            if not (school.validated and school.teachers) or rng.random() > 0.35:
                continue
            school.profile = True
            pk = self.keys.take(TwinningProfile)
            vision = rng.choice(VISIONS.get(school.language, VISIONS["en"]))
            start = rng.choice((time(7, 45), time(8, 0), time(8, 15), time(8, 30)))
            age_from = rng.randint(school.age_from, max(school.age_from, school.age_to - 1))
            rows.append(
                (
                    pk,
                    school.pk,
                    self.year,
                    school.programmes[0],
                    vision,
                    vectors[vision],
                    age_from,
                    min(school.age_to, age_from + rng.choice((0, 1, 2))),
                    rng.randint(16, 32),
                    rng.choice((1, 1, 1, 2)),
                    school.time_zone,
                    school.week,
                    start,
                    time(start.hour + rng.choice((5, 6)), start.minute),
                    rng.random() < 0.85,
                    rng.choice(("shared", "shared", "each", "none")),
                    True,
                    rng.choice(school.teachers),
                    self.moment(datetime(self.year, 9, 1, tzinfo=UTC), self.now),
                )
            )
            spoken = {school.language if school.language in LANGUAGES else "en": 3}
            spoken.setdefault("en", rng.choice((1, 2, 2, 3)))
            levels.extend((self.keys.take(ProfileLanguage), pk, code, level) for code, level in spoken.items())
            pool = OBJECTIVES_BY_COUNTRY.get(school.country, DEFAULT_OBJECTIVES)
            objectives.extend((pk, code) for code in rng.sample(pool, rng.randint(2, 3)))
            themes.extend((pk, code) for code in rng.sample(THEMES, rng.randint(1, 3)))
        self.writer.write(
            TwinningProfile,
            (
                "id",
                "school_id",
                "school_year",
                "programme_id",
                "vision",
                "vision_vector",
                "age_from",
                "age_to",
                "class_size",
                "capacity",
                "time_zone",
                "school_week",
                "day_start",
                "day_end",
                "live_video",
                "devices",
                "looking",
                "created_by_id",
                "updated_at",
            ),
            rows,
        )
        self.writer.write(ProfileLanguage, ("id", "profile_id", "language_id", "level"), levels)
        self.writer.write(TwinningProfile.objectives.through, ("twinningprofile_id", "objective_id"), objectives)
        self.writer.write(TwinningProfile.themes.through, ("twinningprofile_id", "subject_id"), themes)
        return f"{len(rows):,} profiles ({'with' if encoder else 'without'} vision vectors)"

    def twinnings_stage(self) -> str:
        """Pairs (and some threes) of schools sharing a programme, from different countries, with classes close
        in age, never twinned twice in a year; three years of them, the last one this year's."""
        rng = self.rng
        bands = self.bands()
        keys = [key for key in sorted(bands) if len(bands[key]) > 1]
        weights = [sum(len(schools) for schools in bands[key].values()) for key in keys]
        total = self.sizes.twinnings
        twinnings, rows, members, history = [], [], [], []
        for offset, share in zip((2, 1, 0), YEAR_SHARES, strict=True):
            year = self.year - offset
            paired: set[tuple[int, int]] = set()
            first_day = min(datetime(year, 9, 1, 8, tzinfo=UTC), self.now - timedelta(days=60))
            last_day = min(datetime(year + 1, 6, 30, 15, tzinfo=UTC), self.now)
            quota, made = round(total * share), 0
            for _try in range(3 * quota):
                if made == quota:
                    break
                key = rng.choices(keys, weights)[0]
                band = bands[key]
                # Hosts from large countries more often, but not in proportion: small ones twin too.
                countries = sorted(band)
                country = rng.choices(countries, [len(band[c]) ** 0.5 for c in countries])[0]
                host = rng.choice(band[country])
                partners = self.partners(host, band, paired)
                if not partners:
                    continue
                made += 1
                status = "closed" if offset else rng.choices(*zip(*THIS_YEAR, strict=True))[0]
                created = self.moment(first_day, min(first_day + timedelta(days=75), self.now - timedelta(days=20)))
                started = created + timedelta(days=rng.randint(3, 15))
                pk = self.keys.take(Twinning)
                schools = [host, *partners]
                contacts = {s.pk: rng.choice(s.teachers) for s in schools}
                gone: tuple[int, datetime] | None = None  # the school that left, and when
                if status == "proposed":
                    joined = [host]
                elif status == "needs_partner":
                    joined = schools[:-1]
                else:
                    joined = schools
                closed = last_day if status == "closed" else None
                changed = closed or started
                row = TwinningRow(pk, year, status, schools, joined, {}, [], [], started, closed or self.now)
                titles = rng.choice(TWINNING_TITLES)
                rows.append(
                    (
                        pk,
                        titles,
                        {},
                        year,
                        key[0],
                        self.coordinators[key[0]],
                        status,
                        rng.random() < 0.3,
                        contacts[host.pk],
                        created,
                        changed,
                        closed,
                    )
                )
                for school in schools:
                    state = "joined" if school in joined else "invited"
                    left_at, reason = None, ""
                    if status == "needs_partner" and school not in joined:
                        state, left_at, reason = "left", started + timedelta(days=rng.randint(5, 40)), ""
                        reason = "Our partner class changed teacher mid-year."
                        gone = (school.pk, left_at)
                    contact = contacts[school.pk] if state != "invited" else None
                    twinnings.append(
                        (
                            self.keys.take(TwinningSchool),
                            pk,
                            school.pk,
                            contact,
                            state,
                            created if school is host else (started if state != "invited" else None),
                            left_at,
                            reason,
                        )
                    )
                    if state == "invited":
                        continue
                    active = state == "joined"
                    members.append(
                        (self.keys.take(Membership), pk, contact, school.pk, "teacher_admin", created, active)
                    )
                    if active:
                        row.contacts[school.pk] = contact
                        row.teachers.append((contact, school.pk))
                    others = [t for t in school.teachers if t != contact]
                    if others and rng.random() < 0.35:
                        colleague = rng.choice(others)
                        members.append(
                            (self.keys.take(Membership), pk, colleague, school.pk, "teacher", started, active)
                        )
                        if active:
                            row.teachers.append((colleague, school.pk))
                row.members = list(row.teachers)
                self.twinnings.append(row)
                history += self.history(
                    row, created=created, contacts=contacts, coordinator=self.coordinators[key[0]], gone=gone
                )
        self.writer.write(
            Twinning,
            (
                "id",
                "titles",
                "descriptions",
                "school_year",
                "programme_id",
                "coordinator_id",
                "status",
                "moderate_pupils",
                "created_by_id",
                "created_at",
                "changed_at",
                "closed_at",
            ),
            rows,
        )
        self.writer.write(
            TwinningSchool,
            ("id", "twinning_id", "school_id", "contact_id", "status", "joined_at", "left_at", "reason"),
            twinnings,
        )
        self.writer.write(Membership, MEMBERSHIP_COLUMNS, members)
        self.writer.write(
            AuditEntry, ("id", "at", "actor_id", "action", "target_type_id", "target_id", "data"), history
        )
        self.memberships = len(members)
        return (
            f"{len(rows):,} twinnings, {len(twinnings):,} schools in them, {len(members):,} teacher memberships, "
            f"{len(history):,} entries of their history"
        )

    def history(
        self,
        row: TwinningRow,
        *,
        created: datetime,
        contacts: dict[int, int],
        coordinator: int,
        gone: tuple[int, datetime] | None,
    ) -> list:
        """The twinning's audit log as the services write it (`twinnings.services`): proposed by the host's contact,
        accepted by each partner (a school that left later had joined first), approved by the programme's
        coordinator, started, and then closed or left by a school. The reports count a closed twinning only if it
        was approved first, and the history pages show these entries."""
        host, partners = row.schools[0], row.schools[1:]
        third = (row.started - created) / 3
        accepted = created + third
        entries = [(created, contacts[host.pk], "twinning.proposed", {})]
        if row.status != "proposed":
            entries += [(accepted, contacts[s.pk], "twinning.school_accepted", {"school": s.pk}) for s in partners]
            entries.append((accepted, contacts[partners[-1].pk], "twinning.accepted", {}))
        if row.status not in ("proposed", "accepted"):
            entries.append((accepted + third, coordinator, "twinning.approved", {}))
        if row.status in ("active", "needs_partner", "closed"):
            entries.append((row.started, contacts[host.pk], "twinning.started", {}))
        if gone is not None:
            school, at = gone
            entries.append((at, contacts[school], "twinning.school_left", {"school": school}))
            entries.append((at, contacts[school], "twinning.needs_partner", {}))
        if row.status == "closed":
            entries.append((row.ends, contacts[host.pk], "twinning.closed", {}))
        kind = ContentType.objects.get_for_model(Twinning).pk
        return [
            (self.keys.take(AuditEntry), at, actor, action, kind, row.pk, data) for at, actor, action, data in entries
        ]

    def bands(self) -> dict[tuple[int, bool], dict[str, list[SchoolRow]]]:
        """The schools that may twin (validated, with a teacher), by programme and age band, then by country."""
        bands: dict[tuple[int, bool], dict[str, list[SchoolRow]]] = {}
        for school in self.schools:
            if school.validated and school.teachers:
                for programme in school.programmes:
                    band = bands.setdefault((programme, school.age_from < 11), {})
                    band.setdefault(school.country, []).append(school)
        return bands

    def partners(
        self, host: SchoolRow, band: dict[str, list[SchoolRow]], paired: set[tuple[int, int]]
    ) -> list[SchoolRow]:
        """One partner school (one time in ten, two), each from another country, none twinned with another this
        year. The partner's country is drawn as large countries weigh, among the band's other countries."""
        partners: list[SchoolRow] = []
        countries = sorted(band)
        for _try in range(12):
            weights = [0 if c in {s.country for s in (host, *partners)} else len(band[c]) for c in countries]
            if not any(weights):
                break
            other = self.rng.choice(band[self.rng.choices(countries, weights)[0]])
            pairs = {(min(school.pk, other.pk), max(school.pk, other.pk)) for school in (host, *partners)}
            if other.country not in {school.country for school in (host, *partners)} and not pairs & paired:
                partners.append(other)
                paired |= pairs
                if len(partners) == 2 or self.rng.random() < 0.9:
                    break
        return partners

    def pupils_stage(self) -> str:
        """A class of pupils for each school in a twinning that got under way, each pupil with the consent their
        family gave; their full name is kept only where the family agreed to it (as `consent` does)."""
        rng = self.rng
        users, pupils, members = [], [], []
        for twinning in self.twinnings:
            if twinning.status not in ("active", "needs_partner", "closed"):
                continue
            for school in twinning.joined:
                teacher = twinning.contacts[school.pk]
                language = NETWORK_INTERFACE_LANGUAGE.get(school.country, "en")
                for _n in range(PUPILS_PER_CLASS):
                    pk = self.keys.take(User)
                    first = rng.choice(PUPIL_FIRST)
                    full_name, _part = self.person_name(school.country)
                    display = f"{first} {full_name.split()[-1][0]}."
                    joined = min(twinning.started + timedelta(days=rng.randint(1, 20)), self.now)
                    users.append(
                        (pk, self.unusable_password(), None, f"s{school.pk}-{email_part(first)}{pk}", display)
                        + (language, school.time_zone, joined, None, True)
                    )
                    consent = [rng.random() < p for p in (0.75, 0.55, 0.6, 0.3, 0.15)]
                    pupils.append(
                        (self.keys.take(Pupil), pk, school.pk, display, full_name if consent[3] else "", *consent)
                        + (teacher, joined)
                    )
                    members.append((self.keys.take(Membership), twinning.pk, pk, school.pk, "pupil", joined, True))
                    twinning.members.append((pk, school.pk))
                    self.pupils_of.setdefault(twinning.pk, []).append(pk)
        self.writer.write(User, USER_COLUMNS, users)
        self.writer.write(
            Pupil,
            (
                "id",
                "user_id",
                "school_id",
                "display_name",
                "full_name",
                "consent_face",
                "consent_video",
                "consent_voice",
                "consent_full_name",
                "consent_public",
                "created_by_id",
                "created_at",
            ),
            pupils,
        )
        self.writer.write(Membership, MEMBERSHIP_COLUMNS, members)
        return f"{len(pupils):,} pupils"

    def worked(self) -> Iterator[TwinningRow]:
        """The twinnings that got under way (their classes post, upload, plan and meet)."""
        return (t for t in self.twinnings if t.status in ("active", "needs_partner", "closed"))

    def forum_stage(self) -> str:
        """Threads and posts by the twinning's own members only, each with its event for the feed."""
        rng = self.rng
        threads, posts, events = [], [], []
        for twinning in self.worked():
            end = min(twinning.ends, self.now)
            for _t in range(rng.randint(1, 3)):
                thread_pk = self.keys.take(Thread)
                at = self.moment(twinning.started, end)
                author, school = rng.choice(twinning.teachers)
                title = rng.choice(THREAD_TITLES)
                opening = rng.choice(CONVERSATIONS)[1]
                first_pk = self.keys.take(Post)
                posts.append((first_pk, thread_pk, author, opening, None, school, "published", at))
                events.append(
                    (self.keys.take(Event), twinning.pk, author, "thread", thread_pk, first_pk, None, None, at)
                )
                count, last = 1, at
                for _p in range(rng.randint(1, 7)):
                    last = self.moment(last, min(last + timedelta(days=9), end))
                    writer, writer_school = rng.choice(twinning.members)
                    post_pk = self.keys.take(Post)
                    posts.append(
                        (post_pk, thread_pk, writer, rng.choice(REPLIES), None, writer_school, "published", last)
                    )
                    events.append(
                        (self.keys.take(Event), twinning.pk, writer, "post", thread_pk, post_pk, None, None, last)
                    )
                    count += 1
                threads.append((thread_pk, twinning.pk, title, author, at, last, count))
        self.writer.write(
            Thread, ("id", "twinning_id", "title", "author_id", "created_at", "last_post_at", "post_count"), threads
        )
        self.writer.write(
            Post, ("id", "thread_id", "author_id", "body", "quote_id", "school_id", "status", "created_at"), posts
        )
        self.writer.write(Event, EVENT_COLUMNS, events)
        return f"{len(threads):,} threads, {len(posts):,} posts"

    def media_stage(self) -> str:
        """Photo rows that share a few small real JPEG files (each row points at one of them, with its thumbnail),
        uploaded by the twinning's teachers."""
        rng = self.rng
        files = shared_photos()
        items, variants, events = [], [], []
        for twinning in self.worked():
            for _m in range(rng.randint(0, 4)):
                pk = self.keys.take(MediaItem)
                uploader, school = rng.choice(twinning.teachers)
                photo = rng.choice(files)
                at = self.moment(twinning.started, min(twinning.ends, self.now))
                items.append(
                    (pk, twinning.pk, uploader, "photo", rng.choice(PHOTO_TITLES), photo.name, "image/jpeg")
                    + (photo.size, f"IMG_{rng.randint(1000, 9999)}.jpg", school, "published", "ready", at)
                )
                variants.append(
                    (self.keys.take(MediaVariant), pk, "thumb", photo.thumb, "image/jpeg", photo.thumb_size)
                    + (photo.thumb_width, photo.thumb_height)
                )
                events.append((self.keys.take(Event), twinning.pk, uploader, "media", None, None, pk, None, at))
        self.writer.write(
            MediaItem,
            (
                "id",
                "twinning_id",
                "uploader_id",
                "kind",
                "title",
                "file",
                "content_type",
                "size",
                "original_name",
                "school_id",
                "status",
                "preparation",
                "created_at",
            ),
            items,
        )
        self.writer.write(
            MediaVariant, ("id", "item_id", "name", "file", "content_type", "size", "width", "height"), variants
        )
        self.writer.write(Event, EVENT_COLUMNS, events)
        return f"{len(items):,} photo rows sharing {len(files)} files in {MEDIA_FOLDER}/"

    def plans_and_meetings_stage(self) -> str:
        """Each twinning's plan, a meeting held (with its record) and, for this year's, one confirmed ahead: in
        the host school's hours on one of its school days, in its own time zone."""
        rng = self.rng
        activities, events, meetings, answers = [], [], [], []
        for twinning in self.worked():
            host = twinning.joined[0]
            contact = twinning.contacts[host.pk]
            done = twinning.status == "closed"
            for n, title in enumerate(rng.sample(PLAN_TITLES, 2)):
                pk = self.keys.take(Activity)
                starts = (twinning.started + timedelta(days=7 + 30 * n)).date()
                status = "done" if done or starts < (self.now - timedelta(days=30)).date() else "planned"
                made = twinning.started + timedelta(days=1)
                activities.append(
                    (pk, twinning.pk, title, "", starts, starts + timedelta(days=21), contact, status, contact, made)
                )
                events.append((self.keys.take(Event), twinning.pk, contact, "activity", None, None, None, pk, made))
            held_on = self.school_day(host, (twinning.started + timedelta(days=rng.randint(14, 60))).date())
            if held_on < self.now.date():
                meetings.append(self.meeting(twinning, host, held_on, "held", answers))
            if twinning.status == "active" and rng.random() < 0.6:
                ahead = self.school_day(host, (self.now + timedelta(days=rng.randint(2, 30))).date())
                meetings.append(self.meeting(twinning, host, ahead, "confirmed", answers))
        self.writer.write(
            Activity,
            (
                "id",
                "twinning_id",
                "title",
                "description",
                "starts_on",
                "due_on",
                "owner_id",
                "status",
                "created_by_id",
                "created_at",
            ),
            activities,
        )
        self.writer.write(Event, EVENT_COLUMNS, events)
        self.writer.write(
            Meeting,
            (
                "id",
                "twinning_id",
                "title",
                "agenda",
                "starts_at",
                "ends_at",
                "video_link",
                "status",
                "to_be_recorded",
                "proposed_by_id",
                "created_at",
                "sequence",
                "changed_at",
                "notes",
                "recorded_by_id",
                "recorded_at",
            ),
            meetings,
        )
        self.writer.write(
            MeetingSchool,
            (
                "id",
                "meeting_id",
                "school_id",
                "answer",
                "answered_by_id",
                "answered_at",
                "reason",
                "pupils_present",
                "teachers_present",
            ),
            answers,
        )
        return f"{len(activities):,} plan activities, {len(meetings):,} meetings"

    def school_day(self, school: SchoolRow, day: date) -> date:
        days = SCHOOL_WEEK_DAYS[school.week]
        while day.isoweekday() not in days:
            day += timedelta(days=1)
        return day

    def meeting(self, twinning: TwinningRow, host: SchoolRow, day: date, status: str, answers: list) -> tuple:
        rng = self.rng
        pk = self.keys.take(Meeting)
        local = datetime.combine(day, time(rng.choice((9, 10, 11, 12)), rng.choice((0, 30))), ZoneInfo(host.time_zone))
        starts = local.astimezone(UTC)
        proposed = starts - timedelta(days=rng.randint(7, 14))
        contact = twinning.contacts[host.pk]
        held = status == "held"
        for school in twinning.joined:
            answers.append(
                (self.keys.take(MeetingSchool), pk, school.pk, "accepted", twinning.contacts[school.pk])
                + (proposed + timedelta(hours=rng.randint(2, 48)), "")
                + ((rng.randint(8, 30), rng.randint(1, 2)) if held else (None, None))
            )
        return (
            pk,
            twinning.pk,
            rng.choice(MEETING_TITLES),
            "",
            starts,
            starts + timedelta(minutes=45),
            "",
            status,
            False,
            contact,
            proposed,
            0,
            proposed,
            "We introduced ourselves and asked about each other's towns." if held else "",
            contact if held else None,
            starts + timedelta(hours=2) if held else None,
        )

    def labels_stage(self) -> str:
        """National quality labels for about one finished twinning in eight: each school's contact holds one."""
        rng = self.rng
        labels = []
        for twinning in self.twinnings:
            if twinning.status != "closed" or rng.random() > 0.125:
                continue
            for school in twinning.joined:
                labels.append(
                    (self.keys.take(Label), "national", twinning.year, school.pk, twinning.contacts[school.pk])
                    + (twinning.pk, round(rng.uniform(70, 98), 1), twinning.ends + timedelta(days=rng.randint(20, 60)))
                    + (rng.choice(self.nso_staff[school.country]),)
                )
        self.writer.write(
            Label,
            ("id", "kind", "school_year", "school_id", "teacher_id", "twinning_id", "score", "awarded_at")
            + ("awarded_by_id",),
            labels,
        )
        return f"{len(labels):,} quality labels"

    # Sign-ins ------------------------------------------------------------------------------------

    def give_sign_ins(self, password: str, app_key: str) -> list[tuple[str, str, int | None, int | None]]:
        """A small set of accounts that can sign in with one password: teachers (and pupils) of this year's
        active twinnings whose schools have a profile, NSO staff and coordinators (with an authenticator app
        sharing one key). Every other account keeps an unusable password."""
        rows: list[tuple[str, str, int | None, int | None]] = []
        teachers: dict[int, tuple[int, int]] = {}
        pupils: dict[int, tuple[int, int]] = {}
        for twinning in self.twinnings:
            if twinning.status != "active" or twinning.year != self.year:
                continue
            for school in twinning.joined:
                if school.profile and len(teachers) < SIGN_IN_TEACHERS:
                    teachers.setdefault(twinning.contacts[school.pk], (twinning.pk, school.pk))
            for pupil in self.pupils_of.get(twinning.pk, [])[:1]:
                if len(pupils) < SIGN_IN_PUPILS:
                    pupils[pupil] = (twinning.pk, twinning.joined[0].pk)
        staff = [pk for code in sorted(self.nso_staff) for pk in self.nso_staff[code][:1]]
        staff += list(self.coordinators.values())
        chosen = [*teachers, *pupils, *staff, self.admin_id]
        User.objects.filter(pk__in=chosen).update(password=make_password(password))
        TOTPDevice.objects.bulk_create(
            TOTPDevice(user_id=pk, name=second_factor.APP_DEVICE_NAME, key=app_key, confirmed=True)
            for pk in [*staff, self.admin_id]
        )
        login = dict(User.objects.filter(pk__in=chosen).values_list("pk", "email"))
        usernames = dict(User.objects.filter(pk__in=list(pupils)).values_list("pk", "username"))
        rows += [("teacher", login[pk], *where) for pk, where in teachers.items()]
        rows += [("pupil", usernames[pk], *where) for pk, where in pupils.items()]
        kind_of = dict.fromkeys(staff, "nso_staff") | dict.fromkeys(self.coordinators.values(), "coordinator")
        rows += [(kind_of[pk], login[pk], None, None) for pk in staff]
        rows.append(("admin", login[self.admin_id], None, None))
        return rows


# Column lists used by more than one stage.
USER_COLUMNS = (
    "id",
    "password",
    "email",
    "username",
    "full_name",
    "preferred_language",
    "time_zone",
    "date_joined",
    "email_confirmed_at",
    "is_active",
)
SCHOOL_COLUMNS = (
    "id",
    "search_text",
    "name",
    "native_name",
    "country_id",
    "city",
    "school_type",
    "age_from",
    "age_to",
    "time_zone",
    "school_week",
    "website",
    "status",
    "created_at",
    "decided_at",
    "decided_by_id",
    "rejection_reason",
)
MEMBERSHIP_COLUMNS = ("id", "twinning_id", "user_id", "school_id", "role", "added_at", "active")
EVENT_COLUMNS = ("id", "twinning_id", "actor_id", "kind", "thread_id", "post_id", "media_id", "activity_id", "at")
# The languages school names are written in (demo/names.py); others are named in English.
LANGUAGE_OF_NAMES = set(school_names.SCHOOL_PATTERNS)
# The languages a profile or teacher can name (the reference table's, from a migration).
LANGUAGES = {"am", "ar", "de", "el", "en", "es", "fr", "he", "it", "nl", "pl", "pt", "ru", "tr", "uk", "yi"}


# The shared photos --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedPhoto:
    name: str
    size: int
    thumb: str
    thumb_size: int
    thumb_width: int
    thumb_height: int


PHOTO_COLOURS = ((214, 96, 77), (67, 147, 195), (102, 166, 30), (231, 171, 2), (117, 112, 179), (27, 158, 119))


def shared_photos() -> list[SharedPhoto]:
    """Six small real JPEG photos (and their thumbnails) under MEDIA_ROOT/network/, written once: every photo
    row of the generated network points at one of them."""
    from PIL import Image, ImageDraw  # Pillow, only where images are drawn

    folder = Path(settings.MEDIA_ROOT) / MEDIA_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    photos = []
    for n, colour in enumerate(PHOTO_COLOURS):
        image = Image.new("RGB", (640, 480), colour)
        draw = ImageDraw.Draw(image)
        for stripe in range(0, 640, 80):
            draw.rectangle((stripe, 300, stripe + 40, 480), fill=tuple(c // 2 for c in colour))
        draw.ellipse((420, 40, 560, 180), fill=(250, 240, 200))
        sizes = {}
        for suffix, (width, height) in (("", (640, 480)), ("-thumb", (320, 240))):
            path = folder / f"photo-{n + 1}{suffix}.jpg"
            if not path.exists():
                buffer = BytesIO()
                image.resize((width, height)).save(buffer, "JPEG", quality=80)
                path.write_bytes(buffer.getvalue())
            sizes[suffix] = path.stat().st_size
        photos.append(
            SharedPhoto(
                name=f"{MEDIA_FOLDER}/photo-{n + 1}.jpg",
                size=sizes[""],
                thumb=f"{MEDIA_FOLDER}/photo-{n + 1}-thumb.jpg",
                thumb_size=sizes["-thumb"],
                thumb_width=320,
                thumb_height=240,
            )
        )
    return photos


# The sign-ins file --------------------------------------------------------------------------------


def sign_ins_path() -> Path:
    return Path(settings.VAR_DIR) / SIGN_INS_FILE


def sign_ins_text(rows: list[tuple[str, str, int | None, int | None]], password: str, app_key: str) -> str:
    lines = [
        "# Sign-ins of the generated network (manage.py generate_network). Tab-separated, one account a line:",
        "# kind, login (an e-mail address, or a pupil's user name), password, twinning id, school id.",
        "# Staff (nso_staff, coordinator, admin) then type a code from an authenticator app with this key:",
        f"# authenticator key: {second_factor.secret_for_typing(app_key)}",
        "kind\tlogin\tpassword\ttwinning\tschool",
        *(f"{kind}\t{login}\t{password}\t{twinning or ''}\t{school or ''}" for kind, login, twinning, school in rows),
    ]
    return "\n".join(lines) + "\n"


def write_sign_ins(text: str) -> Path:
    path = sign_ins_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)  # it holds a password, however throwaway
    return path
