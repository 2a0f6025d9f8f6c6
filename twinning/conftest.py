"""The cast every test can use, on top of the plain factories in ``twinning.testing``.

Two NSOs (Israel's and the UK's), each with a validated school, validated teachers, a teacher
waiting for validation, NSO staff; a principal, a coordinator and a platform admin. The UK side
exists so that every scoping test has data that *could* leak.
"""

import contextlib
import copy
import itertools
import os
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from twinning import testing
from twinning.accounts.models import Pupil


def pytest_configure(config):
    # Playwright's sync API keeps an asyncio loop running in the test process from the first
    # browser test to the end of the session, and Django then refuses every ORM call made in
    # that process (SynchronousOnlyOperation), in browser tests and in any test after them.
    # The ORM calls are in fact synchronous, in one thread: the guard does not apply.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Keep ``@pytest.mark.xdist_group`` tests on one worker under ``--dist loadgroup``.

    pytest-xdist tells the group to its scheduler by renaming each such test ``<id>@<group>``
    through ``item._nodeid``; since pytest 9.2 a test's id lives in ``item._id`` and that rename
    is lost, so every group was spread over both workers and built its module fixtures twice.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        groups = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        if groups and "@" not in item.nodeid.rpartition("]")[2].rpartition("::")[2]:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(sorted(groups))}")


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test, when the next test on this worker is an ordinary one, put back what
    the migrations wrote: the transactional test's flush emptied every table, and an ordinary test,
    rolled back at its end, expects the database as migrated. The rows kept when the test database
    was made are loaded again where there are any (they are when a collected test asks for
    ``serialized_rollback``, as every transactional test here does), else the reference rows
    (languages, subjects, objectives).

    pytest-django runs transactional tests last, but ``--dist loadgroup`` hands out the largest
    groups first, so an ordinary test can still follow one on a worker.
    """
    yield
    if nextitem is None or not _transactional(item) or _transactional(nextitem):
        return
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        kept = getattr(connections["default"], "_test_serialized_contents", None)
        if kept:
            connections["default"].creation.deserialize_db_from_string(kept)
        else:
            testing.restore_reference_data()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, request):
    """pytest-django's, then: migrate an SQLite test database once (see ``migrated_once``)."""
    if request.config.getoption("create_db", False):
        yield
        return
    with migrated_once():
        yield


@contextlib.contextmanager
def migrated_once():
    """While the test database is set up, an in-memory SQLite one is copied from a file made by the
    first migration of the same migrations, instead of migrating it again (about 11 s of CPU, for
    each xdist worker). The file is named after a digest of Django's version and every migration
    file, in VAR_DIR; ``pytest --create-db`` migrates afresh. Other databases migrate as before.
    """
    from django.core import management

    original = management.call_command

    def call_command(name, *args, **options):
        alias = options.get("database", "default")
        if name != "migrate" or not _in_memory_sqlite(alias):
            return original(name, *args, **options)
        management.call_command = original  # once: migrate commands of tests run as written
        return _migrate_or_copy(alias, lambda: original(name, *args, **options))

    management.call_command = call_command
    try:
        yield
    finally:
        management.call_command = original


def _in_memory_sqlite(alias: str) -> bool:
    from django.db import connections

    connection = connections[alias]
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def _migrate_or_copy(alias: str, migrate) -> None:
    import fcntl
    import hashlib
    import sqlite3

    import django
    from django.apps import apps
    from django.conf import settings
    from django.db import connections

    digest = hashlib.sha256(f"{django.__version__} {sqlite3.sqlite_version}".encode())
    for app in sorted(apps.get_app_configs(), key=lambda app: app.label):
        for path in sorted(Path(app.path, "migrations").glob("*.py")):
            digest.update(f"{app.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    folder = Path(settings.VAR_DIR) / "test-databases"
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"migrated-{digest.hexdigest()[:20]}.sqlite3"
    connection = connections[alias]
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other xdist worker waits for the first migration
        connection.ensure_connection()
        if copy.exists():
            with contextlib.closing(sqlite3.connect(copy)) as source:
                source.backup(connection.connection)
            return
        migrate()
        connection.ensure_connection()
        partial = copy.with_suffix(f".{os.getpid()}.part")
        with contextlib.closing(sqlite3.connect(partial)) as target:
            connection.connection.backup(target)
        partial.replace(copy)
        for stale in folder.glob("migrated-*.sqlite3"):
            if stale != copy:
                stale.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def _search_index_folders(tmp_path_factory):
    """A fresh folder name for each test's search index (``_each_test_settings``): made only by a
    test that builds an index, not by every test as ``tmp_path`` would."""
    base = tmp_path_factory.mktemp("search-index")
    return (base / str(n) for n in itertools.count(1))


# The settings of ``_each_test_settings`` that are the same for every test.
_STATIC_TEST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "JOBS_IMMEDIATE": True,
    "EMAIL_BACKEND": "twinning.common.mail.QueuedEmailBackend",
    "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "MATCHING_INDEX_MAX_AGE": 0,
}


