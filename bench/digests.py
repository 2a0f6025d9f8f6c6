"""The daily digest for 50,000 people, against the e-mail each notification used to be on its own.

Run by `make bench`. A throw-away SQLite database gets five countries (Hebrew, Arabic, English and
French readers, in their own time zones), 40 schools and 2,500 running twinnings. Of the 50,000 people,
85 % are teachers, each a member of one twinning, 10 % coordinators of a country's NSO (they oversee
its twinnings without being members) and 5 % hold no role. Each has between 1 and 12 notifications
waiting for the digest (activity in their twinning, and news outside any twinning; each reader asked
for meetings and the library daily), every tenth chose one kind weekly, every twentieth switched one
off, and one teacher in a hundred left their twinning before the digest went (their news of it must
not be sent). Rows are written in bulk.

Printed: the job (`common.digests.send_due_digests`, at noon UTC when every reader's 07:00 has
passed): its time, its queries (in total, and per batch of 500 people: they must not grow with the
number of people), the e-mails written and the notifications sent and left out; a second run (nothing
left to send); and two references measured in the same run: a plain query reading the same waiting
rows (the floor), and the e-mail path each notification took before (`email_notification`, one
e-mail per notification) over a sample, scaled to every notification.
"""

import os
import time
from datetime import timedelta

import _setup

