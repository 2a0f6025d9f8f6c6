"""Writes for the questionnaires: define one, move it through its waves, answer it.

A questionnaire goes draft → start of the year open → start closed → end of the year open → closed.
Its statements are fixed once the first wave opens, so the two waves answer the same questions.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.accounts.models import Role, User
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.i18n import clean_texts
from twinning.common.jobs import enqueue
from twinning.reporting import queries, rules
from twinning.reporting.models import (
    HIGHEST,
    LOWEST,
    Answer,
    KeptCount,
    KeptReport,
    Participation,
    Question,
    Response,
    Survey,
)
from twinning.schools.models import NSO, Programme

MOST_QUESTIONS = 8

# The one step each stage may take, and the audit action it records.
# Keyed by the stage as stored (a plain string, which a Stage equals).
NEXT_STAGE: dict[str, tuple[Survey.Stage, str]] = {
    Survey.Stage.DRAFT: (Survey.Stage.START_OPEN, "survey.start_opened"),
    Survey.Stage.START_OPEN: (Survey.Stage.START_CLOSED, "survey.start_closed"),
    Survey.Stage.START_CLOSED: (Survey.Stage.END_OPEN, "survey.end_opened"),
    Survey.Stage.END_OPEN: (Survey.Stage.CLOSED, "survey.closed"),
}


def create_survey(
    *,
    nso: NSO | None = None,
    programme: Programme | None = None,
    by,
    school_year: int,
    titles: dict[str, str],
    questions: list[dict[str, str]],
    audience: str,
) -> Survey:
    """An NSO's or a programme's questionnaire (one of the two) for a school year, not yet open. Only the NSO's
    staff, or the programme's coordinators and administrators (or a platform administrator), define it."""
    if (nso is None) == (programme is None):
        raise ServiceError(_("Choose who runs the questionnaire: an NSO or a programme."))
    if not rules.may_run_survey_of(by, nso=nso, programme=programme):
        if nso is not None:
            raise ServiceError(_("Only the NSO's own staff can write its questionnaires."))
        raise ServiceError(_("Only the programme's coordinators and administrators can write its questionnaires."))
    titles = clean_texts(titles)
    questions = [texts for texts in (clean_texts(q) for q in questions) if texts]
    if not titles:
        raise ServiceError(_("Give the questionnaire a title in at least one language."))
    if not questions:
        raise ServiceError(_("Write at least one statement."))
    if len(questions) > MOST_QUESTIONS:
        raise ServiceError(_("A questionnaire has at most eight statements: keep it short."))
    if audience not in Survey.Audience.values:
        raise ServiceError(_("Choose who answers."))
    with transaction.atomic():
        survey = Survey.objects.create(
            nso=nso, programme=programme, school_year=school_year, titles=titles, audience=audience, created_by=by
        )
        Question.objects.bulk_create(
            [Question(survey=survey, position=n, texts=texts) for n, texts in enumerate(questions, start=1)]
        )
        audit.record(actor=by, action="survey.created", target=survey)
    return survey


def advance_survey(*, survey: Survey, by, expected: str) -> Survey:
    """Open the start wave, close it, open the end wave, or close the questionnaire: the next step only.

    `expected` is the stage the person saw when they chose the step, so a double click (or two organisers
    at once) never skips a wave.
    """
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.stage != expected or survey.stage not in NEXT_STAGE:
            raise ServiceError(_("The questionnaire has already moved on: look at where it stands now."))
        survey.stage, action = NEXT_STAGE[survey.stage]
        survey.changed_at = timezone.now()
        survey.save(update_fields=["stage", "changed_at"])
        audit.record(actor=by, action=action, target=survey)
    return survey


def submit_answers(*, survey: Survey, by, values: dict[int, int]) -> Response:
    """A pupil's or teacher's answers to the open wave: every statement, each from 1 to 5, once.

    Side effects: a participation (who answered which wave) and, apart from it, the answers with only the
    person's group, country and twinning. Nothing is written if anything is refused.
    """
    wave = survey.open_wave
    if wave is None:
        raise ServiceError(_("This questionnaire is not open for answers."))
    place = rules.respondent_place(by, survey)
    if place is None:
        raise ServiceError(_("This questionnaire is for others."))
    questions = list(survey.questions.values_list("pk", flat=True))
    if set(values) != set(questions):
        raise ServiceError(_("Answer every statement."))
    if any(not isinstance(v, int) or not LOWEST <= v <= HIGHEST for v in values.values()):
        raise ServiceError(_("Each answer is a number from 1 to 5."))
    if Participation.objects.filter(survey=survey, wave=wave, person=by).exists():
        raise ServiceError(_("You have already answered this questionnaire; answers cannot be changed."))
    try:
        with transaction.atomic():
            Participation.objects.create(survey=survey, wave=wave, person=by)
            response = Response.objects.create(
                survey=survey, wave=wave, group=place.group, country_id=place.country, twinning_id=place.twinning
            )
            Answer.objects.bulk_create(
                [Answer(response=response, question_id=pk, value=values[pk]) for pk in questions]
            )
    except IntegrityError as clash:  # answered a moment ago, in another tab
        raise ServiceError(_("You have already answered this questionnaire; answers cannot be changed.")) from clash
    return response


def record_report_download(*, by, kind: str, scope: rules.Scope, filters: dict) -> None:
    """Note in the audit log who downloaded the report (CSV or XLSX), for which part of the network
    and with which filters. The entry's target is the reader: a report may span several NSOs and
    programmes, or everything."""
    with transaction.atomic():
        audit.record(
            actor=by,
            action="report.downloaded",
            target=by,
            format=kind,
            everything=scope.everything,
            nsos=sorted(scope.nso_ids),
            programmes=sorted(scope.programme_ids),
            school_year=filters.get("school_year"),
            country=filters.get("country"),
            programme=filters.get("programme"),
        )


