"""Applying for quality labels, evaluating and deciding them; the international and school labels; awards.

The rules themselves (criteria, minimum points, the international share) are in `rubric`; here they
are applied to the database, inside transactions, with the people told of each decision.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.i18n import clean_texts
from twinning.common.notifications import notify, notify_many
from twinning.meetings.models import Meeting
from twinning.recognition import rubric
from twinning.recognition.models import Application, AwardCategory, Evaluation, Label, Nomination, SchoolLabelRequest
from twinning.recognition.rules import LIVED, TEACHERS
from twinning.schools.models import TeacherProfile, ValidationStatus
from twinning.twinnings.models import Membership, Twinning
from twinning.workspace.models import MediaItem, Moderation, Page, Thread

EVIDENCE = {
    "pages": ("evidence_pages", lambda t: Page.objects.filter(twinning=t)),
    "threads": ("evidence_threads", lambda t: Thread.objects.filter(twinning=t)),
    "media": ("evidence_media", lambda t: MediaItem.objects.filter(twinning=t, status=Moderation.PUBLISHED)),
    "meetings": ("evidence_meetings", lambda t: Meeting.objects.filter(twinning=t, status=Meeting.Status.HELD)),
}


def counted_this_year(teacher, school_year: int) -> int:
    """Applications that count towards the yearly cap: sent ones, whatever their outcome."""
    return Application.objects.filter(teacher=teacher, school_year=school_year, status__in=Application.COUNTED).count()


def start_application(*, twinning: Twinning, teacher) -> Application:
    """A draft application of a teacher of the twinning (the caller checked they teach in it)."""
    if twinning.status not in LIVED:
        raise ServiceError(_("A twinning can be put forward for a label once it is under way or finished."))
    if Application.objects.filter(teacher=teacher, twinning=twinning).exclude(status="withdrawn").exists():
        raise ServiceError(_("You have already applied for a label for this twinning."))
    if counted_this_year(teacher, twinning.school_year) >= rubric.APPLICATIONS_PER_YEAR:
        raise ServiceError(
            _("You have sent %(n)d applications for this school year, the most there can be.")
            % {"n": rubric.APPLICATIONS_PER_YEAR}
        )
    member = Membership.objects.filter(twinning=twinning, user=teacher, active=True, role__in=TEACHERS).first()
    if member is None or member.school_id is None:
        raise ServiceError(_("Only the twinning's teachers apply for its label."))
    return Application.objects.create(
        twinning=twinning, teacher=teacher, school_id=member.school_id, school_year=twinning.school_year
    )


def save_application(*, application: Application, eligibility: dict, texts: dict, evidence: dict) -> Application:
    """Keep what the teacher wrote. Evidence must come from the twinning's own workspace."""
    if application.status != Application.Status.DRAFT:
        raise ServiceError(_("A sent application can no longer be changed."))
    chosen = {}
    for key, (field, available) in EVIDENCE.items():
        ids = set(evidence.get(key, ()))
        found = list(available(application.twinning).filter(pk__in=ids))
        if len(found) != len(ids):
            raise ServiceError(_("Evidence can only come from this twinning's workspace."))
        chosen[field] = found
    with transaction.atomic():
        application.eligibility = {code: bool(eligibility.get(code)) for code in rubric.ELIGIBILITY_CODES}
        application.texts = {c.code: (texts.get(c.code) or "").strip()[:4000] for c in rubric.CRITERIA}
        application.save(update_fields=["eligibility", "texts"])
        for field, items in chosen.items():
            getattr(application, field).set(items)
    return application


def submit_application(*, application: Application, by) -> Application:
    """Send it to the NSO. Refused unless all five eligibility answers are yes, every criterion has a
    text, there is evidence, and the teacher has sent fewer than four this school year."""
    if application.status != Application.Status.DRAFT:
        raise ServiceError(_("This application has already been sent."))
    if not all(application.eligibility.get(code) for code in rubric.ELIGIBILITY_CODES):
        raise ServiceError(_("A label needs a yes to each of the five eligibility questions."))
    missing = [str(c.label) for c in rubric.CRITERIA if not application.texts.get(c.code)]
    if missing:
        raise ServiceError(_("Write about each criterion. Missing: %(names)s.") % {"names": ", ".join(missing)})
    if not any(getattr(application, field).exists() for field, _available in EVIDENCE.values()):
        raise ServiceError(_("Link at least one piece of evidence from the workspace."))
    with transaction.atomic():
        # The teacher's row is the lock: two applications sent at once cannot both pass the cap.
        get_user_model().objects.select_for_update().filter(pk=application.teacher_id).first()
        if counted_this_year(application.teacher, application.school_year) >= rubric.APPLICATIONS_PER_YEAR:
            raise ServiceError(
                _("You have sent %(n)d applications for this school year, the most there can be.")
                % {"n": rubric.APPLICATIONS_PER_YEAR}
            )
        application.status = Application.Status.SUBMITTED
        application.submitted_at = timezone.now()
        application.save(update_fields=["status", "submitted_at"])
        audit.record(actor=by, action="label.submitted", target=application.twinning, application=application.pk)
    return application


