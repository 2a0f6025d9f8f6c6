"""What the benchmarks share: a throw-away database and the settings that point at it, the commands run against
it (``manage.py`` and measuring scripts), a signed-in client timing a page, and for the benchmarks that run the
site as in production, its environment and the processes they start (gunicorn, the job worker, Redis).

Ways to use it:

- a benchmark whose measuring script runs in a process of its own (so that it starts from a freshly migrated
  database and its figures are not those of the process that built it) calls ``run_script(SCRIPT, ...)``; the
  script, run from the repository's root, imports ``signed_in`` and ``timed`` from ``bench._setup``;
- a benchmark that runs several steps against one throw-away site (load the demo, seed, measure, serve it with
  gunicorn) opens ``throwaway_site(...)`` and runs them with ``manage(env, ...)`` and ``python(env, ...)``;
- a benchmark measured in its own process calls ``django_in_throwaway_folder("name")`` before importing anything
  of Django's or the project's, then ``migrate()``;
- a benchmark of the site as deployed builds its environment with ``production_env(...)`` and starts
  ``Process(gunicorn_as_shipped(), ...)`` and the worker on a ``free_port()``.

The database is SQLite in a new temporary folder, which holds the site's other files too (``TWINNING_VAR_DIR``,
``TWINNING_MEDIA_ROOT``); the folder is removed afterwards. Django's own modules are imported inside the
functions: this module is imported before the settings exist.
"""

import contextlib
import io
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"

# What a measuring script run by `run_script` gets on top of the throw-away database: background jobs run in the
# process that queues them, once their transaction commits, and mail stays in memory.
JOBS_INLINE_MAIL_IN_MEMORY = {
    "TWINNING_JOBS_IMMEDIATE": "1",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


def throwaway_settings(folder: Path) -> dict[str, str]:
    """The environment that points the site's settings at a database and files in `folder`, and nowhere else (no
    shared cache either: a cache left by another run would answer for this one)."""
    return {
        "DJANGO_SETTINGS_MODULE": "twinning.settings",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "TWINNING_VAR_DIR": str(folder),
        "TWINNING_MEDIA_ROOT": str(folder / "media"),
    }


def throwaway_env(folder: Path, **extra: str) -> dict[str, str]:
    """The environment of a process run from the repository's root against the throw-away site in `folder`: this
    process's own, with ``throwaway_settings``, ``JOBS_INLINE_MAIL_IN_MEMORY`` and `extra`, and no shared cache
    (each process's cache is its own memory: what the measured process itself keeps)."""
    env = {**os.environ, **throwaway_settings(folder), **JOBS_INLINE_MAIL_IN_MEMORY, **extra}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env.pop("TWINNING_CACHE_URL", None)
    return env


@contextlib.contextmanager
def throwaway_site(prefix: str = "bench", **extra: str) -> Iterator[tuple[dict[str, str], Path]]:
    """A new temporary folder for a throw-away site and the environment that points at it (``throwaway_env``
    with `extra`); the folder is removed on the way out. Nothing is migrated yet: ``manage(env, "migrate")``."""
    folder = Path(tempfile.mkdtemp(prefix=f"twinning-{prefix}-"))
    try:
        yield throwaway_env(folder, **extra), folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class StepFailed(RuntimeError):
    """A command a benchmark ran failed; its message ends with the end of what the command wrote to its error
    output (when that was captured)."""

    def __init__(self, what: str, returncode: int, stderr: str | None):
        tail = f":\n{stderr[-3000:]}" if stderr else ""
        super().__init__(f"{what} failed (exit {returncode}){tail}")
        self.returncode, self.stderr = returncode, stderr or ""


def _run(argv: list[str], env: dict[str, str], what: str, *, stdin, capture: bool, timeout) -> str:
    done = subprocess.run(argv, cwd=ROOT, env=env, input=stdin, capture_output=capture, text=True, timeout=timeout)
    if done.returncode:
        raise StepFailed(what, done.returncode, done.stderr)
    return done.stdout or ""


def manage(env: dict[str, str], *args: str, capture: bool = True, timeout: float | None = None) -> str:
    """``manage.py *args`` against `env`'s site; what it printed when `capture` (otherwise it prints straight to
    the terminal). Raises ``StepFailed`` if it fails."""
    return _run([PYTHON, "manage.py", *args], env, f"manage.py {' '.join(args)}", stdin=None, capture=capture,
                timeout=timeout)  # fmt: skip


def python(
    env: dict[str, str],
    script: str,
    *args: str,
    stdin: str | None = None,
    capture: bool = True,
    timeout: float | None = None,
) -> str:
    """`script` (Python source) with `args` in a new process from the repository's root, against `env`'s site;
    what it printed when `capture`. Raises ``StepFailed`` if it fails."""
    return _run([PYTHON, "-c", script, *args], env, "a Django step", stdin=stdin, capture=capture, timeout=timeout)


def run_script(script: str, *, capture: bool = True, prefix: str = "bench", demo: bool = False, **extra: str) -> str:
    """Migrate a throw-away database (and load the demo network into it with `demo`), then run `script` (Python
    source) against it in a new process from the repository's root, with ``JOBS_INLINE_MAIL_IN_MEMORY`` and `extra`
    in its environment. Returns what it printed when `capture` (otherwise it prints straight to the terminal);
    stops the benchmark with its error if it fails."""
    with throwaway_site(prefix, **extra) as (env, _folder):
        try:
            manage(env, "migrate", "-v0", capture=False)
            if demo:
                manage(env, "load_demo")
            return python(env, script, capture=capture)
        except StepFailed as failure:
            sys.exit(str(failure) if failure.stderr else failure.returncode)


def figures(printed: str) -> dict[str, str]:
    """A measuring script's figures, printed as ``name value name value ...`` on one line."""
    words = printed.split()
    return dict(zip(words[::2], words[1::2], strict=True))


def django_in_throwaway_folder(name: str) -> Path:
    """Point this process's settings at a throw-away database and files in a new temporary folder, and set Django
    up. Returns the folder (``remove(folder)`` at the end)."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.update(throwaway_settings(folder))
    os.environ.pop("TWINNING_CACHE_URL", None)
    import django

    django.setup()
    return folder


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


class StatementCounter:
    """Counts the SQL statements a piece of work sends: `with connection.execute_wrapper(counter): ...`."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def signed_in(user):
    """A test client signed in as `user`, second factor passed, as a person who has just signed in."""
    from twinning import testing

    client = testing.Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def timed(client, url: str, *, repeat: int = 9, marker: bytes | None = None) -> tuple[float, int]:
    """The median wall time of `repeat` requests of `url` (after one to warm up), each answering 200, and how many
    times `marker` is in the last answer (0 without one)."""
    import statistics

    client.get(url)
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return statistics.median(samples), (response.content.count(marker) if marker else 0)


# --- The site as deployed: its environment and the processes a benchmark starts -------------------------------


def production_env(workdir: Path, *, port: int, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of the site run as in production (``TWINNING_ENV=production``: DEBUG off, static files
    collected into `workdir`, a secret key of this run's own), with its files in `workdir`, its database at
    `database_url` and gunicorn bound to `port` on the loopback: this process's environment without any
    ``DJANGO_``, ``TWINNING_``, ``DATABASE_`` or ``EMAIL_`` setting of its own, and `extra`."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TWINNING_", "DATABASE_", "EMAIL_"))},
        "TWINNING_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "TWINNING_VAR_DIR": str(workdir),
        "TWINNING_MEDIA_ROOT": str(workdir / "media"),
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "twinning.settings",
        "PYTHONPATH": str(ROOT),
        "GUNICORN_BIND": f"{HOST}:{port}",
        **extra,
    }


