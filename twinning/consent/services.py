"""Writes about parents' consent: forms sent and printed, answers given, withdrawals, reminders.

The pupil's five consent fields (`Pupil.consent_face`, `consent_video`, `consent_voice`,
`consent_full_name`, `consent_public`) are the effective state every other app reads; they are written here only, from
the family's newest answers of the current school year (`_apply`).

When a family takes back a use it had agreed to, the steps registered with `add_withdrawal_step`
run in the same transaction: the workspace hides what was shared of the pupil in it, and the
showcase takes their photos off the programme's public page (both sit above this app and register
their steps in their `AppConfig.ready`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.accounts.models import Pupil, User
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.i18n import language_codes
from twinning.common.mail import send_to_address
from twinning.common.notifications import notify
from twinning.common.school_year import current_school_year
from twinning.common.uploads import examine, kept_file
from twinning.consent import rules
from twinning.consent.models import ConsentAnswer, ConsentRequest, ConsentText, Use
from twinning.consent.queries import current_answers, link_token
from twinning.consent.texts import Statement, statement

# The pupil's field that carries each use the other apps enforce today.
FIELD_OF_USE: dict[str, str] = {
    Use.PHOTOS.value: "consent_face",
    Use.VIDEO.value: "consent_video",
    Use.VOICE.value: "consent_voice",
    Use.FULL_NAME.value: "consent_full_name",
    Use.PUBLIC.value: "consent_public",
}
# A family that has not answered is reminded this long after the e-mail, then again as long after.
REMIND_AFTER = timedelta(days=7)
MAX_REMINDERS = 2
EXPIRE_BATCH = 500

_withdrawal_steps: list[Callable[..., None]] = []


def add_withdrawal_step(step: Callable[..., None]) -> None:
    """Run ``step(pupil=..., uses=frozenset[str])`` whenever a family takes back uses it had agreed to."""
    if step not in _withdrawal_steps:
        _withdrawal_steps.append(step)


def link_path(token: str) -> str:
    return reverse("consent:family", kwargs={"token": token})


def new_link_key() -> str:
    return secrets.token_urlsafe(18)


def _language(language: str) -> str:
    if language not in language_codes():
        raise ServiceError(_("Choose one of the site's languages."))
    return language


def _text(shown: Statement) -> ConsentText:
    row, _created = ConsentText.objects.get_or_create(
        sha256=shown.sha256, defaults={"language": shown.language, "body": shown.body}
    )
    return row


def _replace_links(pupil: Pupil, now: datetime) -> None:
    ConsentRequest.objects.filter(pupil=pupil, replaced_at__isnull=True, link_key__isnull=False).update(replaced_at=now)


def _send_link(form: ConsentRequest, *, template: str, key: str) -> None:
    send_to_address(
        address=form.parent_email,
        language=form.language,
        template=template,
        context={
            "pupil": form.pupil,
            "school": form.pupil.school,
            "url": f"{settings.SITE_URL}{link_path(link_token(form))}",
        },
        key=key,
    )


def send_consent_link(*, pupil: Pupil, by, email: str, language: str) -> ConsentRequest:
    """E-mail the family a link to the consent form, in their language; the pupil's older links stop working.

    The link is signed (see `queries.link_token`). Side effects: the e-mail is queued (sent by the worker);
    an audit entry (without the address).
    """
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(_("Enter the parent's or guardian's e-mail address.")) from None
    language = _language(language)
    now = timezone.now()
    with transaction.atomic():
        _replace_links(pupil, now)
        form = ConsentRequest.objects.create(
            pupil=pupil,
            school_year=current_school_year(),
            channel=ConsentRequest.Channel.EMAIL,
            parent_email=email,
            language=language,
            link_key=new_link_key(),
            sent_at=now,
            created_by=by,
        )
        _send_link(form, template="consent/email/request", key=f"consent:{form.pk}:link")
        audit.record(actor=by, action="consent.link_sent", target=pupil, language=language)
    return form


def record_paper_answers(*, pupil: Pupil, by, answers: dict[str, bool], language: str, scan=None) -> ConsentRequest:
    """A teacher records the answers of the signed paper form (and, if given, its scan).

    The text kept with each answer is the form's text in the language the family signed. Side
    effects: the pupil's consent fields follow; taking back a use hides what was shared (see
    `add_withdrawal_step`); an audit entry.
    """
    language = _language(language)
    if set(answers) != {use.value for use in Use}:
        raise ServiceError(_("Answer every question of the form."))
    year = current_school_year()
    with transaction.atomic():
        form = ConsentRequest.objects.create(
            pupil=pupil, school_year=year, channel=ConsentRequest.Channel.PAPER, language=language, created_by=by
        )
        if scan is not None:
            with (
                examine(scan, accept=("photo", "document")) as checked,
                kept_file(f"consent/{pupil.school_id}", checked) as stored,
            ):
                form.scan, form.scan_type = stored, checked.kind.content_type
                form.save(update_fields=["scan", "scan_type"])
        _answer(form, answers, method=ConsentAnswer.Method.PAPER, language=language, by=by)
        agreed = sorted(use for use, given in answers.items() if given)
        audit.record(actor=by, action="consent.paper_recorded", target=pupil, agreed=agreed)
    return form


def _answer(form: ConsentRequest, answers: dict[str, bool], *, method: str, language: str, by=None) -> None:
    text = _text(statement(form.pupil, language, year=form.school_year))
    now = timezone.now()
    ConsentAnswer.objects.bulk_create(
        [
            ConsentAnswer(
                request=form,
                use=use.value,
                given=bool(answers[use.value]),
                method=method,
                text=text,
                recorded_by=by,
                at=now,
            )
            for use in Use
        ]
    )
    _apply(form.pupil)


def _apply(pupil: Pupil, *, run_steps: bool = True) -> frozenset[str]:
    """Set the pupil's consent fields from the newest answers of this school year; run the withdrawal
    steps for the uses taken back. Returns those uses. Called inside the caller's transaction."""
    # Compared with the row as it is now (locked), not with a copy loaded before this answer.
    fresh = Pupil.objects.select_for_update().select_related("user").get(pk=pupil.pk)
    answers = current_answers(pupil)
    now_given = {use: use in answers and answers[use].given for use in Use.values}
    taken_back = frozenset(use for use, field in FIELD_OF_USE.items() if getattr(fresh, field) and not now_given[use])
    for use, field in FIELD_OF_USE.items():
        setattr(fresh, field, now_given[use])
    if not fresh.consent_full_name:
        # Without consent to show it, the full name is not kept.
        fresh.full_name = ""
    fresh.save(update_fields=[*FIELD_OF_USE.values(), "full_name"])
    if fresh.user.full_name != fresh.shown_name:
        fresh.user.full_name = fresh.shown_name
        fresh.user.save(update_fields=["full_name"])
    for field in (*FIELD_OF_USE.values(), "full_name"):
        setattr(pupil, field, getattr(fresh, field))
    if taken_back and run_steps:
        for step in _withdrawal_steps:
            step(pupil=fresh, uses=taken_back)
    return taken_back


