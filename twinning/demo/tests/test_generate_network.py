"""The large network's generator, run small (400 schools) once for the module: the models' invariants hold in
what it wrote, its sign-ins sign in, and a generated teacher's and NSO staff's pages answer."""

import io
import re
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, Max
from django.test import RequestFactory, override_settings

from twinning.accounts.models import Pupil, Role, User
from twinning.common.models import AuditEntry
from twinning.common.school_year import current_school_year
from twinning.common.search import fold
from twinning.matching.models import TwinningProfile
from twinning.meetings.models import Meeting
from twinning.recognition.models import Label
from twinning.reporting.queries import report_for
from twinning.reporting.rules import Scope
from twinning.schools.models import SCHOOL_WEEK_DAYS, Country, KeptGroup, School, TeacherProfile, ValidationStatus
from twinning.twinnings.models import Membership, Twinning, TwinningSchool
from twinning.workspace.models import Event, MediaItem, Post, Thread

SCHOOLS = 400
HEBREW, ARABIC, ACCENTED = re.compile("[\u05d0-\u05ea]"), re.compile("[\u0627-\u064a]"), re.compile("[À-ž]")
POINTS, TASHKEEL = re.compile("[\u05b0-\u05bc]"), re.compile("[\u064b-\u0652]")

# One worker generates the network once for all the module's tests (without the group, both
# workers took some of them and each generated it).
pytestmark = pytest.mark.xdist_group("generate_network")


