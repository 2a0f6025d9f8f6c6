"""The coordinators' year: the daily health job over 10,000 twinnings (≤ 60 s) and the caseload dashboard of a
coordinator with 200 twinnings (≤ 300 ms). Run by `make bench`.

A throw-away SQLite database gets 10,000 active twinnings (20,000 schools, two teachers each, threads,
replies, feed events, plan steps, meetings), made with bulk inserts. The job is timed whole; the
dashboard is requested through Django's test client as a signed-in coordinator, against `/health/`
(one `SELECT 1`) measured the same way in the same run.
"""

import _setup

SEED_AND_MEASURE = r"""
import random, statistics, time as clock
from datetime import timedelta
import django
django.setup()
from bench._setup import signed_in, timed
from django.utils import timezone
from twinning import testing
from twinning.accounts.models import Role
from twinning.coordination.services import compute_health
from twinning.meetings.models import Meeting
from twinning.schools.models import School
from twinning.twinnings.models import Membership, Twinning, TwinningSchool
from twinning.workspace.models import Activity, Event, Post, Thread

N = 10_000
rng = random.Random(5)
now = timezone.now()
nso = testing.make_nso("il", "Israel NSO")
il = testing.make_country("IL", "Israel", nso=nso, time_zone="Asia/Jerusalem", week="sun_thu")
gb = testing.make_country("GB", "United Kingdom", nso=None, time_zone="Europe/London")
coordinator = testing.make_person(name="Avi Coordinator")
busy = testing.make_person(name="Busy Coordinator")
schools = School.objects.bulk_create([
    School(name=f"School {n}", city="Town", school_type="public", age_from=10, age_to=14, status="validated",
           country=il if n % 2 == 0 else gb, time_zone="Asia/Jerusalem" if n % 2 == 0 else "Europe/London",
           school_week="sun_thu" if n % 2 == 0 else "mon_fri")
    for n in range(2 * N)])
from twinning.accounts.models import User
teachers = User.objects.bulk_create([User(email=f"t{n}@example.org", full_name=f"Teacher {n}") for n in range(2 * N)])
twinnings = Twinning.objects.bulk_create([
    Twinning(titles={"en": f"Twinning {n}"}, school_year=2026, status="active",
             coordinator=busy if n < 200 else coordinator, created_at=now - timedelta(days=rng.randint(20, 200)))
    for n in range(N)])
TwinningSchool.objects.bulk_create([
    TwinningSchool(twinning=t, school=schools[2 * n + k], contact=teachers[2 * n + k], status="joined")
    for n, t in enumerate(twinnings) for k in (0, 1)])
Membership.objects.bulk_create([
    Membership(twinning=t, user=teachers[2 * n + k], school=schools[2 * n + k], role="teacher_admin")
    for n, t in enumerate(twinnings) for k in (0, 1)])
threads = Thread.objects.bulk_create([Thread(twinning=t, title="Hello") for t in twinnings])
posts, events, activities, meetings = [], [], [], []
for n, (t, thread) in enumerate(zip(twinnings, threads)):
    at = now - timedelta(days=rng.randint(0, 40))
    for k in range(rng.randint(2, 8)):
        side = k % 2
        at += timedelta(hours=rng.randint(1, 60))
        posts.append(Post(thread=thread, author=teachers[2 * n + side], school=schools[2 * n + side], body="Hi",
                          created_at=min(at, now)))
        events.append(Event(twinning=t, actor=teachers[2 * n + side], kind="post", thread=thread, at=min(at, now)))
    activities.append(Activity(twinning=t, title="Letters", starts_on=(now - timedelta(days=30)).date(),
                               due_on=(now - timedelta(days=rng.randint(-10, 10))).date()))
    if n % 3 == 0:
        start = now + timedelta(days=rng.randint(-30, 30))
        meetings.append(Meeting(twinning=t, title="Mifgash", starts_at=start, ends_at=start + timedelta(minutes=45),
                                status="held" if start < now else "confirmed"))
Post.objects.bulk_create(posts, batch_size=5000)
Event.objects.bulk_create(events, batch_size=5000)
Activity.objects.bulk_create(activities, batch_size=5000)
Meeting.objects.bulk_create(meetings, batch_size=5000)

began = clock.perf_counter()
list(Post.objects.values_list("thread__twinning_id", "author_id", "created_at"))
reference_read = clock.perf_counter() - began
began = clock.perf_counter()
counts = compute_health(now=now)
job = clock.perf_counter() - began
began = clock.perf_counter()
again = compute_health(now=now)
rerun = clock.perf_counter() - began

client = signed_in(busy)
page = client.get("/coordination/")
rows = page.content.count(b'data-testid="caseload-row"')
print("posts", len(posts), "reference", reference_read, "job", job, "rerun", rerun, "nudges", counts.get("nudges", 0),
      "nudges2", again.get("nudges", 0), "silent", counts.get("silent", 0), "attention", counts.get("attention", 0),
      "thriving", counts.get("thriving", 0), "rows", rows, "dashboard", timed(client, "/coordination/", repeat=15)[0],
      "health", timed(client, "/health/", repeat=15)[0])
"""


def main() -> None:
    f = _setup.figures(_setup.run_script(SEED_AND_MEASURE, prefix="caseload"))
    job, dashboard, health = float(f["job"]), float(f["dashboard"]), float(f["health"])
    print("Coordinators' caseload (10,000 active twinnings, 20,000 schools, SQLite)")
    print("-" * 80)
    print(f"  reading every post once (reference)      {float(f['reference']):7.2f} s   ({int(f['posts']):,} posts)")
    print(
        f"  daily health job, 10,000 twinnings       {job:7.2f} s   {'PASS' if job <= 60 else 'FAIL'} (<= 60 s; "
        f"{job / float(f['reference']):.1f} x the reference; silent {f['silent']}, attention {f['attention']}, "
        f"thriving {f['thriving']}; nudges {f['nudges']})"
    )
    print(
        f"  the job again the same day               {float(f['rerun']):7.2f} s   (nudges sent again: {f['nudges2']})"
    )
    print(
        f"  caseload of 200 twinnings (median)       {dashboard * 1000:7.1f} ms  "
        f"{'PASS' if dashboard <= 0.3 else 'FAIL'} (<= 300 ms; {f['rows']} rows; /health/ {health * 1000:.1f} ms, "
        f"{dashboard / health:.0f} x)"
    )


if __name__ == "__main__":
    main()
