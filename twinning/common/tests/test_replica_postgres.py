"""A real PostgreSQL primary and streaming replica on spare ports: a teacher who has just posted sees
her post while the replica is behind, another reader does not until the replica catches up.

The test makes both servers under a temporary folder (initdb, pg_basebackup -R), runs the
migrations on the primary, holds the replica's replay (``pg_wal_replay_pause()``) to stand for
lag, and drives the site through the test client in a process configured with DATABASE_URL and
DATABASE_REPLICA_URL (replica_scenario.py). Both servers are stopped and the folder removed at the
end. Skipped, saying why, where PostgreSQL's server programs are not installed.

The migrations run on the primary once per set of migrations: the migrated primary's data folder
is kept under var/test-databases/, keyed by the migrations, and later runs copy it instead of
migrating again (about 30 s on two busy cores); the scenario still runs `migrate`, which then has
nothing to do.
"""

import fcntl
import hashlib
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"))
pytestmark = [pytest.mark.xdist_group("replica_postgres")]


def _binary(name: str) -> str:
    return str(BIN[-1].parent / name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One PostgreSQL server in `data`, run as the postgres user when we are root (as initdb asks)."""

    def __init__(self, data: Path, port: int):
        self.data, self.port, self.log = data, port, data.parent / f"{data.name}.log"
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.running = False

    def run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        if self.prefix and not self.log.exists():
            self.log.touch()
            shutil.chown(self.log, "postgres")
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} -c fsync=off "
            "-c full_page_writes=off -c max_connections=40 -c shared_buffers=32MB"
        )
        self.run(_binary("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.run(_binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.running = False

    def login(self) -> tuple[str, ...]:
        return ("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres")

    def url(self, database: str = "twinning") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


def _owned(path: Path) -> Path:
    path.mkdir(mode=0o700)
    if os.geteuid() == 0:
        shutil.chown(path, "postgres")
    return path


def _copy(source: Path, target: Path) -> None:
    # cp -a keeps the owner (postgres) and the modes the server insists on.
    subprocess.run(["/bin/cp", "-a", str(source), str(target)], check=True, timeout=120)


def _postgres_user() -> bool:
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return True


def _migrations_digest() -> str:
    digest = hashlib.sha256(f"{sys.version_info[:2]} {BIN[-1]}".encode())
    for app in sorted(apps.get_app_configs(), key=lambda app: app.label):
        for path in sorted(Path(app.path, "migrations").glob("*.py")):
            digest.update(f"{app.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def _migrate(primary: Cluster) -> None:
    env = {**os.environ, "DATABASE_URL": primary.url(), "DATABASE_CONN_MAX_AGE": "0"}
    env.pop("DATABASE_REPLICA_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )


def _scenario(primary: Cluster, replica: Cluster, var: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "twinning.settings",
        "DATABASE_URL": primary.url(),
        "DATABASE_REPLICA_URL": replica.url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "TWINNING_VAR_DIR": str(var),
        "TWINNING_JOBS_IMMEDIATE": "0",
    }
    env.pop("TWINNING_CACHE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "twinning.common.tests.replica_scenario"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def primary_and_replica():
    if not BIN or not Path(_binary("initdb")).exists():
        pytest.skip("PostgreSQL's server programs (initdb, pg_basebackup) are not installed (Debian's postgresql)")
    if os.geteuid() == 0 and not _postgres_user():
        pytest.skip("running as root needs a postgres user to own the servers (installed with PostgreSQL)")
    work = Path(tempfile.mkdtemp(prefix="twinning-replica-"))
    os.chmod(work, 0o755)  # noqa: S103  # the postgres user reaches its folders inside (nothing secret)
    primary = Cluster(work / "primary", _free_port())
    replica = Cluster(work / "replica", _free_port())
    cache_root = Path(settings.VAR_DIR) / "test-databases"
    cache_root.mkdir(parents=True, exist_ok=True)
    cached = cache_root / f"postgres-{_migrations_digest()}"
    try:
        with (cache_root / "lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if cached.exists():
                _copy(cached, primary.data)
                try:
                    primary.start()
                except subprocess.CalledProcessError:
                    # A kept copy that no longer starts (another PostgreSQL version): made afresh next run.
                    shutil.rmtree(cached, ignore_errors=True)
                    raise
            else:
                _owned(primary.data)
                primary.run(
                    _binary("initdb"),
                    "-D",
                    str(primary.data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                )
                primary.start()
                primary.run(_binary("createdb"), *primary.login(), "twinning")
                _migrate(primary)
                # Kept, stopped, for the next run; then started again for this one.
                primary.stop()
                partial = cached.with_name(f"{cached.name}.{os.getpid()}.part")
                _copy(primary.data, partial)
                for stale in cache_root.glob("postgres-*"):
                    if stale != partial:
                        shutil.rmtree(stale, ignore_errors=True)
                partial.replace(cached)
                primary.start()
        _owned(replica.data)
        # A copy of the primary that follows it: -R writes standby.signal and primary_conninfo.
        replica.run(
            _binary("pg_basebackup"),
            *primary.login(),
            *("-D", str(replica.data)),
            *("-R", "-X", "stream", "-c", "fast", "--no-sync"),
        )
        replica.start()
        yield primary, replica, work
    finally:
        replica.stop()
        primary.stop()
        shutil.rmtree(work, ignore_errors=True)


def test_a_writer_reads_her_post_from_the_primary_while_the_replica_lags(primary_and_replica):
    primary, replica, work = primary_and_replica
    var = work / "var"
    var.mkdir()
    result = _scenario(primary, replica, var)
    held, after = result["held"], result["after"]
    # While replay is held: the post is on the primary only.
    assert (held["posted"], held["pinned"]) == (302, True)
    assert (held["threads_on_primary"], held["threads_on_replica"]) == (1, 0)
    assert held["lag_bytes"] > 0
    # The teacher who wrote is pinned to the primary and sees her post; her partner reads the replica.
    assert held["writer_sees"] == ["Shalom from Haifa"]
    assert held["reader_sees"] == []
    # Replay resumed: the replica has caught up, and the partner sees the post too.
    assert after == {"reader_sees": ["Shalom from Haifa"], "threads_on_replica": 1}
