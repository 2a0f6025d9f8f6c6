"""Writes for matching: profiles, partnership proposals, cohort runs and their approval."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.notifications import notify, notify_many
from twinning.matching import engine
from twinning.matching.constraints import PairRules, Party, profiles_refusal, refusal, refusal_message
from twinning.matching.engine.vision import VisionEncoder, to_bytes
from twinning.matching.explain import empty_side_message, refusal_label
from twinning.matching.models import CohortPair, CohortRule, CohortRun, Proposal, SearchChange, TwinningProfile
from twinning.matching.queries import (
    CHANGE_SLACK,
    cohort_side_counts,
    engine_profiles,
    index_fingerprint,
    index_of,
    index_store,
    open_profiles,
    pair_is_settled,
    partners_taken,
    rooms_in_run,
    settled_school_pairs,
)
from twinning.matching.unmatched import unmatched_report
from twinning.schools.queries import teacher_users_by_school


def _notify_school(profile: TwinningProfile, *, kind: str, other: TwinningProfile, url: str) -> None:
    for user in teacher_users_by_school([profile.school_id])[profile.school_id]:
        notify(
            user=user,
            kind=kind,
            url=url,
            school=other.school.name,
            country=other.school.country_id,
            own_school=profile.school.name,
        )


# What follows when both schools say yes lives in the apps above matching: twinnings opens the
# twinning (`TwinningsConfig.ready` adds `open_from_proposal`). Each step is called as
# `step(proposal=..., by=...)` inside the transaction that accepts, so a step that fails undoes the yes.
_acceptance_steps: list[Callable[..., object]] = []


def add_acceptance_step(step: Callable[..., object]) -> None:
    if step not in _acceptance_steps:
        _acceptance_steps.append(step)


def record_search_changes(*, school_ids: Iterable[int]) -> None:
    """Note that these schools' profiles changed (or their room, validation or programmes did):
    partner search reads them from the database until the index is built again (`SearchChange`)."""
    SearchChange.objects.bulk_create(SearchChange(school_id=pk) for pk in dict.fromkeys(school_ids))


# Versions of the index no longer current are removed after this long (a process may still be
# reading one it mapped just before; it re-maps within `MATCHING_INDEX_MAX_AGE`).
INDEX_GRACE = timedelta(minutes=10)
# The index is built again at least this often, even with nothing changed: a school week's hours
# in UTC move with daylight saving time.
INDEX_MAX_AGE = timedelta(hours=24)


def build_search_index(*, school_year: int, force: bool = False) -> str | None:
    """Build the year's partner-search index into a new version of its folder and make it current.

    Skipped (None) when nothing changed since the current version was built (and it is less than
    a day old), unless `force`. Side effects: files under `MATCHING_INDEX_DIR`; versions replaced
    more than `INDEX_GRACE` ago removed; `SearchChange` rows the build folded in removed.
    Returns the new version's name.
    """
    store = index_store(school_year)
    try:
        current = store.open_current()
    except ValueError:
        current = None  # written by a release with another format: built again
    fingerprint = index_fingerprint(school_year)
    if current is not None and not force:
        snapshot = datetime.fromisoformat(current.info["snapshot"])
        unchanged = (
            current.info.get("fingerprint") == fingerprint
            and not SearchChange.objects.filter(created_at__gt=snapshot - CHANGE_SLACK).exists()
        )
        if unchanged and timezone.now() - snapshot < INDEX_MAX_AGE:
            store.prune(grace_seconds=INDEX_GRACE.total_seconds())
            return None
    snapshot = timezone.now()
    index = index_of(open_profiles(school_year), school_year, when=snapshot)
    arrays, tables = index.arrays, index.tables
    version = store.publish(arrays, tables, info={"snapshot": snapshot.isoformat(), "fingerprint": fingerprint})
    store.prune(grace_seconds=INDEX_GRACE.total_seconds())
    # Changes older than this build (less the slack, and the time a process takes to notice it) are folded in.
    SearchChange.objects.filter(created_at__lt=snapshot - CHANGE_SLACK - INDEX_GRACE).delete()
    return version


def update_vision(*, profile: TwinningProfile) -> bool:
    """Turn the profile's vision text into its vector (see `engine.vision`). False when no model is installed."""
    encoder = VisionEncoder.shared()
    if encoder is None:
        return False
    vector = encoder.encode([profile.vision])[0]
    profile.vision_vector = to_bytes(vector) if vector.any() else None
    profile.save(update_fields=["vision_vector", "updated_at"])
    record_search_changes(school_ids=[profile.school_id])
    return True


