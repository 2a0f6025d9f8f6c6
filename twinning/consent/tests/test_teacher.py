"""The teacher's side: each pupil at a glance, the e-mail, the paper form and its scan, reminders, the year's end."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from twinning.accounts.models import Pupil
from twinning.common.tests.access_network import png
from twinning.consent import rules, services
from twinning.consent.models import ConsentAnswer, ConsentRequest, Use
from twinning.testing import as_

pytestmark = pytest.mark.django_db


def every(value: bool, **but) -> dict[str, bool]:
    return {use: but.get(use, value) for use in Use.values}


def test_teacher_sends_the_form_in_the_language_chosen_for_the_family(
    client, cast, pupils, django_capture_on_commit_callbacks
):
    ours, _theirs = pupils
    teacher = as_(client, cast.teacher_a.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = teacher.post(f"/consent/pupils/{ours.pk}/send/", {"email": "mum@example.org", "language": "ar"})
    assert response.status_code == 302
    form = ConsentRequest.objects.get()
    assert (form.parent_email, form.language, form.channel, form.created_by) == (
        "mum@example.org",
        "ar",
        "email",
        cast.teacher_a.user,
    )
    (message,) = mail.outbox
    assert message.to == ["mum@example.org"] and "التوأمة" in message.subject
    assert 'dir="rtl"' in message.alternatives[0][0]
    # A wrong address is said so on the page, and nothing is sent.
    response = teacher.post(f"/consent/pupils/{ours.pk}/send/", {"email": "not-an-address", "language": "ar"})
    assert response.status_code == 400 and ConsentRequest.objects.count() == 1


def test_the_paper_form_is_printed_in_every_language_and_its_answers_recorded_with_the_scan(
    client, cast, pupils, media_root
):
    ours, _theirs = pupils
    teacher = as_(client, cast.teacher_a.user)
    page = teacher.get(f"/consent/pupils/{ours.pk}/paper/").content.decode()
    for language, direction in (("en", "ltr"), ("he", "rtl"), ("ar", "rtl")):
        assert f'lang="{language}" dir="{direction}"' in page
    posted = {use: "yes" if use in (Use.PHOTOS, Use.VOICE) else "no" for use in Use.values}
    response = teacher.post(
        f"/consent/pupils/{ours.pk}/paper/record/",
        {**posted, "language": "he", "scan": SimpleUploadedFile("signed.png", png())},
    )
    assert response.status_code == 302
    form = ConsentRequest.objects.get()
    rows = ConsentAnswer.objects.filter(request=form)
    assert {r.use: r.given for r in rows} == {use: use in ("photos", "voice") for use in Use.values}
    assert {(r.method, r.recorded_by_id, r.text.language) for r in rows} == {("paper", cast.teacher_a.user.pk, "he")}
    ours.refresh_from_db()
    assert (ours.consent_face, ours.consent_voice, ours.consent_video) == (True, True, False)
    scan = teacher.get(f"/consent/forms/{form.pk}/scan/")
    assert scan.status_code == 200 and b"".join(scan.streaming_content).startswith(b"\x89PNG")
    assert as_(client, cast.teacher_b.user).get(f"/consent/forms/{form.pk}/scan/").status_code == 404


def test_a_paper_form_with_a_missing_answer_is_refused_and_names_it(client, cast, pupils):
    ours, _theirs = pupils
    posted = {use: "yes" for use in Use.values if use != Use.RECORDING}
    response = as_(client, cast.teacher_a.user).post(
        f"/consent/pupils/{ours.pk}/paper/record/", {**posted, "language": "en"}
    )
    assert response.status_code == 400
    assert 'href="#question-recording"' in response.content.decode()
    assert ConsentRequest.objects.count() == 0


def test_the_overview_shows_each_pupils_state_at_a_glance(client, cast, pupils, django_assert_max_num_queries):
    ours, _theirs = pupils
    teacher = as_(client, cast.teacher_a.user)
    testing_names = ["Agreed A.", "Partial P.", "Withdrawn W.", "Pending P.", "Refused R."]
    from twinning import testing

    testing.create_pupils_on_the_page(client, cast.teacher_a, testing_names)
    by_name = {p.display_name: p for p in Pupil.objects.filter(school=cast.school_a)}
    user = cast.teacher_a.user
    services.record_paper_answers(pupil=by_name["Agreed A."], by=user, answers=every(True), language="en")
    services.record_paper_answers(
        pupil=by_name["Partial P."], by=user, answers=every(False, photos=True), language="en"
    )
    services.record_paper_answers(pupil=by_name["Refused R."], by=user, answers=every(False), language="en")
    withdrawn = services.send_consent_link(pupil=by_name["Withdrawn W."], by=user, email="w@example.org", language="en")
    services.answer_by_link(form=withdrawn, answers=every(True), language="en")
    services.withdraw_by_link(form=withdrawn, language="en")
    services.send_consent_link(pupil=by_name["Pending P."], by=user, email="p@example.org", language="he")
    with django_assert_max_num_queries(12):
        response = teacher.get("/consent/")
    states = {row.pupil.display_name: row.state for row in response.context["states"]}
    assert states == {
        "Agreed A.": "agreed",
        "Partial P.": "partial",
        "Refused R.": "refused",
        "Withdrawn W.": "withdrawn",
        "Pending P.": "pending",
        "Maya K.": "none",
    }
    # The partner school's teacher sees their own pupil, none of A's.
    seen = as_(client, cast.teacher_b.user).get("/consent/").context["states"]
    assert [row.pupil.display_name for row in seen] == ["Tom W."]


def test_families_who_have_not_answered_are_reminded_twice_in_their_language(
    cast, pupils, clock, django_capture_on_commit_callbacks
):
    ours, _theirs = pupils
    with django_capture_on_commit_callbacks(execute=True):
        form = services.send_consent_link(pupil=ours, by=cast.teacher_a.user, email="mum@example.org", language="he")
    link = mail.outbox[0].body.split("http://")[1].split()[0]
    assert services.send_reminders() == 0
    clock.advance(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0  # the same day: once
    reminder = mail.outbox[-1]
    assert "תזכורת" in reminder.subject and link in reminder.body  # the same link, still valid
    clock.advance(days=8)
    assert services.send_reminders() == 1
    clock.advance(days=8)
    assert services.send_reminders() == 0  # twice at most
    form.refresh_from_db()
    assert form.reminders_sent == 2


def test_a_family_who_answered_gets_no_reminder(cast, pupils, clock):
    ours, _theirs = pupils
    form = services.send_consent_link(pupil=ours, by=cast.teacher_a.user, email="mum@example.org", language="en")
    services.answer_by_link(form=form, answers=every(False), language="en")
    clock.advance(days=8)
    assert services.send_reminders() == 0


def test_last_years_answers_no_longer_count(cast, pupils, media_root):
    ours, _theirs = pupils
    form = services.record_paper_answers(pupil=ours, by=cast.teacher_a.user, answers=every(True), language="en")
    ConsentRequest.objects.filter(pk=form.pk).update(school_year=form.school_year - 1)
    assert services.expire_past_years() == 1
    ours.refresh_from_db()
    assert (ours.consent_face, ours.consent_video, ours.consent_voice, ours.consent_full_name) == (False,) * 4
    assert services.expire_past_years() == 0


def test_last_years_answers_expire_for_more_pupils_than_a_batch(cast, pupils, monkeypatch):
    """The pupils are read a batch at a time: every one is reached, each once, whatever the batch's size."""
    ours, theirs = pupils
    for pupil in (ours, theirs):
        form = services.record_paper_answers(pupil=pupil, by=pupil.created_by, answers=every(True), language="en")
        ConsentRequest.objects.filter(pk=form.pk).update(school_year=form.school_year - 1)
    monkeypatch.setattr(services, "EXPIRE_BATCH", 1)

    assert services.expire_past_years() == 2

    assert services.expire_past_years() == 0
    for pupil in (ours, theirs):
        pupil.refresh_from_db()
        assert not pupil.consent_face


