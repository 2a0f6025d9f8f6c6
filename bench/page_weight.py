"""Page weight: what the main pages cost to download, in bytes and requests, compressed and not.

Run by `make bench`. Loads the demo network into a throw-away SQLite database, signs in a teacher,
a pupil, NSO staff and a coordinator, and requests each one's main pages with a browser's
``Accept-Encoding``. For each page: the HTML as sent (gzip, by ``TextCompressionMiddleware``) and as
it would be uncompressed (the reference, measured in the same run), and the same page's static files
(style sheet, scripts, icons) as WhiteNoise serves them in production (Brotli, made when collected;
gzip for browsers without it) and uncompressed. Prints the five heaviest pages and every page's
ratio. Photos and videos shown in a page are not counted there: their weight depends on what was shared.

Then the same pages as a browser gets them, through Playwright (Chromium) against gunicorn run as
in production (TWINNING_ENV=production: static files collected, hashed and compressed, served by
WhiteNoise with their caching headers): the teacher's workspace feed, a thread, the gallery with
200 photos (shared through the upload service, their light copies made by the job's own service)
and the meetings page. For each, on a first visit (empty cache) and a repeat visit (same browser):
the bytes transferred (Chromium's own count, headers included), the requests that reached the
server, and the HTML + CSS + JS part of the first visit. References from the same run: the first
visit for the repeat one, and for the gallery the photos it shows at their original size. Fails
when the gallery's first view passes 1 MB or a page's HTML + CSS + JS passes 100 KB.
"""

import json
import os
import socket
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


GALLERY_PHOTOS = 200
FIRST_VIEW_BUDGET = 1_000_000
MAIN_PAGE_BUDGET = 100_000

# 200 photo-like pictures (detail at every scale, as a photo has, so their copies weigh what a
# photo's do), shared in the teacher's twinning through the upload service; their light copies are
# made by the same service the background job runs. Prints the URLs to visit and the session.
SEED_GALLERY = r"""
import io, json, random
import django
django.setup()
from PIL import Image
from django.core.files.uploadedfile import SimpleUploadedFile
from twinning.testing import signed_in_session
from twinning.twinnings.models import Membership, Twinning
from twinning.workspace import services
from twinning.workspace.models import Thread

def photo_like(seed, size=(1200, 900)):
    rnd = random.Random(seed)
    channels = []
    for _c in range(3):
        acc = None
        for octave, weight in ((6, 0.35), (24, 0.25), (96, 0.18), (384, 0.12), (1000, 0.10)):
            small = Image.effect_noise((octave, max(2, octave * 3 // 4)), 60 + rnd.randint(0, 40))
            up = small.resize(size, Image.Resampling.BICUBIC)
            acc = up if acc is None else Image.blend(acc, up, weight / (weight + 0.4))
        channels.append(acc)
    out = io.BytesIO()
    Image.merge("RGB", channels).save(out, "JPEG", quality=88)
    return out.getvalue()

member = (
    Membership.objects.filter(role__in=["teacher", "teacher_admin"], active=True)
    .filter(twinning__status=Twinning.Status.ACTIVE)
    .order_by("pk")
    .first()
)
teacher, twinning = member.user, member.twinning
# Twenty different pictures, each shared ten times: every upload is cleaned and copied on its own.
pictures = [photo_like(seed) for seed in range(20)]
for index in range(COUNT):
    item = services.upload_media(
        twinning=twinning, by=teacher, upload=SimpleUploadedFile(f"IMG_{index:04d}.jpg", pictures[index % 20]),
        title=f"Photo {index + 1}",
    )
    services.prepare_variants(item_id=item.pk)
t = twinning.pk
thread = Thread.objects.filter(twinning=twinning).order_by("-post_count", "pk").first()
pages = [("workspace feed", f"/twinnings/{t}/workspace/"), ("gallery (200 photos)", f"/twinnings/{t}/media/"),
         ("meetings", f"/twinnings/{t}/meetings/")]
if thread is not None:
    pages.insert(1, ("thread", f"/twinnings/{t}/forum/{thread.pk}/"))
print(json.dumps({"session": signed_in_session(teacher), "pages": pages, "twinning": t}))
""".replace("COUNT", str(GALLERY_PHOTOS))