def withdraw_application(*, application: Application, by) -> None:
    if application.status not in (Application.Status.DRAFT, Application.Status.SUBMITTED):
        raise ServiceError(_("A decided application cannot be withdrawn."))
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status"])


def evaluate(*, application: Application, evaluator, scores: dict[str, int], comment: str = "") -> Evaluation:
    """Store (or replace) this evaluator's points. The caller checked the evaluator's country scope."""
    if application.status != Application.Status.SUBMITTED:
        raise ServiceError(_("Only an application waiting for evaluation can be scored."))
    if application.teacher_id == evaluator.pk:
        raise ServiceError(_("Nobody evaluates their own application."))
    try:
        rubric.check_scores(scores)
    except ValueError as problem:
        raise ServiceError(_("Give every sub-criterion a score from 0 to 5.")) from problem
    evaluation, _created = Evaluation.objects.update_or_create(
        application=application,
        evaluator=evaluator,
        defaults={"scores": scores, "comment": comment.strip(), "updated_at": timezone.now()},
    )
    return evaluation


def verdict_of(application: Application) -> rubric.Verdict | None:
    scores = rubric.mean_scores(e.scores for e in application.evaluations.all())
    return rubric.judge(scores) if scores else None


def decide(*, application: Application, by, feedback: str = "") -> Application:
    """Award the national label or not, on the evaluators' mean scores (the minimums apply whatever
    the total). Side effects: the label, a notification to the teacher, an audit entry."""
    if application.status != Application.Status.SUBMITTED:
        raise ServiceError(_("Only an application waiting for evaluation can be decided."))
    verdict = verdict_of(application)
    if verdict is None:
        raise ServiceError(_("Score the application before deciding."))
    with transaction.atomic():
        application.status = Application.Status.AWARDED if verdict.passed else Application.Status.NOT_AWARDED
        application.decided_at, application.decided_by = timezone.now(), by
        application.score, application.feedback = verdict.total, feedback.strip()
        application.save(update_fields=["status", "decided_at", "decided_by", "score", "feedback"])
        if verdict.passed:
            Label.objects.create(
                kind=Label.Kind.NATIONAL,
                school_year=application.school_year,
                school=application.school,
                teacher=application.teacher,
                twinning=application.twinning,
                application=application,
                score=verdict.total,
                awarded_by=by,
            )
        audit.record(
            actor=by,
            action="label.decided",
            target=application.twinning,
            application=application.pk,
            awarded=verdict.passed,
            score=verdict.total,
        )
        notify(
            user=application.teacher,
            kind="label_awarded" if verdict.passed else "label_not_awarded",
            url=reverse("recognition:application", args=[application.pk]),
            title=application.twinning.title,
        )
    return application


def award_international_labels(*, school_year: int, by, share: float = rubric.INTERNATIONAL_SHARE) -> list[Label]:
    """Give the international label to the best share of the year's national labels (see
    `rubric.international_winners`). Running it again awards nobody twice."""
    national = list(
        Label.objects.filter(kind=Label.Kind.NATIONAL, school_year=school_year, twinning__isnull=False).select_related(
            "twinning"
        )
    )
    winners = rubric.international_winners(
        (
            rubric.NationalLabel(label.twinning_id, label.school_id, label.score or 0)
            for label in national
            if label.twinning_id is not None  # always so (filtered above); tells the type checker
        ),
        share,
    )
    created = []
    with transaction.atomic():
        for label in national:
            if label.twinning_id not in winners:
                continue
            if Label.objects.filter(
                kind=Label.Kind.INTERNATIONAL, teacher=label.teacher, twinning=label.twinning
            ).exists():
                continue
            created.append(
                Label.objects.create(
                    kind=Label.Kind.INTERNATIONAL,
                    school_year=school_year,
                    school=label.school,
                    teacher=label.teacher,
                    twinning=label.twinning,
                    score=label.score,
                    awarded_by=by,
                )
            )
        notify_many(
            [
                (
                    label.teacher,
                    "label_international",
                    reverse("recognition:index"),
                    {"title": label.twinning.title},
                )
                for label in created
                if label.teacher_id and label.twinning is not None  # a national label's twinning, never None
            ]
        )
        audit.record(actor=by, action="label.international", target=by, school_year=school_year, awarded=len(created))
    return created


