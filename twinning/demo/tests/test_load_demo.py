"""Loading the demo again: without ``--reset`` (nothing duplicated, the sign-ins file written anew
when it is missing) and with it. Each test starts from the demo loaded once (see conftest.py)."""

import pytest

from twinning.accounts.models import Role, User
from twinning.common.models import AuditEntry
from twinning.demo.tests.conftest import EMAIL, key_in_file, password_in_file, signs_in
from twinning.schools.models import NSO, Country, Programme, School, TeacherProfile

# One worker loads the demo once for all the demo tests (see conftest.py).
pytestmark = pytest.mark.xdist_group("demo")


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


def test_demo_second_run_without_reset_duplicates_nothing(load, demo):
    before = counts()

    output = load()

    assert counts() == before
    assert password_in_file(demo.var) in output


def test_demo_reset_loads_the_same_network(load):
    # Pupils have no e-mail (and their usernames carry their school's new number).
    before, emails = counts(), sorted(User.objects.exclude(email=None).values_list("email", flat=True))

    load("--reset")

    assert counts() == before
    assert sorted(User.objects.exclude(email=None).values_list("email", flat=True)) == emails


def test_demo_missing_sign_ins_file_gets_a_new_password(load, demo):
    old = password_in_file(demo.var)
    (demo.var / "demo-sign-ins.txt").unlink()

    output = load()

    new = password_in_file(demo.var)
    assert new != old
    assert f"Password: {new}" in output
    email = EMAIL.findall(output)[0]
    assert signs_in(email, new)
    assert not signs_in(email, old)


def test_demo_missing_sign_ins_file_gets_a_new_authenticator_key(load, demo):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    old = key_in_file(demo.var)
    (demo.var / "demo-sign-ins.txt").unlink()

    load()

    new = key_in_file(demo.var)
    assert new != old
    assert TOTPDevice.objects.values("key").distinct().count() == 1
