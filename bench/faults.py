"""Faults under load: what is lost when PostgreSQL, Redis, a web process or the job worker dies.

Run by `make bench` (or alone: `.venv/bin/python bench/faults.py`). Everything it starts is its
own and talks only to 127.0.0.1 on spare ports: a PostgreSQL cluster (initdb/pg_ctl, in a temp
folder), Redis (cache, no persistence), gunicorn with the shipped gunicorn.conf.py (2 processes x
4 threads), the job worker, and a small SMTP sink written here that records each Message-ID.
The site runs with TWINNING_ENV=production settings (plain http on the loopback).

16 clients, each a signed-in teacher, post forum replies, upload photos and request partnerships
(each request e-mails the partner school); NSO staff start cohort matching runs and approve one
(a batch of e-mails). In each phase one thing is killed while that traffic runs:
  postgres      pg_ctl stop -m immediate, started again 3 s later
  redis         SIGKILL, started again (empty) 5 s later
  web process   SIGKILL of one gunicorn worker process (its master starts another)
  job worker    SIGKILL during a cohort run and an approval's e-mails, started again 1 s later
  worker stop   SIGTERM (a systemd restart), started again 1 s later
After each phase the queue is drained and the phase's work is checked. Printed per phase:
acknowledged writes lost, jobs lost (not done), e-mails sent twice, e-mails never delivered,
stored files without a row (found, and left after the nightly sweep), rows without their file,
requests that failed, and seconds until the service returned. Every loop is bounded in count and
time, and everything started is stopped on the way out (also on failure or Ctrl-C).

Options: `--phases postgres,postgres,postgres` runs only the phases named (postgres, redis, web,
worker-kill, worker-term), in that order, a name given twice running twice on the same site (a
fault that loses something only sometimes shows more often in several rounds).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import re
import shutil
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import _setup
from _setup import HOST, PYTHON, Process, free_port, multipart, wait_for_port

CLIENTS = 16
PARTNERS = 220
PHASE_SECONDS = 22.0
FAULT_AFTER = 6.0
MAX_REQUESTS_PER_CLIENT = 400
DRAIN_TIMEOUT = 150.0
LEASE_SECONDS = 10


# --- A small SMTP sink ----------------------------------------------------------------------------


class Sink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int):
        self.messages: list[str] = []  # Message-IDs, one per delivery
        self.lock = threading.Lock()
        super().__init__((HOST, port), SinkHandler)

    def handle_error(self, request, client_address) -> None:
        # A worker killed mid-message drops its connection: part of the phase, not the sink's error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class SinkHandler(socketserver.StreamRequestHandler):
    timeout = 30

    def say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.say("220 sink ESMTP")
        for _ in range(10_000):
            raw = self.rfile.readline(8192)
            if not raw:
                return
            verb = raw.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                self.say("250 OK")
            elif verb == "DATA":
                self.say("354 go on")
                lines = []
                for _ in range(1_000_000):
                    line = self.rfile.readline(65536)
                    if not line or line in (b".\r\n", b".\n"):
                        break
                    lines.append(line)
                found = re.search(rb"^Message-ID:\s*(\S+)", b"".join(lines), re.MULTILINE | re.IGNORECASE)
                with self.server.lock:
                    self.server.messages.append(found.group(1).decode() if found else "")
                self.say("250 queued")
            elif verb == "QUIT":
                self.say("221 bye")
                return
            else:
                self.say("502 no")


# --- The services ---------------------------------------------------------------------------------


def pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    if not found:
        raise RuntimeError(f"{name} not found: install PostgreSQL (postgresql package)")
    return str(found)


class Postgres:
    def __init__(self, workdir: Path, port: int):
        self.port, self.data, self.log = port, workdir / "pg", workdir / "pg.log"
        # initdb refuses to run as root: the cluster then belongs to the postgres user.
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.data.mkdir()
        if self.prefix:
            # The postgres user must reach its folder inside ours (which holds nothing secret).
            os.chmod(workdir, 0o755)  # noqa: S103
            shutil.chown(self.data, "postgres")
            self.log.touch()
            shutil.chown(self.log, "postgres")
        self.run(pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        self.started = False

    def run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses={HOST} -k {self.data} -c max_connections=100"
        self.run(pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        self.started = True

    def stop(self, mode: str = "fast") -> None:
        if self.started:
            self.run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")
            self.started = False


# --- The data and the clients ---------------------------------------------------------------------

SEED = """
import json, sys
from datetime import time
import django
django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from twinning import testing
from twinning.accounts.models import Role
from twinning.common.notifications import emails_muted
from twinning.common.school_year import current_school_year
from twinning.matching.models import ProfileLanguage, TwinningProfile
from twinning.twinnings import services as twinnings
from twinning.workspace import services as workspace