def _usable(form: ConsentRequest) -> None:
    if not rules.link_is_valid(form):
        raise ServiceError(_("This link has expired. Ask the teacher for a new one."))


def answer_by_link(*, form: ConsentRequest, answers: dict[str, bool], language: str) -> None:
    """The family answers every question through their link (again, to change an answer).

    Side effects: the pupil's consent fields follow; a use taken back hides what was shared (see
    `add_withdrawal_step`); the teacher who sent the form is notified; an audit entry.
    """
    _usable(form)
    language = _language(language)
    if set(answers) != {use.value for use in Use}:
        raise ServiceError(_("Answer every question of the form."))
    with transaction.atomic():
        _answer(form, answers, method=ConsentAnswer.Method.LINK, language=language)
        _tell_teacher(form, "consent_answered")
        audit.record(actor=None, action="consent.answered", target=form.pupil, form=form.pk)


def withdraw_by_link(*, form: ConsentRequest, language: str) -> frozenset[str]:
    """The family withdraws every consent at once. Returns the uses taken back.

    Side effects: as `answer_by_link`; what was shared of the pupil is hidden from the partner school.
    """
    _usable(form)
    language = _language(language)
    with transaction.atomic():
        text = _text(statement(form.pupil, language, year=form.school_year))
        now = timezone.now()
        ConsentAnswer.objects.bulk_create(
            [
                ConsentAnswer(
                    request=form, use=use.value, given=False, method=ConsentAnswer.Method.WITHDRAWN, text=text, at=now
                )
                for use in Use
            ]
        )
        taken_back = _apply(form.pupil)
        _tell_teacher(form, "consent_withdrawn")
        audit.record(actor=None, action="consent.withdrawn", target=form.pupil, form=form.pk)
    return taken_back