def test_rules_teachers_of_the_pupils_school_only(cast, pupils):
    ours, theirs = pupils
    assert rules.may_manage_consent(cast.teacher_a.user)
    assert not rules.may_manage_consent(cast.pending_il.user)
    assert not rules.may_manage_consent(ours.user)
    assert not rules.may_manage_consent(cast.coordinator)
    assert rules.get_pupil_for_consent(cast.teacher_a.user, ours.pk) == ours
    for user, pk in ((cast.teacher_b.user, ours.pk), (cast.teacher_a.user, theirs.pk), (cast.principal_a, ours.pk)):
        with pytest.raises(Http404):
            rules.get_pupil_for_consent(user, pk)


def test_rules_a_link_is_valid_while_newest_and_in_its_school_year(cast, pupils):
    ours, _theirs = pupils
    first = services.send_consent_link(pupil=ours, by=cast.teacher_a.user, email="a@example.org", language="en")
    assert rules.link_is_valid(first) and not rules.may_ask_for_new_link(first)
    second = services.send_consent_link(pupil=ours, by=cast.teacher_a.user, email="b@example.org", language="en")
    first.refresh_from_db()
    assert not rules.link_is_valid(first) and rules.may_ask_for_new_link(first)
    assert rules.link_is_valid(second)
    ConsentRequest.objects.filter(pk=second.pk).update(school_year=second.school_year - 1)
    second.refresh_from_db()
    assert not rules.link_is_valid(second)
    paper = services.record_paper_answers(pupil=ours, by=cast.teacher_a.user, answers=every(True), language="en")
    assert not rules.link_is_valid(paper) and not rules.may_ask_for_new_link(paper)
    assert timedelta(0) <= paper.created_at - first.created_at


def test_the_overview_reads_the_same_number_of_queries_for_one_pupil_or_three(client, cast, pupils):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from twinning import testing

    teacher = as_(client, cast.teacher_a.user)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert teacher.get("/consent/").status_code == 200
        return len(captured)

    ours, _theirs = pupils
    services.record_paper_answers(pupil=ours, by=cast.teacher_a.user, answers=every(True), language="en")
    one = queries_for_page()
    testing.create_pupils_on_the_page(client, cast.teacher_a, ["Two T.", "Three T."])
    for pupil in Pupil.objects.filter(school=cast.school_a).exclude(pk=ours.pk):
        form = services.send_consent_link(pupil=pupil, by=cast.teacher_a.user, email="x@example.org", language="en")
        services.answer_by_link(form=form, answers=every(False, photos=True), language="en")
    assert Pupil.objects.filter(school=cast.school_a).count() == 3
    assert queries_for_page() == one