clients, partners = int(sys.argv[1]), int(sys.argv[2])
year = current_school_year()

def profile(school):
    p = TwinningProfile.objects.create(
        school=school, school_year=year, vision="Letters and a video meeting each term.", age_from=10, age_to=12,
        class_size=24, capacity=50, time_zone=school.time_zone, school_week=school.school_week,
        day_start=time(8), day_end=time(15), looking=True,
    )
    ProfileLanguage.objects.create(profile=p, language_id="en", level=3)
    p.objectives.set(["identity"])
    p.themes.set(["history"])
    return p

session_for = testing.signed_in_session

il_nso = testing.make_nso("il", "Israel NSO")
il = testing.make_country("IL", "Israel", nso=il_nso, time_zone="Asia/Jerusalem", week="sun_thu")
gb = testing.make_country("GB", "United Kingdom", nso=testing.make_nso("uk", "UK NSO"), time_zone="Europe/London")
coordinator = testing.make_person(name="Avi Coordinator")
testing.grant(coordinator, Role.Kind.COORDINATOR, nso=il_nso)
staff = testing.make_person(name="Noa Israeli")
testing.grant(staff, Role.Kind.NSO_STAFF, nso=il_nso)
targets = []
for n in range(partners):
    school = testing.make_school(country=gb, name=f"Partner School {n}")
    testing.make_teacher(school=school, name=f"Partner Teacher {n}")
    targets.append(profile(school).pk)
out = {"clients": [], "staff": session_for(staff)}
with emails_muted():
    for n in range(clients):
        a = testing.make_school(country=il, name=f"Bench School {n}")
        ta = testing.make_teacher(school=a, name=f"Bench Teacher {n}")
        profile(a)
        b = testing.make_school(country=gb, name=f"Twin School {n}")
        tb = testing.make_teacher(school=b, name=f"Twin Teacher {n}")
        tw = twinnings.propose_twinning(
            from_school=a, to_schools=[b], by=ta.user, school_year=year, titles={"en": f"T{n}"}
        )
        twinnings.answer_invitation(twinning=tw, row=tw.schools.get(school=b), by=tb.user, accept=True)
        twinnings.approve_twinning(twinning=tw, by=coordinator)
        twinnings.start_twinning(twinning=tw, by=ta.user)
        thread = workspace.start_thread(twinning=tw, by=ta.user, title="Bench", body="Hello")
        out["clients"].append({"session": session_for(ta.user), "twinning": tw.pk, "thread": thread.pk})
out["targets"] = targets
print(json.dumps(out))
"""

CHECK = """
import json, sys
from datetime import timedelta
import django
django.setup()
from twinning.common.files import sweep
from twinning.common.models import Email, Job
from twinning.matching.models import CohortRun, Proposal
from twinning.workspace.models import MediaItem, Post

