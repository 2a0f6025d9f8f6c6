"""Courses and events through the client: registration and the waiting list, time zones, attendance,
certificates and their public verification, and who sees what."""

import re
import threading

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from twinning import testing
from twinning.accounts.models import Pupil, User
from twinning.common.models import Notification
from twinning.common.notifications import text
from twinning.common.uploads.tests import corpus
from twinning.learning import services
from twinning.learning.models import Attendance, Certificate, Material, Offering, Registration, Session
from twinning.learning.tests.conftest import START, attend, into_the_past, issued, make_offering, register, teacher
from twinning.testing import as_

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_learning_full_course_puts_teachers_on_the_waiting_list_and_a_cancellation_promotes_the_first(
    client, cast, django_capture_on_commit_callbacks
):
    offering = make_offering(cast, capacity=2)
    first, second = cast.teacher_a.user, teacher(cast, "Tamar Golan")
    waiting_he = teacher(cast, "Yael Ben-David", language="he")
    waiting_en = teacher(cast, "Omer Shaked")
    assert messages_of(register(client, first, offering)) == [
        "You are registered. Add the dates to your calendar below."
    ]
    register(client, second, offering)
    register(client, waiting_he, offering)
    # (Messages are in the reader's language: the English-speaking teacher's is checked.)
    assert messages_of(register(client, waiting_en, offering)) == [
        "All seats are taken: you are number 2 on the waiting list. If a seat frees up, it is yours and you will "
        "be told."
    ]
    assert list(Registration.objects.order_by("pk").values_list("status", flat=True)) == [
        "confirmed",
        "confirmed",
        "waiting",
        "waiting",
    ]
    page = as_(client, waiting_en).get(f"/learning/{offering.pk}/").content.decode()
    assert re.search(r'data-testid="position"><span class="badge badge-warn">Number 2 on the waiting list<', page)
    assert "Full: 2 people on the waiting list" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = as_(client, first).post(f"/learning/{offering.pk}/leave/", follow=True)
    assert messages_of(response) == ["Your registration is cancelled."]
    statuses = dict(Registration.objects.values_list("user_id", "status"))
    assert (statuses[first.pk], statuses[waiting_he.pk], statuses[waiting_en.pk]) == (
        "cancelled",
        "confirmed",
        "waiting",
    )
    # The promoted teacher is told, with the title in her own language, in the app and by e-mail.
    notification = Notification.objects.get(recipient=waiting_he)
    assert (notification.kind, notification.params["title"]) == ("learning_seat", "הוראה עם טאבלטים")
    assert [m.to for m in mail.outbox] == [[waiting_he.email]]
    assert not Notification.objects.filter(recipient=waiting_en).exists()
    page = as_(client, waiting_en).get(f"/learning/{offering.pk}/").content.decode()
    assert "Number 1 on the waiting list" in page


def test_learning_registering_twice_is_refused_with_a_clear_message(client, cast):
    offering = make_offering(cast, capacity=1)
    register(client, cast.teacher_a.user, offering)
    assert messages_of(register(client, cast.teacher_a.user, offering)) == ["You are already registered."]
    waiting = teacher(cast, "Tamar Golan")
    register(client, waiting, offering)
    assert messages_of(register(client, waiting, offering)) == ["You are already on the waiting list, number 1."]
    assert Registration.objects.count() == 2
    # After cancelling, registering again is a new place at the end of the line.
    as_(client, waiting).post(f"/learning/{offering.pk}/leave/")
    register(client, waiting, offering)
    assert Registration.objects.filter(user=waiting).count() == 2


