"""The demo network, loaded once for both test modules of the demo (about twenty seconds a load).

It is loaded inside a transaction rolled back after the last demo test; each test runs in its own
transaction inside it, rolled back after the test, and gets its own copy of the folder the load
wrote its sign-ins to. A test that loads again (with or without ``--reset``) starts from it too.
"""

import io
import re
import shutil
from types import SimpleNamespace

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory, override_settings

EMAIL = re.compile(r"[\w.+-]+@demo\.twinning\.test")


@pytest.fixture(scope="package")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    # The settings twinning/conftest.py gives each test, for this load made before any test starts.
    each_test = {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "JOBS_IMMEDIATE": True,
        "EMAIL_BACKEND": "twinning.common.mail.QueuedEmailBackend",
        "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    with django_db_blocker.unblock(), override_settings(VAR_DIR=var, **each_test), transaction.atomic():
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        yield SimpleNamespace(output=out.getvalue(), var=var)
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db, settings, tmp_path):
    """The loaded demo: ``output`` is what the load printed, ``var`` this test's copy of its folder."""
    var = tmp_path / "var"
    shutil.copytree(loaded.var, var)
    settings.VAR_DIR = var
    return SimpleNamespace(output=loaded.output, var=var)


@pytest.fixture
def load(demo):
    """``load(*args)`` runs load_demo again (into ``demo.var``) and returns what it printed."""

    def run(*args) -> str:
        out = io.StringIO()
        call_command("load_demo", *args, stdout=out)
        return out.getvalue()

    return run


def password_in_file(var) -> str:
    text = (var / "demo-sign-ins.txt").read_text(encoding="utf-8")
    return re.search(r"^Password: (\S+)$", text, flags=re.MULTILINE).group(1)


def key_in_file(var) -> str:
    text = (var / "demo-sign-ins.txt").read_text(encoding="utf-8")
    return re.search(r"^Authenticator key: ([A-Z2-7 ]+)$", text, flags=re.MULTILINE).group(1)


def signs_in(email: str, password: str) -> bool:
    return authenticate(RequestFactory().post("/"), username=email, password=password) is not None
