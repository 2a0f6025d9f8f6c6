"""Meetings through the client: common times, proposing, answering, calendars, reminders and the record."""

import io
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar
from PIL import Image

from twinning import testing
from twinning.accounts.pupils import create_pupils
from twinning.common.models import Notification
from twinning.common.notifications import text
from twinning.meetings import services
from twinning.meetings.models import CalendarFeed, Closure, Meeting, SchoolDay
from twinning.meetings.tests.conftest import first_window, make_meeting, propose_form
from twinning.testing import as_
from twinning.twinnings import services as twinning_services
from twinning.workspace.models import MediaItem

pytestmark = pytest.mark.django_db
JERUSALEM, LONDON = ZoneInfo("Asia/Jerusalem"), ZoneInfo("Europe/London")


@pytest.fixture
def people(cast):
    """Each teacher reads times in their own school's time zone."""
    cast.teacher_a.user.time_zone = "Asia/Jerusalem"
    cast.teacher_a.user.save(update_fields=["time_zone"])
    cast.teacher_b.user.time_zone = "Europe/London"
    cast.teacher_b.user.save(update_fields=["time_zone"])
    return cast


def test_common_times_show_in_the_viewers_time_zone_with_the_partners_clock(client, people, twinning):
    window = first_window(twinning)
    local = window.start.astimezone(JERUSALEM)
    week = local.date() - timedelta(days=local.isoweekday() % 7)
    page = as_(client, people.teacher_a.user).get(f"/twinnings/{twinning.pk}/meetings/?week={week}")
    body = page.content.decode()
    assert page.status_code == 200
    # Default hours 08:00–14:00 local: Israel (UTC+2 in winter) and London (UTC+0) share 10:00–14:00 Israeli time,
    # which is 08:00–12:00 in London, Monday to Thursday only.
    assert window.start.astimezone(JERUSALEM).time() == time(10) and window.start.astimezone(LONDON).time() == time(8)
    assert window.start.astimezone(JERUSALEM).isoweekday() in (1, 2, 3, 4)
    assert "King David School</bdi>: " in body
    first = next(row for row in page.context["windows"] if row["window"] == window)
    assert [(o["school"].name, o["start"], o["end"]) for o in first["others"]] == [
        ("Reali School", "10 a.m.", "2 p.m."),
        ("King David School", "8 a.m.", "noon"),
    ]
    assert '<svg class="week-grid"' in body and '<table class="year" role="grid"' in body
    assert body.count('data-testid="window"') >= 1


