"""The demo network as loaded (once, see conftest.py), read by tests that change nothing in it.
Tests that load again or reset are in test_load_demo.py."""

import io
import re

import pytest
from django.core.management import call_command

from twinning.accounts.models import Role, User
from twinning.common.models import AuditEntry
from twinning.demo.tests.conftest import EMAIL, key_in_file, password_in_file, signs_in
from twinning.schools.models import Country, School, TeacherProfile, ValidationStatus

# One worker loads the demo once for all the demo tests (see conftest.py).
pytestmark = pytest.mark.xdist_group("demo")


def test_demo_countries_each_have_an_nso_with_staff(demo):
    codes = set(Country.objects.values_list("code", flat=True))
    assert len(codes) >= 8
    assert {"IL", "PS", "GB", "US", "FR", "AR", "AU", "DE"} <= codes
    assert not Country.objects.filter(nso__isnull=True).exists()
    for country in Country.objects.select_related("nso"):
        assert Role.objects.filter(kind=Role.Kind.NSO_STAFF, nso=country.nso).exists(), country.code
        assert set(country.names) == {"en", "he", "ar"}


def test_demo_sizes_are_realistic(demo):
    assert 50 <= School.objects.count() <= 80
    assert 130 <= TeacherProfile.objects.count() <= 180
    assert 3 <= School.objects.filter(status=ValidationStatus.PENDING).count() <= 5
    assert not School.objects.filter(status=ValidationStatus.PENDING, created_by__isnull=True).exists()


def test_demo_native_names_in_hebrew_and_arabic(demo):
    native_names = list(School.objects.values_list("native_name", flat=True))
    assert any(re.search("[\u0590-\u05ff]", name) for name in native_names)
    assert any(re.search("[\u0600-\u06ff]", name) for name in native_names)
    assert School.objects.filter(country="PS", school_type=School.Type.REFUGEE).exists()


def test_demo_waiting_confirmed_teachers_in_israel_and_palestine(demo):
    waiting = TeacherProfile.objects.filter(status=ValidationStatus.PENDING, user__email_confirmed_at__isnull=False)
    assert set(waiting.values_list("school__country", flat=True)) >= {"IL", "PS"}
    assert waiting.filter(vouched_by__isnull=False).exists()
    assert TeacherProfile.objects.filter(status=ValidationStatus.PENDING, user__email_confirmed_at=None).exists()
    assert TeacherProfile.objects.filter(status=ValidationStatus.REJECTED).exclude(rejection_reason="").exists()


def test_demo_validations_recorded_in_audit_log(demo):
    validated = TeacherProfile.objects.filter(status=ValidationStatus.VALIDATED)
    assert AuditEntry.objects.filter(action="teacher.validated").count() == validated.count()
    assert AuditEntry.objects.filter(action="teacher.rejected").count() == (
        TeacherProfile.objects.filter(status=ValidationStatus.REJECTED).count()
    )
    staff_ids = set(Role.objects.filter(kind=Role.Kind.NSO_STAFF).values_list("user_id", flat=True))
    assert set(validated.values_list("decided_by_id", flat=True)) <= staff_ids


def test_demo_printed_password_signs_in_printed_accounts(demo):
    output = demo.output

    password = password_in_file(demo.var)
    assert f"Password: {password}" in output
    emails = EMAIL.findall(output)
    assert len(emails) >= 10
    assert all(signs_in(email, password) for email in emails)


def test_demo_staff_have_an_app_with_the_printed_key_and_demo_code_prints_its_code(demo):
    from base64 import b32decode

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from twinning.accounts import rules
    from twinning.accounts.queries import people_needing_a_second_factor

    output = demo.output

    key = key_in_file(demo.var)
    assert f"Authenticator key: {key}" in output
    hex_key = b32decode(key.replace(" ", "")).hex()
    staff = set(people_needing_a_second_factor().values_list("pk", flat=True))
    assert staff == {user.pk for user in User.objects.all() if rules.mfa_required(user)}
    assert set(TOTPDevice.objects.filter(key=hex_key, confirmed=True).values_list("user_id", flat=True)) == staff
    out = io.StringIO()
    call_command("demo_code", stdout=out, stderr=io.StringIO())
    device = TOTPDevice.objects.filter(user__is_superuser=True).first()
    assert device.verify_token(out.getvalue().strip())


def test_demo_pupils_have_parents_answers_of_every_kind(demo):
    from twinning.accounts.models import Pupil
    from twinning.consent.queries import consent_states_for_teacher

    states = {row.state for row in consent_states_for_teacher(Pupil.objects.all())}
    assert states == {"agreed", "partial", "refused", "withdrawn", "pending", "none"}
    agreed = Pupil.objects.filter(consent_face=True, consent_video=True, consent_voice=True, consent_full_name=True)
    assert agreed.exists()
    assert Pupil.objects.filter(consent_face=True, consent_video=False).exists()


def test_demo_coordinator_has_schools_asking_to_join_and_members_are_approved(demo, client):
    from twinning.demo.management.commands.load_demo import demo_sign_ins
    from twinning.schools.models import ProgrammeMembership

    members = School.programmes.through.objects.count()
    assert ProgrammeMembership.objects.filter(status="approved").count() == members > 0
    coordinator = next(email for who, email in demo_sign_ins() if who.startswith("Coordinator"))
    client.force_login(User.objects.get(email=coordinator))
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="waiting-memberships"' in page
    queue = client.get("/membership-requests/").content.decode()
    assert queue.count('data-testid="membership-request"') >= 1


def test_demo_programmes_have_public_pages_with_published_stories(demo, client):
    from twinning.showcase.models import Story

    published = Story.objects.filter(status=Story.Status.PUBLISHED).select_related("programme")
    assert published.count() == 2
    for story in published:
        assert story.programme.public and story.programme.logo and story.programme.accent_colour
        assert story.photos.count() == 2
        page = client.get(f"/programmes/{story.programme.slug}/")
        assert page.status_code == 200
        assert story.title in page.content.decode()
        photo = story.photos.first()
        url = f"/programmes/{story.programme.slug}/stories/{story.pk}/photos/{photo.pk}/"
        assert client.get(url).status_code == 200
