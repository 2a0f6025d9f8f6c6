"""The read replica's router and pin (common/replicas.py), with two database aliases.

The second alias, ``replica``, is a test mirror of the test database (as settings makes it when
DATABASE_REPLICA_URL is set): its own connection to the same rows, so each test can count which
connection a page's queries went through. The tests are transactional: inside a test wrapped in a
transaction every read is on the primary by design (see test_reads_inside_a_transaction_...).
The real primary and streaming replica, with lag, are in test_replica_postgres.py.
"""

import os
import subprocess
import sys
import time
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core import signing
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext

from twinning import testing
from twinning.common import replicas
from twinning.testing import as_
from twinning.workspace import services
from twinning.workspace.models import Thread

ROUTER = "twinning.common.replicas.ReplicaRouter"
MIDDLEWARE = "twinning.common.replicas.ReplicaMiddleware"

# Not in an xdist group: the scheduler hands out the largest groups first, so a group of these
# transactional tests would run before ordinary tests on its worker, and their flush would leave
# those without the reference rows the migrations wrote. Ungrouped, they run last, as pytest-django
# orders transactional tests.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])]


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup, django_db_blocker):
    """A `replica` alias on the test database; module-wide, as it must exist before the database
    marker checks the aliases a test names."""
    primary = connections.settings["default"]
    connections.settings[replicas.REPLICA] = {**primary, "TEST": {**primary.get("TEST", {}), "MIRROR": "default"}}
    yield
    with django_db_blocker.unblock():
        connections[replicas.REPLICA].close()
    del connections[replicas.REPLICA]
    del connections.settings[replicas.REPLICA]


@pytest.fixture
def with_replica(settings):
    settings.DATABASE_ROUTERS = [ROUTER]
    at = settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1
    settings.MIDDLEWARE = [*settings.MIDDLEWARE[:at], MIDDLEWARE, *settings.MIDDLEWARE[at:]]
    settings.DATABASE_REPLICA_PIN_SECONDS = 10


class Counted:
    """Every query of the block on each connection: ``counted.primary``, ``counted.replica``."""

    def __enter__(self):
        self._primary = CaptureQueriesContext(connections["default"])
        self._replica = CaptureQueriesContext(connections[replicas.REPLICA])
        self._primary.__enter__()
        self._replica.__enter__()
        return self

    def __exit__(self, *exc):
        self._replica.__exit__(*exc)
        self._primary.__exit__(*exc)
        self.primary = [q["sql"] for q in self._primary.captured_queries]
        self.replica = [q["sql"] for q in self._replica.captured_queries]


def _not_sessions(queries: list[str]) -> list[str]:
    return [sql for sql in queries if "django_session" not in sql]