def test_proposed_meeting_is_confirmed_when_the_partner_accepts(client, people, twinning):
    window = first_window(twinning)
    response = as_(client, people.teacher_a.user).post(f"/twinnings/{twinning.pk}/meetings/", propose_form(window))
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert (meeting.status, meeting.starts_at, meeting.minutes) == ("proposed", window.start, 45)
    answers = dict(meeting.schools.values_list("school_id", "answer"))
    assert answers == {people.school_a.pk: "accepted", people.school_b.pk: "pending"}
    told = Notification.objects.get(recipient=people.teacher_b.user, kind="meeting_proposed")
    # The British teacher reads the time on her own clock: two hours earlier than it was typed in Israel.
    with timezone.override(LONDON):
        assert date_format(window.start.astimezone(LONDON), "TIME_FORMAT") in text(told)
    with timezone.override(JERUSALEM):
        assert date_format(window.start.astimezone(JERUSALEM), "TIME_FORMAT") in text(told)

    partner = as_(client, people.teacher_b.user)
    page = partner.get(f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/").content.decode()
    assert f'action="/twinnings/{twinning.pk}/meetings/{meeting.pk}/accept/"' in page
    assert f'formaction="/twinnings/{twinning.pk}/meetings/{meeting.pk}/decline/"' in page
    partner.post(f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/accept/")
    meeting.refresh_from_db()
    assert meeting.status == "confirmed"
    assert Notification.objects.filter(recipient=people.teacher_a.user, kind="meeting_confirmed").count() == 1


def test_a_declined_meeting_is_off_and_the_proposer_is_told(client, people, twinning):
    window = first_window(twinning)
    as_(client, people.teacher_a.user).post(f"/twinnings/{twinning.pk}/meetings/", propose_form(window))
    meeting = Meeting.objects.get()
    as_(client, people.teacher_b.user).post(
        f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/decline/", {"reason": "Exam day"}
    )
    meeting.refresh_from_db()
    assert meeting.status == "declined"
    assert meeting.schools.get(school=people.school_b).reason == "Exam day"
    assert Notification.objects.filter(recipient=people.teacher_a.user, kind="meeting_declined").count() == 1


def test_a_time_outside_the_common_hours_is_refused_naming_the_school(client, people, twinning):
    window = first_window(twinning)
    form = propose_form(window)
    form["start"] = "15:30"  # after the Israeli school day (and 13:30 in London, still inside hers)
    response = as_(client, people.teacher_a.user).post(f"/twinnings/{twinning.pk}/meetings/", form)
    assert response.status_code == 200
    assert "Reali School" in response.context["form"].non_field_errors()[0]
    assert "is not in session then" in response.context["form"].non_field_errors()[0]
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"minutes": 5}, "minutes", "greater than or equal to 15"),
        ({"video_link": "javascript:alert(1)"}, "video_link", "Enter a valid URL."),
        ({"day": "not a day"}, "day", "Enter a valid date."),
    ],
)
def test_bad_meeting_input_gets_a_clear_message(client, people, twinning, change, field, message):
    form = propose_form(first_window(twinning), **change)
    response = as_(client, people.teacher_a.user).post(f"/twinnings/{twinning.pk}/meetings/", form)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert Meeting.objects.count() == 0


def test_a_meeting_in_the_past_is_refused_in_hebrew(client, people, twinning):
    people.teacher_a.user.preferred_language = "he"
    people.teacher_a.user.save(update_fields=["preferred_language"])
    form = propose_form(first_window(twinning))
    form["day"] = "2020-01-06"
    response = as_(client, people.teacher_a.user).post(f"/twinnings/{twinning.pk}/meetings/", form)
    assert response.context["form"].errors["day"] == ["בחרו מועד עתידי."]


def test_a_day_in_the_past_is_said_with_the_other_fields_errors(client, people, twinning):
    form = propose_form(first_window(twinning), title="", day="2020-01-06")
    response = as_(client, people.teacher_a.user).post(f"/twinnings/{twinning.pk}/meetings/", form)
    errors = response.context["form"].errors
    assert errors["title"] == ["This field is required."]
    assert errors["day"] == ["Choose a time in the future."]
    assert Meeting.objects.count() == 0


