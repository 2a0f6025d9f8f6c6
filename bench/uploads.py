"""What each hostile or real-world upload costs the server, next to a plain 12-megapixel phone photo.

Run by `make bench`. A throw-away SQLite database gets a twinning; every file of the corpus
(twinning/common/uploads/tests/corpus.py, bombs made at full size here) is written to disk as a
multipart body beforehand, then uploaded through the real workspace media view (Django's test
client, the body streamed from that file, as a server would hand it on) in a fresh process of its
own. That process reports its wall time and peak memory: the largest sum, sampled every 5 ms, of
its own resident set and its descendants' (the capped worker that reads photos and documents,
ffprobe, ffmpeg). "added" is that peak minus its resident set just before the upload (Django
loaded, the page served once): what the upload itself cost.

The phone photo (4000 x 3000 JPEG with EXIF and GPS, about 3-4 MB) is measured in the same run;
no file may cost more than three times its added memory. Prints one line per file and a verdict;
exits 1 when a file is over.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
MIB = 1024 * 1024
RATIO_LIMIT = 3.0

SEED = """
import django
django.setup()
from twinning import testing
from twinning.twinnings import services as twinnings

il = testing.make_country("IL", "Israel", nso=testing.make_nso("il", "Israel NSO"), time_zone="Asia/Jerusalem")
gb = testing.make_country("GB", "United Kingdom", nso=testing.make_nso("uk", "UK NSO"), time_zone="Europe/London")
a, b = testing.make_school(country=il, name="Reali School"), testing.make_school(country=gb, name="King David")
ta, tb = testing.make_teacher(school=a, name="Dana Levi"), testing.make_teacher(school=b, name="Sarah Cohen")
coordinator = testing.make_person(name="Avi Coordinator")
tw = twinnings.propose_twinning(from_school=a, to_schools=[b], by=ta.user, school_year=2026, titles={"en": "Bench"})
twinnings.answer_invitation(twinning=tw, row=tw.schools.get(school=b), by=tb.user, accept=True)
twinnings.approve_twinning(twinning=tw, by=coordinator)
twinnings.start_twinning(twinning=tw, by=ta.user)
print(tw.pk, ta.user.pk)
"""

# One upload in a fresh process: the body is streamed from disk through the real view, while a
# thread samples the resident memory of this process and of its descendants (found through the
# parent ids in /proc) every 5 ms. A child between fork and exec still maps its parent's pages: it
# is skipped until it runs its own program, so nothing is counted twice.
UPLOAD = """
import json, os, sys, threading, time
import django
django.setup()
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.test.utils import setup_test_environment
from twinning.accounts.models import User
from twinning.workspace.models import MediaItem

def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return b""

def descendants(root):
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as handle:
                    parents[int(name)] = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier}
        found += frontier
    return found

me, mine = os.getpid(), cmdline(os.getpid())
peak, stop = [0], threading.Event()

def sample():
    while not stop.is_set():
        total = rss_kib(me) + sum(rss_kib(p) for p in descendants(me) if cmdline(p) != mine)
        peak[0] = max(peak[0], total)
        stop.wait(0.005)

twinning_pk, user_pk, body_path, declared = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
setup_test_environment()  # so that the response carries the form and its error
client = Client()
client.force_login(User.objects.get(pk=user_pk))
url = f"/twinnings/{twinning_pk}/media/"
assert client.get(url).status_code == 200
count = MediaItem.objects.count()
before = rss_kib(me)
sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
with open(body_path, "rb") as body:
    length = declared or str(body.seek(0, 2))
    body.seek(0)
    start = time.perf_counter()
    response = client.generic(
        "POST", url, b"", CONTENT_TYPE=MULTIPART_CONTENT, CONTENT_LENGTH=length, **{"wsgi.input": body}
    )
    seconds = time.perf_counter() - start
stop.set()
sampler.join()
peak[0] = max(peak[0], rss_kib(me))
if response.status_code == 302 and MediaItem.objects.count() == count + 1:
    item = MediaItem.objects.latest("pk")
    outcome = f"kept {item.content_type.split(';')[0]}, {item.size / 1024:.0f} KiB"
elif response.status_code == 200:
    outcome = "refused: " + response.context["form"].errors["file"][0]
else:
    outcome = f"refused with {response.status_code}"
