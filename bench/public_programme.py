"""A programme's public page and its showcase with 5,000 published stories: CPU per view of the programme
page (first and a deep page of stories), a story's page and a story's photo, against `/health/` in the same
run; and the queries of each page with 10 stories and with 5,000 (they must not grow).

Run by `make bench`. A throw-away SQLite database gets one programme with two member schools and, written
in bulk, finished twinnings each with a published story, its two schools, a photo (one stored file shared
by every row, two pupils tagged, both with public-use consent) and, for one in ten, a quality label. An
anonymous visitor requests each page through Django's test client in one process with DEBUG off; CPU time
is read around each batch, in rounds that take turns so a busy machine weighs on every page alike.
"""

import _setup

ROUNDS, PER_ROUND = 5, 10
STORIES = 5_000

MEASURE = r"""
import io, os, statistics, time
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from twinning import testing
from twinning.accounts.models import Pupil
from twinning.accounts.pupils import create_pupils
from twinning.recognition.models import Label
from twinning.schools.models import Programme
from twinning.showcase.models import Story, StoryPhoto
from twinning.twinnings.models import Twinning, TwinningSchool
from twinning.workspace.models import MediaItem

ROUNDS, PER_ROUND, STORIES = (int(os.environ[k]) for k in ("ROUNDS", "PER_ROUND", "STORIES"))
il = testing.make_country("IL", "Israel", nso=testing.make_nso("il", "Israel NSO"), time_zone="Asia/Jerusalem")
gb = testing.make_country("GB", "United Kingdom", nso=testing.make_nso("uk", "UK NSO"), time_zone="Europe/London")
a, b = testing.make_school(country=il, name="Reali School"), testing.make_school(country=gb, name="King David")
teacher = testing.make_teacher(school=a, name="Dana Levi")
programme = Programme.objects.create(
    slug="bench", names={"en": "Bench programme"}, descriptions={"en": "Schools learn together."}, public=True,
    accent_colour="#0b5c8c",
)
programme.countries.set([il, gb])
a.programmes.add(programme)
b.programmes.add(programme)
pupils = [pupil for pupil, _password in create_pupils(school=a, by=teacher.user, names=["Maya K.", "Noam T."])]
Pupil.objects.filter(pk__in=[p.pk for p in pupils]).update(consent_face=True, consent_public=True)
buffer = io.BytesIO()
Image.new("RGB", (480, 360), (20, 90, 160)).save(buffer, format="PNG")
stored = default_storage.save("workspace/bench/photo.png", ContentFile(buffer.getvalue()))
now = timezone.now()


def add_stories(count, start):
    twinnings = Twinning.objects.bulk_create(
        Twinning(titles={"en": f"Twinning {start + n}"}, school_year=2025, programme=programme, status="closed",
                 closed_at=now)
        for n in range(count)
    )
    TwinningSchool.objects.bulk_create(
        TwinningSchool(twinning=t, school=school, status="joined") for t in twinnings for school in (a, b)
    )
    media = MediaItem.objects.bulk_create(
        MediaItem(twinning=t, kind="photo", file=stored, content_type="image/png", size=len(buffer.getvalue()),
                  school=a, status="published")
        for t in twinnings
    )
    MediaItem.pupils.through.objects.bulk_create(
        MediaItem.pupils.through(mediaitem_id=m.pk, pupil_id=p.pk) for m in media for p in pupils
    )
    stories = Story.objects.bulk_create(
        Story(twinning=t, programme=programme, title=f"Story {start + n}", body="The classes met and wrote.",
              language="en", status="published", written_by=teacher.user, published_at=now)
        for n, t in enumerate(twinnings)
    )
    StoryPhoto.objects.bulk_create(StoryPhoto(story=s, media=m) for s, m in zip(stories, media))
    Label.objects.bulk_create(
        Label(kind="national", school_year=2025, school=a, twinning=t) for t in twinnings[:: 10]
    )
    return stories


client = Client(HTTP_HOST="127.0.0.1")


def pages(story):
    photo = story.photos.get()
    last = (Story.objects.filter(programme=programme, status="published").count() + 11) // 12
    return {
        "/health/ (reference)": "/health/",
        "programme page": f"/programmes/{programme.slug}/",
        "programme page, last page of stories": f"/programmes/{programme.slug}/?page={last}",
        "story page": f"/programmes/{programme.slug}/stories/{story.pk}/",
        "story photo": f"/programmes/{programme.slug}/stories/{story.pk}/photos/{photo.pk}/",
    }


def queries(urls):
    counts = {}
    for name, url in urls.items():
        client.get(url)  # warm: the session, the templates
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[name] = len(context.captured_queries)
    return counts


first = add_stories(10, 0)
few = queries(pages(first[0]))
add_stories(STORIES - 10, 10)
urls = pages(first[0])
many = queries(urls)
shown = client.get(urls["programme page"]).content.decode().count('data-testid="story-card"')
assert shown == 12, shown

samples = {name: [] for name in urls}
for _ in range(2):
    for url in urls.values():
        client.get(url)
for _ in range(ROUNDS):
    for name, url in urls.items():
        spent = 0.0
        for _ in range(PER_ROUND):
            began = time.process_time()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            spent += time.process_time() - began
            assert response.status_code == 200, (url, response.status_code)
        samples[name].append(spent / PER_ROUND * 1000)
health = statistics.median(samples["/health/ (reference)"])
total = Story.objects.filter(status="published").count()
print(f"Programme public page and showcase: {total} published stories, anonymous visitor, DEBUG off, SQLite,")
print(f"  Django's test client in one process; median of {ROUNDS} rounds of {PER_ROUND} views (min–max of the rounds)")
print("-" * 100)
for name, values in samples.items():
    median = statistics.median(values)
    print(f"  {name:38} {median:7.1f} ms  ({min(values):6.1f}–{max(values):6.1f})  {median / health:6.1f} x /health/")
print("Queries per view, with 10 stories and with %d:" % total)
grown = []
for name in urls:
    print(f"  {name:38} {few[name]:3} -> {many[name]:3}")
    if many[name] > few[name]:
        grown.append(name)
print(f"  target: no page's queries grow with the stories: {'PASS' if not grown else 'FAIL ' + ', '.join(grown)}")
"""


def main() -> None:
    _setup.run_script(
        MEASURE,
        capture=False,
        DJANGO_DEBUG="0",
        ROUNDS=str(ROUNDS),
        PER_ROUND=str(PER_ROUND),
        STORIES=str(STORIES),
    )


if __name__ == "__main__":
    main()