def _teachers_of(form: ConsentRequest):
    sender = form.created_by
    if sender is not None and rules.may_manage_consent(sender) and sender.teacher.school_id == form.pupil.school_id:
        return [sender]
    # The sender has left the school (or is no longer a validated teacher): the school's teachers.
    return [
        user
        for user in User.objects.filter(teacher__school_id=form.pupil.school_id).select_related("teacher")
        if rules.may_manage_consent(user)
    ]


def _tell_teacher(form: ConsentRequest, kind: str) -> None:
    url = reverse("consent:pupil", kwargs={"pk": form.pupil_id})
    for teacher in _teachers_of(form):
        notify(user=teacher, kind=kind, url=url, pupil=form.pupil.display_name)


def ask_for_new_link(*, form: ConsentRequest) -> bool:
    """A family whose link has expired asks the teacher for a new one. Returns False when already
    asked today (the teacher is told once a day at most).

    Side effect: a notification to the teacher who sent the form (or the school's teachers).
    """
    if not rules.may_ask_for_new_link(form):
        raise ServiceError(_("This link still works: you can answer with it."))
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            ConsentRequest.objects.filter(pk=form.pk)
            .exclude(new_link_asked_at__gt=now - timedelta(days=1))
            .update(new_link_asked_at=now)
        )
        if not claimed:
            return False
        _tell_teacher(form, "consent_new_link_asked")
        audit.record(actor=None, action="consent.new_link_asked", target=form.pupil, form=form.pk)
    return True


def send_reminders(*, now: datetime | None = None) -> int:
    """E-mail a reminder to each family that has not answered its form of this school year, a week
    after the e-mail and a week after the first reminder. Returns how many were sent.

    A reminder holds the same link. Each reminder is claimed by its number, so a job run twice
    sends it once.
    """
    now = now or timezone.now()
    due = ConsentRequest.objects.filter(
        channel=ConsentRequest.Channel.EMAIL,
        school_year=current_school_year(),
        replaced_at__isnull=True,
        link_key__isnull=False,
        answers__isnull=True,
        reminders_sent__lt=MAX_REMINDERS,
        sent_at__lte=now - REMIND_AFTER,
    ).select_related("pupil__school")
    sent = 0
    for form in due:
        if form.last_reminded_at and form.last_reminded_at > now - REMIND_AFTER:
            continue
        with transaction.atomic():
            claimed = ConsentRequest.objects.filter(pk=form.pk, reminders_sent=form.reminders_sent).update(
                reminders_sent=form.reminders_sent + 1, last_reminded_at=now
            )
            if not claimed:
                continue
            number = form.reminders_sent + 1
            _send_link(form, template="consent/email/reminder", key=f"consent:{form.pk}:reminder:{number}")
        sent += 1
    return sent


def expire_past_years() -> int:
    """At the start of a school year, the answers of the last one no longer count: the pupils' consent
    fields follow (nothing shared is hidden: it was shared with consent). Returns the pupils changed."""
    year = current_school_year()
    any_consent = Q()
    for field in FIELD_OF_USE.values():
        any_consent |= Q(**{field: True})
    answered = ConsentAnswer.objects.filter(request__school_year=year).values("request__pupil_id")
    due = Pupil.objects.filter(any_consent).exclude(pk__in=answered).order_by("pk")
    changed, last = 0, 0
    # A year's start may concern every pupil of a large network: read them a batch at a time by key,
    # never all at once.
    while batch := list(due.filter(pk__gt=last).values_list("pk", flat=True)[:EXPIRE_BATCH]):
        for pupil in Pupil.objects.filter(pk__in=batch).select_related("user").order_by("pk"):
            with transaction.atomic():
                taken_back = _apply(pupil, run_steps=False)
                audit.record(actor=None, action="consent.expired", target=pupil, uses=sorted(taken_back))
            changed += 1
        last = batch[-1]
    return changed