print(json.dumps({"seconds": seconds, "before_kib": before, "peak_kib": peak[0], "outcome": outcome}))
"""


def corpus_files() -> list[tuple[str, bytes]]:
    from twinning.common.uploads.tests import corpus

    return [
        ("phone photo 12 MP (reference)", corpus.phone_photo()),
        ("PNG 76 MP bomb", corpus.png_bomb()),
        ("GIF 7000x7000 canvas, 40 frames", corpus.gif_huge_canvas()),
        ("GIF 3000 frames", corpus.gif_many_frames(3000)),
        ("GIF animation 12 frames", corpus.gif_animation()),
        ("PNG RGB 49 MP (largest still allowed)", corpus.png_bomb(7_000, 7_000, colour=True)),
        ("GIF 1000x1000, 50 frames (animation budget)", corpus.gif_frames(50, (1000, 1000))),
        ("JPEG 1000 scans", corpus.progressive_jpeg_scan_bomb()),
        ("JPEG + ZIP polyglot", corpus.jpeg_zip_polyglot()),
        ("PNG with text chunks", corpus.png_with_text()),
        ("HEIC with GPS", corpus.heic_with_gps()),
        ("DOCX zip bomb 600 MB", corpus.docx_zip_bomb(600 * MIB)),
        ("ODT mimetype 600 MB", corpus.odt_huge_mimetype(600 * MIB)),
        ("DOCX nested zip", corpus.docx_with_nested_zip()),
        ("DOCX macros", corpus.docx_with_macros()),
        ("DOCX author, company, photo", corpus.docx_with_author()),
        ("ODT author", corpus.odt_with_author()),
        ("PDF author, XMP, script, photo", corpus.pdf_with_author(script=True)),
        ("PDF with attachment", corpus.pdf_with_author(attachment=True)),
        ("PDF that is not one", corpus.not_a_pdf()),
        ("MP4 phone, GPS", corpus.phone_mp4()),
        ("MOV phone, GPS", corpus.phone_mov()),
        ("MP3 ID3 artist, cover", corpus.mp3_with_tags()),
        ("M4A tags", corpus.m4a_with_tags()),
        ("OGG tags", corpus.ogg_with_tags()),
        ("WebM voice", corpus.webm_voice()),
        ("ftyp + garbage", corpus.ftyp_garbage()),
        ("MP4 subtitles only", corpus.mp4_only_tags()),
    ]


def write_body(path: Path, name: str, data: bytes | None = None, *, size: int = 0, head: bytes = b"") -> None:
    """A multipart body like a browser's, written to disk (big files in chunks)."""
    from django.test.client import BOUNDARY

    with open(path, "wb") as out:
        out.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBench\r\n'.encode())
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        if data is not None:
            out.write(data)
        else:
            out.write(head)
            block = bytes(range(32, 127)) * (MIB // 95)
            written = len(head)
            while written < size:
                chunk = block[: size - written]
                out.write(chunk)
                written += len(chunk)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())


def measure(env: dict, twinning_pk: str, user_pk: str, body: Path, declared: str = "") -> dict:
    finished = subprocess.run(
        [PYTHON, "-c", UPLOAD, twinning_pk, user_pk, str(body), declared],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if finished.returncode != 0:
        raise SystemExit(f"upload of {body.name} failed:\n{finished.stderr[-3000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="twinning-bench-uploads-") as folder:
        workdir = Path(folder)
        env = {
            **os.environ,
            "TWINNING_VAR_DIR": str(workdir),
            "TWINNING_MEDIA_ROOT": str(workdir / "media"),
            "TWINNING_UPLOAD_TEMP_DIR": str(workdir / "tmp"),
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "twinning.settings",
            "LOG_LEVEL": "ERROR",
        }
        (workdir / "tmp").mkdir()
        os.environ.update({k: v for k, v in env.items() if k.startswith(("TWINNING_", "DJANGO_"))})
        import django

        django.setup()
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        seeded = subprocess.run([PYTHON, "-c", SEED], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        twinning_pk, user_pk = seeded.stdout.split()

        cases: list[tuple[str, Path, str]] = []
        for index, (label, data) in enumerate(corpus_files()):
            body = workdir / f"body-{index}"
            write_body(body, f"file-{index}", data)
            cases.append((f"{label} ({len(data) / 1024:.0f} KiB)", body, ""))
        big = workdir / "body-big-text"
        write_body(big, "big.txt", size=190 * MIB)
        cases.append(("190 MB upload, text-like (190 MiB)", big, ""))
        big_video = workdir / "body-big-video"
        write_body(big_video, "big.mp4", size=190 * MIB, head=b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
        cases.append(("190 MB 'video', ftyp + garbage (190 MiB)", big_video, ""))
        cases.append(("body declaring 300 MB (refused unread)", cases[0][1], str(300 * MIB)))

        print("Uploads through the workspace media view, one fresh process each")
        print(f"{'file':<54} {'outcome':<58} {'time':>7} {'peak':>8} {'added':>8} {'x photo':>7}")
        results = []
        reference = None
        for label, body, declared in cases:
            figures = measure(env, twinning_pk, user_pk, body, declared)
            peak = figures["peak_kib"] / 1024
            added = (figures["peak_kib"] - figures["before_kib"]) / 1024
            if reference is None:
                reference = added
            ratio = added / reference
            results.append((label, ratio))
            outcome = figures["outcome"][:58]
            print(f"{label:<54} {outcome:<58} {figures['seconds']:6.2f}s {peak:6.0f}MB {added:6.0f}MB {ratio:6.2f}x")
            body_left = [p for p in (workdir / "tmp").rglob("*") if p.is_file()]
            assert body_left == [], f"temporary files left behind: {body_left}"
        over = [(label, ratio) for label, ratio in results if ratio > RATIO_LIMIT]
        print(f"Reference: the phone photo adds {reference:.0f} MB; limit {RATIO_LIMIT:.0f}x for every file.")
        if over:
            for label, ratio in over:
                print(f"OVER: {label} costs {ratio:.2f}x the photo")
            return 1
        print(f"All {len(results)} files within {RATIO_LIMIT:.0f}x the photo's added memory; no temporary file left.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
