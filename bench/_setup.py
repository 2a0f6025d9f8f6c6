"""What the benchmarks share: a throw-away database and the settings that point at it, the run of a seeding and
measuring script against it, and a signed-in client timing a page.

Two ways to use it:

- a benchmark whose measuring script runs in a process of its own (so that it starts from a freshly migrated
  database and its figures are not those of the process that built it) calls ``run_script(SCRIPT, ...)``; the
  script, run from the repository's root, imports ``signed_in`` and ``timed`` from ``bench._setup``;
- a benchmark measured in its own process calls ``django_in_throwaway_folder("name")`` before importing anything
  of Django's or the project's, then ``migrate()``.

The database is SQLite in a new temporary folder, which holds the site's other files too (``TWINNING_VAR_DIR``,
``TWINNING_MEDIA_ROOT``); the folder is removed afterwards. Django's own modules are imported inside the
functions: this module is imported before the settings exist.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


def run_script(script: str, *, capture: bool = True, prefix: str = "bench", **extra: str) -> str:
    """Migrate a throw-away database, then run `script` (Python source) against it in a new process from the
    repository's root, with ``JOBS_INLINE_MAIL_IN_MEMORY`` and `extra` in its environment. Returns what it printed
    when `capture` (otherwise it prints straight to the terminal); stops the benchmark with its error if it fails."""
    with tempfile.TemporaryDirectory(prefix=f"twinning-{prefix}-") as workdir:
        env = {**os.environ, **throwaway_settings(Path(workdir)), **JOBS_INLINE_MAIL_IN_MEMORY, **extra}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        env.pop("TWINNING_CACHE_URL", None)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=capture, text=True)
        if run.returncode:
            sys.exit(run.stderr[-3000:] if capture else run.returncode)
        return run.stdout if capture else ""


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
    import time

    client.get(url)
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return statistics.median(samples), (response.content.count(marker) if marker else 0)