def record_survey_download(*, by, survey: Survey, kind: str) -> None:
    """Note in the audit log who downloaded a questionnaire's results (CSV or XLSX)."""
    with transaction.atomic():
        audit.record(actor=by, action="survey.results_downloaded", target=survey, format=kind)


# The reports' kept figures ----------------------------------------------------------------------------

# A scope nobody has read for this long is no longer counted again; it is counted afresh when read again.
UNREAD_FOR = timedelta(days=14)
# How often the job counts the figures again (the pages say when they were counted, and that it is every hour).
REFRESH_MINUTES = 60
READ_NOTED_EVERY = timedelta(hours=1)


def refresh_report(scope: rules.Scope, *, state: dict | None = None) -> KeptReport:
    """Count the scope's figures (`queries.count_cells`) and keep them in place of the last ones, in one
    transaction: a page reads either the old figures or the new, never half of each. `state` is what the
    database's statistics said had been written before the count began (`queries.source_state`), kept so that
    the job counts the scope again only once something is written; None (a page counting a scope for its first
    reader, perhaps from a replica) leaves it to the job's next run to count again."""
    cells = queries.count_cells(scope)
    years = queries.school_years_counted()
    now = timezone.now()
    with transaction.atomic():
        kept, created = KeptReport.objects.select_for_update().get_or_create(
            scope=scope.key,
            defaults={"refreshed_at": now, "read_at": now, "school_years": years, "source_state": state},
        )
        if not created:
            kept.refreshed_at, kept.school_years, kept.source_state = now, years, state
            kept.save(update_fields=["refreshed_at", "school_years", "source_state"])
            KeptCount.objects.filter(report=kept).delete()
        KeptCount.objects.bulk_create(
            [
                KeptCount(report=kept, school_year=year, country=country, programme=programme, **counts)
                for (year, country, programme), counts in cells.items()
            ],
            batch_size=1000,
        )
    return kept


def kept_report(scope: rules.Scope) -> KeptReport:
    """The scope's kept figures, counted now if they never were (the first reader of a scope waits once); the time
    it was last read noted (at most once an hour), so that the job keeps counting the scopes people read."""
    kept = KeptReport.objects.filter(scope=scope.key).first()
    if kept is None:
        return refresh_report(scope)
    now = timezone.now()
    if now - kept.read_at > READ_NOTED_EVERY:
        KeptReport.objects.filter(pk=kept.pk).update(read_at=now)
    return kept


def keep_staff_scopes() -> int:
    """Count, once, the scope of every person who reads reports (NSO staff and coordinators) that has no kept
    figures yet, so that none of them waits for a first count on their first visit; returns how many were
    counted. For a network loaded or generated in bulk, whose staff's roles were written without a visit."""
    people = (
        Role.objects.filter(kind__in=[Role.Kind.NSO_STAFF, Role.Kind.COORDINATOR], user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    kept = set(KeptReport.objects.values_list("scope", flat=True))
    state = queries.source_state(KeptReport.objects.db)
    counted = 0
    for user in User.objects.filter(pk__in=people).order_by("pk"):
        scope = rules.report_scope(user)
        if scope is not None and scope.key not in kept:
            refresh_report(scope, state=state)
            kept.add(scope.key)
            counted += 1
    return counted


def count_scope_when_granted(role: Role) -> None:
    """A role step (`accounts.services.add_role_granted_step`): a person given a role that reads reports has their
    scope's figures counted by the job queue once the grant commits, if none are kept, so their first visit to the
    reports does not wait for the count."""
    scope = rules.report_scope(role.user)
    if scope is not None and not KeptReport.objects.filter(scope=scope.key).exists():
        day = f"{timezone.now():%Y-%m-%d}"
        enqueue("reporting.count_scope", key=f"reporting.count_scope:{scope.key}@{day}", scope=scope.key)


def count_scope(key: str) -> bool:
    """The job queued by `count_scope_when_granted`: the scope counted, unless a page or the hourly job has kept its
    figures meanwhile. Returns whether it counted."""
    if KeptReport.objects.filter(scope=key).exists():
        return False
    refresh_report(rules.Scope.from_key(key), state=queries.source_state(KeptReport.objects.db))
    return True


def refresh_kept_reports() -> dict:
    """The job: the whole network's figures and those of every scope read lately counted again, unless nothing
    was written to the counted tables since their last count (`queries.source_state`: an idle network costs one
    query an hour); the scopes nobody read for UNREAD_FOR forgotten. The pages keep saying when the figures were
    counted."""
    now = timezone.now()
    _rows, deleted = KeptReport.objects.filter(read_at__lt=now - UNREAD_FOR).exclude(scope="all").delete()
    forgotten = deleted.get(KeptReport._meta.label, 0)
    # Read before counting, on the database counted from (a job reads from the primary).
    state = queries.source_state(KeptReport.objects.db)
    kept = dict(KeptReport.objects.values_list("scope", "source_state"))
    kept.setdefault("all", None)
    refreshed = 0
    for key in sorted(kept):
        if state is not None and kept[key] == state:
            continue  # nothing written since this scope was counted: the same figures
        refresh_report(rules.Scope.from_key(key), state=state)
        refreshed += 1
    return {"refreshed": refreshed, "unchanged": len(kept) - refreshed, "forgotten": forgotten}
