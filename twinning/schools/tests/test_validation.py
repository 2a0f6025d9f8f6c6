import html

import pytest
from django.core import mail
from django.urls import reverse

from twinning.common.models import AuditEntry
from twinning.schools.models import ValidationStatus
from twinning.testing import make_school, make_teacher


@pytest.fixture
def commit_callbacks(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def test_queue_lists_only_own_countries_confirmed_pending_teachers(client, cast):
    make_teacher(school=cast.school_a, status=ValidationStatus.PENDING, confirmed=False, name="Not Confirmed")
    client.force_login(cast.nso_il)

    response = client.get(reverse("schools:queue"))

    names = [t.user.full_name for t in response.context["page"]]
    assert names == ["Yossi Mizrahi"]
    body = response.content.decode()
    assert "Oliver Brown" not in body
    assert cast.pending_uk.user.email not in body


def test_queue_puts_vouched_teachers_first(client, cast):
    later = make_teacher(school=cast.school_a, status=ValidationStatus.PENDING, name="Vouched Later")
    client.force_login(cast.principal_a)
    client.post(reverse("schools:vouch", args=[later.pk]))
    client.force_login(cast.nso_il)

    response = client.get(reverse("schools:queue"))

    assert [t.user.full_name for t in response.context["page"]] == ["Vouched Later", "Yossi Mizrahi"]


def test_queue_search_filters_by_name(client, cast):
    make_teacher(school=cast.school_a, status=ValidationStatus.PENDING, name="Shira Golan")
    client.force_login(cast.nso_il)

    response = client.get(reverse("schools:queue"), {"q": "shira"})

    assert [t.user.full_name for t in response.context["page"]] == ["Shira Golan"]


def test_queue_is_404_for_people_who_validate_nothing(client, cast):
    for person in [cast.teacher_a.user, cast.principal_a, cast.coordinator]:
        client.force_login(person)
        assert client.get(reverse("schools:queue")).status_code == 404


def test_approve_validates_teacher_records_and_emails_in_their_language(client, cast, commit_callbacks):
    cast.pending_il.user.preferred_language = "he"
    cast.pending_il.user.save(update_fields=["preferred_language"])
    client.force_login(cast.nso_il)

    with commit_callbacks():
        response = client.post(reverse("schools:approve_teacher", args=[cast.pending_il.pk]))

    assert response.status_code == 302
    cast.pending_il.refresh_from_db()
    assert cast.pending_il.status == ValidationStatus.VALIDATED
    assert cast.pending_il.decided_by == cast.nso_il
    entry = AuditEntry.objects.get(action="teacher.validated", target_id=cast.pending_il.pk)
    assert entry.actor == cast.nso_il
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.pending_il.user.email]
    assert 'lang="he" dir="rtl"' in mail.outbox[0].alternatives[0][0]


def test_approve_also_validates_a_new_school(client, cast):
    new_school = make_school(country=cast.israel, name="New School", status=ValidationStatus.PENDING)
    teacher = make_teacher(school=new_school, status=ValidationStatus.PENDING)
    client.force_login(cast.nso_il)

    client.post(reverse("schools:approve_teacher", args=[teacher.pk]))

    new_school.refresh_from_db()
    assert new_school.status == ValidationStatus.VALIDATED
    assert AuditEntry.objects.filter(action="school.validated", target_id=new_school.pk).count() == 1


def test_validating_the_teacher_of_a_new_school_says_both_are_validated(client, cast):
    new_school = make_school(country=cast.israel, name="Kiryat Ono Elementary", status=ValidationStatus.PENDING)
    teacher = make_teacher(school=new_school, status=ValidationStatus.PENDING, name="Dana Levi")
    client.force_login(cast.nso_il)

    queue = client.get(reverse("schools:queue")).content.decode()
    page = client.get(reverse("schools:teacher_validation", args=[teacher.pk])).content.decode()
    response = client.post(reverse("schools:approve_teacher", args=[teacher.pk]), follow=True)

    assert "Validate the teacher and the new school" in queue
    assert "Validate the teacher and the new school" in page
    said = html.unescape(response.content.decode())
    assert "Dana Levi and the new school Kiryat Ono Elementary are validated" in said


def test_validating_a_teacher_of_a_known_school_names_only_the_teacher(client, cast):
    client.force_login(cast.nso_il)

    response = client.post(reverse("schools:approve_teacher", args=[cast.pending_il.pk]), follow=True)

    said = html.unescape(response.content.decode())
    assert "Yossi Mizrahi is validated and has been told by e-mail." in said
    assert "and the new school" not in said


def test_approve_twice_says_who_already_did_and_changes_nothing(client, cast):
    client.force_login(cast.nso_il)
    client.post(reverse("schools:approve_teacher", args=[cast.pending_il.pk]))
    first = AuditEntry.objects.filter(action="teacher.validated").count()

    response = client.post(reverse("schools:approve_teacher", args=[cast.pending_il.pk]), follow=True)

    assert "Yossi Mizrahi was already validated by Noa Israeli on" in response.content.decode()
    assert AuditEntry.objects.filter(action="teacher.validated").count() == first == 1


def test_approve_teacher_of_another_country_is_404_and_nothing_changes(client, cast):
    client.force_login(cast.nso_il)

    for name in ["schools:approve_teacher", "schools:reject_teacher"]:
        response = client.post(reverse(name, args=[cast.pending_uk.pk]), {"reason": "no"})
        assert response.status_code == 404
    assert client.get(reverse("schools:teacher_validation", args=[cast.pending_uk.pk])).status_code == 404
    cast.pending_uk.refresh_from_db()
    assert cast.pending_uk.status == ValidationStatus.PENDING
    assert not AuditEntry.objects.filter(target_id=cast.pending_uk.pk).exclude(action="teacher.registered").exists()


