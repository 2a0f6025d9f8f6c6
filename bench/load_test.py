"""The whole site under load: many signed-in people over the mixed flow, at 8, 32 and 64 clients.

    .venv/bin/python bench/load_test.py                        # a throw-away database, generated
    .venv/bin/python bench/load_test.py --schools 2000         # ... at that size
    .venv/bin/python bench/load_test.py --database twinning_bignet --sign-ins var/<sign-ins file>

Run by `make bench` too (at the default size). gunicorn as shipped (gunicorn.conf.py: one process
per core, at least two, of four threads; only the address comes from GUNICORN_BIND), the job worker
(`manage.py run_worker`), PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (a database
number of Redis nobody uses, emptied at the end), with the production settings (TWINNING_ENV=
production, DEBUG off, static files collected and served by WhiteNoise). The clients act as nginx
would pass them on: `X-Forwarded-Proto: https`.

The network: with --database, an existing loaded database (its sign-ins file says which accounts
may sign in, their password and the staff's authenticator key); without it, a throw-away database
is made, migrated, generated (`generate_network --schools N --seed S` when the project has it, else
the demo's `load_demo`) and dropped at the end.

Each client is one person with a session of their own, signed in through the sign-in page (and
the second step with a code from the authenticator key, for staff): teachers of different schools
and countries, pupils of working twinnings, NSO staff and a coordinator. Pupils, whose passwords are
their own (given out by their teachers), get their session the supported way for load tests
(`twinning.testing.signed_in_session`) unless the sign-ins file gives their password. Each client
runs a closed loop (next request when the last one is answered) over its role's weighted pages:
reads dominate; replies (with the CSRF token and an idempotency key) and photo uploads (a small real
JPEG) are the writes. Each level warms up, then counts a fixed time. A request counts as an error
when it fails, answers other than 2xx/3xx, sends the person to the sign-in page, or (for a form)
shows the form again instead of redirecting.

Printed per level: requests a second, p50/p95/p99 (ms), errors (and the first few), CPU of the web
processes per request, then p95 and count per page kind; the reference, `/health/` at 32 clients
measured in the same run, and the mix's ratio to it; and PASS/FAIL for the target at 32 clients.
The replies and photos written go to the bench's database only (with --database they are removed
again at the end) and the photos to a temporary MEDIA_ROOT, removed at the end.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import hmac
import http.client
import io
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import _setup
from _setup import HOST, ROOT, Process, free_port, manage, multipart, python

PG = "postgresql://postgres@127.0.0.1:5432"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
LEVELS = (8, 32, 64)
REFERENCE_CLIENTS = 32
TARGET_RPS, TARGET_P95_MS = 100, 250
SHOWN_ERRORS = 5
SHOWN_QUERIES = 6

# What each kind of person does, and how often (weights). A page a person cannot have (partner search
# without a profile this year, the forum of a twinning without one) is left out of their own table.
FLOWS = {
    "teacher": {
        "dashboard": 14,
        "feed": 18,
        "thread": 12,
        "reply": 5,
        "upload": 2,
        "search": 10,
        "meetings": 8,
        "directory": 10,
    },
    "pupil": {"dashboard": 20, "feed": 35, "thread": 25, "reply": 6, "meetings": 14},
    "nso_staff": {"dashboard": 25, "reports": 15, "directory": 35, "queue": 20, "meetings": 5},
    "coordinator": {"dashboard": 25, "caseload": 25, "reports": 10, "directory": 25, "meetings": 15},
}
# Who the clients are, in the order they are added: any eight in a row are five teachers, a pupil,
# NSO staff and a coordinator (when the network has fewer of a role with a known sign-in, the first
# role in FLOWS that has someone left takes the place).
ROLE_CYCLE = ("teacher", "teacher", "pupil", "teacher", "nso_staff", "teacher", "teacher", "coordinator")


# --- The people and their pages (run inside Django, in the bench's settings) ---------------------------

PLAN = r"""
import json, random, sys
import django
django.setup()
from django.contrib.auth.hashers import check_password
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice
from twinning import testing
from twinning.accounts.models import Pupil, Role, User
from twinning.common.school_year import current_school_year
from twinning.coordination.rules import can_see_caseload
from twinning.matching.models import TwinningProfile
from twinning.reporting.rules import report_scope
from twinning.schools.rules import can_validate
from twinning.schools.models import School, TeacherProfile, ValidationStatus
from twinning.twinnings.models import Membership, Twinning
from twinning.workspace import services as workspace
from twinning.workspace.models import MediaItem, Post, Thread

ask = json.load(sys.stdin)
rng = random.Random(ask["seed"])
WORKING = [Twinning.Status.APPROVED, Twinning.Status.ACTIVE, Twinning.Status.NEEDS_PARTNER]
TEACHING = [Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER]

# Whom the sign-ins file lets in: each listed account whose password checks, and every account that
# shares its stored hash (a generated network gives its sign-in accounts one password, hashed once).
passwords = {}  # stored hash -> password
for login, password in ask["accounts"]:
    user = User.objects.filter(Q(email__iexact=login) | Q(username=login)).first()
    if user is not None and user.password not in passwords and check_password(password, user.password):
        passwords[user.password] = password
usable = User.objects.filter(is_active=True, password__in=list(passwords))
staff_keys = set(ask["app_keys"])


