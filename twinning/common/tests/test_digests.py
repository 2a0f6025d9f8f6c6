"""E-mail people choose: at once, in a daily or weekly digest, or never; digests sent once, only
with what the reader may still see; one-click unsubscribe per kind with a signed link."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from twinning import testing
from twinning.accounts.models import User
from twinning.common import digests, mail_choices
from twinning.common.models import Email, MailSettings, Notification
from twinning.common.notifications import notify
from twinning.twinnings import services
from twinning.twinnings.models import Membership
from twinning.twinnings.rules import readers_still_in, twinnings_for

# A direct kind (teachers: at once) and an activity kind (teachers: in the daily digest).
DIRECT, ACTIVITY = "twinning_partner_left", "twinning_started"


def _notify(user, kind, twinning, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return notify(
            user=user,
            kind=kind,
            url=f"/twinnings/{twinning.pk}/",
            in_twinning=twinning.pk,
            title="X",
            school="S",
            country="GB",
        )


@pytest.fixture
def twinning(twinning):
    """The shared twinning, with the news of its making already e-mailed: each test makes its own."""
    Notification.objects.update(mail=Notification.Mail.SENT)
    return twinning


def _next_local(hour: int, minute: int, zone: str) -> datetime:
    """Tomorrow at this local time: after every notification the test makes now."""
    local = datetime.now(ZoneInfo(zone)) + timedelta(days=1)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _next_digest_hour(zone: str) -> datetime:
    """The first time the daily digest falls due after now, in this zone (today's, or else tomorrow's,
    DIGEST_HOUR): half an hour before it nothing made now is due yet, at any hour the test runs."""
    local = datetime.now(ZoneInfo(zone))
    moment = local.replace(hour=settings.DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return moment if moment > local else moment + timedelta(days=1)


def _send(now, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return digests.send_due_digests(now=now, **kwargs)


def test_defaults_immediate_digest_and_off_are_honoured(cast, twinning, django_capture_on_commit_callbacks):
    teacher = cast.teacher_a.user
    mail.outbox.clear()
    at_once = _notify(teacher, DIRECT, twinning, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[teacher.email]]
    assert at_once.mail == Notification.Mail.SENT
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    waiting = _notify(teacher, ACTIVITY, twinning, django_capture_on_commit_callbacks)
    assert waiting.mail == Notification.Mail.PENDING
    assert len(mail.outbox) == 1

    mail_choices.set_choices(user=teacher, choices={DIRECT: mail_choices.OFF})
    silenced = _notify(teacher, DIRECT, twinning, django_capture_on_commit_callbacks)
    assert silenced.mail == Notification.Mail.SKIPPED
    assert len(mail.outbox) == 1
    # The site's own list keeps all three.
    mine = Notification.objects.filter(recipient=teacher, pk__in=[at_once.pk, waiting.pk, silenced.pk])
    assert mine.count() == 3


def test_role_defaults_and_alerts_cannot_be_switched_off(cast):
    assert mail_choices.choices_of(cast.teacher_a.user)[ACTIVITY] == mail_choices.DAILY
    assert mail_choices.choices_of(cast.coordinator)[ACTIVITY] == mail_choices.WEEKLY
    mail_choices.set_choices(user=cast.coordinator, choices={"twinning_to_approve": mail_choices.OFF})
    assert mail_choices.choices_of(cast.coordinator)["twinning_to_approve"] == mail_choices.IMMEDIATE


def test_daily_digest_grouped_in_readers_language_and_sent_once(cast, twinning, django_capture_on_commit_callbacks):
    teacher = cast.teacher_a.user
    teacher.preferred_language, teacher.time_zone = "ar", "Asia/Jerusalem"
    teacher.save()
    for _ in range(2):
        _notify(teacher, ACTIVITY, twinning, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    due = _next_digest_hour("Asia/Jerusalem") + timedelta(minutes=30)
    early = due - timedelta(hours=1)
    assert _send(early, django_capture_on_commit_callbacks)["emails"] == 0
    assert _send(due, django_capture_on_commit_callbacks) == {"emails": 1, "sent": 2, "skipped": 0}
    assert _send(due + timedelta(hours=1), django_capture_on_commit_callbacks)["emails"] == 0

    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert "Our towns" in html  # the twinning's heading
    assert html.count(f"/twinnings/{twinning.pk}/") == 2  # one link per item
    assert message.subject.startswith("يومك")
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert Notification.objects.filter(recipient=teacher, mail=Notification.Mail.PENDING).count() == 0


def test_weekly_digest_waits_for_monday(cast, twinning, django_capture_on_commit_callbacks):
    teacher = cast.teacher_a.user
    mail_choices.set_choices(user=teacher, choices={ACTIVITY: mail_choices.WEEKLY})
    MailSettings.objects.filter(user=teacher).update(weekly_sent_at=datetime.now(ZoneInfo("UTC")))
    _notify(teacher, ACTIVITY, twinning, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    start = _next_local(7, 30, "UTC")
    monday = start + timedelta(days=(7 - start.weekday()) % 7 or 7)
    assert _send(monday - timedelta(days=1), django_capture_on_commit_callbacks)["emails"] == 0
    assert _send(monday, django_capture_on_commit_callbacks)["emails"] == 1


def test_a_run_killed_midway_sends_each_digest_once(cast, twinning, django_capture_on_commit_callbacks, monkeypatch):
    people = [cast.teacher_a.user, cast.teacher_b.user]
    for person in people:
        _notify(person, ACTIVITY, twinning, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    real = digests.queue_messages
    calls = []

    def dies_on_second_batch(messages):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real(messages)

    monkeypatch.setattr(digests, "queue_messages", dies_on_second_batch)
    due = _next_local(7, 30, "UTC") + timedelta(hours=3)
    with pytest.raises(SystemExit):
        _send(due, django_capture_on_commit_callbacks, batch=1)
    assert len(mail.outbox) == 1
    monkeypatch.setattr(digests, "queue_messages", real)
    _send(due, django_capture_on_commit_callbacks, batch=1)
    _send(due + timedelta(hours=1), django_capture_on_commit_callbacks, batch=1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert Email.objects.filter(key__startswith="digest:").count() == 2


def test_digest_leaves_out_what_the_reader_may_no_longer_see(cast, twinning, django_capture_on_commit_callbacks):
    teacher = cast.teacher_b.user
    _notify(teacher, ACTIVITY, twinning, django_capture_on_commit_callbacks)
    mail_choices.set_choices(user=teacher, choices={DIRECT: mail_choices.DAILY})
    _notify(teacher, DIRECT, twinning, django_capture_on_commit_callbacks)
    # The teacher leaves the twinning (and their school's row with it) before the digest goes.
    Membership.objects.filter(user=teacher).update(active=False)
    twinning.schools.filter(school=cast.school_b).update(status="left")
    mail.outbox.clear()
    counts = _send(_next_local(7, 30, "UTC") + timedelta(hours=3), django_capture_on_commit_callbacks)
    assert counts == {"emails": 0, "sent": 0, "skipped": 2}
    assert mail.outbox == []


def test_one_click_unsubscribe_from_the_header_with_undo(client, cast, twinning, django_capture_on_commit_callbacks):
    teacher = cast.teacher_a.user
    teacher.preferred_language = "he"
    teacher.save()
    mail.outbox.clear()
    _notify(teacher, DIRECT, twinning, django_capture_on_commit_callbacks)
    address = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = address.split("://", 1)[1].split("/", 1)[1]

    page = client.get(f"/{path}")
    assert page.status_code == 200
    assert 'dir="rtl"' in page.content.decode()
    assert mail_choices.choices_of(teacher)[DIRECT] == mail_choices.IMMEDIATE  # a GET changes nothing

    done = client.post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert mail_choices.choices_of(teacher)[DIRECT] == mail_choices.OFF
    assert _notify(teacher, DIRECT, twinning, django_capture_on_commit_callbacks).mail == Notification.Mail.SKIPPED

    undo = done.context["undo"]
    back = client.post(f"/{path}undo/", {"undo": undo})
    assert back.status_code == 200
    assert mail_choices.choices_of(teacher)[DIRECT] == mail_choices.IMMEDIATE


def test_digest_header_switches_off_every_kind_in_the_digest(client, cast):
    teacher = cast.teacher_a.user
    row = mail_choices.settings_for(teacher)
    token = mail_choices.unsubscribe_token(user_id=teacher.pk, kind="digest:daily", salt=row.salt)
    client.post(reverse("unsubscribe", args=[token]))
    choices = mail_choices.choices_of(teacher)
    assert choices[ACTIVITY] == mail_choices.OFF
    assert choices[DIRECT] == mail_choices.IMMEDIATE


def test_tampered_or_revoked_link_is_refused_with_a_message(client, cast):
    teacher = cast.teacher_a.user
    row = mail_choices.settings_for(teacher)
    token = mail_choices.unsubscribe_token(user_id=teacher.pk, kind=DIRECT, salt=row.salt)
    other = cast.teacher_b.user
    forged = token.replace(f"{teacher.pk}.", f"{other.pk}.", 1)
    for bad in (forged, token[:-2] + "xx", f"{teacher.pk}.{DIRECT}:nothing"):
        answer = client.post(reverse("unsubscribe", args=[bad]))
        assert answer.status_code == 400
        assert "This link does not work" in answer.content.decode()
    assert mail_choices.choices_of(teacher)[DIRECT] == mail_choices.IMMEDIATE

    testing.as_(client, teacher).post(reverse("renew_unsubscribe_links"))
    assert client.post(reverse("unsubscribe", args=[token])).status_code == 400


def test_settings_page_saves_choices(client, cast):
    teacher = cast.teacher_a.user
    signed_in = testing.as_(client, teacher)
    page = signed_in.get(reverse("mail_settings"))
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data[ACTIVITY] = mail_choices.WEEKLY
    assert signed_in.post(reverse("mail_settings"), data).status_code == 302
    assert mail_choices.choices_of(teacher)[ACTIVITY] == mail_choices.WEEKLY
    assert "twinning_to_approve" not in form.fields  # an alert is listed apart, not changeable
    bad = signed_in.post(reverse("mail_settings"), {**data, ACTIVITY: "hourly"})
    assert bad.status_code == 200
    assert bad.context["form"].errors[ACTIVITY]


def test_readers_still_in_agrees_with_twinnings_for(cast, twinning, django_assert_max_num_queries):
    other = testing.approved_twinning_with_new_partner(cast, name="Elm School")
    # Only proposed: the partner school's teachers see it because their school is invited.
    oak = testing.make_school(country=cast.uk, name="Oak School")
    testing.make_teacher(school=oak, name="Teacher of Oak")
    invited = services.propose_twinning(
        from_school=cast.school_a, to_schools=[oak], by=cast.teacher_a.user, school_year=2026, titles={"en": "Rivers"}
    )
    people = list(User.objects.all())
    ids = [twinning.pk, other.pk, invited.pk]
    pairs = {(person.pk, pk) for person in people for pk in ids}
    with django_assert_max_num_queries(6):
        found = readers_still_in(pairs)
    expected = {(p.pk, t) for p in people for t in twinnings_for(p).filter(pk__in=ids).values_list("pk", flat=True)}
    assert set(found) == expected
    assert len(expected) > 5  # members, overseers and principals, not everyone
    assert len(expected) < len(pairs)


def test_the_hourly_job_on_the_queue_sends_the_digest(cast, twinning, clock, django_capture_on_commit_callbacks):
    from twinning.common.jobs import enqueue, registry

    assert registry["common.send_digests"].schedule is not None
    teacher = cast.teacher_a.user
    _notify(teacher, ACTIVITY, twinning, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    clock.now = _next_local(7, 30, "UTC") + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue("common.send_digests")
    assert [m.to for m in mail.outbox] == [[teacher.email]]
    assert mail.outbox[0].subject.startswith("Your day on Twinning")