def test_approve_unconfirmed_email_is_refused(client, cast):
    waiting = make_teacher(school=cast.school_a, status=ValidationStatus.PENDING, confirmed=False)
    client.force_login(cast.nso_il)

    response = client.post(reverse("schools:approve_teacher", args=[waiting.pk]), follow=True)

    assert "has not confirmed their e-mail address yet" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == ValidationStatus.PENDING


def test_reject_needs_a_reason(client, cast):
    client.force_login(cast.nso_il)

    response = client.post(reverse("schools:reject_teacher", args=[cast.pending_il.pk]), {"reason": "  "})

    assert response.status_code == 400
    assert response.context["reject_form"].errors["reason"] == ["Say why, so the teacher knows what to change."]
    cast.pending_il.refresh_from_db()
    assert cast.pending_il.status == ValidationStatus.PENDING


def test_reject_records_reason_the_teacher_sees_and_emails_it(client, cast, commit_callbacks):
    client.force_login(cast.nso_il)
    reason = "We could not find you on the school's staff list. Please ask your principal to vouch for you."

    with commit_callbacks():
        client.post(reverse("schools:reject_teacher", args=[cast.pending_il.pk]), {"reason": reason})

    cast.pending_il.refresh_from_db()
    assert cast.pending_il.status == ValidationStatus.REJECTED
    assert AuditEntry.objects.get(action="teacher.rejected").reason == reason
    assert reason in mail.outbox[0].body
    client.force_login(cast.pending_il.user)
    assert html.escape(reason) in client.get(reverse("dashboard")).content.decode()


def test_reject_after_approval_is_refused(client, cast):
    client.force_login(cast.nso_il)
    client.post(reverse("schools:approve_teacher", args=[cast.pending_il.pk]))

    response = client.post(
        reverse("schools:reject_teacher", args=[cast.pending_il.pk]), {"reason": "late"}, follow=True
    )

    assert "was already validated by Noa Israeli" in response.content.decode()
    cast.pending_il.refresh_from_db()
    assert cast.pending_il.status == ValidationStatus.VALIDATED


def test_rejected_teacher_can_ask_again_and_returns_to_the_queue(client, cast):
    client.force_login(cast.nso_il)
    client.post(reverse("schools:reject_teacher", args=[cast.pending_il.pk]), {"reason": "Add your subjects."})
    client.force_login(cast.pending_il.user)

    client.post(reverse("schools:resubmit"))

    cast.pending_il.refresh_from_db()
    assert cast.pending_il.status == ValidationStatus.PENDING
    client.force_login(cast.nso_il)
    assert cast.pending_il in client.get(reverse("schools:queue")).context["page"]


def test_admin_validates_in_every_country(client, cast):
    client.force_login(cast.admin)

    client.post(reverse("schools:approve_teacher", args=[cast.pending_uk.pk]))

    cast.pending_uk.refresh_from_db()
    assert cast.pending_uk.status == ValidationStatus.VALIDATED


def test_principal_vouches_only_for_own_school(client, cast):
    client.force_login(cast.principal_a)

    assert client.post(reverse("schools:vouch", args=[cast.pending_uk.pk])).status_code == 404
    client.post(reverse("schools:vouch", args=[cast.pending_il.pk]))

    cast.pending_il.refresh_from_db()
    cast.pending_uk.refresh_from_db()
    assert cast.pending_il.vouched_by == cast.principal_a
    assert cast.pending_uk.vouched_by is None
    assert AuditEntry.objects.filter(action="teacher.vouched").count() == 1


def test_vouch_twice_is_answered_clearly(client, cast):
    client.force_login(cast.principal_a)
    client.post(reverse("schools:vouch", args=[cast.pending_il.pk]))

    response = client.post(reverse("schools:vouch", args=[cast.pending_il.pk]), follow=True)

    assert "You already vouched for Yossi Mizrahi." in response.content.decode()


def test_school_reject_blocks_its_teachers(client, cast):
    new_school = make_school(country=cast.israel, name="Doubtful School", status=ValidationStatus.PENDING)
    teacher = make_teacher(school=new_school, status=ValidationStatus.PENDING)
    client.force_login(cast.nso_il)

    client.post(reverse("schools:reject_school", args=[new_school.pk]), {"reason": "Not a school."})
    response = client.post(reverse("schools:approve_teacher", args=[teacher.pk]), follow=True)

    assert "Doubtful School was not validated, so its teachers cannot be validated." in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.status == ValidationStatus.PENDING


def test_school_of_another_country_cannot_be_decided(client, cast):
    uk_new = make_school(country=cast.uk, name="UK New", status=ValidationStatus.PENDING)
    client.force_login(cast.nso_il)

    assert client.post(reverse("schools:approve_school", args=[uk_new.pk])).status_code == 404
    assert client.post(reverse("schools:reject_school", args=[uk_new.pk]), {"reason": "x"}).status_code == 404
    assert "UK New" not in client.get(reverse("schools:queue")).content.decode()
    uk_new.refresh_from_db()
    assert uk_new.status == ValidationStatus.PENDING


def test_decision_history_shows_who_when_why(client, cast):
    client.force_login(cast.nso_il)
    client.post(reverse("schools:reject_teacher", args=[cast.pending_il.pk]), {"reason": "Missing subjects"})

    body = client.get(reverse("schools:teacher_validation", args=[cast.pending_il.pk])).content.decode()

    assert "Teacher turned down" in body
    assert "Noa Israeli" in body
    assert "Missing subjects" in body