@pytest.fixture(autouse=True)
def _each_test_settings(_search_index_folders):
    """The settings every test runs with, set in one override (one settings layer and one round of
    ``setting_changed`` rather than one per setting); a test's own ``settings`` fixture changes go on
    top of it and are undone first. They are listed in ``testing.PER_TEST_SETTINGS``, which keeps the
    test clients' shared middleware chain.

    - A fast password hasher.
    - Background jobs are written to the queue as in production, then run by the test's own process
      once their transaction commits (``django_capture_on_commit_callbacks(execute=True)``).
    - Django's test set-up swaps EMAIL_BACKEND for its in-memory one: the queue is put back in
      front, and it delivers into ``mail.outbox``.
    - Each test has its own database: the search index of another test must never answer, nor one
      built on disk (a test that builds one builds it in its own folder).
    """
    from twinning.matching import queries

    each_test = {**_STATIC_TEST_SETTINGS, "MATCHING_INDEX_DIR": next(_search_index_folders)}
    assert set(each_test) == testing.PER_TEST_SETTINGS
    queries._indexes.clear()
    queries._watchers.clear()
    queries._overlays.clear()
    queries._asked.clear()
    with override_settings(**each_test):
        yield


@pytest.fixture(autouse=True)
def _main_language_to_start():
    """Each test starts in the site's main language and leaves none behind.

    A page requested as a Hebrew or Arabic reader activates that language in the test's thread (the
    middleware does, per request, and nothing deactivates it), so a later test calling a service
    directly would otherwise speak the language of whichever test ran before it on that worker.
    """
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def client():
    """pytest-django's client, whose ``force_login`` also passes the second step (``testing.Client``)."""
    return testing.Client()


@pytest.fixture(autouse=True)
def _fresh_reference_data():
    # Each test has its own database: reference rows kept in memory by another test must not answer.
    from twinning.common import reference

    reference.forget()


@pytest.fixture
def clock(monkeypatch):
    """Django's clock, standing still until a test moves it: ``clock.advance(minutes=5)``."""
    from datetime import timedelta

    from django.utils import timezone

    class Clock:
        def __init__(self):
            self.now = timezone.now()

        def advance(self, **delta):
            self.now += timedelta(**delta)

    moved = Clock()
    monkeypatch.setattr(timezone, "now", lambda: moved.now)
    return moved


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """Stored files and the uploads' temporary files both under one folder: a test that finds no
    file there after a refusal has proved that nothing, not even a temporary file, was left."""
    settings.MEDIA_ROOT = tmp_path
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    return tmp_path


@pytest.fixture(scope="module")
def _cast_of_the_module(request, django_db_setup, django_db_blocker):
    """The cast, made once for a module whose tests ask for it and none of which is transactional,
    inside a transaction rolled back after the module's last test; each test runs in its own
    savepoint inside it (pytest-django's ``db``) and gets its own copy of the objects (``cast``),
    so what one test writes or changes in memory never reaches the next. About 40 ms of CPU a
    test, for nine tests in ten. A module with a transactional test (its flush would end the
    transaction) makes the cast for each test, as before.
    """
    items = [item for item in request.session.items if item.getparent(pytest.Module) is request.node]
    if not any("cast" in item.fixturenames for item in items) or any(_transactional(item) for item in items):
        yield None
        return
    # The settings twinning/conftest.py gives each test, for rows made before any test starts.
    with django_db_blocker.unblock(), override_settings(**_STATIC_TEST_SETTINGS):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            made = testing.make_cast()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    try:
        yield made
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def cast(_cast_of_the_module, db):
    if _cast_of_the_module is None:
        return testing.make_cast()
    # The rows are the module's; the objects are this test's own (a test changes them, or caches
    # a person's roles on them).
    return copy.deepcopy(_cast_of_the_module)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: Playwright's own browser download is not reachable from this network.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def twinning(cast):
    """An active twinning between the Israeli and the British school, approved by the coordinator."""
    return testing.active_twinning(cast)


@pytest.fixture
def pupils(client, cast, twinning):
    """A pupil of each school, made by their teacher; only the Israeli one is added to the twinning."""
    testing.create_pupils_on_the_page(client, cast.teacher_a, ["Maya K."])
    testing.create_pupils_on_the_page(client, cast.teacher_b, ["Tom W."])
    ours, theirs = Pupil.objects.get(school=cast.school_a), Pupil.objects.get(school=cast.school_b)
    testing.as_(client, cast.teacher_a.user).post(f"/twinnings/{twinning.pk}/members/", {"pupil": [ours.pk]})
    return ours, theirs
