"""The meetings pages' cost: CPU ms per view of a twinning's meetings page, a meeting's page, the partner
search and `/health/`, measured in the same run (target: the meetings page costs no more than the search).

Run by `make bench`. A throw-away SQLite database gets the demo network (`load_demo`: schools in five
countries with their hours, terms and closures, twinnings with meetings, profiles to search). A teacher of
a twinning with meetings, signed in as a load test's client is (`testing.signed_in_session`), requests each
page through Django's test client in one process with DEBUG off; CPU time is read around each batch, in
rounds that take turns so a busy machine weighs on every page alike. The meetings page is measured twice:
as it is seen again (the year's common time and its table read from the cache) and as the first view after a
school's calendar changed (the cache emptied before each view: the engine runs and the year is laid out).
"""

import _setup

ROUNDS, PER_ROUND = 7, 8

MEASURE = r"""
import os, statistics, time
import django
django.setup()
from django.core.cache import cache
from django.test import Client
from twinning import testing
from twinning.meetings.models import Meeting
from twinning.twinnings.models import Membership

ROUNDS, PER_ROUND = int(os.environ["ROUNDS"]), int(os.environ["PER_ROUND"])
pages = None
for meeting in Meeting.objects.order_by("pk"):
    for member in Membership.objects.filter(twinning=meeting.twinning, role="teacher_admin", active=True):
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies["sessionid"] = testing.signed_in_session(member.user)
        urls = {
            "/health/ (reference)": "/health/",
            "partner search": "/matching/search/",
            "meetings page": f"/twinnings/{meeting.twinning_id}/meetings/",
            "meetings page, calendar changed": f"/twinnings/{meeting.twinning_id}/meetings/",
            "meeting page": f"/twinnings/{meeting.twinning_id}/meetings/{meeting.pk}/",
        }
        if all(client.get(url).status_code == 200 for url in urls.values()):
            pages = urls
            break
    if pages:
        break
assert pages, "no teacher in the demo network sees both a twinning's meetings and the partner search"
body = client.get(pages["meetings page"]).content.decode()
days = body.count("data-day=")
samples = {name: [] for name in pages}
for _ in range(2):  # warm up: imports, templates, the search index, the database's pages
    for url in pages.values():
        client.get(url)
for _ in range(ROUNDS):
    for name, url in pages.items():
        cold = name.endswith("calendar changed")
        spent = 0.0
        for _ in range(PER_ROUND):
            if cold:
                cache.clear()
            began = time.process_time()
            response = client.get(url)
            spent += time.process_time() - began
            assert response.status_code == 200, (url, response.status_code)
        samples[name].append(spent / PER_ROUND * 1000)
health = statistics.median(samples["/health/ (reference)"])
print("Meetings pages, CPU per view: demo network, DEBUG off, SQLite, Django's test client in one process;")
print(f"  median of {ROUNDS} rounds of {PER_ROUND} views each (min–max of the rounds); the year's table: {days} days")
print("-" * 100)
for name, values in samples.items():
    median = statistics.median(values)
    print(f"  {name:34} {median:7.1f} ms  ({min(values):6.1f}–{max(values):6.1f})  {median / health:6.1f} x /health/")
search, page = statistics.median(samples["partner search"]), statistics.median(samples["meetings page"])
verdict = "PASS" if page <= search else "FAIL"
print(f"  target: meetings page <= partner search: {verdict} ({page / search:.2f} of the search's CPU)")
"""


def main() -> None:
    _setup.run_script(
        MEASURE,
        capture=False,
        demo=True,
        DJANGO_DEBUG="0",
        ROUNDS=str(ROUNDS),
        PER_ROUND=str(PER_ROUND),
    )


if __name__ == "__main__":
    main()