def test_outsiders_get_404_and_pupils_see_meetings_without_the_video_link(client, people, twinning):
    meeting = make_meeting(twinning, people, starts_at=first_window(twinning).start)
    outsider = testing.make_teacher(school=testing.make_school(country=people.uk), name="Out Sider").user
    for url in (
        f"/twinnings/{twinning.pk}/meetings/",
        f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/",
        f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/meeting.ics",
    ):
        assert as_(client, outsider).get(url).status_code == 404
    (pupil, _password), *_ = create_pupils(school=people.school_a, by=people.teacher_a.user, names=["Noa L."])
    row = twinning.schools.get(school=people.school_a)
    twinning_services.add_pupils(twinning=twinning, row=row, pupils=[pupil], by=people.teacher_a.user)
    pupil_client = as_(client, pupil.user)
    page = pupil_client.get(f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/")
    assert page.status_code == 200 and "meet.example.org" not in page.content.decode()
    ics = Calendar.from_ical(pupil_client.get(f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/meeting.ics").content)
    assert "meet.example.org" not in ics.to_ical().decode()
    assert (
        pupil_client.post(f"/twinnings/{twinning.pk}/meetings/", propose_form(first_window(twinning))).status_code
        == 404
    )
    assert pupil_client.post(f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/cancel/").status_code == 404


def test_ics_file_carries_the_meeting_in_utc_with_the_link_for_teachers(client, people, twinning):
    meeting = make_meeting(twinning, people, starts_at=first_window(twinning).start)
    response = as_(client, people.teacher_b.user).get(f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/meeting.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") == meeting.ends_at
    assert (str(event["summary"]), str(event["status"]), str(event["location"])) == (
        "Our first Mifgash",
        "CONFIRMED",
        "https://meet.example.org/abc",
    )


def test_private_feed_lists_meetings_and_a_replaced_address_stops_working(client, people, twinning):
    meeting = make_meeting(twinning, people, starts_at=first_window(twinning).start)
    page = as_(client, people.teacher_b.user).get("/meetings/calendar/")
    token = CalendarFeed.objects.get(user=people.teacher_b.user).token
    assert token in page.content.decode()
    client.logout()
    feed = client.get(f"/meetings/calendar/{token}.ics")
    (event,) = Calendar.from_ical(feed.content).walk("VEVENT")
    assert str(event["uid"]).startswith(f"meeting-{meeting.pk}@")
    services.cancel_meeting(meeting=meeting, by=people.teacher_a.user)
    (event,) = Calendar.from_ical(client.get(f"/meetings/calendar/{token}.ics").content).walk("VEVENT")
    assert (str(event["status"]), event["sequence"]) == ("CANCELLED", 1)
    as_(client, people.teacher_b.user).post("/meetings/calendar/")
    client.logout()
    assert client.get(f"/meetings/calendar/{token}.ics").status_code == 404
    assert client.get("/meetings/calendar/not-a-token.ics").status_code == 404


def test_reminders_go_out_once_the_day_before_and_once_the_hour_before(
    people, twinning, django_capture_on_commit_callbacks
):
    meeting = make_meeting(twinning, people, starts_at=first_window(twinning).start)
    day_before = meeting.starts_at - timedelta(hours=20)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(now=day_before) == 1
        assert services.send_reminders(now=day_before + timedelta(minutes=5)) == 0
    assert Notification.objects.filter(kind="meeting_tomorrow").count() == 2  # both teachers
    assert len(mail.outbox) == 2
    hour_before = meeting.starts_at - timedelta(minutes=50)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(now=hour_before) == 1
        assert services.send_reminders(now=hour_before) == 0
    assert Notification.objects.filter(kind="meeting_soon").count() == 2
    assert len(mail.outbox) == 4


def test_a_meeting_made_at_the_last_minute_gets_only_the_hour_reminder(people, twinning):
    meeting = make_meeting(twinning, people, starts_at=first_window(twinning).start)
    assert services.send_reminders(now=meeting.starts_at - timedelta(minutes=30)) == 1
    assert services.send_reminders(now=meeting.starts_at - timedelta(minutes=20)) == 0
    assert not Notification.objects.filter(kind="meeting_tomorrow").exists()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_the_record_keeps_attendance_notes_and_shares_photos_to_the_workspace(client, people, twinning, media_root):
    meeting = make_meeting(twinning, people, starts_at=timezone.now() - timedelta(hours=2))
    response = as_(client, people.teacher_b.user).post(
        f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/record/",
        {
            "held": "yes",
            f"pupils_{people.school_a.pk}": "24",
            f"teachers_{people.school_a.pk}": "2",
            f"pupils_{people.school_b.pk}": "19",
            "notes": "Everyone sang.",
            "photos": [SimpleUploadedFile("class.png", png(), "image/png")],
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.notes, meeting.recorded_by) == ("held", "Everyone sang.", people.teacher_b.user)
    counts = {r.school_id: (r.pupils_present, r.teachers_present) for r in meeting.schools.all()}
    assert counts == {people.school_a.pk: (24, 2), people.school_b.pk: (19, None)}
    (photo,) = meeting.photos.all()
    assert (photo.kind, photo.twinning_id, photo.title) == ("photo", twinning.pk, "Our first Mifgash")


def test_a_refused_photo_saves_nothing_of_the_record(client, people, twinning, media_root):
    meeting = make_meeting(twinning, people, starts_at=timezone.now() - timedelta(hours=2))
    response = as_(client, people.teacher_b.user).post(
        f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/record/",
        {
            "held": "yes",
            "notes": "Everyone sang.",
            "photos": [
                SimpleUploadedFile("class.png", png(), "image/png"),
                SimpleUploadedFile("virus.png", b"MZ\x90\x00 not a picture", "image/png"),
            ],
        },
    )
    assert response.status_code == 400
    assert response.context["record_form"].errors["photos"]
    meeting.refresh_from_db()
    assert (meeting.status, meeting.notes) == ("confirmed", "")
    assert MediaItem.objects.count() == 0
    assert not any(media_root.rglob("*.png")) and not any(media_root.rglob("*.jpg"))
    # What was typed is still there to correct.
    assert "Everyone sang." in response.content.decode()


def test_a_meeting_cannot_be_recorded_before_it_starts(client, people, twinning):
    meeting = make_meeting(twinning, people, starts_at=first_window(twinning).start)
    response = as_(client, people.teacher_b.user).post(
        f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/record/", {"held": "yes"}
    )
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.status == "confirmed"


def test_school_calendar_hours_terms_and_closures_shape_the_common_time(client, people, twinning):
    window = first_window(twinning)
    day_in_london = window.start.astimezone(LONDON).date()
    editor = as_(client, people.teacher_b.user)
    bad = editor.post(f"/schools/{people.school_b.pk}/calendar/hours/", {"start_1": "15:00", "end_1": "09:00"})
    assert bad.context["timetable"].errors["end_1"] == ["The school day must end after it starts."]
    assert not SchoolDay.objects.exists()
    hours = {f"start_{d}": "09:00" for d in range(1, 6)} | {f"end_{d}": "15:30" for d in range(1, 6)}
    # Holidays in the United Kingdom differ by nation: the region is asked for, with the choices.
    refused = editor.post(f"/schools/{people.school_b.pk}/calendar/hours/", hours)
    assert refused.context["timetable"].errors["subdivision"] == [
        "Choose the school's region: public and school holidays in United Kingdom depend on it. "
        "The regions are: \u2068England (ENG), Northern Ireland (NIR), Scotland (SCT), Wales (WLS)\u2069."
    ]
    assert not SchoolDay.objects.exists()
    hours["subdivision"] = "ENG"
    assert editor.post(f"/schools/{people.school_b.pk}/calendar/hours/", hours).status_code == 302
    assert SchoolDay.objects.filter(school=people.school_b).count() == 5
    # London now starts at 09:00: the common time starts an hour later.
    assert first_window(twinning).start == window.start + timedelta(hours=1)
    editor.post(
        f"/schools/{people.school_b.pk}/calendar/closures/",
        {
            "closure-kind": "trip",
            "closure-reason": "Museum",
            "closure-first_day": day_in_london,
            "closure-last_day": day_in_london,
        },
    )
    assert Closure.objects.get().reason == "Museum"
    assert first_window(twinning).start.astimezone(LONDON).date() != day_in_london
    bad_term = editor.post(
        f"/schools/{people.school_b.pk}/calendar/terms/",
        {"term-name": "Spring", "term-first_day": "2027-03-01", "term-last_day": "2027-01-01"},
    )
    assert bad_term.context["term_form"].errors["last_day"] == ["The last day cannot be before the first day."]
    # Someone from another school reads the calendar but cannot change it.
    reader = as_(client, people.teacher_a.user)
    assert reader.get(f"/schools/{people.school_b.pk}/calendar/").status_code == 200
    assert reader.post(f"/schools/{people.school_b.pk}/calendar/hours/", hours).status_code == 404


def test_schools_whose_days_never_meet_are_told_why(client, people, twinning):
    people.school_b.time_zone = "America/Los_Angeles"
    people.school_b.save(update_fields=["time_zone"])
    page = as_(client, people.teacher_a.user).get(f"/twinnings/{twinning.pk}/meetings/")
    assert "never meet, whatever the week" in page.content.decode()


def test_holidays_show_with_hebrew_dates_for_an_israeli_school(client, people):
    people.teacher_a.user.preferred_language = "he"
    people.teacher_a.user.save(update_fields=["preferred_language"])
    page = as_(client, people.teacher_a.user).get(f"/schools/{people.school_a.pk}/calendar/")
    body = page.content.decode()
    assert "יום כיפור" in body  # the holiday's name, in Hebrew
    assert "בתשרי" in body  # and its Hebrew date


def test_meetings_appear_on_the_plan_and_in_the_coordinators_overview(client, people, twinning):
    meeting = make_meeting(twinning, people, starts_at=first_window(twinning).start)
    plan = as_(client, people.teacher_a.user).get(f"/twinnings/{twinning.pk}/plan/")
    assert f"/meetings/{meeting.pk}/" in plan.content.decode()
    overview = as_(client, people.coordinator).get("/meetings/")
    (row,) = overview.context["rows"]
    assert (row.twinning, row.next_meeting, row.held) == (twinning, meeting.starts_at, 0)
    assert row.common_minutes > 0
    # The NSO of a country with no school in it sees nothing.
    other_nso = testing.make_nso("fr", "France NSO")
    testing.make_country("FR", "France", nso=other_nso)
    staff = testing.make_person(name="Staff FR")
    testing.grant(staff, "nso_staff", nso=other_nso)
    assert list(as_(client, staff).get("/meetings/").context["rows"]) == []


def test_coordinators_overview_makes_the_same_queries_for_one_and_three_twinnings(client, people, twinning):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert as_(client, people.coordinator).get("/meetings/").status_code == 200
        return len(captured)

    count()  # the first request of a session also writes the session
    one = count()
    for n in range(2):
        other = testing.approved_twinning_with_new_partner(people, name=f"Partner {n}")
        make_meeting(other, people, starts_at=first_window(twinning).start)
    assert count() == one


@pytest.mark.parametrize("language", ["he", "ar"])
def test_meeting_pages_render_right_to_left(client, people, twinning, language):
    meeting = make_meeting(twinning, people, starts_at=first_window(twinning).start)
    people.teacher_a.user.preferred_language = language
    people.teacher_a.user.save(update_fields=["preferred_language"])
    reader = as_(client, people.teacher_a.user)
    for url in (
        f"/twinnings/{twinning.pk}/meetings/",
        f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/",
        f"/schools/{people.school_b.pk}/calendar/",
        "/meetings/calendar/",
    ):
        page = reader.get(url)
        assert page.status_code == 200, url
        assert f'lang="{language}" dir="rtl"' in page.content.decode()


@pytest.mark.parametrize("week", ["2031-01-05", "yesterday", "2020-13-40"])
def test_a_week_far_away_or_mistyped_shows_this_week(client, people, twinning, week):
    page = as_(client, people.teacher_a.user).get(f"/twinnings/{twinning.pk}/meetings/?week={week}")
    assert page.status_code == 200
    assert page.context["error"] is None
    assert abs((page.context["week"] - timezone.localdate()).days) < 7


def test_the_engines_best_times_of_the_next_four_weeks_are_suggested(client, people, twinning):
    page = as_(client, people.teacher_a.user).get(f"/twinnings/{twinning.pk}/meetings/")
    suggested = page.context["suggested"]
    assert 1 <= len(suggested) <= 3
    scores = [row["window"].score for row in suggested]
    assert scores == sorted(scores, reverse=True)
    assert all(timezone.now() < row["window"].start < timezone.now() + timedelta(days=30) for row in suggested)
    assert 'data-testid="suggested"' in page.content.decode()


def test_a_school_that_chose_gregorian_only_sees_no_hebrew_dates(client, people):
    page = as_(client, people.teacher_a.user).get(f"/schools/{people.school_a.pk}/calendar/")
    assert "Tishrei" in page.content.decode()  # an Israeli school sees Hebrew dates unless it chose otherwise
    hours = {f"start_{d}": "08:00" for d in (7, 1, 2, 3, 4)} | {f"end_{d}": "13:00" for d in (7, 1, 2, 3, 4)}
    client.post(f"/schools/{people.school_a.pk}/calendar/hours/", {"date_calendar": "", **hours})
    assert "Tishrei" not in client.get(f"/schools/{people.school_a.pk}/calendar/").content.decode()


def test_a_tampered_entry_id_on_the_calendar_page_removes_nothing(client, people):
    editor = as_(client, people.teacher_b.user)
    editor.post(
        f"/schools/{people.school_b.pk}/calendar/closures/",
        {
            "closure-kind": "trip",
            "closure-first_day": "2027-02-01",
            "closure-last_day": "2027-02-01",
        },
    )
    for value in ("abc", "-1", ""):
        response = editor.post(f"/schools/{people.school_b.pk}/calendar/closures/remove/", {"entry": value})
        assert response.status_code == 302
    assert Closure.objects.count() == 1


def test_a_proposal_nobody_confirmed_offers_no_record_form(client, people, twinning):
    meeting = make_meeting(
        twinning, people, starts_at=timezone.now() - timedelta(hours=2), status=Meeting.Status.PROPOSED
    )
    page = as_(client, people.teacher_b.user).get(f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/")
    assert page.context["can_record"] is False


def test_record_photos_need_the_consent_of_the_pupils_they_show(client, people, twinning, media_root):
    """A meeting's photos go to the workspace: the same consent check as any photo shared there."""
    from twinning.common.uploads.tests.corpus import jpeg_with_gps, phone_mp4, stored_files

    (pupil, _password), *_ = create_pupils(school=people.school_b, by=people.teacher_b.user, names=["Noa L."])
    row = twinning.schools.get(school=people.school_b)
    twinning_services.add_pupils(twinning=twinning, row=row, pupils=[pupil], by=people.teacher_b.user)
    meeting = make_meeting(twinning, people, starts_at=timezone.now() - timedelta(hours=2))
    url = f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/record/"
    teacher = as_(client, people.teacher_b.user)
    page = teacher.get(f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/").content.decode()
    assert "Pupils who can be seen in the photos" in page and "Noa L." in page

    def record(*files):
        return teacher.post(url, {"held": "yes", "notes": "We sang.", "photos": list(files), "pupils": [pupil.pk]})

    response = record(SimpleUploadedFile("IMG_1.JPG", jpeg_with_gps(), "image/jpeg"))
    assert response.status_code == 400
    assert response.context["record_form"].errors["photos"] == [
        "Noa L. may not appear in photos. Take them out of the file, or ask their teacher to record their "
        "family's consent."
    ]
    assert (MediaItem.objects.count(), stored_files(media_root)) == (0, [])
    response = record(SimpleUploadedFile("clip.mp4", phone_mp4(), "video/mp4"))
    assert response.context["record_form"].errors["photos"] == [
        "Only photos can be added to a meeting's record; share clips in the workspace."
    ]
    pupil.consent_face = True
    pupil.save()
    assert record(SimpleUploadedFile("IMG_1.JPG", jpeg_with_gps(), "image/jpeg")).status_code == 302
    (photo,) = meeting.photos.all()
    assert (photo.kind, list(photo.pupils.all()), b"Exif" in photo.file.read()) == ("photo", [pupil], False)