ask = json.load(sys.stdin)
found = {
    "reply": set(Post.objects.filter(body__startswith="bench:").values_list("body", flat=True)),
    "photo": set(MediaItem.objects.filter(title__startswith="bench:").values_list("title", flat=True)),
    "request": set(Proposal.objects.filter(message__startswith="bench:").values_list("message", flat=True)),
}
lost = [m for kind, m in ask["acked"] if m not in found[kind]]
jobs = Job.objects.filter(pk__gt=ask["job_from"])
runs = CohortRun.objects.filter(pk__gt=ask["run_from"])
emails = Email.objects.filter(pk__gt=ask["email_from"])
before = sweep(grace=timedelta(0), dry_run=True)
after = sweep(grace=timedelta(0)) if ask["sweep"] else before
print(json.dumps({
    "lost": lost,
    "jobs": jobs.count(),
    "jobs_not_done": list(jobs.exclude(status="done").values_list("name", "status", "last_error")),
    "runs_not_done": list(runs.exclude(status__in=["done", "approved"]).values_list("pk", "status")),
    "emails": {e.message_id: e.status for e in emails},
    "orphans_found": len(before.removed) + len(before.recent),
    "orphans_left": 0 if ask["sweep"] else len(before.removed) + len(before.recent),
    "missing": [list(m) for m in after.missing],
    "done_runs": list(CohortRun.objects.filter(status="done").order_by("pk").values_list("pk", flat=True)),
    "last_finished": max(
        [j.timestamp() for j in Job.objects.filter(pk__lte=ask["upto"]).values_list("finished_at", flat=True) if j]
        or [0]
    ),
    "max_ids": [
        Job.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        CohortRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        Email.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    ],
}))
"""

DRAINED = """
import sys
import django
django.setup()
from twinning.common.models import Job
print(Job.objects.exclude(status__in=["done", "failed"]).filter(pk__gt=int(sys.argv[1])).count())
"""


def jpeg(seed: int) -> bytes:
    from PIL import Image

    image = Image.new("RGB", (48, 32), (seed * 37 % 256, seed * 91 % 256, 120))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


CSRF = "b" * 32


def request(port: int, method: str, path: str, session: str, body: bytes = b"", kind: str = "") -> int:
    headers = {"Cookie": f"sessionid={session}; csrftoken={CSRF}", "Host": HOST, "Accept-Language": "en"}
    if body:
        headers["Content-Type"] = kind
    connection = http.client.HTTPConnection(HOST, port, timeout=15)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        response.read()
        location = response.getheader("Location", "")
        if response.status == 302 and location.startswith("/accounts/"):
            # Sent to the sign-in page or the second step: nothing was done, so not acknowledged.
            return 401
        if response.status == 302 and location.startswith("/matching/search/"):
            # A partnership request refused (the pair already has a proposal, e.g. from an approved cohort
            # run): sent back to the search with the reason, nothing written, so not acknowledged.
            return 409
        return response.status
    except OSError:
        return 0
    finally:
        connection.close()


def form(fields: dict) -> tuple[bytes, str]:
    from urllib.parse import urlencode

    return urlencode({**fields, "csrfmiddlewaretoken": CSRF}, doseq=True).encode(), "application/x-www-form-urlencoded"


class Traffic:
    def __init__(self, port: int, seed: dict, phase: str):
        self.port, self.seed, self.phase = port, seed, phase
        self.stop = threading.Event()
        self.acked: list[tuple[str, str]] = []
        self.failed = Counter()
        self.lock = threading.Lock()

    def client(self, n: int) -> None:
        me = self.seed["clients"][n]
        targets = self.seed["targets"]
        for i in range(MAX_REQUESTS_PER_CLIENT):
            if self.stop.is_set():
                return
            marker = f"bench:{self.phase}:{n}:{i}"
            action = ("reply", "photo", "request")[i % 3]
            if action == "reply":
                body, kind = form({"body": marker})
                path = f"/twinnings/{me['twinning']}/forum/{me['thread']}/"
            elif action == "photo":
                body, kind = multipart(
                    {"title": marker, "csrfmiddlewaretoken": CSRF}, {"file": ("p.jpg", jpeg(i), "image/jpeg")}
                )
                path = f"/twinnings/{me['twinning']}/media/"
            else:
                # Each client's school asks each partner once: a second request would rightly be refused.
                index = self.seed["offsets"][n] + self.seed["next_target"][n]
                self.seed["next_target"][n] += 1
                body, kind = form({"message": marker})
                path = f"/matching/request/{targets[index % len(targets)]}/"
            status = request(self.port, "POST", path, me["session"], body, kind)
            with self.lock:
                if status == 302:
                    self.acked.append((action, marker))
                else:
                    self.failed[status] += 1
            self.stop.wait(0.15)

    def run(self) -> list[threading.Thread]:
        threads = [
            threading.Thread(target=self.client, args=(n,), daemon=True) for n in range(len(self.seed["clients"]))
        ]
        for thread in threads:
            thread.start()
        return threads


class Probe:
    """A signed-in page every 0.2 s: when did the service fail, and when did it answer again."""

    def __init__(self, port: int, session: str):
        self.port, self.session = port, session
        self.stop = threading.Event()
        self.seen: list[tuple[float, int]] = []

    def run(self) -> threading.Thread:
        def loop():
            for _ in range(int(4 * PHASE_SECONDS / 0.2)):
                if self.stop.is_set():
                    return
                self.seen.append((time.monotonic(), request(self.port, "GET", "/dashboard/", self.session)))
                self.stop.wait(0.2)

        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        return thread

    def back_after(self, fault_at: float) -> float:
        """Seconds from the fault to the first good answer after the last bad one (0 if none was bad)."""
        after = [(t, s) for t, s in self.seen if t >= fault_at]
        bad = [t for t, s in after if s != 200]
        if not bad:
            return 0.0
        good = [t for t, s in after if s == 200 and t > bad[-1]]
        return (good[0] if good else after[-1][0]) - fault_at


def django(env: dict, script: str, *args: str, stdin: str | None = None) -> str:
    """One of this run's Django steps (SEED, CHECK, DRAINED), ten minutes at the most."""
    return _setup.python(env, script, *args, stdin=stdin, timeout=600)