def test_learning_cancelling_after_the_start_is_refused(client, cast):
    offering = make_offering(cast, capacity=1, sessions=2)
    register(client, cast.teacher_a.user, offering)
    register(client, teacher(cast, "Tamar Golan"), offering)
    offering = into_the_past(offering)
    response = as_(client, cast.teacher_a.user).post(f"/learning/{offering.pk}/leave/", follow=True)
    assert messages_of(response) == ["It has already started: registrations can no longer be cancelled."]
    assert Registration.objects.get(user=cast.teacher_a.user).status == "confirmed"
    late = teacher(cast, "Late Comer")
    assert messages_of(register(client, late, offering)) == ["It has already started: registration is closed."]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_learning_two_teachers_taking_the_last_seat_at_once_do_not_overbook(cast):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite runs one writer at a time anyway.")
    offering = make_offering(cast, capacity=1)
    people = [teacher(cast, f"Racer {n}") for n in range(6)]
    barrier = threading.Barrier(len(people))
    errors = []

    def take_seat(user):
        try:
            barrier.wait()
            services.register(offering=offering, user=user)
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take_seat, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Registration.objects.values_list("status", flat=True)) == ["confirmed"] + ["waiting"] * 5


def test_learning_dates_are_shown_in_each_readers_time_zone(client, cast):
    late = START.replace(hour=22, minute=30)
    offering = make_offering(cast, start=late, audience=Offering.Audience.NETWORK)
    jerusalem = teacher(cast, "Dana Jerusalem", time_zone="Asia/Jerusalem")
    london = teacher(cast, "Sarah London", country=cast.uk, time_zone="Europe/London")

    def when(user) -> tuple[str, str]:
        page = as_(client, user).get(f"/learning/{offering.pk}/").content.decode()
        shown = re.search(r'data-testid="session-when">(.*?)</strong>', page).group(1)
        zone = re.search(r'data-testid="time-zone">(.*?)</p>', page).group(1)
        return shown, zone

    assert when(jerusalem) == (
        'Wednesday 13 November 2030, <span class="ltr">12:30 a.m.–2:30 a.m.</span>',
        'Dates and times in your time zone, <span class="ltr">Asia/Jerusalem</span>.',
    )
    assert when(london) == (
        'Tuesday 12 November 2030, <span class="ltr">10:30 p.m.–12:30 a.m.</span>',
        'Dates and times in your time zone, <span class="ltr">Europe/London</span>.',
    )


def test_learning_organiser_enters_times_in_their_own_time_zone(client, cast):
    cast.nso_il.time_zone = "Asia/Jerusalem"
    cast.nso_il.save(update_fields=["time_zone"])
    organiser = as_(client, cast.nso_il)
    response = organiser.post(
        "/learning/new/",
        {
            "organiser": f"nso:{cast.il_nso.pk}",
            "kind": "workshop",
            "title_he": "סדנת סיפור דיגיטלי",
            "language": "he",
            "capacity": "20",
            "audience": "own",
            "basis": "attendance",
            "sessions_required": "1",
            "hours": "3",
        },
    )
    offering = Offering.objects.get()
    assert response.url == f"/learning/{offering.pk}/"
    assert (offering.status, offering.titles) == ("draft", {"he": "סדנת סיפור דיגיטלי"})
    organiser.post(
        f"/learning/{offering.pk}/sessions/new/",
        {"day": "2030-07-01", "start": "16:00", "end": "19:00", "place": "Tel Aviv, Beit Hatfutsot"},
    )
    session = Session.objects.get()
    assert (session.starts_at.isoformat(), session.ends_at.isoformat()) == (
        "2030-07-01T13:00:00+00:00",
        "2030-07-01T16:00:00+00:00",
    )
    assert organiser.post(f"/learning/{offering.pk}/publish/").status_code == 302
    offering.refresh_from_db()
    assert (offering.status, offering.starts_at) == ("published", session.starts_at)
    # Only the NSO's own teachers find it: the British teacher does not.
    assert as_(client, cast.teacher_a.user).get(f"/learning/{offering.pk}/").status_code == 200
    assert as_(client, cast.teacher_b.user).get(f"/learning/{offering.pk}/").status_code == 404


