"""The cast every test can use, on top of the plain factories in ``twinning.testing``.

Two NSOs (Israel's and the UK's), each with a validated school, validated teachers, a teacher
waiting for validation, NSO staff; a principal, a coordinator and a platform admin. The UK side
exists so that every scoping test has data that *could* leak.
"""

import os
from pathlib import Path

import pytest

from twinning import testing
from twinning.accounts.models import Pupil
from twinning.twinnings import services as twinning_services


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


@pytest.fixture(autouse=True)
def _fast_hasher_and_plain_static(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client():
    """pytest-django's client, whose ``force_login`` also passes the second step (``testing.Client``)."""
    return testing.Client()


@pytest.fixture(autouse=True)
def _jobs_run_inline(settings):
    # Background jobs are written to the queue as in production, then run by the test's own
    # process once their transaction commits (`django_capture_on_commit_callbacks(execute=True)`).
    settings.JOBS_IMMEDIATE = True
    # Django's test set-up swaps EMAIL_BACKEND for its in-memory one: put the queue back in front,
    # and let the queue deliver into `mail.outbox`.
    settings.EMAIL_BACKEND = "twinning.common.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _fresh_search_index(settings):
    # Each test has its own database: the search index of another test must never answer.
    from twinning.matching import queries

    settings.MATCHING_INDEX_MAX_AGE = 0
    queries._indexes.clear()


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


@pytest.fixture
def cast(db):
    return testing.make_cast()


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
    twinning = twinning_services.propose_twinning(
        from_school=cast.school_a,
        to_schools=[cast.school_b],
        by=cast.teacher_a.user,
        school_year=2026,
        titles={"en": "Our towns"},
    )
    row = twinning.schools.get(school=cast.school_b)
    twinning_services.answer_invitation(twinning=twinning, row=row, by=cast.teacher_b.user, accept=True)
    twinning_services.approve_twinning(twinning=twinning, by=cast.coordinator)
    twinning_services.start_twinning(twinning=twinning, by=cast.teacher_a.user)
    return twinning


@pytest.fixture
def pupils(client, cast, twinning):
    """A pupil of each school, made by their teacher; only the Israeli one is added to the twinning."""
    testing.create_pupils_on_the_page(client, cast.teacher_a, ["Maya K."])
    testing.create_pupils_on_the_page(client, cast.teacher_b, ["Tom W."])
    ours, theirs = Pupil.objects.get(school=cast.school_a), Pupil.objects.get(school=cast.school_b)
    testing.as_(client, cast.teacher_a.user).post(f"/twinnings/{twinning.pk}/members/", {"pupil": [ours.pk]})
    return ours, theirs
