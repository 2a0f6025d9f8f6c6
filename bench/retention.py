"""The nightly retention job over 10,000 closed twinnings, against plain deletes of the same rows.

Run by `make bench`. A throw-away SQLite database and media folder get four NSOs (Israel, Jordan,
the UK, France: Hebrew, Arabic, English and French names; schools for ages 6-11, 10-14, 14-18, 12-16)
and 10,000 twinnings of two schools from different countries, closed over the last three school
years (a tenth of them closed a month ago, not yet due). Each has a thread with a teacher's post and
two pupils' posts, a tiny photo a pupil uploaded, a class photo a teacher uploaded with the pupils in
it, and a teacher's photo with nobody in it; PUPILS_EVERY-th twinning has its own two pupil accounts
(the others' pupils are those of the school's latest twinning that had some, members again: classes
take part year after year). Two NSOs
have their own policy (Jordan 6 months, France 24), and every seventh twinning belongs to a programme
with its own (18 months), which overrides its NSOs'. Rows are written in bulk, as the site leaves them.

Printed: the job's time and queries (pupils erased through the privacy register one by one, posts
emptied and media removed in batches), a second run's (nothing left to do), and the reference: the
same rows removed from a copy of the database with plain queryset deletes and updates.
"""

import os
import shutil
import time
from datetime import timedelta
from pathlib import Path

import _setup

WORK = _setup.django_in_throwaway_folder("retention")  # before anything of Django's is imported

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from twinning import testing  # noqa: E402
from twinning.accounts.models import Pupil, User  # noqa: E402
from twinning.common.models import AuditEntry  # noqa: E402
from twinning.common.privacy import policy_entries  # noqa: E402
from twinning.retention import services  # noqa: E402
from twinning.retention.models import RetentionPolicy  # noqa: E402
from twinning.schools.models import NSO, Programme  # noqa: E402
from twinning.twinnings.models import Membership, Twinning, TwinningSchool  # noqa: E402
from twinning.workspace.models import MediaItem, Post, Thread  # noqa: E402

TWINNINGS = int(os.environ.get("BENCH_TWINNINGS", 10_000))
PUPILS_EVERY = int(os.environ.get("BENCH_PUPILS_EVERY", 50))
SCHOOLS_PER_COUNTRY = 12
COUNTRIES = [
    ("IL", "Israel", "Asia/Jerusalem", "sun_thu", "he", "בית ספר", ["נועה כ.", "יוסף מ."], (6, 11)),
    ("JO", "Jordan", "Asia/Amman", "sun_thu", "ar", "مدرسة", ["سارة ع.", "محمد ك."], (10, 14)),
    ("GB", "United Kingdom", "Europe/London", "mon_fri", "en", "School", ["Tom W.", "Amy L."], (14, 18)),
    ("FR", "France", "Europe/Paris", "mon_fri", "fr", "Lycée", ["Chloé D.", "Léo B."], (12, 16)),
]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def measured(work):
    counter = _setup.StatementCounter()
    start = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = work()
    seconds = time.perf_counter() - start
    return seconds, counter.n, result


def network(now):
    schools, teachers = {}, {}
    for code, name, zone, week, language, school_word, _names, ages in COUNTRIES:
        nso = testing.make_nso(code.lower(), f"{name} NSO")
        country = testing.make_country(code, name, nso=nso, time_zone=zone, week=week)
        for n in range(SCHOOLS_PER_COUNTRY):
            school = testing.make_school(
                country=country, name=f"{school_word} {n}", age_from=ages[0], age_to=ages[1], time_zone=zone
            )
            schools.setdefault(code, []).append(school)
            teachers[school.pk] = testing.make_teacher(school=school, language=language).user
    RetentionPolicy.objects.create(nso=NSO.objects.get(slug="jo"), pupil_work_months=6)
    RetentionPolicy.objects.create(nso=NSO.objects.get(slug="fr"), pupil_work_months=24)
    programme = Programme.objects.create(slug="bridges", names={"en": "Bridges"})
    RetentionPolicy.objects.create(programme=programme, pupil_work_months=18)
    return schools, teachers


NAMES = {code: names for code, *_rest, names, _ages in COUNTRIES}


