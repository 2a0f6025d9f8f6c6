"""The workspace feed page under load: ≥ 100 requests/s on one core with p95 ≤ 100 ms.

Run by `make bench`. A throw-away SQLite database gets a twinning whose feed holds 50 events;
gunicorn (one sync worker) serves it pinned to one core, and a small load generator on the other
core requests the feed as a signed-in member. The same run measures a trivial view (`/health/`,
one `SELECT 1`) as the reference, so the machine's speed shows in both figures.
"""

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SECONDS = 8
CLIENTS = 4
TARGET_RPS, TARGET_P95_MS = 100, 100

SEED = """
import django
django.setup()
from django.conf import settings
from twinning import testing
from twinning.schools.models import Language, Subject
from twinning.twinnings import services as twinnings
from twinning.workspace import services as workspace

il = testing.make_country("IL", "Israel", nso=testing.make_nso("il", "Israel NSO"), time_zone="Asia/Jerusalem")
gb = testing.make_country("GB", "United Kingdom", nso=testing.make_nso("uk", "UK NSO"), time_zone="Europe/London")
a, b = testing.make_school(country=il, name="Reali School"), testing.make_school(country=gb, name="King David")
ta, tb = testing.make_teacher(school=a, name="Dana Levi"), testing.make_teacher(school=b, name="Sarah Cohen")
coordinator = testing.make_person(name="Avi Coordinator")
tw = twinnings.propose_twinning(from_school=a, to_schools=[b], by=ta.user, school_year=2026, titles={"en": "Bench"})
twinnings.answer_invitation(twinning=tw, row=tw.schools.get(school=b), by=tb.user, accept=True)
twinnings.approve_twinning(twinning=tw, by=coordinator)
twinnings.start_twinning(twinning=tw, by=ta.user)
for i in range(25):
    thread = workspace.start_thread(twinning=tw, by=ta.user, title=f"Thread {i}", body="Hello")
    workspace.reply(thread=thread, by=tb.user, body="Hello back")
print(tw.pk, testing.signed_in_session(tb.user))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pinned(core: int) -> list[str]:
    return ["taskset", "-c", str(core)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def load(port: int, path: str, cookie: str, seconds: float) -> tuple[float, list[float], int]:
    """Requests per second, latencies (ms) and failures over `seconds`, from CLIENTS threads."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client():
        mine = []
        while time.perf_counter() < stop:
            start = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
            finally:
                connection.close()
            mine.append((time.perf_counter() - start) * 1000)
            if not ok:
                with lock:
                    failures[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies) / (time.perf_counter() - began), latencies, failures[0]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="twinning-bench-"))
    env = {
        **os.environ,
        "TWINNING_VAR_DIR": str(workdir),
        "DJANGO_DEBUG": "0",
        "TWINNING_JOBS_IMMEDIATE": "1",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "twinning.settings",
        "PYTHONPATH": str(ROOT),
    }
    server = None
    try:
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        twinning, cookie = subprocess.run(
            [PYTHON, "-c", SEED], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout.split()[-2:]
        port = free_port()
        server = subprocess.Popen(
            [
                *pinned(0),
                PYTHON,
                "-m",
                "gunicorn",
                "twinning.wsgi",
                "-w",
                "1",
                # One sync worker, whatever the shipped gunicorn.conf.py (read from the working folder) says.
                "-k",
                "sync",
                "-b",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "/dev/null",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        if pinned(1):
            os.sched_setaffinity(0, {1})
        feed = f"/twinnings/{twinning}/workspace/"
        load(port, feed, cookie, 1.0)  # warm up: imports, templates, the database's pages
        load(port, "/health/", cookie, 1.0)
        ref_rps, ref_lat, ref_fail = load(port, "/health/", cookie, SECONDS)
        rps, lat, fail = load(port, feed, cookie, SECONDS)
        check = http.client.HTTPConnection("127.0.0.1", port)
        check.request("GET", feed, headers={"Cookie": f"sessionid={cookie}"})
        events = check.getresponse().read().decode().count('data-testid="event"')
        ok = rps >= TARGET_RPS and p95(lat) <= TARGET_P95_MS and fail == 0 and events == 50
        print(
            f"Workspace feed under load: gunicorn, 1 sync worker pinned to one core; {CLIENTS} clients on the "
            f"other; {SECONDS} s each; DEBUG off; SQLite"
        )
        print("-" * 100)
        print(
            f"  trivial view /health/      {ref_rps:7.1f} req/s  p50 {statistics.median(ref_lat):6.2f} ms  "
            f"p95 {p95(ref_lat):6.2f} ms  failures {ref_fail}"
        )
        print(
            f"  feed page ({events} items)     {rps:7.1f} req/s  p50 {statistics.median(lat):6.2f} ms  "
            f"p95 {p95(lat):6.2f} ms  failures {fail}"
        )
        print(f"  feed / trivial view        {rps / ref_rps:.2f} of the throughput")
        print(
            f"  target                     {'PASS' if ok else 'FAIL'} (>= {TARGET_RPS} req/s, p95 <= "
            f"{TARGET_P95_MS} ms, 50 items, no failure)"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