def test_learning_offering_in_a_language_added_to_the_settings(client, cast, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("fr", "Français")]
    organiser = as_(client, cast.nso_il)
    page = organiser.get("/learning/new/").content.decode()
    assert '<label for="id_title_fr">French</label>' in page
    assert '<textarea name="description_fr" cols="40" rows="4" lang="fr" dir="ltr"' in page
    organiser.post(
        "/learning/new/",
        {
            "organiser": f"nso:{cast.il_nso.pk}",
            "kind": "workshop",
            "title_fr": "Atelier de récit numérique",
            "description_fr": "Trois soirées.",
            "language": "en",
            "capacity": "20",
            "audience": "own",
            "basis": "attendance",
            "sessions_required": "1",
            "hours": "3",
        },
    )
    offering = Offering.objects.get()
    assert (offering.titles, offering.descriptions) == ({"fr": "Atelier de récit numérique"}, {"fr": "Trois soirées."})
    edit = organiser.get(f"/learning/{offering.pk}/edit/").content.decode()
    assert 'name="title_fr" value="Atelier de récit numérique"' in edit


def test_learning_bad_input_says_why_and_loses_nothing(client, cast):
    offering = make_offering(cast, capacity=3)
    organiser = as_(client, cast.nso_il)
    response = organiser.post(
        f"/learning/{offering.pk}/sessions/new/",
        {"title": "Evening two", "day": "2030-12-01", "start": "18:00", "end": "17:00", "place": "Room 9"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "A session must end after it starts." in body
    # What was typed is still in the form.
    assert 'value="Evening two"' in body and 'value="Room 9"' in body
    assert Session.objects.count() == 1
    for name in ("Tamar Golan", "Omer Shaked"):
        register(client, teacher(cast, name), offering)
    form = {
        "kind": "course",
        "title_en": "Teaching with tablets, again",
        "language": "en",
        "capacity": "1",
        "audience": "own",
        "basis": "attendance",
        "sessions_required": "1",
        "hours": "6",
    }
    organiser = as_(client, cast.nso_il)
    response = organiser.post(f"/learning/{offering.pk}/edit/", form)
    body = response.content.decode()
    assert "There cannot be fewer seats than the 2 people already registered." in body
    assert 'value="Teaching with tablets, again"' in body
    offering.refresh_from_db()
    assert (offering.capacity, offering.title) == (3, "Teaching with tablets")
    response = organiser.post(f"/learning/{offering.pk}/edit/", {**form, "title_en": "", "hours": ""})
    body = response.content.decode()
    assert "Give a title in at least one language." in body
    assert "Give the number of hours the certificate states." in body


def test_learning_more_seats_go_to_the_people_waiting(client, cast):
    offering = make_offering(cast, capacity=1)
    register(client, cast.teacher_a.user, offering)
    waiting = teacher(cast, "Tamar Golan")
    register(client, waiting, offering)
    form = {
        "kind": "course",
        "title_en": "Teaching with tablets",
        "language": "en",
        "capacity": "2",
        "audience": "own",
        "basis": "attendance",
        "sessions_required": "1",
        "hours": "6",
    }
    as_(client, cast.nso_il).post(f"/learning/{offering.pk}/edit/", form)
    assert Registration.objects.get(user=waiting).status == "confirmed"
    assert Notification.objects.get(recipient=waiting).kind == "learning_seat"


def test_learning_attendance_issues_each_certificate_once(client, cast, django_capture_on_commit_callbacks):
    offering = make_offering(cast, capacity=5, sessions=3, required=2)
    present, absent = cast.teacher_a.user, teacher(cast, "Tamar Golan")
    register(client, present, offering)
    register(client, absent, offering)
    # Attendance is for sessions that have started.
    first, second, third = Session.objects.order_by("starts_at")
    response = attend(client, cast.nso_il, first, Registration.objects.all())
    assert "Attendance can be taken once the session has started." in response.content.decode()
    offering = into_the_past(offering)
    sheet = as_(client, cast.nso_il).get(f"/learning/{offering.pk}/sessions/{first.pk}/attendance/").content.decode()
    assert sheet.count('data-testid="attendance-row"') == 2
    mine = Registration.objects.get(user=present)
    attend(client, cast.nso_il, first, Registration.objects.all())
    assert Certificate.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = attend(client, cast.nso_il, second, [mine])
    assert messages_of(response) == [
        "Attendance saved: 1 of 2 were there.",
        "Certificates issued: 1. Their holders have been told.",
    ]
    certificate = Certificate.objects.get()
    assert (certificate.holder, certificate.sessions_attended, certificate.sessions_total) == (present, 2, 3)
    assert re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTVWXYZ]{12}", certificate.code)
    # Saving the same list again, the third session, and the button: still one certificate.
    attend(client, cast.nso_il, second, [mine])
    attend(client, cast.nso_il, third, Registration.objects.all())
    as_(client, cast.nso_il).post(f"/learning/{offering.pk}/certificates/issue/")
    services.issue_certificates(offering=offering, by=cast.nso_il)
    assert list(Certificate.objects.values_list("holder_id", flat=True).order_by("holder_id")) == sorted(
        [present.pk, absent.pk]
    )
    assert Certificate.objects.filter(holder=present).count() == 1
    assert Notification.objects.filter(recipient=present, kind="learning_certificate").count() == 1
    assert Attendance.objects.filter(registration=mine).count() == 3
    # The holder downloads it; another teacher cannot.
    url = f"/learning/certificates/{certificate.pk}/pdf/"
    response = as_(client, present).get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response.content.startswith(b"%PDF-")
    assert as_(client, absent).get(url).status_code == 404


def test_learning_completion_is_marked_by_the_organiser(client, cast):
    offering = make_offering(cast, capacity=5, basis=Offering.Basis.COMPLETION)
    done, not_done = cast.teacher_a.user, teacher(cast, "Tamar Golan")
    register(client, done, offering)
    register(client, not_done, offering)
    offering = into_the_past(offering)
    row = Registration.objects.get(user=done)
    as_(client, cast.nso_il).post(f"/learning/{offering.pk}/participants/", {"ticked": [row.pk]})
    as_(client, cast.nso_il).post(f"/learning/{offering.pk}/participants/", {"ticked": [row.pk]})
    assert list(Certificate.objects.values_list("holder_id", "basis")) == [(done.pk, "completion")]


def test_learning_verification_page_tells_valid_forged_and_revoked(client, cast):
    certificate = issued(client, cast)
    client.logout()
    page = client.get(f"/learning/verify/{certificate.code}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "This certificate is genuine." in body
    assert '<dd data-testid="holder"><bdi>Dana Levi</bdi></dd>' in body
    assert "<bdi>Teaching with tablets</bdi>" in body
    assert '<dd data-testid="issuer"><bdi>Israel NSO</bdi></dd>' in body
    # Nothing else about the holder: no e-mail, no school.
    assert cast.teacher_a.user.email not in body and "Reali School" not in body
    # Typed by hand from the paper: lower case, spaces and dashes are forgiven.
    typed = "-".join(certificate.code[i : i + 4] for i in range(0, 12, 4)).lower()
    response = client.get("/learning/verify/", {"code": f" {typed} "})
    assert response.url == f"/learning/verify/{certificate.code}/"
    # A forged code, one letter changed, and nonsense: all unknown.
    forged = ("3" if certificate.code[0] != "3" else "4") + certificate.code[1:]
    for code in (forged, "AAAAAAAAAAAA", "X"):
        page = client.get(f"/learning/verify/{code}/")
        assert page.status_code == 404
        assert "No certificate has this code." in page.content.decode()
        assert "Dana Levi" not in page.content.decode()
    # Revoked by its issuer, with a reason; another NSO cannot revoke it.
    assert (
        as_(client, cast.nso_uk).post(f"/learning/certificates/{certificate.pk}/revoke/", {"reason": "x"}).status_code
        == 404
    )
    response = as_(client, cast.nso_il).post(f"/learning/certificates/{certificate.pk}/revoke/", {"reason": ""})
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    as_(client, cast.nso_il).post(f"/learning/certificates/{certificate.pk}/revoke/", {"reason": "Issued in error"})
    client.logout()
    body = client.get(f"/learning/verify/{certificate.code}/").content.decode()
    assert "This certificate has been revoked." in body
    assert "Issued in error" not in body
    assert as_(client, cast.teacher_a.user).get(f"/learning/certificates/{certificate.pk}/pdf/").status_code == 404


def test_learning_verification_slows_down_a_guessing_script(client, cast, settings):
    from django.core.cache import cache

    cache.clear()
    for _n in range(60):
        client.get("/learning/verify/AAAAAAAAAAAA/")
    assert client.get("/learning/verify/AAAAAAAAAAAA/").status_code == 429
    cache.clear()


def test_learning_another_nso_cannot_see_or_take_attendance(client, cast):
    offering = make_offering(cast)
    register(client, cast.teacher_a.user, offering)
    offering = into_the_past(offering)
    session = offering.sessions.get()
    other = as_(client, cast.nso_uk)
    for url in (
        f"/learning/{offering.pk}/sessions/{session.pk}/attendance/",
        f"/learning/{offering.pk}/participants/",
        f"/learning/{offering.pk}/edit/",
        f"/learning/{offering.pk}/sessions/{session.pk}/",
    ):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/learning/{offering.pk}/sessions/{session.pk}/attendance/", {"ticked": []}).status_code == 404
    assert Attendance.objects.count() == 0
    # Their own NSO's coordinator runs it.
    assert as_(client, cast.coordinator).get(f"/learning/{offering.pk}/participants/").status_code == 200
    # A draft is for its organisers only.
    draft = make_offering(cast, publish=False)
    assert as_(client, cast.teacher_a.user).get(f"/learning/{draft.pk}/").status_code == 404
    assert as_(client, cast.nso_il).get(f"/learning/{draft.pk}/").status_code == 200


def test_learning_materials_place_and_link_are_for_registered_participants(client, cast, media_root):
    offering = make_offering(cast, capacity=1, sessions=2)
    as_(client, cast.nso_il).post(
        f"/learning/{offering.pk}/materials/", {"file": SimpleUploadedFile("slides.pdf", corpus.pdf_with_author())}
    )
    material = Material.objects.get()
    url = f"/learning/{offering.pk}/materials/{material.pk}/"
    participant, waiting, outsider = cast.teacher_a.user, teacher(cast, "Tamar Golan"), teacher(cast, "Not Registered")
    register(client, participant, offering)
    register(client, waiting, offering)
    assert as_(client, participant).get(url).status_code == 200
    for user in (waiting, outsider, cast.nso_uk):
        assert as_(client, user).get(url).status_code == 404
        assert as_(client, user).get(f"/learning/{offering.pk}/calendar.ics").status_code == 404
    page = as_(client, outsider).get(f"/learning/{offering.pk}/").content.decode()
    assert "Room 4" not in page and "meet.example.org" not in page
    assert "The place and the link are shown to registered participants." in page
    page = as_(client, participant).get(f"/learning/{offering.pk}/").content.decode()
    assert "Room 4, Reali School" in page and "https://meet.example.org/tablets" in page
    calendar = as_(client, participant).get(f"/learning/{offering.pk}/calendar.ics").content.decode()
    assert calendar.count("BEGIN:VEVENT") == 2
    assert "DTSTART:20301112T080000Z" in calendar and "LOCATION:Room 4\\, Reali School" in calendar
    # A file that is not what it says is refused.
    response = as_(client, cast.nso_il).post(
        f"/learning/{offering.pk}/materials/", {"file": SimpleUploadedFile("run.pdf", b"MZ\x90\x00binary")}, follow=True
    )
    assert Material.objects.count() == 1 and messages_of(response)


def test_learning_is_not_for_pupils(client, cast):
    offering = make_offering(cast, audience=Offering.Audience.NETWORK)
    pupil_user = User.objects.create_user(username="maya.k", password=testing.PASSWORD, full_name="Maya K.")
    Pupil.objects.create(user=pupil_user, school=cast.school_a, display_name="Maya K.")
    pupil = as_(client, pupil_user)
    for url in ("/learning/", f"/learning/{offering.pk}/", "/learning/organise/", "/learning/new/"):
        assert pupil.get(url).status_code == 404, url
    assert pupil.post(f"/learning/{offering.pk}/register/").status_code == 404
    assert Registration.objects.count() == 0
    assert "Courses and events" not in pupil.get("/dashboard/").content.decode()


def test_learning_who_may_register(client, cast):
    own = make_offering(cast)
    network = make_offering(cast, audience=Offering.Audience.NETWORK, titles={"en": "National conference"})
    # The British teacher does not see the Israeli NSO's own course; the conference is for everyone.
    assert as_(client, cast.teacher_b.user).get(f"/learning/{own.pk}/").status_code == 404
    assert as_(client, cast.teacher_b.user).post(f"/learning/{own.pk}/register/").status_code == 404
    register(client, cast.teacher_b.user, network)
    assert Registration.objects.get(user=cast.teacher_b.user).offering == network
    # A teacher waiting for validation reads but does not register yet.
    page = as_(client, cast.pending_il.user).get(f"/learning/{own.pk}/").content.decode()
    assert "You can register once your NSO has validated your teacher account." in page
    response = register(client, cast.pending_il.user, own)
    assert messages_of(response) == ["You can register once your NSO has validated your teacher account."]


def titles_listed(client, user, query: str = "") -> list[str]:
    page = as_(client, user).get(f"/learning/?{query}").content.decode()
    return re.findall(r'data-testid="offering-row">\s*<h3><a [^>]*>([^<]+)</a>', page)


def test_learning_listing_filters_by_kind_language_and_time(client, cast):
    make_offering(cast, titles={"en": "Tablets"})
    make_offering(cast, kind=Offering.Kind.SEMINAR, titles={"en": "Seminar"}, start=START.replace(year=2031))
    past = make_offering(cast, kind=Offering.Kind.EVENT, titles={"en": "Conference 2025"})
    into_the_past(past)
    reader = cast.teacher_a.user
    assert titles_listed(client, reader) == ["Tablets", "Seminar"]
    assert titles_listed(client, reader, "kind=seminar") == ["Seminar"]
    assert titles_listed(client, reader, "language=he") == []
    assert titles_listed(client, reader, "when=past") == ["Conference 2025"]
    assert as_(client, reader).get("/learning/?kind=evil&language=xx").status_code == 200


def test_learning_listing_queries_do_not_grow_with_offerings(client, cast):
    make_offering(cast, titles={"en": "One"})
    reader = as_(client, cast.teacher_a.user)
    reader.get("/learning/")
    with CaptureQueriesContext(connection) as one:
        reader.get("/learning/")
    make_offering(cast, titles={"en": "Two"}, audience=Offering.Audience.NETWORK, kind=Offering.Kind.EVENT)
    third = make_offering(cast, titles={"en": "Three"}, capacity=1)
    register(client, cast.teacher_a.user, third)
    reader = as_(client, cast.teacher_a.user)
    reader.get("/learning/")
    with CaptureQueriesContext(connection) as three:
        body = reader.get("/learning/").content.decode()
    assert body.count('data-testid="offering-row"') == 3
    assert len(three) == len(one)


def test_learning_profile_lists_courses_waiting_lists_and_certificates(client, cast):
    certificate = issued(client, cast)
    full = make_offering(cast, capacity=1, titles={"en": "Full workshop"})
    register(client, teacher(cast, "Tamar Golan"), full)
    register(client, cast.teacher_a.user, full)
    coming = make_offering(cast, titles={"en": "Coming course"})
    register(client, cast.teacher_a.user, coming)
    page = as_(client, cast.teacher_a.user).get("/accounts/profile/").content.decode()
    section = page[page.index('data-testid="my-learning"') :]
    assert re.findall(r'data-testid="my-upcoming"><a [^>]*>([^<]+)</a>', section) == ["Coming course"]
    assert re.findall(r'data-testid="my-past"><a [^>]*>([^<]+)</a>', section) == ["Teaching with tablets"]
    assert "Number 1 on the waiting list" in section
    assert f'href="/learning/certificates/{certificate.pk}/pdf/"' in section


def test_learning_registration_follows_the_organisers_dates(client, cast):
    offering = make_offering(cast)
    cast.nso_il.time_zone = "Asia/Jerusalem"
    cast.nso_il.save(update_fields=["time_zone"])
    form = {
        "kind": "course",
        "title_en": "Teaching with tablets",
        "language": "en",
        "capacity": "2",
        "audience": "own",
        "basis": "attendance",
        "sessions_required": "1",
        "hours": "6",
        "opens_at_0": "2030-10-01",
        "opens_at_1": "09:00",
    }
    as_(client, cast.nso_il).post(f"/learning/{offering.pk}/edit/", form)
    offering.refresh_from_db()
    assert offering.opens_at.isoformat() == "2030-10-01T06:00:00+00:00"
    assert messages_of(register(client, cast.teacher_a.user, offering))[-1] == "Registration has not opened yet."
    response = as_(client, cast.nso_il).post(
        f"/learning/{offering.pk}/edit/", {**form, "closes_at_0": "2030-09-01", "closes_at_1": "09:00"}
    )
    assert "Registration must close after it opens." in response.content.decode()
    as_(client, cast.nso_il).post(
        f"/learning/{offering.pk}/edit/",
        {**form, "opens_at_0": "", "opens_at_1": "", "closes_at_0": "2020-09-01", "closes_at_1": "09:00"},
    )
    assert messages_of(register(client, cast.teacher_a.user, offering))[-1] == "Registration is closed."
    assert Registration.objects.count() == 0


def test_learning_cancelled_offering_tells_everyone_registered_or_waiting(client, cast):
    offering = make_offering(cast, capacity=1)
    seated, waiting = cast.teacher_a.user, teacher(cast, "Tamar Golan", time_zone="Asia/Jerusalem")
    register(client, seated, offering)
    register(client, waiting, offering)
    url = f"/learning/{offering.pk}/cancel/"
    assert messages_of(as_(client, cast.nso_il).post(url, {"reason": ""}, follow=True))[-1] == (
        "Say why it is cancelled: the participants will read it."
    )
    as_(client, cast.nso_il).post(url, {"reason": "The trainer is ill; a new date will follow."})
    offering.refresh_from_db()
    assert offering.status == "cancelled"
    notices = {n.recipient_id: n for n in Notification.objects.filter(kind="learning_cancelled")}
    assert set(notices) == {seated.pk, waiting.pk}
    with translation.override("en"), timezone.override("Asia/Jerusalem"):
        assert text(notices[waiting.pk]) == (
            "\u2068Teaching with tablets\u2069, planned to start on Nov. 12, 2030 10 a.m., is cancelled."
        )
    page = as_(client, waiting).get(f"/learning/{offering.pk}/").content.decode()
    assert "The trainer is ill; a new date will follow." in page
    assert messages_of(register(client, teacher(cast, "Late Comer"), offering))[-1] == "Registration is not open."


def test_learning_materials_keep_a_recorded_talk_without_its_place(client, cast, media_root):
    offering = make_offering(cast)
    url = f"/learning/{offering.pk}/materials/"
    organiser = as_(client, cast.nso_il)
    response = organiser.post(url, {"file": SimpleUploadedFile("talk.mp4", corpus.ftyp_garbage())}, follow=True)
    assert messages_of(response)[0].startswith("This clip could not be read as sound or video.")
    assert (Material.objects.count(), corpus.stored_files(media_root)) == (0, [])
    organiser.post(url, {"file": SimpleUploadedFile("talk.mp4", corpus.phone_mp4())})
    material = Material.objects.get()
    body = material.file.read()
    assert (material.content_type, corpus.PLACE_BYTES in body, b"\xa9xyz" in body) == ("video/mp4", False, False)