def test_without_a_replica_url_settings_install_nothing():
    # The suite's own settings: no DATABASE_REPLICA_URL.
    assert (django_settings.DATABASE_ROUTERS, MIDDLEWARE in django_settings.MIDDLEWARE) == ([], False)
    script = (
        "from twinning import settings as s; "
        "print(s.DATABASE_ROUTERS, s.MIDDLEWARE.index('twinning.common.replicas.ReplicaMiddleware') "
        "- s.MIDDLEWARE.index('django.contrib.sessions.middleware.SessionMiddleware'), "
        "s.DATABASES['replica']['HOST'], s.DATABASES['replica']['PORT'], s.DATABASES['replica']['TEST'])"
    )
    env = {**os.environ, "DATABASE_REPLICA_URL": "postgresql://reader@replica.internal:5433/twinning"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split(" ", 1) == [
        f"['{ROUTER}']",
        "1 replica.internal 5433 {'MIRROR': 'default'}\n",
    ]


def test_outside_a_request_every_read_is_on_the_primary(with_replica, cast):
    # A background job, a management command, the shell: no middleware has opened the door.
    with Counted() as counted:
        assert Thread.objects.count() == 0
        assert router.db_for_read(Thread) == "default"
    assert (len(counted.primary), counted.replica) == (1, [])


def test_a_get_from_a_browser_that_has_not_written_reads_from_the_replica(with_replica, client, cast, twinning):
    thread_page = f"/twinnings/{twinning.pk}/forum/"
    reader = as_(client, cast.teacher_b.user)
    with Counted() as counted:
        response = reader.get(thread_page)
    assert response.status_code == 200
    assert replicas.PIN_COOKIE not in response.cookies
    # Only the session is read from the primary; the page's own reads all from the replica.
    assert _not_sessions(counted.primary) == []
    assert len(counted.primary) == 1
    assert any("workspace_thread" in sql for sql in counted.replica)
    with Counted() as counted:
        assert reader.head(thread_page).status_code == 200
    assert _not_sessions(counted.primary) == []
    assert any("workspace_thread" in sql for sql in counted.replica)


def test_a_post_writes_on_the_primary_and_pins_its_browser(with_replica, client, cast, twinning):
    writer = as_(client, cast.teacher_a.user)
    with Counted() as counted:
        response = writer.post(f"/twinnings/{twinning.pk}/forum/", {"title": "Hello", "body": "From Haifa"})
    assert response.status_code == 302
    assert counted.replica == []
    assert any(sql.startswith("INSERT") and "workspace_thread" in sql for sql in counted.primary)
    cookie = response.cookies[replicas.PIN_COOKIE]
    assert (cookie["max-age"], cookie["httponly"], cookie["samesite"]) == (10, True, "Lax")

    # Her next pages, within the pin, read from the primary: she sees her post.
    with Counted() as counted:
        page = writer.get(f"/twinnings/{twinning.pk}/forum/")
    assert counted.replica == []
    assert [thread.title for thread in page.context["page"]] == ["Hello"]


def test_a_pin_ends_after_its_seconds(with_replica, rf):
    now = time.time()
    with mock.patch("django.core.signing.time.time", return_value=now - 11):
        stale = signing.get_cookie_signer(salt=replicas.PIN_COOKIE + replicas._PIN_SALT).sign("1")
    with mock.patch("django.core.signing.time.time", return_value=now - 9):
        fresh = signing.get_cookie_signer(salt=replicas.PIN_COOKIE + replicas._PIN_SALT).sign("1")
    forged = signing.get_cookie_signer(salt="another").sign("1")
    pins = {}
    for name, value in {"stale": stale, "fresh": fresh, "forged": forged, "none": None}.items():
        request = rf.get("/")
        if value is not None:
            request.COOKIES[replicas.PIN_COOKIE] = value
        pins[name] = replicas.pinned(request)
    assert pins == {"stale": False, "fresh": True, "forged": False, "none": False}


def test_a_get_that_writes_pins_its_browser(with_replica, client, cast, twinning):
    # The workspace's home page moves the reader's "seen" mark (an upsert) when it brings news.
    services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="News", body="From Haifa")
    reader = as_(client, cast.teacher_b.user)
    with Counted() as counted:
        response = reader.get(f"/twinnings/{twinning.pk}/workspace/")
    assert response.status_code == 200
    assert any("workspace_visit" in sql and sql.startswith("INSERT") for sql in counted.primary)
    assert replicas.PIN_COOKIE in response.cookies
    with Counted() as counted:
        assert reader.get(f"/twinnings/{twinning.pk}/workspace/").status_code == 200
    assert counted.replica == []


def test_after_a_write_the_request_reads_from_the_primary(with_replica, cast):
    state = replicas._Request(may_use_replica=True)
    token = replicas._current.set(state)
    try:
        assert router.db_for_read(Thread) == "replica"
        state.wrote = True
        assert router.db_for_read(Thread) == "default"
    finally:
        replicas._current.reset(token)


def test_reads_inside_a_transaction_are_on_the_primary(with_replica, cast):
    token = replicas._current.set(replicas._Request(may_use_replica=True))
    try:
        assert router.db_for_read(Thread) == "replica"
        with transaction.atomic():
            assert router.db_for_read(Thread) == "default"
        assert router.db_for_read(Thread) == "replica"
        # Sessions never come from the replica.
        from django.contrib.sessions.models import Session

        assert router.db_for_read(Session) == "default"
    finally:
        replicas._current.reset(token)


def test_requests_other_than_get_and_head_never_read_the_replica(with_replica, client, cast, twinning):
    writer = as_(client, cast.teacher_a.user)
    with Counted() as counted:
        # Refused by the form (nothing written), yet a POST: the primary all the same.
        response = writer.post(f"/twinnings/{twinning.pk}/forum/", {"title": "Hi", "body": " "})
    assert response.status_code == 200
    assert counted.replica == []
    assert replicas.PIN_COOKIE not in response.cookies


def test_the_replica_is_never_migrated_and_objects_relate_across_aliases(cast):
    chosen = replicas.ReplicaRouter()
    assert (chosen.allow_migrate("default", "workspace"), chosen.allow_migrate("replica", "workspace")) == (True, False)
    school = testing.make_school(country=cast.uk, name="Leeds School")
    school._state.db = "replica"
    assert chosen.allow_relation(school, cast.school_a) is True
    assert chosen.db_for_write(Thread) == "default"