PHASES = ("postgres", "redis", "web", "worker-kill", "worker-term")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help=f"the phases to run, in order, comma-separated; a name may repeat (default: {','.join(PHASES)})",
    )
    args = parser.parse_args()
    args.phases = [name.strip() for name in args.phases.split(",") if name.strip()]
    unknown = sorted(set(args.phases) - set(PHASES))
    if unknown or not args.phases:
        parser.error(f"unknown phase(s) {', '.join(unknown)}; choose from {', '.join(PHASES)}")
    return args


def main() -> int:  # noqa: C901 (one scenario, told in order)
    args = arguments()
    workdir = Path(tempfile.mkdtemp(prefix="twinning-faults-"))
    pg_port, redis_port, web_port, smtp_port = (free_port() for _ in range(4))
    env = _setup.production_env(
        workdir,
        port=web_port,
        database_url=f"postgresql://postgres@{HOST}:{pg_port}/twinning",
        DJANGO_SECURE_SSL_REDIRECT="0",
        TWINNING_CACHE_URL=f"redis://{HOST}:{redis_port}/1",
        EMAIL_HOST=HOST,
        EMAIL_PORT=str(smtp_port),
        EMAIL_TIMEOUT="5",
        TWINNING_JOBS_LEASE_SECONDS=str(LEASE_SECONDS),
        LOG_LEVEL="ERROR",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="4",
        GUNICORN_ACCESS_LOG="/dev/null",
    )
    postgres = None
    redis = Process(
        [
            "redis-server",
            "--port",
            str(redis_port),
            "--bind",
            HOST,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        env,
        workdir / "redis.log",
    )
    web = Process(_setup.gunicorn_as_shipped(), env, workdir / "web.log")
    worker = Process([PYTHON, "manage.py", "run_worker", "--threads", "2", "--quiet"], env, workdir / "worker.log")
    sink = Sink(smtp_port)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    previous = _setup.interrupt_on_sigterm()
    results = []
    try:
        postgres = Postgres(workdir, pg_port)
        postgres.start()
        subprocess.run(
            [pg_bin("psql"), "-h", HOST, "-p", str(pg_port), "-U", "postgres", "-qc", "CREATE DATABASE twinning"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        redis.start()
        wait_for_port(redis_port)
        _setup.manage(env, "migrate", "-v0", capture=False, timeout=600)
        _setup.manage(env, "collectstatic", "--noinput", "-v0", capture=False, timeout=600)
        seed = json.loads(django(env, SEED, str(CLIENTS), str(PARTNERS)).strip().splitlines()[-1])
        seed["offsets"] = [n * (PARTNERS // CLIENTS) for n in range(CLIENTS)]
        seed["next_target"] = [0] * CLIENTS
        web.start()
        worker.start()
        wait_for_port(web_port)
        first = json.loads(
            django(
                env,
                CHECK,
                stdin=json.dumps(
                    {"acked": [], "job_from": 0, "run_from": 0, "email_from": 0, "sweep": False, "upto": 0}
                ),
            )
        )
        marks = first["max_ids"]
        at_fault = {}

        def cohort(approve: int | None = None) -> int:
            if approve is not None:
                body, kind = form({})
                return request(web_port, "POST", f"/matching/cohorts/{approve}/approve/", seed["staff"], body, kind)
            body, kind = form({"shape": "two_sides", "left_countries": "IL", "right_countries": "GB", "min_fit": "35"})
            return request(web_port, "POST", "/matching/cohorts/", seed["staff"], body, kind)

        def last_job_id() -> int:
            import psycopg

            with psycopg.connect(env["DATABASE_URL"], connect_timeout=5) as db:
                return db.execute("SELECT coalesce(max(id), 0) FROM common_job").fetchone()[0]

        def fault_postgres():
            postgres.stop("immediate")
            time.sleep(3)
            postgres.start()

        def fault_redis():
            redis.signal(signal.SIGKILL)
            redis.wait(10)
            time.sleep(5)
            redis.start()

        def fault_web():
            kids = web.children()
            if kids:
                os.kill(kids[0], signal.SIGKILL)

        def fault_worker(sig: int):
            def kill():
                cohort()  # a run in hand, and an approval's e-mails, when the worker dies
                if seed.get("done_runs"):
                    cohort(seed["done_runs"].pop())
                time.sleep(0.7)
                at_fault["wall"] = time.time()
                at_fault["job"] = last_job_id()
                worker.signal(sig)
                worker.wait(40)
                time.sleep(1)
                worker.start()

            return kill

        faults = {
            "postgres": ("PostgreSQL stopped (immediate), back 3 s later", fault_postgres),
            "redis": ("Redis killed, back (empty) 5 s later", fault_redis),
            "web": ("one gunicorn worker process SIGKILLed", fault_web),
            "worker-kill": ("job worker SIGKILLed mid-job, restarted 1 s later", fault_worker(signal.SIGKILL)),
            "worker-term": ("job worker stopped by SIGTERM, restarted 1 s later", fault_worker(signal.SIGTERM)),
        }
        for round_, name in enumerate(args.phases, 1):
            told, fault = faults[name]
            traffic = Traffic(web_port, seed, f"{name}-{round_}")  # each round its own markers
            probe = Probe(web_port, seed["clients"][0]["session"])
            threads = [*traffic.run(), probe.run()]
            cohort()
            time.sleep(FAULT_AFTER)
            fault_at = time.monotonic()
            fault()
            time.sleep(max(0.0, PHASE_SECONDS - (time.monotonic() - fault_at) - FAULT_AFTER) + FAULT_AFTER)
            traffic.stop.set()
            probe.stop.set()
            for thread in threads:
                thread.join(30)
            deadline = time.monotonic() + DRAIN_TIMEOUT
            while time.monotonic() < deadline and int(django(env, DRAINED, str(marks[0])).strip() or 0):
                time.sleep(2)
            time.sleep(1)
            report = json.loads(
                django(
                    env,
                    CHECK,
                    stdin=json.dumps(
                        {
                            "acked": traffic.acked,
                            "job_from": marks[0],
                            "run_from": marks[1],
                            "email_from": marks[2],
                            "sweep": True,
                            "upto": at_fault.get("job", 0),
                        }
                    ),
                )
            )
            seed["done_runs"] = report["done_runs"]
            back = probe.back_after(fault_at)
            if name.startswith("worker"):
                # For the worker: until every job queued before it died had finished.
                back = max(0.0, report["last_finished"] - at_fault["wall"])
                at_fault.clear()
            with sink.lock:
                delivered = Counter(m for m in sink.messages)
            emails = report["emails"]
            results.append(
                {
                    "phase": told,
                    "acked": len(traffic.acked),
                    "lost": len(report["lost"]),
                    "jobs": report["jobs"],
                    "jobs_lost": len(report["jobs_not_done"]) + len(report["runs_not_done"]),
                    "emails": len(emails),
                    "twice": sum(delivered[m] - 1 for m in emails if delivered[m] > 1),
                    "undelivered": sum(1 for m in emails if delivered[m] == 0),
                    "orphans": f"{report['orphans_found']}->{report['orphans_left']}",
                    "orphans_left": report["orphans_left"],
                    "missing": len(report["missing"]),
                    "failed": sum(traffic.failed.values()),
                    "back": back,
                    "detail": {
                        "jobs_not_done": report["jobs_not_done"][:5],
                        "runs": report["runs_not_done"][:5],
                        "lost": report["lost"][:5],
                        "missing": report["missing"][:5],
                        "failed": dict(traffic.failed),
                    },
                }
            )
            marks = report["max_ids"]
    finally:
        signal.signal(signal.SIGTERM, previous)
        worker.stop()
        web.stop()
        redis.stop()
        if postgres is not None:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                postgres.stop("fast")
        sink.shutdown()
        sink.server_close()
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"Faults under load: {CLIENTS} clients (replies, photos, partnership requests), cohort runs and their "
        f"e-mails; gunicorn 2x4 gthread, PostgreSQL, Redis cache, job lease {LEASE_SECONDS} s"
    )
    print("-" * 132)
    print(
        f"  {'fault':52} {'acked':>5} {'lost':>4} {'jobs':>5} {'j.lost':>6} {'mails':>5} {'twice':>5} "
        f"{'undeliv':>7} {'orphans':>7} {'no-file':>7} {'failed':>6} {'back (s)':>8}"
    )
    ok = True
    for r in results:
        print(
            f"  {r['phase']:52} {r['acked']:>5} {r['lost']:>4} {r['jobs']:>5} {r['jobs_lost']:>6} {r['emails']:>5} "
            f"{r['twice']:>5} {r['undelivered']:>7} {r['orphans']:>7} {r['missing']:>7} {r['failed']:>6} "
            f"{r['back']:>8.1f}"
        )
        zero = (r["lost"], r["jobs_lost"], r["twice"], r["undelivered"], r["orphans_left"], r["missing"])
        # A phase whose clients were never acknowledged, or that queued no e-mail, exercised nothing.
        if any(zero) or not r["acked"] or not r["emails"]:
            ok = False
            print(f"    details: {r['detail']}")
    print("  acked: writes the site acknowledged (302); lost: of those, not in the database afterwards; jobs: jobs")
    print("  queued in the phase; j.lost: jobs or cohort runs not done; mails: e-mails queued; twice: delivered more")
    print("  than once; undeliv: never delivered; orphans: stored files without a row found -> left after the sweep;")
    print("  no-file: rows whose file is missing; failed: client requests not acknowledged (e.g. 503 while the")
    print("  database was away; 401: sent to sign in; 409: a partnership request refused); back: seconds from the")
    print("  fault until the signed-in page answered again.")
    print(
        "  target: in every phase writes acknowledged and e-mails queued, and every lost/twice/undelivered/"
        f"orphan/no-file count 0 — {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
