"""Page weight: what the main pages cost to download, in bytes and requests, compressed and not.

Run by `make bench`. Loads the demo network into a throw-away SQLite database, signs in a teacher,
a pupil, NSO staff and a coordinator, and requests each one's main pages with a browser's
``Accept-Encoding``. For each page: the HTML as sent (gzip, by ``TextCompressionMiddleware``) and as
it would be uncompressed (the reference, measured in the same run), and the same page's static files
(style sheet, scripts, icons) as WhiteNoise serves them in production (Brotli, made when collected;
gzip for browsers without it) and uncompressed. Prints the five heaviest pages and every page's
ratio. Photos and videos shown in a page are not counted: their weight depends on what was shared.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

MEASURE = r"""
import gzip, re, sys
import brotli
import django
django.setup()
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from twinning.accounts.models import User
from twinning.testing import signed_in_session
from twinning.twinnings.models import Membership, Twinning

def who(**filters):
    return User.objects.filter(**filters).order_by("pk").first()

member = (
    Membership.objects.filter(role__in=["teacher", "teacher_admin"], active=True)
    .filter(twinning__status=Twinning.Status.ACTIVE)
    .order_by("pk")
    .first()
)
teacher, twinning = member.user, member.twinning
pupil = Membership.objects.filter(role="pupil", active=True, twinning=twinning).first()
nso = who(roles__kind="nso_staff")
coordinator = who(roles__kind="coordinator")
t = twinning.pk
pages = [
    (teacher, "teacher", ["/dashboard/", f"/twinnings/{t}/", f"/twinnings/{t}/workspace/", f"/twinnings/{t}/forum/",
                          f"/twinnings/{t}/media/", f"/twinnings/{t}/plan/", f"/twinnings/{t}/meetings/",
                          "/matching/search/", "/library/", "/notifications/", "/learning/", "/communities/"]),
    (pupil.user if pupil else None, "pupil", ["/dashboard/", f"/twinnings/{t}/workspace/", f"/twinnings/{t}/forum/"]),
    (nso, "NSO staff", ["/dashboard/", reverse("schools:queue"), reverse("reporting:report"),
                        reverse("coordination:caseload"), reverse("meetings:overview")]),
    (coordinator, "coordinator", ["/dashboard/", reverse("coordination:caseload"), reverse("matching:cohorts"),
                                  reverse("reporting:report")]),
]
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
assets = {}

def asset_sizes(path):
    if path not in assets:
        found = finders.find(path.removeprefix(settings.STATIC_URL.rstrip("/") + "/").removeprefix("static/"))
        data = open(found, "rb").read() if found else b""
        textual = path.endswith((".css", ".js", ".svg", ".html", ".json"))
        assets[path] = (len(data), len(brotli.compress(data)) if textual else len(data))
    return assets[path]

rows = []
for user, label, urls in pages:
    if user is None:
        continue
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(user)
    for url in urls:
        response = client.get(url, headers={"accept-encoding": "gzip, br"})
        if response.status_code != 200:
            print(f"skip {label} {url}: {response.status_code}", file=sys.stderr)
            continue
        sent = response.content
        html = gzip.decompress(sent) if response.get("Content-Encoding") == "gzip" else sent
        static = sorted(set(ASSET.findall(html.decode())))
        raw_static = sum(asset_sizes(a)[0] for a in static)
        sent_static = sum(asset_sizes(a)[1] for a in static)
        encoding = response.get("Content-Encoding", "-")
        rows.append((label, url, len(html), len(sent), raw_static, sent_static, 1 + len(static), encoding))
for row in rows:
    print("\t".join(map(str, row)))
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "twinning.settings",
        }
        env["TWINNING_VAR_DIR"] = folder
        start = time.perf_counter()
        for command in (["migrate", "-v0"], ["load_demo"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
        print(f"demo network loaded in {time.perf_counter() - start:.0f} s")
        result = subprocess.run(  # noqa: S603  (our own interpreter and script)
            [PYTHON, "-c", MEASURE], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
    if result.stderr.strip():
        print(result.stderr.strip())
    rows = [line.split("\t") for line in result.stdout.strip().splitlines()]
    rows = [(who, url, *map(int, numbers), encoding) for who, url, *numbers, encoding in rows]
    print(f"{len(rows)} pages; sizes in KiB: HTML raw → sent, static raw → sent, total raw → sent (ratio), requests")
    rows.sort(key=lambda r: -(r[2] + r[4]))
    for label, url, html, sent, raw_static, sent_static, requests, encoding in rows:
        raw, total = html + raw_static, sent + sent_static
        print(
            f"  {label:<11} {url:<32} {html / 1024:6.1f} → {sent / 1024:5.1f}  {raw_static / 1024:5.1f} → "
            f"{sent_static / 1024:5.1f}  {raw / 1024:6.1f} → {total / 1024:5.1f} ({total / raw:.2f})"
            f"  {requests}  {encoding}"
        )
    heaviest = rows[:5]
    print("five heaviest pages, compressed:", ", ".join(f"{r[1]} {(r[3] + r[5]) / 1024:.1f} KiB" for r in heaviest))
    if any(r[7] != "gzip" for r in rows):
        sys.exit("FAIL: a page was sent uncompressed")
    print("PASS: every page sent compressed")


if __name__ == "__main__":
    main()
