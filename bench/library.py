"""The activity library at network scale: 20,000 published activities (each with two themes, two
languages and an occasion), searched through the page as a teacher does. Run by `make bench`.

Target: every search page (words, theme, occasion, age, class time, orders) in <= 300 ms, and the
queries per page do not grow with the number of results. The reference is `/health/` (one `SELECT 1`)
measured the same way in the same run.
"""

import _setup

SEED_AND_MEASURE = r"""
import random, statistics, time as clock
import django
django.setup()
from django.db import connection
from bench._setup import signed_in, timed
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from twinning import testing
from twinning.library.models import Activity, Occasion, Version
from twinning.schools.models import Language, Subject

N = 20_000
rng = random.Random(7)
now = timezone.now()
nso = testing.make_nso("il", "Israel NSO")
il = testing.make_country("IL", "Israel", nso=nso, time_zone="Asia/Jerusalem", week="sun_thu")
school = testing.make_school(country=il, name="Reali")
teacher = testing.make_teacher(school=school, name="Dana Levi").user
subjects = list(Subject.objects.values_list("code", flat=True))
languages = ["en", "he", "ar", "fr", "de"]
occasions = list(Occasion.objects.values_list("code", flat=True))
words = "map river letters festival lights water bread music city garden stars family recipe song game".split()
activities = Activity.objects.bulk_create([
    Activity(status="published", author=teacher, published_at=now, use_count=rng.randint(0, 300)) for _ in range(N)])
versions = Version.objects.bulk_create([
    Version(activity=a, number=1, state="published", title=" ".join(rng.sample(words, 3)).capitalize(),
            summary=" ".join(rng.sample(words, 8)), goals="\n".join(rng.sample(words, 3)),
            steps="\n".join(rng.sample(words, 5)), age_from=(f := rng.randint(6, 14)), age_to=f + rng.randint(1, 4),
            duration_minutes=rng.choice([45, 60, 90, 120, 180]), text_language_id=rng.choice(["en", "he", "ar"]),
            author=teacher)
    for a in activities], batch_size=5000)
for a, v in zip(activities, versions):
    a.published = v
Activity.objects.bulk_update(activities, ["published"], batch_size=5000)
Version.themes.through.objects.bulk_create([
    Version.themes.through(version=v, subject_id=s) for v in versions for s in rng.sample(subjects, 2)],
    batch_size=5000)
Version.languages.through.objects.bulk_create([
    Version.languages.through(version=v, language_id=l) for v in versions for l in rng.sample(languages, 2)],
    batch_size=5000)
Version.occasions.through.objects.bulk_create([
    Version.occasions.through(version=v, occasion_id=rng.choice(occasions)) for v in versions], batch_size=5000)

client = signed_in(teacher)
RESULT = b'data-testid="library-result"'
pages = {
    "everything_most_used": "/library/",
    "words_river_map": "/library/?q=river+map",
    "theme_history": "/library/?theme=history",
    "occasion_hanukkah_age_10": "/library/?occasion=hanukkah&age=10",
    "language_he_short_newest": "/library/?language=he&longest=45&sort=new",
    "everything_by_title_page_50": "/library/?sort=title&page=50",
}
out = ["health", timed(client, "/health/")[0]]
for name, url in pages.items():
    seconds, results = timed(client, url, marker=RESULT)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    out += [name, f"{seconds}:{results}:{len(queries)}"]
print(*out)
"""


def main() -> None:
    figures = _setup.figures(_setup.run_script(SEED_AND_MEASURE, prefix="library"))
    health = float(figures.pop("health"))
    print("Activity library search (20,000 published activities, SQLite)")
    print("-" * 80)
    print(f"  /health/ (reference, median)                 {health * 1000:7.1f} ms")
    for name, value in figures.items():
        seconds, results, queries = value.split(":")
        seconds = float(seconds)
        verdict = "PASS" if seconds <= 0.3 else "FAIL"
        print(
            f"  {name.replace('_', ' '):<44} {seconds * 1000:7.1f} ms  {verdict} (<= 300 ms; {seconds / health:.0f} x; "
            f"{results} shown; {queries} queries)"
        )


if __name__ == "__main__":
    main()