def gunicorn_as_shipped() -> list[str]:
    """The command of the web server as deployed: gunicorn with the shipped gunicorn.conf.py (its address from
    ``GUNICORN_BIND``)."""
    return [PYTHON, "-m", "gunicorn", "twinning.wsgi", "-c", str(ROOT / "gunicorn.conf.py")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30.0) -> None:
    """Until something accepts connections on `port`; raises if nothing does within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=0.3).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


def proc_stat(pid: int) -> list[str]:
    """The fields of /proc/`pid`/stat after the command's name: [0] state, [1] parent, [11] utime, [12] stime,
    [13] cutime, [14] cstime (in clock ticks)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """A process's user + system CPU time so far, from /proc (its own rusage, read from outside)."""
    fields = proc_stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Process:
    """A child in its own process group, so that it and its children are stopped together; its output goes to
    `log` (or, without one, to this process's own)."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path | None = None):
        self.args, self.env, self.log = args, env, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") if self.log else contextlib.nullcontext() as out:
            self.proc = subprocess.Popen(
                self.args,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT if out else None,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        assert self.proc is not None, "not started"
        return self.proc.pid

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig: int) -> None:
        """`sig` to the process itself (not its group)."""
        if self.running():
            os.kill(self.pid, sig)

    def wait(self, seconds: float) -> None:
        """Until it ends; after `seconds`, it and its group are killed."""
        if self.proc is not None:
            try:
                self.proc.wait(seconds)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def stop(self, seconds: float = 40) -> None:
        """SIGTERM to its group, and SIGKILL after `seconds` (a machine too busy to let it finish)."""
        if not self.running():
            return
        try:
            os.killpg(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        self.wait(seconds)

    def children(self) -> list[int]:
        if self.proc is None:
            return []
        kids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError):
                if int(proc_stat(int(stat.parent.name))[1]) == self.proc.pid:
                    kids.append(int(stat.parent.name))
        return kids

    def first_child(self, seconds: float = 10) -> int:
        """The first child it starts (gunicorn's first worker process); raises if none comes within `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            kids = self.children()
            if kids:
                return min(kids)
            time.sleep(0.1)
        raise RuntimeError(f"{self.args[:4]} started no child process")

    def booted(self) -> int:
        """How many worker processes gunicorn has started so far (its log says each)."""
        try:
            return self.log.read_text(errors="replace").count("Booting worker with pid") if self.log else 0
        except OSError:
            return 0

    def cpu_seconds(self) -> float:
        """Processor time of the process, its live children and the children it has reaped
        (gunicorn renews its workers after max_requests: their time is kept in the master's)."""
        if not self.running():
            return 0.0
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = proc_stat(int(stat.parent.name))
            except (OSError, IndexError):
                continue
            pid, parent = int(stat.parent.name), int(fields[1])
            if pid == self.pid:
                total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
            elif parent == self.pid:
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")


def interrupt_on_sigterm():
    """From now on SIGTERM ends the run as Ctrl-C does: through the `finally` that stops and removes what was
    started. Returns the handler it replaces (``signal.signal(signal.SIGTERM, previous)`` puts it back)."""

    def interrupted(*_args) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupted)


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body of `fields` and `files` (name: (file name, bytes, content type)), and its
    content type."""
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data, kind) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {kind}\r\n\r\n".encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"