# The originals of the photos a page shows, for the gallery's reference.
ORIGINALS = r"""
import json, re, sys
import django
django.setup()
from twinning.workspace.models import MediaItem
ids = [int(n) for n in json.loads(sys.argv[1])]
print(sum(MediaItem.objects.filter(pk__in=ids).values_list("size", flat=True)))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _visit(context, url: str) -> dict:
    """One page load in the browser: bytes over the network by type, requests that reached the server."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    kinds: dict[str, str] = {}
    cached: set[str] = set()
    sent: dict[str, int] = {}
    cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], e["type"]))
    cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
    cdp.on("Network.loadingFinished", lambda e: sent.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    response = page.goto(url, wait_until="networkidle")
    if response is None or response.status != 200 or page.url != url:
        raise RuntimeError(f"{url}: answered {response and response.status} at {page.url}")
    page.wait_for_timeout(300)
    photos = page.eval_on_selector_all(
        "img[src*='/media/']", "els => els.filter(e => e.complete && e.currentSrc).map(e => e.currentSrc)"
    )
    page.close()
    network = {rid: size for rid, size in sent.items() if rid not in cached and size > 0}
    text = sum(size for rid, size in network.items() if kinds.get(rid) in ("Document", "Stylesheet", "Script"))
    return {"bytes": sum(network.values()), "requests": len(network), "text": text, "photos": photos}


def browser_weights(folder: str, env: dict) -> list[str]:
    """The feed, a thread, the 200-photo gallery and the meetings page through Chromium; returns failures."""
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    seeded = subprocess.run(  # noqa: S603  (our own interpreter and script)
        [PYTHON, "-c", SEED_GALLERY], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    seed = json.loads(seeded.stdout.strip().splitlines()[-1])
    print(f"gallery: {GALLERY_PHOTOS} photos shared and their copies made in {time.perf_counter() - start:.0f} s")
    port = _free_port()
    served = {
        **env,
        "TWINNING_ENV": "production",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": f"{folder}/static",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
    }
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=served, check=True
    )
    server = subprocess.Popen(  # noqa: S603  (gunicorn as deployed, with the shipped settings)
        [PYTHON, "-m", "gunicorn", "twinning.wsgi", "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=served,
        stdout=subprocess.DEVNULL,
        stderr=open(f"{folder}/gunicorn.log", "w"),  # noqa: SIM115  (closed with the process)
    )
    failures = []
    try:
        base = f"http://127.0.0.1:{port}"
        for _try in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            print(
                "in the browser (Chromium, 1280 x 800, through gunicorn as in production); KiB transferred, "
                "requests to the server"
            )
            print(f"  {'page':<22} {'first visit':>12} {'req':>4} {'HTML+CSS+JS':>12} {'repeat':>9} {'req':>4} (ratio)")
            for label, path in seed["pages"]:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                context.add_cookies(
                    # Over plain HTTP on this machine: the browser would not send a cookie marked secure.
                    [{"name": "sessionid", "value": seed["session"], "url": base, "httpOnly": True}]
                )
                first = _visit(context, base + path)
                repeat = _visit(context, base + path)
                context.close()
                print(
                    f"  {label:<22} {first['bytes'] / 1024:12.1f} {first['requests']:4d} {first['text'] / 1024:12.1f} "
                    f"{repeat['bytes'] / 1024:9.1f} {repeat['requests']:4d} ({repeat['bytes'] / first['bytes']:.2f})"
                )
                if first["text"] > MAIN_PAGE_BUDGET:
                    failures.append(f"{label}: HTML+CSS+JS {first['text']} bytes > {MAIN_PAGE_BUDGET}")
                if path.endswith("/media/"):
                    ids = sorted({int(u.split("/media/")[1].split("/")[0]) for u in first["photos"]})
                    originals = subprocess.run(  # noqa: S603
                        [PYTHON, "-c", ORIGINALS, json.dumps(ids)], cwd=ROOT, env=env, check=True,
                        capture_output=True, text=True,
                    )  # fmt: skip
                    reference = int(originals.stdout.strip() or 0)
                    print(
                        f"    {len(ids)} photos shown on the first view; at their original size they would weigh "
                        f"{reference / 1024:.0f} KiB: the first view is "
                        f"{first['bytes'] / max(reference, 1):.3f} of that"
                    )
                    if first["bytes"] > FIRST_VIEW_BUDGET:
                        failures.append(f"{label}: first view {first['bytes']} bytes > {FIRST_VIEW_BUDGET}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return failures


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-page-weight-") as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "twinning.settings",
        }
        env["TWINNING_VAR_DIR"] = folder
        # One key for every process: a session signed in by the seeding script holds a hash made with it.
        env["DJANGO_SECRET_KEY"] = "bench-only-" + "x" * 40
        start = time.perf_counter()
        for command in (["migrate", "-v0"], ["load_demo"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
        print(f"demo network loaded in {time.perf_counter() - start:.0f} s")
        result = subprocess.run(  # noqa: S603  (our own interpreter and script)
            [PYTHON, "-c", MEASURE], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        failures = browser_weights(folder, env)
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
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print(
        "PASS: every page sent compressed; the gallery's first view under 1 MB with 200 photos; "
        "every page in the browser under 100 KB of HTML, CSS and JS"
    )


if __name__ == "__main__":
    main()