def sign_in(user):
    if user.password in passwords:
        return {"login": user.email or user.username, "password": passwords[user.password]}
    return {"session": testing.signed_in_session(user)}


def spread(rows, key, limit):
    # Round-robin over countries, one person per school: as varied as the network allows.
    rows = list(rows)
    rng.shuffle(rows)
    by_country, seen = {}, set()
    for row in rows:
        if row["school"] not in seen:
            seen.add(row["school"])
            by_country.setdefault(row[key], []).append(row)
    queues, out = list(by_country.values()), []
    while queues and len(out) < limit:
        for queue in list(queues):
            if queue:
                out.append(queue.pop())
            else:
                queues.remove(queue)
    return out[:limit]


def workspaces(user):
    out = []
    rows = (
        Membership.objects.filter(user=user, active=True, twinning__status__in=WORKING)
        .order_by("-twinning__pk")
        .values_list("twinning_id", "role")[:3]
    )
    for twinning_id, role in rows:
        thread = Thread.objects.filter(twinning_id=twinning_id).order_by("-last_post_at", "-pk").first()
        if thread is None and role in TEACHING:
            # As the twinning's teacher would: a first topic, so its members have somewhere to write.
            thread = workspace.start_thread(
                twinning=Twinning.objects.get(pk=twinning_id), by=user, title="Hello from our class",
                body="Welcome! Tell us about your town.",
            )
        out.append({"twinning": twinning_id, "thread": thread.pk if thread else None})
    return out


year = current_school_year()
want = ask["clients"]
counts = {role: sum(1 for n in range(want) if ask["cycle"][n % len(ask["cycle"])] == role) for role in ask["cycle"]}
# Up to as many of each role as there are clients: others fill the places of a role the network has
# too few of (see ROLE_CYCLE).
counts = dict.fromkeys(counts, want)
people = {role: [] for role in counts}

# Teachers: first those working in a twinning, then others (partner search, directory, dashboard).
working = (
    Membership.objects.filter(active=True, role__in=TEACHING, twinning__status__in=WORKING, user__in=usable)
    .order_by("pk")
    .values("user_id", "school", "school__country_id")[:20000]
)
chosen = spread([{**r, "country": r["school__country_id"]} for r in working], "country", counts.get("teacher", 0))
if len(chosen) < counts.get("teacher", 0):
    taken = {r["school"] for r in chosen}
    others = (
        TeacherProfile.objects.filter(status=ValidationStatus.VALIDATED, user__in=usable)
        .exclude(school__in=taken)
        .order_by("pk")
        .values("user_id", "school", "school__country_id")[:20000]
    )
    chosen += spread(
        [{**r, "country": r["school__country_id"]} for r in others], "country", counts["teacher"] - len(chosen)
    )
profiled = set(
    TwinningProfile.objects.filter(school_year=year, school__in=[r["school"] for r in chosen]).values_list(
        "school_id", flat=True
    )
)
for row in chosen:
    user = User.objects.get(pk=row["user_id"])
    people["teacher"].append(
        {
            "role": "teacher",
            "who": f"teacher #{user.pk}, school {row['school']} ({row['country']})",
            "country": row["country"],
            "search": row["school"] in profiled,
            "workspaces": workspaces(user),
            **sign_in(user),
        }
    )

# Pupils of working twinnings, one a school: first those the sign-ins file lets in, then others (with a
# session made for them).
pupils = Membership.objects.filter(active=True, role=Membership.Role.PUPIL, twinning__status__in=WORKING)
chosen = []
for group in (pupils.filter(user__in=usable), pupils.exclude(user__in=usable)):
    rows = group.order_by("pk").values("user_id", "school", "school__country_id")[:20000]
    taken = {r["school"] for r in chosen}
    rows = [{**r, "country": r["school__country_id"]} for r in rows if r["school"] not in taken]
    chosen += spread(rows, "country", counts.get("pupil", 0) - len(chosen))
for row in chosen:
    user = User.objects.get(pk=row["user_id"])
    spaces = [w for w in workspaces(user) if w["thread"]] or workspaces(user)
    who = f"pupil #{user.pk}, school {row['school']}"
    people["pupil"].append({"role": "pupil", "who": who, "workspaces": spaces, **sign_in(user)})

# Staff whose authenticator key the file gives (their role needs the second step).
for kind in ("nso_staff", "coordinator"):
    roles = Role.objects.filter(kind=kind, user__in=usable).order_by("pk")
    users, seen = [], set()
    for role in roles.select_related("user")[:2000]:
        device = TOTPDevice.objects.filter(user=role.user, confirmed=True).first()
        if role.user_id not in seen and device is not None and device.key in staff_keys:
            seen.add(role.user_id)
            users.append(role.user)
    rng.shuffle(users)
    for user in users[: counts.get(kind, 0)]:
        # The pages of their role they may see (a programme's coordinator validates no teacher, say).
        may = {"caseload": can_see_caseload(user), "queue": can_validate(user)}
        may["reports"] = report_scope(user) is not None
        who = f"{kind.replace('_', ' ')} #{user.pk}"
        people[kind].append({"role": kind, "who": who, "totp": True, "may": may, **sign_in(user)})

