import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from twinning.accounts.models import Role, User
from twinning.common.models import AuditEntry
from twinning.schools.models import NSO, Country, Programme, School, TeacherProfile

EMAIL = re.compile(r"[\w.+-]+@demo\.twinning\.test")


@pytest.fixture
def load(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path

    def run(*args) -> str:
        out = io.StringIO()
        call_command("load_demo", *args, stdout=out)
        return out.getvalue()

    return run


def password_in_file(tmp_path) -> str:
    text = (tmp_path / "demo-sign-ins.txt").read_text(encoding="utf-8")
    return re.search(r"^Password: (\S+)$", text, flags=re.MULTILINE).group(1)


def counts() -> dict[str, int]:
    models = [
        User,
        Role,
        NSO,
        Country,
        Programme,
        School,
        TeacherProfile,
        AuditEntry,
        School.languages.through,
        School.programmes.through,
        Programme.countries.through,
        TeacherProfile.subjects.through,
        TeacherProfile.languages.through,
    ]
    return {model._meta.label: model.objects.count() for model in models}


def signs_in(email: str, password: str) -> bool:
    return authenticate(RequestFactory().post("/"), username=email, password=password) is not None


def test_demo_second_run_without_reset_duplicates_nothing(load, tmp_path):
    load()
    before = counts()

    output = load()

    assert counts() == before
    assert password_in_file(tmp_path) in output


def test_demo_reset_loads_the_same_network(load):
    load()
    # Pupils have no e-mail (and their usernames carry their school's new number).
    before, emails = counts(), sorted(User.objects.exclude(email=None).values_list("email", flat=True))

    load("--reset")

    assert counts() == before
    assert sorted(User.objects.exclude(email=None).values_list("email", flat=True)) == emails


def test_demo_missing_sign_ins_file_gets_a_new_password(load, tmp_path):
    load()
    old = password_in_file(tmp_path)
    (tmp_path / "demo-sign-ins.txt").unlink()

    output = load()

    new = password_in_file(tmp_path)
    assert new != old
    assert f"Password: {new}" in output
    email = EMAIL.findall(output)[0]
    assert signs_in(email, new)
    assert not signs_in(email, old)


def key_in_file(tmp_path) -> str:
    text = (tmp_path / "demo-sign-ins.txt").read_text(encoding="utf-8")
    return re.search(r"^Authenticator key: ([A-Z2-7 ]+)$", text, flags=re.MULTILINE).group(1)


def test_demo_missing_sign_ins_file_gets_a_new_authenticator_key(load, tmp_path):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    load()
    old = key_in_file(tmp_path)
    (tmp_path / "demo-sign-ins.txt").unlink()

    load()

    new = key_in_file(tmp_path)
    assert new != old
    assert TOTPDevice.objects.values("key").distinct().count() == 1