WORK = _setup.django_in_throwaway_folder("digests")  # before anything of Django's is imported

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from twinning import testing  # noqa: E402
from twinning.accounts.models import Role, User  # noqa: E402
from twinning.common import mail_choices  # noqa: E402
from twinning.common.digests import send_due_digests  # noqa: E402
from twinning.common.models import Email, MailSettings, Notification  # noqa: E402
from twinning.common.notifications import email_notification  # noqa: E402
from twinning.schools.models import TeacherProfile, ValidationStatus  # noqa: E402
from twinning.twinnings.models import Membership, Twinning, TwinningSchool  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", 50_000))
TWINNINGS = max(1, PEOPLE // 20)
SAMPLE = int(os.environ.get("BENCH_SAMPLE", 1_000))
BATCH = 500
COUNTRIES = [
    ("IL", "Israel", "Asia/Jerusalem", "he"),
    ("JO", "Jordan", "Asia/Amman", "ar"),
    ("PS", "Palestine", "Asia/Gaza", "ar"),
    ("GB", "United Kingdom", "Europe/London", "en"),
    ("FR", "France", "Europe/Paris", "fr"),
]
SCHOOLS_PER_COUNTRY = 8
# (kind, in a twinning?, its parameters)
EVENTS = [
    ("twinning_started", True, {"title": {"en": "Our towns", "he": "העיירות שלנו", "ar": "مدننا"}}),
    ("meeting_confirmed", True, {"title": "Rivers", "when": "2026-12-08T09:00:00+00:00"}),
    ("consent_answered", True, {"pupil": "Maya K."}),
    ("community_reply", False, {"title": "Sharing maps", "community": {"en": "Geography"}}),
    ("library_published", False, {"title": "Our streets"}),
]


def measured(work):
    counter = _setup.StatementCounter()
    start = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = work()
    return time.perf_counter() - start, counter.n, result


def build(now) -> dict:
    schools, nsos = [], []
    for code, name, zone, language in COUNTRIES:
        nso = testing.make_nso(code.lower(), f"{name} NSO")
        nsos.append((nso, zone, language))
        country = testing.make_country(code, name, nso=nso, time_zone=zone)
        for n in range(SCHOOLS_PER_COUNTRY):
            schools.append(
                (testing.make_school(country=country, name=f"{name} school {n}", time_zone=zone), zone, language)
            )
    password = make_password(None)
    users = []
    for i in range(PEOPLE):
        _nso, zone, language = nsos[i % len(nsos)]
        users.append(
            User(
                email=f"reader{i}@example.org",
                password=password,
                full_name=f"Reader {i}",
                preferred_language=language,
                time_zone=zone,
                email_confirmed_at=now,
            )
        )
    users = User.objects.bulk_create(users, batch_size=2000)
    teachers = [u for i, u in enumerate(users) if i % 20 < 17]
    coordinators = [u for i, u in enumerate(users) if i % 20 in (17, 18)]
    twinnings = Twinning.objects.bulk_create(
        [
            Twinning(titles={"en": f"Twinning {n}"}, school_year=2026, status=Twinning.Status.ACTIVE)
            for n in range(TWINNINGS)
        ],
        batch_size=2000,
    )
    rows = []
    for n, twinning in enumerate(twinnings):
        for school, _zone, _language in (schools[n % len(schools)], schools[(n + 7) % len(schools)]):
            rows.append(TwinningSchool(twinning=twinning, school=school, status=TwinningSchool.Status.JOINED))
    TwinningSchool.objects.bulk_create(rows, batch_size=2000)
    TeacherProfile.objects.bulk_create(
        [
            TeacherProfile(user=u, school=schools[(i % TWINNINGS) % len(schools)][0], status=ValidationStatus.VALIDATED)
            for i, u in enumerate(teachers)
        ],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [
            Membership(
                twinning=twinnings[i % TWINNINGS],
                user=u,
                school=schools[(i % TWINNINGS) % len(schools)][0],
                role=Membership.Role.TEACHER,
                # One teacher in a hundred left the twinning before the digest.
                active=i % 100 != 99,
            )
            for i, u in enumerate(teachers)
        ],
        batch_size=2000,
    )
    Role.objects.bulk_create(
        [Role(user=u, kind=Role.Kind.COORDINATOR, nso=nsos[i % len(nsos)][0]) for i, u in enumerate(coordinators)],
        batch_size=2000,
    )
    settings_rows = []
    for i, u in enumerate(users):
        # Meetings and the library are direct news (at once by default): these readers asked for them daily.
        choices = {"meeting_confirmed": mail_choices.DAILY, "library_published": mail_choices.DAILY}
        if i % 10 == 3:
            choices["library_published"] = mail_choices.WEEKLY
        if i % 20 == 7:
            choices["community_reply"] = mail_choices.OFF
        settings_rows.append(MailSettings(user=u, salt=mail_choices.new_salt(), choices=choices))
    MailSettings.objects.bulk_create(settings_rows, batch_size=2000)
    # A coordinator's twinning news is from a twinning of a school of their NSO's country.
    by_nso: dict[int, list[int]] = {}
    for n, twinning in enumerate(twinnings):
        by_nso.setdefault(schools[n % len(schools)][0].country.nso_id, []).append(twinning.pk)
    teacher_twinning = {u.pk: twinnings[i % TWINNINGS].pk for i, u in enumerate(teachers)}
    coordinator_nso = {u.pk: nsos[i % len(nsos)][0].pk for i, u in enumerate(coordinators)}
    made = now - timedelta(days=1)
    notifications = []
    for i, u in enumerate(users):
        for e in range(i % 12 + 1):
            kind, in_twinning, params = EVENTS[(i + e) % len(EVENTS)]
            twinning_id = None
            if in_twinning:
                if u.pk in teacher_twinning:
                    twinning_id = teacher_twinning[u.pk]
                elif u.pk in coordinator_nso:
                    options = by_nso.get(coordinator_nso[u.pk]) or [t.pk for t in twinnings]
                    twinning_id = options[(i + e) % len(options)]
                else:
                    kind, params = "library_published", {"title": "Our streets"}
            notifications.append(
                Notification(
                    recipient=u,
                    kind=kind,
                    params=params,
                    url=f"/twinnings/{twinning_id}/" if twinning_id else "/library/",
                    twinning_id=twinning_id,
                    mail=Notification.Mail.PENDING,
                    created_at=made,
                )
            )
    Notification.objects.bulk_create(notifications, batch_size=5000)
    return {"notifications": len(notifications)}


def main() -> None:
    _setup.migrate()
    settings.JOBS_IMMEDIATE = False
    # Noon UTC tomorrow: 07:00 has passed in every reader's time zone (Paris to Amman).
    now = (timezone.now() + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    start = time.perf_counter()
    with transaction.atomic():
        made = build(now)
    print(
        f"digests: {PEOPLE:,} people, {TWINNINGS:,} twinnings, {made['notifications']:,} notifications waiting "
        f"(built in {time.perf_counter() - start:.1f} s)"
    )

    floor_s, floor_q, floor_rows = measured(
        lambda: len(
            list(
                Notification.objects.filter(mail=Notification.Mail.PENDING).values_list(
                    "recipient_id", "kind", "params", "url", "twinning_id"
                )
            )
        )
    )
    print(f"  reference, a plain query over the waiting rows: {floor_s:.2f} s, {floor_q} queries, {floor_rows:,} rows")

    sample = list(
        Notification.objects.filter(mail=Notification.Mail.PENDING).select_related("recipient").order_by("pk")[:SAMPLE]
    )

    def one_by_one():
        with transaction.atomic():
            for notification in sample:
                email_notification(notification)
            transaction.set_rollback(True)  # measured, not kept: the digest below sends these

    single_s, single_q, _ = measured(one_by_one)
    per_email = single_s / len(sample)
    old_way = per_email * made["notifications"]
    print(
        f"  reference, one e-mail per notification (the path before digests): {per_email * 1000:.2f} ms and "
        f"{single_q / len(sample):.1f} queries each over {len(sample):,}; for all {made['notifications']:,}: "
        f"~{old_way:.0f} s, {made['notifications']:,} e-mails"
    )

    seconds, queries, counts = measured(lambda: send_due_digests(now=now, batch=BATCH))
    batches = -(-PEOPLE // BATCH)
    print(
        f"  daily digest job: {seconds:.1f} s, {queries:,} queries ({queries / batches:.1f} per batch of {BATCH} "
        f"people, {queries / PEOPLE:.3f} per person), {counts['emails']:,} e-mails, {counts['sent']:,} "
        f"notifications sent, {counts['skipped']:,} left out (switched off, or no longer theirs to see)"
    )
    print(
        f"  per person: {seconds / max(counts['emails'], 1) * 1000:.2f} ms; against the plain query: "
        f"{seconds / floor_s:.0f}x; against one e-mail per notification: {seconds / old_way:.2f}x the time, "
        f"{counts['emails'] / made['notifications']:.2f}x the e-mails"
    )
    again_s, again_q, again = measured(lambda: send_due_digests(now=now + timedelta(hours=1), batch=BATCH))
    print(f"  an hour later, nothing left to send: {again_s:.2f} s, {again_q} queries, {again['emails']} e-mails")
    waiting = Notification.objects.filter(mail=Notification.Mail.PENDING).count()
    duplicates = Email.objects.filter(key__startswith="digest:").count() - counts["emails"] - again["emails"]
    print(f"  still waiting (weekly kinds): {waiting:,}; e-mails written twice: {duplicates}")


if __name__ == "__main__":
    try:
        main()
    finally:
        _setup.remove(WORK)