# Words people type in the school directory: from real school names, in each script.
validated = School.objects.filter(status=ValidationStatus.VALIDATED)
names = list(validated.order_by("pk").values_list("name", flat=True)[:5000])
words = {"hebrew": set(), "arabic": set(), "latin": set()}
for name in names:
    for word in name.split():
        if len(word) < 3:
            continue
        if any("\u0590" <= c <= "\u05ff" for c in word):
            words["hebrew"].add(word)
        elif any("\u0600" <= c <= "\u06ff" for c in word):
            words["arabic"].add(word)
        elif word.isalpha():
            words["latin"].add(word.lower())
countries = sorted(validated.values_list("country_id", flat=True).distinct())
spoken = TwinningProfile.objects.filter(school_year=year).values_list("languages__language_id", flat=True)
languages = sorted(set(spoken.distinct()) - {None})
print(json.dumps({
    "network": {
        "schools": School.objects.count(),
        "people": User.objects.count(),
        "twinnings": Twinning.objects.count(),
        "working": Twinning.objects.filter(status__in=WORKING).count(),
        "posts": Post.objects.count(),
    },
    "people": people,
    "words": {script: sorted(found)[:200] for script, found in words.items()},
    "countries": countries,
    "languages": languages,
    "ages": [6, 8, 10, 12, 14, 16],
    # Where this run's own rows begin (removed again at the end from a database the bench did not make).
    "marks": {
        "post": Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "media": MediaItem.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    },
}))
"""

# Rows this run wrote, removed from a database the bench did not make (their files went with the
# temporary MEDIA_ROOT); the forum threads' counts are set back from the posts that remain.
CLEAN = r"""
import json, sys
import django
django.setup()
from django.db import transaction
from django.db.models import Max
from twinning.workspace.models import MediaItem, Post, Thread

ask = json.load(sys.stdin)
with transaction.atomic():
    posts = Post.objects.filter(pk__gt=ask["post"], body__startswith=ask["marker"])
    threads = set(posts.values_list("thread_id", flat=True))
    removed_posts, _ = posts.delete()
    for thread in Thread.objects.filter(pk__in=threads):
        left = Post.objects.filter(thread=thread, status="published")
        thread.post_count = left.count()
        thread.last_post_at = left.aggregate(at=Max("created_at"))["at"] or thread.created_at
        thread.save(update_fields=["post_count", "last_post_at"])
    removed_media, _ = MediaItem.objects.filter(pk__gt=ask["media"], title__startswith=ask["marker"]).delete()
print(json.dumps({"posts": removed_posts, "media": removed_media}))
"""


def server_sql(sql: str) -> None:
    """A statement outside any transaction (CREATE/DROP DATABASE), on the server's own database."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=10) as connection:
        connection.execute(sql)


# --- Services this run starts ------------------------------------------------------------------------


def claim_redis_db() -> int:
    """A Redis database number nobody uses now (empty), claimed with a key of our own."""
    import redis

    for number in range(15, 0, -1):
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number, socket_timeout=2)
        if client.dbsize() == 0 and client.set("twinning:load-test:claim", os.getpid(), nx=True):
            if client.dbsize() == 1:
                return number
            client.delete("twinning:load-test:claim")
    raise RuntimeError("no empty Redis database (1-15) to use")


def flush_redis_db(number: int) -> None:
    import redis

    redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number, socket_timeout=5).flushdb()


def wait_until_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/health/", headers={"X-Forwarded-Proto": "https"})
            if connection.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"the site did not answer on port {port}")


# --- The sign-ins file ---------------------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def settle_jobs(url: str, seconds: float) -> dict:
    """Wait until the worker has run the jobs due when it started (the periodic jobs whose time slot
    passed while no worker ran: on a network just generated or restored, the nightly ones too), so that
    the levels measure the site as it runs day to day. What ran, and how long it took, is reported."""
    import psycopg

    began, seen, quiet = time.monotonic(), set(), 0
    due = "SELECT name FROM common_job WHERE status = 'running' OR (status = 'queued' AND run_at <= now())"
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as connection:
        time.sleep(5)  # the worker queues the periodic jobs due on its first tick
        while time.monotonic() - began < seconds:
            names = {name for (name,) in connection.execute(due).fetchall()}
            seen |= names
            quiet = 0 if names else quiet + 1
            if quiet >= 3:
                return {"jobs": sorted(seen), "seconds": time.monotonic() - began, "left": []}
            time.sleep(2)
        left = sorted({name for (name,) in connection.execute(due).fetchall()})
    return {"jobs": sorted(seen), "seconds": time.monotonic() - began, "left": left}


