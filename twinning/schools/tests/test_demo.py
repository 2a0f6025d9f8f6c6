import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from twinning.accounts.models import Role, User
from twinning.common.models import AuditEntry
from twinning.schools.models import NSO, Country, Programme, School, TeacherProfile, ValidationStatus

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


def test_demo_countries_each_have_an_nso_with_staff(load):
    load()

    codes = set(Country.objects.values_list("code", flat=True))
    assert len(codes) >= 8
    assert {"IL", "PS", "GB", "US", "FR", "AR", "AU", "DE"} <= codes
    assert not Country.objects.filter(nso__isnull=True).exists()
    for country in Country.objects.select_related("nso"):
        assert Role.objects.filter(kind=Role.Kind.NSO_STAFF, nso=country.nso).exists(), country.code
        assert set(country.names) == {"en", "he", "ar"}


def test_demo_sizes_are_realistic(load):
    load()

    assert 50 <= School.objects.count() <= 80
    assert 130 <= TeacherProfile.objects.count() <= 180
    assert 3 <= School.objects.filter(status=ValidationStatus.PENDING).count() <= 5
    assert not School.objects.filter(status=ValidationStatus.PENDING, created_by__isnull=True).exists()


def test_demo_native_names_in_hebrew_and_arabic(load):
    load()

    native_names = list(School.objects.values_list("native_name", flat=True))
    assert any(re.search("[\u0590-\u05ff]", name) for name in native_names)
    assert any(re.search("[\u0600-\u06ff]", name) for name in native_names)
    assert School.objects.filter(country="PS", school_type=School.Type.REFUGEE).exists()


def test_demo_waiting_confirmed_teachers_in_israel_and_palestine(load):
    load()

    waiting = TeacherProfile.objects.filter(status=ValidationStatus.PENDING, user__email_confirmed_at__isnull=False)
    assert set(waiting.values_list("school__country", flat=True)) >= {"IL", "PS"}
    assert waiting.filter(vouched_by__isnull=False).exists()
    assert TeacherProfile.objects.filter(status=ValidationStatus.PENDING, user__email_confirmed_at=None).exists()
    assert TeacherProfile.objects.filter(status=ValidationStatus.REJECTED).exclude(rejection_reason="").exists()


def test_demo_validations_recorded_in_audit_log(load):
    load()

    validated = TeacherProfile.objects.filter(status=ValidationStatus.VALIDATED)
    assert AuditEntry.objects.filter(action="teacher.validated").count() == validated.count()
    assert AuditEntry.objects.filter(action="teacher.rejected").count() == (
        TeacherProfile.objects.filter(status=ValidationStatus.REJECTED).count()
    )
    staff_ids = set(Role.objects.filter(kind=Role.Kind.NSO_STAFF).values_list("user_id", flat=True))
    assert set(validated.values_list("decided_by_id", flat=True)) <= staff_ids


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


def test_demo_printed_password_signs_in_printed_accounts(load, tmp_path):
    output = load()

    password = password_in_file(tmp_path)
    assert f"Password: {password}" in output
    emails = EMAIL.findall(output)
    assert len(emails) >= 10
    assert all(signs_in(email, password) for email in emails)


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


def test_demo_staff_have_an_app_with_the_printed_key_and_demo_code_prints_its_code(load, tmp_path):
    from base64 import b32decode

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from twinning.accounts import rules
    from twinning.accounts.queries import people_needing_a_second_factor

    output = load()

    key = key_in_file(tmp_path)
    assert f"Authenticator key: {key}" in output
    hex_key = b32decode(key.replace(" ", "")).hex()
    staff = set(people_needing_a_second_factor().values_list("pk", flat=True))
    assert staff == {user.pk for user in User.objects.all() if rules.mfa_required(user)}
    assert set(TOTPDevice.objects.filter(key=hex_key, confirmed=True).values_list("user_id", flat=True)) == staff
    out = io.StringIO()
    call_command("demo_code", stdout=out, stderr=io.StringIO())
    device = TOTPDevice.objects.filter(user__is_superuser=True).first()
    assert device.verify_token(out.getvalue().strip())


def test_demo_missing_sign_ins_file_gets_a_new_authenticator_key(load, tmp_path):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    load()
    old = key_in_file(tmp_path)
    (tmp_path / "demo-sign-ins.txt").unlink()

    load()

    new = key_in_file(tmp_path)
    assert new != old
    assert TOTPDevice.objects.values("key").distinct().count() == 1