def school_label_facts(school, school_year: int) -> dict:
    """What the school label asks: at least 3 active teachers and a labelled project in the last 2 years."""
    years = (school_year - 1, school_year)
    active_teachers = (
        TeacherProfile.objects.filter(school=school, status=ValidationStatus.VALIDATED, left_at__isnull=True)
        .filter(
            user__twinning_memberships__twinning__school_year__in=years,
            user__twinning_memberships__role__in=TEACHERS,
            user__twinning_memberships__twinning__status__in=LIVED,
        )
        .distinct()
        .count()
    )
    labelled = Label.objects.filter(
        school=school, kind__in=[Label.Kind.NATIONAL, Label.Kind.INTERNATIONAL], school_year__in=years
    ).exists()
    return {"active_teachers": active_teachers, "labelled": labelled, "eligible": active_teachers >= 3 and labelled}


def request_school_label(*, school, by, school_year: int, declaration: str) -> SchoolLabelRequest:
    if not declaration.strip():
        raise ServiceError(_("The principal's declaration is needed."))
    facts = school_label_facts(school, school_year)
    if not facts["eligible"]:
        raise ServiceError(
            _(
                "The school label needs at least 3 teachers active in twinnings and a labelled project "
                "in the last two years."
            )
        )
    if SchoolLabelRequest.objects.filter(school=school, school_year=school_year).exists():
        raise ServiceError(_("The school has already asked for its label this school year."))
    return SchoolLabelRequest.objects.create(
        school=school, school_year=school_year, principal=by, declaration=declaration.strip()
    )


def decide_school_label(*, request: SchoolLabelRequest, by, award: bool, reason: str = "") -> SchoolLabelRequest:
    if request.status != SchoolLabelRequest.Status.SUBMITTED:
        raise ServiceError(_("This request has already been decided."))
    if not award and not reason.strip():
        raise ServiceError(_("Say why the label is not awarded."))
    with transaction.atomic():
        request.status = SchoolLabelRequest.Status.AWARDED if award else SchoolLabelRequest.Status.REFUSED
        request.decided_at, request.decided_by, request.reason = timezone.now(), by, reason.strip()
        request.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        if award:
            Label.objects.create(
                kind=Label.Kind.SCHOOL, school_year=request.school_year, school=request.school, awarded_by=by
            )
        if request.principal_id:
            notify(
                user=request.principal,
                kind="school_label_awarded" if award else "school_label_refused",
                url=reverse("recognition:school"),
                school=request.school.name,
            )
    return request


def add_category(*, nso, school_year: int, names: dict, by) -> AwardCategory:
    names = clean_texts(names)
    if not names:
        raise ServiceError(_("Name the category in at least one language."))
    return AwardCategory.objects.create(nso=nso, school_year=school_year, names=names)


def nominate(*, category: AwardCategory, label: Label, by, reason: str) -> Nomination:
    """Only the year's labelled projects of the NSO's own schools are nominated."""
    if not reason.strip():
        raise ServiceError(_("Say why the project is nominated."))
    if label.kind == Label.Kind.SCHOOL or label.school_year != category.school_year:
        raise ServiceError(_("Nominate a project labelled in the category's school year."))
    if label.school.country.nso_id != category.nso_id:
        raise ServiceError(_("Nominate projects of the NSO's own schools."))
    if Nomination.objects.filter(category=category, label=label).exists():
        raise ServiceError(_("This project is already nominated in the category."))
    return Nomination.objects.create(category=category, label=label, reason=reason.strip(), nominated_by=by)


def set_winner(*, nomination: Nomination, by, winner: bool) -> None:
    nomination.winner = winner
    nomination.save(update_fields=["winner"])
    if winner and nomination.label.teacher_id:
        notify(
            user=nomination.label.teacher,
            kind="award_won",
            url=reverse("recognition:awards"),
            category=nomination.category.name,
        )