@pytest.fixture(scope="module")
def network(django_db_setup, django_db_blocker, tmp_path_factory):
    """Generated once, inside a transaction rolled back after the module's last test."""
    var, media = tmp_path_factory.mktemp("var"), tmp_path_factory.mktemp("media")
    each_test = {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"], "JOBS_IMMEDIATE": True}
    with (
        django_db_blocker.unblock(),
        override_settings(VAR_DIR=var, MEDIA_ROOT=media, **each_test),
        transaction.atomic(),
    ):
        out = io.StringIO()
        call_command("generate_network", schools=SCHOOLS, seed=11, stdout=out)
        text = (var / "network-sign-ins.txt").read_text(encoding="utf-8")
        rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")][1:]
        yield SimpleNamespace(output=out.getvalue(), sign_ins=rows, media=media, text=text)
        transaction.set_rollback(True)


@pytest.fixture
def generated(network, db, settings):
    settings.MEDIA_ROOT = network.media
    return network


def test_sizes_scripts_and_derived_fields(generated):
    assert School.objects.count() == SCHOOLS
    assert Country.objects.count() == 40
    assert Country.objects.filter(schools__isnull=False).distinct().count() >= 35
    # About a million people for 200,000 schools: five a school, teachers and pupils.
    people = TeacherProfile.objects.count() + Pupil.objects.count()
    assert 4 * SCHOOLS <= people <= 6 * SCHOOLS
    assert Twinning.objects.count() >= 0.9 * SCHOOLS / 4
    names = list(School.objects.values_list("name", "native_name", "city", "search_text"))
    natives = [native for _name, native, _city, _text in names]
    assert any(HEBREW.search(n) for n in natives) and any(ARABIC.search(n) for n in natives)
    assert any(POINTS.search(n) for n in natives) and any(TASHKEEL.search(n) for n in natives)
    assert any(ACCENTED.search(name) for name, *_rest in names)
    assert all(text == fold(name, native, city) for name, native, city, text in names)
    folded = list(User.objects.values_list("full_name", "email", "search_text"))
    assert all(text == fold(name, email) for name, email, text in folded)
    for stage in ("schools", "teachers", "twinnings", "pupils", "forum", "media", "report figures"):
        assert re.search(rf"^  {stage} +\d+\.\d s", generated.output, flags=re.MULTILINE), stage
    # The staff's totals counted at the end, as the job counts them: the network's schools, every one in a group.
    assert sum(KeptGroup.objects.values_list("schools", flat=True)) == SCHOOLS


def test_members_are_who_they_say(generated):
    pupils = dict(Pupil.objects.values_list("user_id", "school_id"))
    teachers = {
        (user, school): status
        for user, school, status in TeacherProfile.objects.values_list("user_id", "school_id", "status")
    }
    joined = set(TwinningSchool.objects.exclude(status="invited").values_list("twinning_id", "school_id"))
    for twinning, user, school, role in Membership.objects.values_list("twinning_id", "user_id", "school_id", "role"):
        assert (twinning, school) in joined
        if role == Membership.Role.PUPIL:
            assert pupils[user] == school
        else:
            assert teachers[(user, school)] == ValidationStatus.VALIDATED
    # A pupil's full name is kept only where the family agreed to it.
    assert not Pupil.objects.filter(consent_full_name=False).exclude(full_name="").exists()
    assert Pupil.objects.filter(consent_full_name=True).exclude(full_name="").exists()
    # Roles are each in their one scope (the database's constraints), staff at the NSO of a country.
    assert Role.objects.filter(kind=Role.Kind.NSO_STAFF).values("nso").distinct().count() == 40


def test_twinnings_over_three_years_with_their_dates(generated):
    year = current_school_year()
    assert set(Twinning.objects.values_list("school_year", flat=True)) == {year - 2, year - 1, year}
    for twinning in Twinning.objects.prefetch_related("schools"):
        rows = list(twinning.schools.all())
        assert len(rows) >= 2
        assert len({row.school.country_id for row in rows}) == len(rows)  # partners from other countries
        if twinning.school_year < year:
            assert twinning.status == Twinning.Status.CLOSED
            assert twinning.created_at < twinning.closed_at <= datetime.now(tz=ZoneInfo("UTC"))
        else:
            assert twinning.status != Twinning.Status.CLOSED and twinning.closed_at is None
        if twinning.status == Twinning.Status.PROPOSED:
            assert {row.status for row in rows[1:]} == {TwinningSchool.Status.INVITED}
        if twinning.status == Twinning.Status.NEEDS_PARTNER:
            assert TwinningSchool.Status.LEFT in {row.status for row in rows}
    # Every school in a twinning is a member of its programme.
    members = set(School.programmes.through.objects.values_list("school_id", "programme_id"))
    for school, programme in TwinningSchool.objects.values_list("school_id", "twinning__programme_id"):
        assert (school, programme) in members


def test_posts_only_by_members_and_threads_count_them(generated):
    members = set(Membership.objects.values_list("twinning_id", "user_id"))
    for twinning, author in Post.objects.values_list("thread__twinning_id", "author_id"):
        assert (twinning, author) in members
    counted = Thread.objects.annotate(n=Count("posts"), last=Max("posts__created_at"))
    assert all(t.post_count == t.n and t.last_post_at == t.last for t in counted)
    assert Event.objects.filter(kind="post").count() == Post.objects.count() - Thread.objects.count()
    assert Event.objects.filter(kind="media").count() == MediaItem.objects.count()
    photo = MediaItem.objects.first()
    assert (generated.media / photo.file.name).read_bytes()[:2] == b"\xff\xd8"  # a real JPEG


def test_meetings_in_the_host_schools_hours_and_labels_for_finished_twinnings(generated):
    meetings = Meeting.objects.select_related("twinning").prefetch_related("schools__school")
    assert meetings.filter(status="held").exists() and meetings.filter(status="confirmed").exists()
    for meeting in meetings:
        local = [meeting.starts_at.astimezone(ZoneInfo(row.school.time_zone)) for row in meeting.schools.all()]
        # In the hours and on a school day of at least one school (the host's: the first one).
        assert any(
            9 <= at.hour <= 12 and at.isoweekday() in SCHOOL_WEEK_DAYS[row.school.school_week]
            for at, row in zip(local, meeting.schools.all(), strict=True)
        )
        assert (meeting.status == "held") == (meeting.starts_at < datetime.now(tz=ZoneInfo("UTC")))
    assert Label.objects.exists()
    assert not Label.objects.exclude(twinning__status=Twinning.Status.CLOSED).exists()


def test_this_years_profiles_for_partner_search(generated):
    profiles = TwinningProfile.objects.filter(school_year=current_school_year(), looking=True)
    assert profiles.count() >= SCHOOLS * 0.2
    assert not profiles.exclude(school__status=ValidationStatus.VALIDATED).exists()


def test_only_the_sign_ins_have_passwords(generated):
    logins = {login for _kind, login, *_rest in generated.sign_ins}
    assert {kind for kind, *_rest in generated.sign_ins} == {"teacher", "pupil", "nso_staff", "coordinator", "admin"}
    password = generated.sign_ins[0][2]
    for kind, login, *_rest in generated.sign_ins[:5]:
        assert authenticate(RequestFactory().post("/"), username=login, password=password) is not None, kind
    usable = [user for user in User.objects.all() if user.has_usable_password()]
    assert {user.email or user.username for user in usable} == logins
    assert "authenticator key: " in generated.text


def test_a_generated_teachers_pages_answer(generated, client):
    _kind, login, _password, twinning, _school = next(row for row in generated.sign_ins if row[0] == "teacher")
    client.force_login(User.objects.get(email=login))
    for url in (
        f"/twinnings/{twinning}/workspace/",
        f"/twinnings/{twinning}/forum/",
        f"/twinnings/{twinning}/media/",
        f"/twinnings/{twinning}/meetings/",
        "/matching/search/",
        "/dashboard/",
    ):
        assert client.get(url).status_code == 200, url
    # The forum lists the twinning's threads, the partner search finds schools.
    forum = client.get(f"/twinnings/{twinning}/forum/").content.decode()
    assert all(title in forum for title in Thread.objects.filter(twinning_id=twinning).values_list("title", flat=True))


# What each status's history holds, in order (`twinnings.services` writes the same actions).
HISTORY = {
    "proposed": ["twinning.proposed"],
    "accepted": ["twinning.proposed", "twinning.school_accepted", "twinning.accepted"],
    "approved": ["twinning.proposed", "twinning.school_accepted", "twinning.accepted", "twinning.approved"],
    "active": [
        "twinning.proposed",
        "twinning.school_accepted",
        "twinning.accepted",
        "twinning.approved",
        "twinning.started",
    ],
    "needs_partner": [
        "twinning.proposed",
        "twinning.school_accepted",
        "twinning.accepted",
        "twinning.approved",
        "twinning.started",
        "twinning.school_left",
        "twinning.needs_partner",
    ],
    "closed": [
        "twinning.proposed",
        "twinning.school_accepted",
        "twinning.accepted",
        "twinning.approved",
        "twinning.started",
        "twinning.closed",
    ],
}


def test_each_twinning_has_its_history_and_the_report_counts_the_closed_ones(generated):
    kind = ContentType.objects.get_for_model(Twinning)
    entries: dict[int, list[AuditEntry]] = {}
    for entry in AuditEntry.objects.filter(target_type=kind).order_by("at", "pk"):
        entries.setdefault(entry.target_id, []).append(entry)
    twinnings = list(Twinning.objects.prefetch_related("schools"))
    assert set(entries) == {t.pk for t in twinnings}
    for twinning in twinnings:
        log = entries[twinning.pk]
        # One acceptance per partner; collapsed, the actions follow the services' order.
        actions = [e.action for i, e in enumerate(log) if i == 0 or e.action != log[i - 1].action]
        assert actions == HISTORY[twinning.status], twinning.pk
        partners = [row.school_id for row in twinning.schools.all()][1:]
        accepted = [e.data["school"] for e in log if e.action == "twinning.school_accepted"]
        assert sorted(accepted) == (sorted(partners) if twinning.status != "proposed" else [])
        assert log[0].at == twinning.created_at and log[0].actor_id == twinning.created_by_id
        if twinning.status == Twinning.Status.CLOSED:
            assert log[-1].at == twinning.closed_at
        approvals = [e for e in log if e.action == "twinning.approved"]
        for approval in approvals:  # by a coordinator of the twinning's programme
            assert Role.objects.filter(
                user_id=approval.actor_id, kind=Role.Kind.COORDINATOR, programme=twinning.programme_id
            ).exists()
    # The past years' twinnings are closed after approval, so the report counts them.
    closed = Twinning.objects.filter(status=Twinning.Status.CLOSED).count()
    assert closed
    report = report_for(Scope(everything=True))
    past = sum(n["twinnings"] for year, n in report.by_year if year < current_school_year())
    assert past == closed


def test_nso_staff_reads_the_report(generated, client):
    login = next(row[1] for row in generated.sign_ins if row[0] == "nso_staff")
    client.force_login(User.objects.get(email=login))
    response = client.get("/reports/")
    assert response.status_code == 200


def test_refuses_a_database_holding_a_network_and_a_large_one_on_sqlite(generated, monkeypatch):
    with pytest.raises(CommandError, match="already holds a network"):
        call_command("generate_network", schools=SCHOOLS, stdout=io.StringIO())
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("generate_network", schools=5000, reset=True, stdout=io.StringIO())
    assert School.objects.count() == SCHOOLS  # nothing deleted


def test_reset_generates_afresh(generated):
    call_command("generate_network", schools=120, seed=3, reset=True, stdout=io.StringIO())
    assert School.objects.count() == 120
    assert User.objects.filter(email__endswith="@network.twinning.test").exists()