def twinning_rows(first: int, stop: int, now, schools):
    """Twinnings `first` to `stop`, each of two schools of different countries, and the pairs."""
    codes = [c[0] for c in COUNTRIES]
    programme = Programme.objects.get(slug="bridges")
    rows, pairs = [], []
    for i in range(first, stop):
        a, b = codes[i % 4], codes[(i + 1 + i // 4) % 4]
        if a == b:
            b = codes[(i + 2) % 4]
        recent = i % 10 == 5
        closed = now - timedelta(days=30) if recent else now - timedelta(days=400 + (i % 3) * 365)
        rows.append(
            Twinning(
                titles={"en": f"Rivers {i}", "he": f"נהרות {i}", "ar": f"أنهار {i}"},
                school_year=(closed - timedelta(days=240)).year,
                status=Twinning.Status.CLOSED,
                created_at=closed - timedelta(days=300),
                changed_at=closed,
                closed_at=closed,
                programme=programme if i % 7 == 3 else None,
            )
        )
        pairs.append((schools[a][i % SCHOOLS_PER_COUNTRY], schools[b][(i // 4) % SCHOOLS_PER_COUNTRY]))
    return Twinning.objects.bulk_create(rows), pairs


def pupil_rows(first: int, made, pairs, password: str) -> list[Pupil]:
    """Two pupil accounts (one per school) in every PUPILS_EVERY-th twinning."""
    users, pupils = [], []
    for index, (twinning, pair) in enumerate(zip(made, pairs, strict=True)):
        if (first + index) % PUPILS_EVERY:
            continue
        for school in pair:
            name = NAMES[school.country_id][len(users) % 2]
            joined = twinning.created_at
            users.append(
                User(username=f"p{twinning.pk}-{school.pk}", full_name=name, password=password, date_joined=joined)
            )
            pupils.append(Pupil(school=school, display_name=name, created_at=joined, consent_face=True))
    User.objects.bulk_create(users)
    for user, pupil in zip(users, pupils, strict=True):
        pupil.user = user
    return Pupil.objects.bulk_create(pupils)


def photo(twinning, school, uploader, title: str, media: Path) -> MediaItem:
    name = f"workspace/{twinning.pk}-{title}.png"
    (media / name.split("/", 1)[1]).write_bytes(PNG)
    return MediaItem(
        twinning=twinning,
        uploader=uploader,
        kind="photo",
        title=f"{title} {twinning.pk}",
        file=name,
        content_type="image/png",
        size=len(PNG),
        school=school,
    )


def content(first: int, made, threads, pairs, pupils, by_school, teachers, media: Path) -> None:
    """Members, posts and photos. Every twinning's pupils: its own, or those of the school's latest
    twinning that had some (classes take part year after year)."""
    memberships, posts, items, tagged = [], [], [], []
    fresh = iter(pupils)
    for index, (twinning, thread, (school_a, school_b)) in enumerate(zip(made, threads, pairs, strict=True)):
        if (first + index) % PUPILS_EVERY == 0:
            by_school[school_a.pk], by_school[school_b.pk] = next(fresh), next(fresh)
        posts.append(Post(thread=thread, author=teachers[school_a.pk], body="Tell us about your river"))
        for school in (school_a, school_b):
            pupil = by_school.get(school.pk)
            if pupil is not None:
                memberships.append(Membership(twinning=twinning, user=pupil.user, school=school, role="pupil"))
                posts.append(Post(thread=thread, author=pupil.user, school=school, body=f"{pupil.display_name}: ours"))
        drawer = by_school.get(school_a.pk)
        items.append(photo(twinning, school_a, drawer.user if drawer else teachers[school_a.pk], "drawing", media))
        items.append(photo(twinning, school_a, teachers[school_a.pk], "class", media))
        items.append(photo(twinning, school_b, teachers[school_b.pk], "garden", media))
        if drawer is not None:
            tagged.append((items[-2], drawer))
    Membership.objects.bulk_create(memberships)
    Post.objects.bulk_create(posts)
    MediaItem.objects.bulk_create(items)
    through = MediaItem.pupils.through
    through.objects.bulk_create([through(mediaitem_id=item.pk, pupil_id=pupil.pk) for item, pupil in tagged])


def fill(now, schools, teachers) -> float:
    """The twinnings and everything in them, written in bulk. Returns the seconds it took."""
    start = time.perf_counter()
    password = make_password(None)
    media = Path(os.environ["TWINNING_MEDIA_ROOT"]) / "workspace"
    media.mkdir(parents=True, exist_ok=True)
    step = 1000
    by_school: dict[int, Pupil] = {}
    for first in range(0, TWINNINGS, step):
        with transaction.atomic():
            made, pairs = twinning_rows(first, min(first + step, TWINNINGS), now, schools)
            TwinningSchool.objects.bulk_create(
                [
                    TwinningSchool(twinning=twinning, school=school, contact=teachers[school.pk], status="joined")
                    for twinning, pair in zip(made, pairs, strict=True)
                    for school in pair
                ]
            )
            threads = Thread.objects.bulk_create(
                [
                    Thread(twinning=twinning, title="Our rivers", author=teachers[pair[0].pk])
                    for twinning, pair in zip(made, pairs, strict=True)
                ]
            )
            pupils = pupil_rows(first, made, pairs, password)
            content(first, made, threads, pairs, pupils, by_school, teachers, media)
    # Old decisions, some past five years.
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(action="twinning.closed", at=now - timedelta(days=200 * n), reason="The year ended", data={})
            for n in range(2000)
        ]
    )
    return time.perf_counter() - start


def due_rows(now):
    """The rows the job removes, found afresh (the reference's own query work is part of its time)."""
    own_policies = services.programme_policies()
    own = frozenset(own_policies)
    scopes: dict = dict(services.policies())
    scopes.update({services.programme_key(pk): policy for pk, policy in own_policies.items()})
    found = {}
    for category, walk in (
        (services.PUPIL_WORK, services.pupil_work_due),
        (services.PUPIL_ACCOUNTS, services.pupils_due),
    ):
        for entry in policy_entries(category):
            for scope, policy in scopes.items():
                when = now if category == services.PUPIL_WORK else timezone.localdate(now)
                found.setdefault(entry.model, []).append(walk(entry, scope, policy, when, own))
    return found


def plain(now) -> int:
    """The same removal with plain queryset deletes and updates: no register, no batches, no audit."""
    due = due_rows(now)
    count = 0
    with transaction.atomic():
        for rows in due["workspace.Post"]:
            count += Post.objects.filter(pk__in=rows.values("pk")).update(author=None, body="")
        names = []
        for rows in due["workspace.MediaItem"]:
            chosen = MediaItem.objects.filter(pk__in=rows.values("pk"))
            names += list(chosen.values_list("file", flat=True))
            count += chosen.delete()[0]
        for rows in due["accounts.Pupil"]:
            users = User.objects.filter(pupil__in=rows.values("pk"))
            Post.objects.filter(author__in=users).update(author=None, body="")
            MediaItem.objects.filter(uploader__in=users).delete()
            count += users.delete()[0]
        years = services.audit_years()
        count += AuditEntry.objects.filter(at__lt=services.months_before(now, 12 * years)).update(
            actor=None, reason="", data={}
        )
    media = Path(os.environ["TWINNING_MEDIA_ROOT"])
    for name in names:
        (media / name).unlink(missing_ok=True)
    return count


def main() -> None:
    _setup.migrate()
    # The teachers' passwords are not what is measured: a fast hasher, as the tests use.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    now = timezone.now()
    schools, teachers = network(now)
    created = fill(now, schools, teachers)
    closed = Twinning.objects.filter(status=Twinning.Status.CLOSED).count()
    pupils, posts, media = Pupil.objects.count(), Post.objects.count(), MediaItem.objects.count()
    # A copy for the reference, taken before the job runs.
    connection.close()
    shutil.copy(WORK / "bench.sqlite3", WORK / "reference.sqlite3")
    shutil.copytree(WORK / "media", WORK / "media-reference")

    dry_s, dry_q, dry = measured(lambda: services.apply_policies(dry_run=True, now=now))
    job_s, job_q, outcome = measured(lambda: services.apply_policies(now=now))
    idle_s, idle_q, idle = measured(lambda: services.apply_policies(now=now))
    assert dry.counts == outcome.counts, "the dry run and the run disagree"
    assert not idle.total(), "a second run found work"
    files_left = sum(1 for _ in (WORK / "media").rglob("*.png"))

    connection.close()
    connection.settings_dict["NAME"] = str(WORK / "reference.sqlite3")
    os.environ["TWINNING_MEDIA_ROOT"] = str(WORK / "media-reference")
    ref_s, ref_q, ref_rows = measured(lambda: plain(now))

    total = outcome.total()
    print(f"retention: {closed} closed twinnings in 4 countries; {pupils} pupils, {posts} posts, {media} media rows")
    print(f"  writing them in bulk:                    {created:8.2f} s")
    print(
        f"  done by the job: {total['workspace.Post']} posts emptied, {total['workspace.MediaItem']} media removed, "
        f"{total['accounts.Pupil']} pupils erased, {total['common.AuditEntry']} audit entries emptied; "
        f"{files_left} files left"
    )
    print(f"  plain queryset deletes (reference):      {ref_s:8.2f} s  {ref_q:8d} queries  ({ref_rows} rows)")
    print(f"  the nightly job:                         {job_s:8.2f} s  {job_q:8d} queries")
    print(f"  its dry run (what the NSO page computes): {dry_s:7.2f} s  {dry_q:8d} queries")
    print(f"  a second run, nothing left to do:        {idle_s:8.2f} s  {idle_q:8d} queries")
    per_pupil = (job_s - ref_s) / max(total["accounts.Pupil"], 1)
    print(f"  job / reference: {job_s / ref_s:5.1f}x   (about {per_pupil:.2f} s more per pupil erased)")
    _setup.remove(WORK)


if __name__ == "__main__":
    main()