def read_sign_ins(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """(login, password) pairs and authenticator keys (hex) from a sign-ins file.

    Two layouts are read. The demo's (`load_demo`): `Password: ...` once for every e-mail address
    listed, and `Authenticator key: ...` (base32, in groups) for the staff. The generator's
    (`generate_network`): comment lines starting with `#`, one of them `# authenticator key: ...`,
    then tab-separated lines under a header naming the columns `login` and `password`.
    """
    text = path.read_text(encoding="utf-8")
    shared = re.findall(r"^Password: (\S+)\s*$", text, flags=re.MULTILINE)
    keys = [
        base64.b32decode(found.replace(" ", "").upper()).hex()
        for found in re.findall(
            r"^[#\s]*Authenticator key:\s*([A-Z2-7 ]+?)\s*$", text, flags=re.MULTILINE | re.IGNORECASE
        )
    ]
    accounts: list[tuple[str, str]] = []
    columns: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if "\t" in line:
            cells = [cell.strip() for cell in line.split("\t")]
            if {"login", "password"} <= set(cells):
                columns = cells
            elif columns and len(cells) >= len(columns) - 2:
                row = dict(zip(columns, cells, strict=False))
                if row.get("login") and row.get("password"):
                    accounts.append((row["login"], row["password"]))
            continue
        for match in EMAIL.finditer(line):
            accounts += [(match.group(0), password) for password in shared]
    return accounts, keys


def totp(key_hex: str, at: float, step: int = 30, digits: int = 6) -> str:
    """The code an authenticator app shows (RFC 6238, as django-otp checks it)."""
    counter = struct.pack(">Q", int(at // step))
    digest = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10**digits:0{digits}d}"


# --- One client ------------------------------------------------------------------------------------------


def jpeg(n: int) -> bytes:
    """A small real photo (varied, so that no two uploads are the same file)."""
    from PIL import Image, ImageDraw

    rng = random.Random(n)
    image = Image.new("RGB", (320, 240), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(300), rng.randrange(220)
        draw.ellipse((x, y, x + rng.randrange(10, 80), y + rng.randrange(10, 80)), fill=(rng.randrange(256),) * 3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


@dataclass
class Answer:
    status: int
    location: str
    body: bytes


class Browser:
    """One person's browser: a kept connection, its cookies, the headers nginx passes on."""

    def __init__(self, port: int, language: str):
        self.port, self.language = port, language
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.origin = f"https://{HOST}:{port}"

    def request(self, method: str, path: str, body: bytes = b"", kind: str = "") -> Answer:
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
            "Accept-Language": self.language,
            "Accept-Encoding": "gzip",
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) twinning-load-test",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Origin"], headers["Referer"] = self.origin, self.origin + path
            headers["Content-Type"] = kind
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body or None, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed a kept connection between two requests (keep-alive ran out, or
                # gunicorn renewed the process): a browser opens a new one and sends again; a second
                # failure is an error.
                self.close()
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie = rest.split(";", 1)[0]
                if "expires=Thu, 01 Jan 1970" in value or "Max-Age=0" in value:
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = cookie
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return Answer(response.status, response.getheader("Location", ""), data)

    def form(self, path: str, fields: dict) -> Answer:
        body = urlencode({**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}).encode()
        return self.request("POST", path, body, "application/x-www-form-urlencoded")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass
class Done:
    kind: str
    began: float
    ended: float
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


class Client:
    """One signed-in person running their role's weighted pages in a closed loop."""

    def __init__(self, number: int, person: dict, plan: dict, port: int, marker: str):
        self.number, self.person, self.plan, self.marker = number, person, plan, marker
        self.rng = random.Random(number)
        self.browser = Browser(port, ("en", "he", "ar")[number % 3])
        flow = dict(FLOWS[person["role"]])
        spaces = person.get("workspaces") or []
        if not spaces:
            for kind in ("feed", "thread", "reply", "upload"):
                flow.pop(kind, None)
        if not any(space.get("thread") for space in spaces):
            flow.pop("thread", None)
            flow.pop("reply", None)
        if not person.get("search"):
            flow.pop("search", None)
        for kind, allowed in person.get("may", {}).items():
            if not allowed:
                flow.pop(kind, None)
        self.kinds, self.weights = list(flow), list(flow.values())
        self.writes = 0
        self.done: list[Done] = []

    def sign_in(self) -> str | None:
        """Through the sign-in page (and the second step), or with the session made for the person.
        Returns what went wrong, or None."""
        page = self.browser
        if "session" in self.person:
            page.cookies["sessionid"] = self.person["session"]
        else:
            first = page.request("GET", "/accounts/sign-in/")
            if first.status != 200 or "csrftoken" not in page.cookies:
                return f"sign-in page answered {first.status}"
            sent = page.form(
                "/accounts/sign-in/", {"username": self.person["login"], "password": self.person["password"]}
            )
            if sent.status != 302:
                return f"password refused ({sent.status})"
            if "/sign-in/code/" in sent.location:
                if not self.person.get("totp"):
                    return "second step asked, but no authenticator key is known"
                path = urlsplit(sent.location)
                step = path.path + (f"?{path.query}" if path.query else "")
                page.request("GET", step)
                code = page.form(step, {"code": totp(self.plan["app_keys"][0], time.time())})
                if code.status != 302 or "/sign-in/" in code.location:
                    return f"code refused ({code.status})"
        landed = page.request("GET", "/dashboard/")
        return None if landed.status == 200 else f"dashboard answered {landed.status} {landed.location}"

    def space(self) -> dict:
        return self.rng.choice(self.person["workspaces"])

    def threaded(self) -> dict:
        return self.rng.choice([s for s in self.person["workspaces"] if s.get("thread")])

    def path_for(self, kind: str) -> str:  # noqa: C901 - one line per page kind
        plan, rng = self.plan, self.rng
        if kind == "dashboard":
            return "/dashboard/"
        if kind == "feed":
            return f"/twinnings/{self.space()['twinning']}/workspace/"
        if kind in ("thread", "reply"):
            space = self.threaded()
            return f"/twinnings/{space['twinning']}/forum/{space['thread']}/"
        if kind == "upload":
            return f"/twinnings/{self.space()['twinning']}/media/"
        if kind == "meetings":
            spaces = self.person.get("workspaces")
            return f"/twinnings/{rng.choice(spaces)['twinning']}/meetings/" if spaces else "/meetings/"
        if kind == "search":
            filters = {}
            others = [c for c in plan["countries"] if c != self.person.get("country")]
            if others and rng.random() < 0.6:
                filters["country"] = rng.choice(others)
            if rng.random() < 0.5:
                filters["age"] = rng.choice(plan["ages"])
            if plan["languages"] and rng.random() < 0.4:
                filters["language"] = rng.choice(plan["languages"])
            return "/matching/search/" + (f"?{urlencode(filters)}" if filters else "")
        if kind == "directory":
            scripts = [script for script, words in plan["words"].items() if words]
            query = {"q": rng.choice(plan["words"][rng.choice(scripts)])} if scripts else {}
            if plan["countries"] and rng.random() < 0.3:
                query["country"] = rng.choice(plan["countries"])
            return "/schools/" + (f"?{urlencode(query)}" if query else "")
        return {"reports": "/reports/", "queue": "/validation/", "caseload": "/coordination/"}[kind]

    def act(self, kind: str) -> str | None:
        """One request of this kind; what went wrong, or None."""
        path = self.path_for(kind)
        page = self.browser
        if kind == "reply":
            if "csrftoken" not in page.cookies:
                page.request("GET", path)
            self.writes += 1
            text = f"{self.marker} {self.number}.{self.writes}: " + self.rng.choice(
                ["Thank you, we loved it!", "תודה רבה, נהנינו מאוד!", "شكرا جزيلا، استمتعنا كثيرا!"]
            )
            answer = page.form(path, {"body": text, "idempotency_key": secrets.token_urlsafe(16)})
            return None if answer.status == 302 and "/accounts/" not in answer.location else f"reply: {answer.status}"
        if kind == "upload":
            if "csrftoken" not in page.cookies:
                page.request("GET", path)
            self.writes += 1
            body, content_type = multipart(
                {
                    "title": f"{self.marker} {self.number}.{self.writes}",
                    "csrfmiddlewaretoken": page.cookies["csrftoken"],
                },
                {"file": (f"class-{self.writes}.jpg", jpeg(self.number * 10_000 + self.writes), "image/jpeg")},
            )
            answer = page.request("POST", path, body, content_type)
            return None if answer.status == 302 and "/accounts/" not in answer.location else f"upload: {answer.status}"
        answer = page.request("GET", path)
        if answer.status >= 400:
            return f"{answer.status} GET {path}"
        if "/accounts/sign-in" in answer.location:
            return f"sent to sign in from {path}"
        return None

    def run(self, until: float) -> None:
        while time.monotonic() < until:
            kind = self.rng.choices(self.kinds, self.weights)[0]
            began = time.monotonic()
            try:
                wrong = self.act(kind)
            except (OSError, http.client.HTTPException) as error:
                wrong = f"{kind}: {type(error).__name__}: {error}"
                self.browser.close()
            error = f"{self.person['who']} ({self.browser.language}): {wrong}" if wrong else ""
            self.done.append(Done(kind, began, time.monotonic(), error))


class Health:
    """The reference: /health/ (one `SELECT 1`), asked by a client with no session."""

    def __init__(self, number: int, port: int):
        self.browser = Browser(port, "en")
        self.done: list[Done] = []

    def run(self, until: float) -> None:
        while time.monotonic() < until:
            began = time.monotonic()
            try:
                status = self.browser.request("GET", "/health/").status
                error = "" if status == 200 else f"health: {status}"
            except (OSError, http.client.HTTPException) as failure:
                error = f"health: {type(failure).__name__}: {failure}"
                self.browser.close()
            self.done.append(Done("health", began, time.monotonic(), error))


class DatabaseSampler:
    """Where the database's time goes while a level runs: its server processes' CPU, and what they run.

    Ten times a second it reads `pg_stat_activity` for the bench's database and counts each active
    statement's shape (its literals and lists folded away): a shape's share of the samples is its share
    of the time the database spent busy. The CPU is the user + system time of the database's server
    processes serving this database (read from /proc, as the web processes' is); a process that ended
    inside the level takes its time with it, so this is a lower bound.
    """

    INTERVAL = 0.1
    LITERALS = (
        (re.compile(r"'(?:[^']|'')*'"), "?"),
        (re.compile(r"\b\d+(?:\.\d+)?\b"), "?"),
        (re.compile(r"\((?:\s*\?\s*,)+\s*\?\s*\)"), "(?, ...)"),
        (re.compile(r"\s+"), " "),
    )

    def __init__(self, url: str):
        import psycopg

        self.connection = psycopg.connect(url, autocommit=True, connect_timeout=10)
        self.samples, self.busy, self.shapes = 0, 0, {}
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.began: dict[int, int] = {}

    COLUMNS = re.compile(r"^SELECT (DISTINCT )?(.{40,}?) FROM ")

    def shape(self, query: str) -> str:
        for pattern, replacement in self.LITERALS:
            query = pattern.sub(replacement, query)
        # A long column list says little of where the time goes: what is read, and how, follows FROM.
        return self.COLUMNS.sub(lambda m: f"SELECT {m.group(1) or ''}… FROM ", query.strip(), count=1)

    def cpu_ticks(self) -> dict[int, int]:
        """Each server process of this database: its CPU so far, in clock ticks."""
        rows = self.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        ticks = {}
        for (pid,) in rows:
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks[pid] = int(fields[11]) + int(fields[12])
        return ticks

    def run(self) -> None:
        while not self.stopping.wait(self.INTERVAL):
            with contextlib.suppress(Exception):
                rows = self.connection.execute(
                    "SELECT query FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                ).fetchall()
                self.samples += 1
                self.busy += len(rows)
                for (query,) in rows:
                    key = self.shape(query)
                    self.shapes[key] = self.shapes.get(key, 0) + 1

    def start(self) -> None:
        self.samples, self.busy, self.shapes = 0, 0, {}
        self.began = self.cpu_ticks()
        self.stopping.clear()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def stop(self) -> dict:
        """The level's figures: the CPU each process used since `start` (all of it for a process started
        since), the statements running at once on average, and the busiest statements' shares."""
        ended = self.cpu_ticks()
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(5)
        cpu = sum(max(0, ticks - self.began.get(pid, 0)) for pid, ticks in ended.items())
        top = sorted(self.shapes.items(), key=lambda item: -item[1])[:SHOWN_QUERIES]
        return {
            "cpu": cpu / os.sysconf("SC_CLK_TCK"),
            "active": self.busy / max(1, self.samples),
            "top": [(count / max(1, self.busy), query) for query, count in top],
        }

    def close(self) -> None:
        self.connection.close()


@dataclass
class Level:
    clients: int
    seconds: float
    done: list[Done] = field(default_factory=list)
    web_cpu: float = 0.0
    worker_cpu: float = 0.0
    database_cpu: float = 0.0
    database: dict = field(default_factory=dict)
    own_cpu: float = 0.0
    renewed: int = 0  # web processes gunicorn started in the window (max_requests renews them)

    @property
    def errors(self) -> list[str]:
        return [d.error for d in self.done if d.error]

    @property
    def failed(self) -> int:
        return sum(1 for d in self.done if not d.ok)

    @property
    def rps(self) -> float:
        return len(self.done) / self.seconds

    def ms(self, kind: str | None = None) -> list[float]:
        return sorted((d.ended - d.began) * 1000 for d in self.done if kind is None or d.kind == kind)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def measure(
    clients: list, warmup: float, seconds: float, web: Process, worker: Process, sampler: DatabaseSampler
) -> Level:
    """Every client in a closed loop for warm-up + seconds; what finished inside the counted window."""
    start = time.monotonic()
    window = (start + warmup, start + warmup + seconds)
    threads = [threading.Thread(target=c.run, args=(window[1],), daemon=True) for c in clients]
    for c in clients:
        c.done = []
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, window[0] - time.monotonic()))
    cpu, jobs, own, booted = web.cpu_seconds(), worker.cpu_seconds(), time.process_time(), web.booted()
    sampler.start()
    time.sleep(max(0.0, window[1] - time.monotonic()))
    database = sampler.stop()
    level = Level(
        len(clients),
        seconds,
        web_cpu=web.cpu_seconds() - cpu,
        worker_cpu=worker.cpu_seconds() - jobs,
        own_cpu=time.process_time() - own,
        renewed=web.booted() - booted,
        database_cpu=database["cpu"],
        database=database,
    )
    for thread in threads:
        thread.join(90)
    for c in clients:
        level.done += [d for d in c.done if window[0] <= d.ended <= window[1]]
    return level


# --- The run -----------------------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        help="an existing loaded PostgreSQL database (a name on 127.0.0.1:5432, or a URL); "
        "default: a throw-away one, generated and dropped",
    )
    parser.add_argument(
        "--sign-ins",
        type=Path,
        help="the network's sign-ins file (with --database; default: every var/*sign-ins*.txt of the project)",
    )
    parser.add_argument("--schools", type=int, default=2000, help="size of the generated network (default 2000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)), help="clients per level (default 8,32,64)")
    parser.add_argument("--warmup", type=float, default=8.0, help="seconds of warm-up per level (default 8)")
    parser.add_argument("--seconds", type=float, default=25.0, help="seconds counted per level (default 25)")
    parser.add_argument(
        "--settle",
        type=float,
        default=1800.0,
        help="at most this many seconds waiting for the jobs due at the start before the levels (default 1800)",
    )
    return parser.parse_args()


def generate(env: dict, args: argparse.Namespace) -> str:
    """Fill the fresh database: the large-network generator when the project has it, else the demo."""
    manage(env, "migrate", "--noinput", "-v0", timeout=7200)
    if (ROOT / "twinning/demo/management/commands/generate_network.py").exists():
        manage(env, "generate_network", "--schools", str(args.schools), "--seed", str(args.seed), timeout=7200)
        return f"generate_network --schools {args.schools} --seed {args.seed}"
    manage(env, "load_demo", "--seed", str(args.seed), timeout=7200)
    return f"load_demo --seed {args.seed} (no generate_network in this tree; --schools ignored)"


def sign_ins_files(args: argparse.Namespace, var: Path) -> list[Path]:
    if args.sign_ins:
        return [args.sign_ins]
    return sorted(var.glob("*sign-ins*.txt"))


def main() -> int:  # noqa: C901 - one run, told in order
    args = arguments()
    levels = [int(n) for n in args.levels.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="twinning-load-"))
    port = free_port()
    own_database = None if args.database else f"twinning_load_{os.getpid()}"
    url = args.database if args.database and "://" in args.database else f"{PG}/{args.database or own_database}"
    marker = f"load-test-{uuid.uuid4().hex[:8]}"
    redis_db = None
    env = _setup.production_env(
        workdir,
        port=port,
        database_url=url,
        TWINNING_UPLOAD_TEMP_DIR=str(workdir),
        # Nothing leaves the machine: the worker "delivers" the site's e-mails to nowhere.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    web = Process(_setup.gunicorn_as_shipped(), env, workdir / "web.log")
    worker = Process([_setup.PYTHON, "manage.py", "run_worker"], env, workdir / "worker.log")
    previous = _setup.interrupt_on_sigterm()
    results: list[Level] = []
    try:
        redis_db = claim_redis_db()
        env["TWINNING_CACHE_URL"] = f"redis://{REDIS_HOST}:{REDIS_PORT}/{redis_db}"
        began = time.monotonic()
        if own_database:
            server_sql(f"CREATE DATABASE {own_database}")
            network = generate(env, args)
            files = sign_ins_files(args, workdir)
        else:
            try:
                manage(env, "migrate", "--check", timeout=600)
            except _setup.StepFailed:
                raise RuntimeError(f"{url} is not migrated to this tree's models (manage.py migrate --check)") from None
            network = f"the existing database {url.rsplit('/', 1)[-1]}"
            files = sign_ins_files(args, ROOT / "var")
        prepared = time.monotonic() - began
        if not files:
            raise RuntimeError("no sign-ins file: give one with --sign-ins")
        accounts, app_keys = [], []
        for path in files:
            found, keys = read_sign_ins(path)
            accounts += found
            app_keys += keys
        manage(env, "collectstatic", "--noinput", "-v0", timeout=7200)
        # The partner-search index, as the worker of a running site keeps it: built once into this run's
        # folder, mapped by every web process (without it each process would build its own on its first
        # search, and the first minute would measure that).
        t = time.monotonic()
        manage(env, "build_search_index", timeout=7200)
        network += f"; its partner-search index built in {time.monotonic() - t:.0f} s"
        plan = json.loads(
            python(
                env,
                PLAN,
                stdin=json.dumps(
                    {
                        "accounts": accounts,
                        "app_keys": app_keys,
                        "clients": max(levels),
                        "cycle": ROLE_CYCLE,
                        "seed": args.seed,
                    }
                ),
                timeout=1800,
            )
            .strip()
            .splitlines()[-1]
        )
        plan["app_keys"] = app_keys
        # The people in the order of the cycle; a role with nobody left gives its place to the first
        # role that has someone (teachers, then pupils, NSO staff, coordinators).
        queues = {role: list(plan["people"].get(role, [])) for role in FLOWS}
        people = []
        for n in range(max(levels)):
            role = ROLE_CYCLE[n % len(ROLE_CYCLE)]
            role = role if queues[role] else next((r for r in FLOWS if queues[r]), role)
            if queues[role]:
                people.append(queues[role].pop(0))
        if not people:
            raise RuntimeError("the sign-ins file lets nobody in to this database")
        web.start()
        worker.start()
        wait_until_up(port)
        settled = settle_jobs(url, args.settle)

        clients = [Client(n, person, plan, port, marker) for n, person in enumerate(people)]
        signed, refused, timings = [], [], []

        def sign_in(client: Client) -> None:
            t = time.monotonic()
            try:
                wrong = client.sign_in()
            except (OSError, http.client.HTTPException) as error:
                wrong = f"{type(error).__name__}: {error}"
            timings.append((time.monotonic() - t) * 1000)
            (refused if wrong else signed).append((client, wrong))

        for batch in range(0, len(clients), 8):
            threads = [threading.Thread(target=sign_in, args=(c,)) for c in clients[batch : batch + 8]]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
        signed_clients = sorted((c for c, _ in signed), key=lambda c: c.number)
        load_at_start = os.getloadavg()
        sampler = DatabaseSampler(url)
        for count in levels:
            results.append(measure(signed_clients[:count], args.warmup, args.seconds, web, worker, sampler))
        reference = measure(
            [Health(n, port) for n in range(REFERENCE_CLIENTS)], args.warmup, args.seconds, web, worker, sampler
        )
        sampler.close()
        load_at_end = os.getloadavg()
        if not own_database:
            removed = json.loads(
                python(env, CLEAN, stdin=json.dumps({**plan["marks"], "marker": marker}), timeout=1800)
                .strip()
                .splitlines()[-1]
            )
        else:
            removed = None
    finally:
        signal.signal(signal.SIGTERM, previous)
        worker.stop()
        web.stop()
        if own_database:
            with contextlib.suppress(Exception):
                server_sql(f"DROP DATABASE IF EXISTS {own_database} WITH (FORCE)")
        if redis_db is not None:
            with contextlib.suppress(Exception):
                flush_redis_db(redis_db)
        shutil.rmtree(workdir, ignore_errors=True)

    passed = report(
        network=network,
        prepared=prepared,
        plan=plan,
        people=people,
        signed=signed_clients,
        refused=refused,
        timings=timings,
        results=results,
        reference=reference,
        loads=(load_at_start, load_at_end),
        removed=removed,
        settled=settled,
    )
    return 0 if passed else 1


def report(
    *, network, prepared, plan, people, signed, refused, timings, results, reference, loads, removed, settled
) -> bool:
    roles = {}
    for client in signed:
        roles[client.person["role"]] = roles.get(client.person["role"], 0) + 1
    countries = {c.person.get("country") for c in signed if c.person.get("country")}
    by_form = sum(1 for c in signed if "session" not in c.person)
    cores = len(os.sched_getaffinity(0))
    print(
        f"Load test: gunicorn as shipped ({max(2, cores)} processes x 4 threads, gthread), PostgreSQL, Redis cache, "
        f"job worker; production settings; {cores} cores"
    )
    stats = plan["network"]
    print(
        f"Network: {network} ({prepared:.0f} s): {stats['schools']} schools, {stats['people']} people, "
        f"{stats['twinnings']} twinnings ({stats['working']} working), {stats['posts']} posts"
    )
    print(
        f"Clients: {len(signed)} signed in ({', '.join(f'{n} {r}' for r, n in roles.items())}; teachers of "
        f"{len(countries)} countries), {by_form} through the sign-in page "
        f"(p50 {percentile(sorted(timings), 50):.0f} ms), "
        f"{len(signed) - by_form} with a session made for them; refused: {len(refused)}"
    )
    for client, wrong in refused[:SHOWN_ERRORS]:
        print(f"    refused: {client.person['who']}: {wrong}")
    print(
        f"Jobs due at the start, run by the worker before the levels: {', '.join(settled['jobs']) or 'none'} "
        f"({settled['seconds']:.0f} s)"
        + (f"; still running when the levels began: {', '.join(settled['left'])}" if settled["left"] else "")
    )
    print(
        f"Load average (1, 5, 15 min): {' '.join(f'{v:.2f}' for v in loads[0])} at the start, "
        f"{' '.join(f'{v:.2f}' for v in loads[1])} at the end"
    )
    print("-" * 100)
    print(
        f"  {'clients':>11} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7} "
        f"{'web CPU ms/req':>15} {'db CPU ms/req':>14} {'db busy':>8} {'worker CPU %':>13} {'clients CPU %':>14} "
        f"{'renewed':>8}"
    )
    rows = [*results, reference]
    for level in rows:
        times = level.ms()
        name = f"{level.clients}" if level is not reference else f"{level.clients} /health/"
        cpu = level.web_cpu * 1000 / max(1, len(level.done))
        print(
            f"  {name:>11} {level.rps:7.1f} {percentile(times, 50):7.0f} {percentile(times, 95):7.0f} "
            f"{percentile(times, 99):7.0f} {level.failed:7d} {cpu:15.1f} "
            f"{level.database_cpu * 1000 / max(1, len(level.done)):14.1f} {level.database.get('active', 0):8.1f} "
            f"{100 * level.worker_cpu / level.seconds:13.0f} {100 * level.own_cpu / level.seconds:14.0f} "
            f"{level.renewed:8d}"
        )
    print(
        "  (/health/ is the reference: one SELECT 1, no session, measured in the same run; CPU % of one core;"
        " clients: this load generator;\n   db CPU: the database's server processes for this database;"
        " db busy: statements running at once, on average;\n   renewed: web processes gunicorn started afresh in"
        " the counted time, after max_requests)"
    )
    kinds = sorted({d.kind for level in results for d in level.done})
    print()
    print("  p95 ms (requests) per page kind, at " + " / ".join(f"{level.clients}" for level in results) + " clients:")
    for kind in kinds:
        cells = [
            f"{percentile(level.ms(kind), 95):6.0f} ({len(level.ms(kind)):5d})"
            if level.ms(kind)
            else f"{'-':>6} (    0)"
            for level in results
        ]
        print(f"    {kind:10} " + "  ".join(cells))
    for level in results:
        print(f"  the database's busiest statements at {level.clients} clients (share of its busy time):")
        for share, query in level.database.get("top", []):
            print(f"    {100 * share:5.1f} %  {query[:240]}")
    for level in results:
        if level.errors:
            print(f"  errors at {level.clients} clients ({level.failed}), the first:")
            for error in level.errors[:SHOWN_ERRORS]:
                print(f"    {error}")
    if removed is not None:
        print(f"  removed from the database again: {removed['posts']} replies, {removed['media']} photos")
    at32 = next((level for level in results if level.clients == 32), None)
    if at32 is None:
        print("  target: not measured (no level of 32 clients)")
        return True
    p95 = percentile(at32.ms(), 95)
    ratio = at32.rps / reference.rps if reference.rps else float("nan")
    cpu_ratio = (at32.web_cpu / max(1, len(at32.done))) / max(1e-9, reference.web_cpu / max(1, len(reference.done)))
    print(
        f"  the mix at 32 clients: {ratio:.2f} x the reference's requests a second, "
        f"{cpu_ratio:.1f} x its web CPU per request"
    )
    passed = at32.rps >= TARGET_RPS and p95 <= TARGET_P95_MS and at32.failed == 0
    print(
        f"  target at 32 clients: >= {TARGET_RPS} req/s, p95 <= {TARGET_P95_MS} ms, 0 errors: {at32.rps:.1f} req/s, "
        f"p95 {p95:.0f} ms, {at32.failed} errors — {'PASS' if passed else 'FAIL'}"
    )
    return passed


if __name__ == "__main__":
    sys.exit(main())