def request_partnership(
    *, from_profile: TwinningProfile, to_profile: TwinningProfile, by, message: str = "", score: float | None = None
) -> Proposal:
    """Ask another school to twin. Notifies the other school's validated teachers (in-app and e-mail)."""
    if from_profile.school_id == to_profile.school_id:
        raise ServiceError(_("A school cannot twin with itself."))
    if from_profile.school_year != to_profile.school_year:
        raise ServiceError(_("Both profiles must be for the same school year."))
    if not to_profile.looking:
        raise ServiceError(_("This school is not looking for partners at the moment."))
    if pair_is_settled(from_profile.school_year, from_profile.school_id, to_profile.school_id):
        raise ServiceError(
            _("Your schools already have a twinning or a proposal this year, or one of you declined it.")
        )
    if (broken := profiles_refusal(from_profile, to_profile)) is not None:
        raise ServiceError(refusal_message(*broken))
    if to_profile.capacity <= partners_taken(to_profile.school_year).get(to_profile.pk, 0):
        raise ServiceError(_("This school already has all the partners it wants."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                proposal = Proposal.objects.create(
                    origin=Proposal.Origin.SEARCH,
                    left=from_profile,
                    right=to_profile,
                    left_accepted=True,
                    left_accepted_by=by,
                    message=message,
                    score=score,
                    created_by=by,
                )
        except IntegrityError:
            # The other school asked at the same moment: the database keeps one open proposal per pair.
            raise ServiceError(_("Your schools already have a twinning or a proposal this year.")) from None
        audit.record(actor=by, action="proposal.requested", target=proposal)
        _notify_school(
            to_profile,
            kind="proposal_received",
            other=from_profile,
            url=reverse("matching:proposal", args=[proposal.pk]),
        )
    return proposal


def answer_proposal(*, proposal: Proposal, school_id: int, by, accept: bool, reason: str = "") -> Proposal:
    """One school's yes or no. A no declines the proposal for good; two yeses accept it.

    Notifies the other school. An accepted proposal goes through the acceptance steps the apps above
    added (twinnings opens its twinning, waiting for the coordinator's approval).
    """
    if proposal.status != Proposal.Status.PENDING:
        raise ServiceError(_("This proposal has already been answered."))
    if school_id not in (proposal.left.school_id, proposal.right.school_id):
        raise ServiceError(_("Only the two schools can answer this proposal."))
    if not accept and not reason.strip():
        raise ServiceError(_("Please say why, so the other school and your coordinator understand."))
    mine, other = (
        (proposal.left, proposal.right) if school_id == proposal.left.school_id else (proposal.right, proposal.left)
    )
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != Proposal.Status.PENDING:
            raise ServiceError(_("This proposal has already been answered."))
        fields = ["status", "decided_at", "decided_by", "reason"]
        if accept:
            if school_id == proposal.left.school_id:
                proposal.left_accepted, proposal.left_accepted_by = True, by
                fields += ["left_accepted", "left_accepted_by"]
            else:
                proposal.right_accepted, proposal.right_accepted_by = True, by
                fields += ["right_accepted", "right_accepted_by"]
            if proposal.left_accepted and proposal.right_accepted:
                proposal.status = Proposal.Status.ACCEPTED
        else:
            proposal.status = Proposal.Status.DECLINED
        proposal.reason = reason.strip()
        proposal.decided_at, proposal.decided_by = timezone.now(), by
        proposal.save(update_fields=fields)
        audit.record(
            actor=by,
            action="proposal.accepted" if accept else "proposal.declined",
            target=proposal,
            reason=proposal.reason,
        )
        if proposal.status == Proposal.Status.ACCEPTED:
            # One partner more for each: a school whose room is now filled leaves partner search.
            record_search_changes(school_ids=[proposal.left.school_id, proposal.right.school_id])
            for step in _acceptance_steps:
                step(proposal=proposal, by=by)
        if proposal.status != Proposal.Status.PENDING:
            _notify_school(
                other,
                kind="proposal_accepted" if accept else "proposal_declined",
                other=mine,
                url=reverse("matching:proposal", args=[proposal.pk]),
            )
    return proposal


def start_cohort_run(
    *,
    by,
    nso=None,
    programme=None,
    school_year: int,
    shape: str,
    left_countries,
    right_countries=(),
    min_score: float = 0.35,
    fairness: str = CohortRun.Fairness.TOTAL,
    rules_from: CohortRun | None = None,
) -> CohortRun:
    """Create a run and queue it on the task queue. Pins and forbids of `rules_from` carry over."""
    if not left_countries:
        raise ServiceError(_("Choose the countries of the first side."))
    if shape == CohortRun.Shape.TWO_SIDES and not right_countries:
        raise ServiceError(_("Choose the countries of the second side."))
    if shape == CohortRun.Shape.TWO_SIDES and set(left_countries) & set(right_countries):
        raise ServiceError(_("A country cannot be on both sides."))
    if programme is not None and not programme.schools.exists():
        raise ServiceError(_("The programme %(programme)s has no member schools yet.") % {"programme": programme.name})
    sides = [(_("first side"), left_countries)]
    if shape == CohortRun.Shape.TWO_SIDES:
        sides.append((_("second side"), right_countries))
    for label, countries in sides:
        counts = cohort_side_counts(school_year=school_year, countries=countries, programme=programme)
        if not counts["available"]:
            raise ServiceError(empty_side_message(label, counts))
    with transaction.atomic():
        run = CohortRun.objects.create(
            created_by=by,
            nso=nso,
            programme=programme,
            school_year=school_year,
            shape=shape,
            min_score=min_score,
            fairness=fairness,
        )
        run.left_countries.set(left_countries)
        run.right_countries.set(right_countries)
        if rules_from is not None:
            CohortRule.objects.bulk_create(
                [
                    CohortRule(run=run, left_id=r.left_id, right_id=r.right_id, kind=r.kind, created_by=r.created_by)
                    for r in rules_from.rules.all()
                ]
            )
        audit.record(actor=by, action="cohort.started", target=run)
        # Recorded with the run itself: a committed run is always run, whatever stops in between.
        from twinning.matching.tasks import run_cohort  # here: matching/tasks.py imports this module

        run_cohort.enqueue(run_id=run.pk)
    return run


def mark_cohort_run_stopped(*, run_id: int) -> None:
    """The background job gave up on a run (its worker stopped on every try): the page says so and
    offers to run it again. Side effect: none beyond the run's status."""
    CohortRun.objects.filter(pk=run_id, status__in=[CohortRun.Status.QUEUED, CohortRun.Status.RUNNING]).update(
        status=CohortRun.Status.FAILED, error="", finished_at=timezone.now()
    )


def cohort_profiles(run: CohortRun):
    """The run's two sides (or its pool) as engine profiles, with the capacity each still has.

    A run over a programme holds its member schools only (`School.programmes`); a run over no programme
    (an NSO's countries) holds the schools outside every programme, whose runs are their programmes'."""
    base = open_profiles(run.school_year)
    if run.programme_id:
        base = base.filter(school__programmes=run.programme_id)
    else:
        base = base.filter(school__programmes=None)
    taken = partners_taken(run.school_year)
    left = engine_profiles(base.filter(school__country__in=run.left_countries.all()), taken=taken)
    right = None
    if run.shape == CohortRun.Shape.TWO_SIDES:
        right = engine_profiles(base.filter(school__country__in=run.right_countries.all()), taken=taken)
    return [p for p in left if p.capacity > 0], right if right is None else [p for p in right if p.capacity > 0]


def cohort_rules(run: CohortRun) -> PairRules:
    """The hard rules of the run's pairs: its programme's, or the defaults."""
    return PairRules.of(run.programme)


def execute_cohort_run(run_id: int) -> CohortRun:
    """Do the matching of a queued run, reporting progress on the row. Called by the task queue.

    Safe to run again: a run already finished is left alone, and one stopped half-way starts over
    (its pairs are replaced in one transaction)."""
    run = CohortRun.objects.get(pk=run_id)
    if run.status not in (CohortRun.Status.QUEUED, CohortRun.Status.RUNNING):
        return run
    run.status, run.progress, run.error = CohortRun.Status.RUNNING, 5, ""
    run.save(update_fields=["status", "progress", "error"])
    when = datetime.now(UTC)
    try:
        left, right = cohort_profiles(run)
        _progress(run, 25)
        pool = left if right is None else left + right
        keys = {p.key for p in pool}
        pinned = [
            (str(a), str(b))
            for a, b in run.rules.filter(kind=CohortRule.Kind.PIN).values_list("left_id", "right_id")
            if str(a) in keys and str(b) in keys
        ]
        by_key = {p.key: p for p in pool}
        forbidden = set(settled_school_pairs(run.school_year))
        forbidden |= {
            (by_key[str(a)].school, by_key[str(b)].school)
            for a, b in run.rules.filter(kind=CohortRule.Kind.FORBID).values_list("left_id", "right_id")
            if str(a) in keys and str(b) in keys
        }
        last = [0.0]

        def scored(fraction: float) -> None:
            # A row update at most every 5 %: the page polls it for the progress bar.
            if fraction - last[0] >= 0.05 or fraction >= 1:
                last[0] = fraction
                _progress(run, 25 + round(45 * fraction))

        rules = cohort_rules(run).for_engine()
        result = engine.match(
            left,
            right,
            when=when,
            pinned=pinned,
            forbidden=forbidden,
            rules=rules,
            min_score=run.min_score,
            # Fairness: the worst-off school first, or every pair at the minimum fit at least.
            objective="maximin" if run.fairness == CohortRun.Fairness.MAXIMIN else "total",
            min_fit=run.min_score if run.fairness == CohortRun.Fairness.FLOOR else 0.0,
            progress=scored,
        )
        _progress(run, 75)
        one_pool = right is None
        pairs = []
        for pair in result.pairs:
            verdict = engine.score_pair(
                by_key[pair.left], by_key[pair.right], when=when, one_pool=one_pool, rules=rules
            )
            pairs.append(
                CohortPair(
                    run=run,
                    left_id=int(pair.left),
                    right_id=int(pair.right),
                    score=pair.score,
                    parts=verdict.parts,
                    facts=verdict.facts,
                    pinned=pair.pinned,
                )
            )
        stats: dict[str, object] = {
            "left": len(left),
            "right": len(right or ()),
            "candidates": result.candidates,
            "unmatched": len(result.unmatched),
            "pairs": len(pairs),
        }
        if result.fairness is not None:
            fair = result.fairness
            stats["fairness"] = {
                "total": fair.total,
                "plain_total": fair.plain_total,
                "cost": fair.cost,
                "worst": fair.worst,
                "plain_worst": fair.plain_worst,
                "gain": fair.gain,
                "matched": fair.matched,
                "plain_matched": fair.plain_matched,
            }
        if not pairs:
            stats["refusals"] = engine.diagnose(
                left, right, when=when, forbidden=forbidden, rules=rules, min_score=run.min_score
            )
        stats["unmatched_schools"] = unmatched_report(
            left, right, result, when=when, forbidden=forbidden, rules=rules, min_score=run.min_score
        )
        with transaction.atomic():
            run.pairs.all().delete()
            CohortPair.objects.bulk_create(pairs, batch_size=2000)
            run.total_score, run.upper_bound, run.stats = result.total, result.upper_bound, stats
            run.status, run.progress, run.finished_at = CohortRun.Status.DONE, 100, timezone.now()
            run.save(update_fields=["total_score", "upper_bound", "stats", "status", "progress", "finished_at"])
    except engine.MatchingError as error:
        run.status, run.error, run.finished_at = CohortRun.Status.FAILED, str(error), timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
    return run


def _progress(run: CohortRun, value: int) -> None:
    CohortRun.objects.filter(pk=run.pk).update(progress=value)


def set_cohort_rule(*, run: CohortRun, pair: CohortPair, kind: str | None, by) -> None:
    """Pin or forbid a proposed pair for the next run (None removes the rule)."""
    if run.status == CohortRun.Status.APPROVED:
        raise ServiceError(_("This matching has been approved; start a new run to change it."))
    with transaction.atomic():
        CohortRule.objects.filter(run=run, left_id=pair.left_id, right_id=pair.right_id).delete()
        if kind:
            CohortRule.objects.create(run=run, left_id=pair.left_id, right_id=pair.right_id, kind=kind, created_by=by)
        audit.record(
            actor=by, action=f"cohort.rule.{kind or 'cleared'}", target=run, left=pair.left_id, right=pair.right_id
        )


def rerun_cohort(*, run: CohortRun, by) -> CohortRun:
    """Run the same cohort again with the pins and forbids set on this run."""
    return start_cohort_run(
        by=by,
        nso=run.nso,
        programme=run.programme,
        school_year=run.school_year,
        shape=run.shape,
        left_countries=list(run.left_countries.all()),
        right_countries=list(run.right_countries.all()),
        min_score=run.min_score,
        fairness=run.fairness,
        rules_from=run,
    )


def approve_cohort_run(*, run: CohortRun, by) -> int:
    """Turn every proposed pair that is not forbidden into a proposal to both schools.

    The approval is the coordinator's approval of the twinnings too: a proposal of an approved run
    that both schools accept opens its twinning already approved (see `twinnings.services`).
    Notifies the validated teachers of both schools (in-app at once; e-mails from the job queue).
    Written in a few bulk queries, so approving thousands of pairs stays quick.
    """
    if run.status != CohortRun.Status.DONE:
        raise ServiceError(_("Only a finished run can be approved."))
    forbidden = set(run.rules.filter(kind=CohortRule.Kind.FORBID).values_list("left_id", "right_id"))
    settled = settled_school_pairs(run.school_year)
    with transaction.atomic():
        run = CohortRun.objects.select_for_update().get(pk=run.pk)
        if run.status != CohortRun.Status.DONE:
            raise ServiceError(_("Only a finished run can be approved."))
        pairs = [
            pair
            for pair in run.pairs.select_related("left__school", "right__school")
            if (pair.left_id, pair.right_id) not in forbidden
            and not {
                (str(pair.left.school_id), str(pair.right.school_id)),
                (str(pair.right.school_id), str(pair.left.school_id)),
            }
            & settled
        ]
        proposals = _send_cohort_proposals(run, pairs, by=by)
        run.status, run.approved_at, run.approved_by = CohortRun.Status.APPROVED, timezone.now(), by
        run.save(update_fields=["status", "approved_at", "approved_by"])
        audit.record(actor=by, action="cohort.approved", target=run, proposals=len(proposals))
    return len(proposals)


def _send_cohort_proposals(run: CohortRun, pairs: list[CohortPair], *, by) -> list[Proposal]:
    """The pairs as proposals to both schools, their validated teachers notified (in-app at once, e-mails
    from the job queue), in a few bulk queries whatever the number of pairs."""
    proposals = Proposal.objects.bulk_create(
        [
            Proposal(
                origin=Proposal.Origin.COHORT,
                left=pair.left,
                right=pair.right,
                score=pair.score,
                cohort_run=run,
                created_by=by,
            )
            for pair in pairs
        ]
    )
    teachers = teacher_users_by_school({p.left.school_id for p in pairs} | {p.right.school_id for p in pairs})
    notes = []
    for proposal in proposals:
        url = reverse("matching:proposal", args=[proposal.pk])
        for mine, other in ((proposal.left, proposal.right), (proposal.right, proposal.left)):
            params = {
                "school": other.school.name,
                "country": other.school.country_id,
                "own_school": mine.school.name,
            }
            notes += [(user, "cohort_proposal", url, params) for user in teachers[mine.school_id]]
    notify_many(notes)
    return proposals


def _in_run_scope(run: CohortRun, profile: TwinningProfile, *, side: str) -> bool:
    countries = (
        run.right_countries if side == "right" and run.shape == CohortRun.Shape.TWO_SIDES else run.left_countries
    )
    if not countries.filter(pk=profile.school.country_id).exists():
        return False
    if run.programme_id is None:
        return not profile.school.programmes.exists()
    return profile.school.programmes.filter(pk=run.programme_id).exists()


def pair_by_hand(*, run: CohortRun, left: TwinningProfile, right: TwinningProfile, by) -> CohortPair:
    """The coordinator pairs two schools the run left without a partner (or with room for one more).

    The pair keeps to every hard rule of the run (its programme's rules, never a pair already twinned
    or proposed, a language in common, each school's capacity); only the minimum fit is the
    coordinator's to overrule. Before approval it joins the run's pairs; after, it is sent at once as
    a proposal to both schools (notifying their validated teachers).
    """
    if run.status not in (CohortRun.Status.DONE, CohortRun.Status.APPROVED):
        raise ServiceError(_("Only a finished run can be completed by hand."))
    if not (_in_run_scope(run, left, side="left") and _in_run_scope(run, right, side="right")):
        raise ServiceError(_("Both schools must belong to this run's cohort."))
    if not (left.looking and right.looking) or left.school_year != run.school_year != right.school_year:
        raise ServiceError(_("Both schools must be looking for partners this year."))
    pair_rules = cohort_rules(run)
    if (rule := refusal(pair_rules, Party.of(left.school, left), Party.of(right.school, right))) is not None:
        raise ServiceError(refusal_message(rule, pair_rules))
    if (
        pair_is_settled(run.school_year, left.school_id, right.school_id)
        or run.pairs.filter(Q(left=left, right=right) | Q(left=right, right=left)).exists()
    ):
        raise ServiceError(_("These schools already have a twinning or a proposal this year."))
    one, other = engine_profiles(TwinningProfile.objects.filter(pk__in=[left.pk, right.pk]))
    if one.key != str(left.pk):
        one, other = other, one
    one_pool = run.shape == CohortRun.Shape.ONE_POOL
    verdict = engine.score_pair(one, other, when=datetime.now(UTC), one_pool=one_pool, rules=pair_rules.for_engine())
    if verdict.refusal:
        raise ServiceError(
            _("These two schools cannot be paired: %(rule)s.") % {"rule": refusal_label(verdict.refusal)}
        )
    rooms = rooms_in_run(run, [left.pk, right.pk])
    for profile in (left, right):
        if rooms[profile.pk] <= 0:
            raise ServiceError(_("%(school)s already has all the partners it wants.") % {"school": profile.school.name})
    with transaction.atomic():
        run = CohortRun.objects.select_for_update().get(pk=run.pk)
        pair = CohortPair.objects.create(
            run=run,
            left=left,
            right=right,
            score=verdict.score,
            parts=verdict.parts,
            facts=verdict.facts,
            pinned=True,
            by_hand=True,
        )
        audit.record(actor=by, action="cohort.paired_by_hand", target=run, left=left.pk, right=right.pk)
        if run.status == CohortRun.Status.APPROVED:
            _send_cohort_proposals(run, [pair], by=by)
    return pair
