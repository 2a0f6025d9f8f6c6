from datetime import UTC, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.common.errors import ServiceError
from twinning.common.http import posted_id
from twinning.common.keyset import keyset_page
from twinning.common.school_year import current_school_year
from twinning.matching import engine, rules, services, unmatched
from twinning.matching.constraints import PairRules
from twinning.matching.engine.search import Filters
from twinning.matching.explain import Explainer, refusal_label, refusal_summary
from twinning.matching.forms import AnswerForm, CohortForm, RequestForm, SearchForm, TwinningProfileForm
from twinning.matching.models import CohortPair, CohortRule, CohortRun, Proposal, TwinningProfile
from twinning.matching.queries import (
    engine_profiles_of,
    filters_within_rules,
    pair_score,
    profiles_by_pk,
    programmes_of_school,
    rooms_in_run,
    schools_bound_elsewhere,
    schools_settled_with,
    schools_sharing_no_programme,
    search_index,
    search_profile_of,
    search_programme_of,
    shown_profiles,
    with_room,
)
from twinning.matching.results import ResultWriter
from twinning.schools.models import School
from twinning.schools.queries import responsiveness_of
from twinning.schools.rules import programmes_ruled_by, teaching_school_id

PAGE_SIZE = 50
# A school's proposals, newest first, paged by key (`common.keyset`).
PROPOSAL_KEYS = ("-created_at", "-pk")


def _profile_school(request) -> School:
    schools = rules.profile_school_ids(request.user)
    if not schools:
        raise Http404
    wanted = request.GET.get("school") or request.POST.get("school")
    school_id = int(wanted) if wanted and wanted.isdigit() and int(wanted) in schools else min(schools)
    return School.objects.select_related("country").get(pk=school_id)


@login_required
def edit_profile(request):
    school = _profile_school(request)
    year = current_school_year()
    profile = TwinningProfile.objects.filter(school=school, school_year=year).first()
    if profile is None:
        profile = TwinningProfile(
            school=school,
            school_year=year,
            time_zone=school.time_zone,
            school_week=school.school_week,
            age_from=school.age_from,
            age_to=school.age_to,
            created_by=request.user,
        )
    form = TwinningProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile = form.save()
        if "vision" in form.changed_data or profile.vision_vector is None:
            services.update_vision(profile=profile)
        services.record_search_changes(school_ids=[profile.school_id])
        messages.success(request, _("Your twinning profile is saved."))
        return redirect("matching:search")
    return render(request, "matching/profile_form.html", {"form": form, "school": school, "year": year})


@login_required
def search(request):
    school_id = teaching_school_id(request.user)
    if school_id is None:
        raise Http404
    year = current_school_year()
    own = search_profile_of(school_id, year)
    if own is None:
        messages.info(request, _("Tell partners what you are looking for first: your twinning profile."))
        return redirect("matching:profile")
    # Partners are found within one of the school's programmes: the one chosen, else the profile's own.
    programmes = programmes_of_school(school_id)
    form = SearchForm(request.GET or None, programmes=programmes)
    default = search_programme_of(own, programmes)
    if not form.is_bound and default is not None:
        form.initial["programme"] = default.pk
    results = []
    when = datetime.now(UTC)
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        query = engine_profiles_of([own.pk])[0]
        filters = Filters(
            countries=frozenset([data["country"].code]) if data.get("country") else frozenset(),
            age_from=data.get("age"),
            age_to=data.get("age"),
            language=data["language"].code if data.get("language") else None,
            theme=data["theme"].code if data.get("theme") else None,
        )
        # The programme's hard rules: its members only, ages close enough, another country if it says so.
        programme = data.get("programme") or default
        pair_rules = PairRules.of(programme)
        filters = filters_within_rules(
            query, filters, max_age_gap=pair_rules.max_age_gap, programme=programme.slug if programme else None
        )
        forbidden = schools_settled_with(school_id, year)
        if programme is None:
            # A school outside every programme meets only schools outside every programme.
            forbidden |= schools_sharing_no_programme(school_id)
        found, rows = _best_partners(
            search_index(year),
            query,
            filters,
            pair_rules,
            forbidden=forbidden,
            school_id=school_id,
            year=year,
            mine={p.pk for p in programmes},
        )
        if programme is not None and not pair_rules.other_country:
            # In a programme of several countries, partners abroad come before schools of one's own.
            found.sort(key=lambda item: item[0].country == query.country)
        # Checked against the database before they are shown: still looking, with room.
        rows = with_room(rows)
        found = [(p, score) for p, score in found if int(p.key) in rows]
        responsive = responsiveness_of(int(p.school) for p, _score in found)
        explainer = Explainer()
        school_url, request_url = _url_by_pk("schools:detail"), _url_by_pk("matching:request")
        for partner, score in found:
            verdict = engine.score_pair(query, partner, when=when)
            reasons = explainer.reasons(verdict.parts, verdict.facts)
            profile = rows[int(partner.key)]
            results.append(
                {
                    "profile": profile,
                    "school_url": school_url(profile.school_id),
                    "request_url": request_url(profile.pk),
                    "responsiveness": responsive.get(int(partner.school)),
                    "score": round(score * 100),
                    "reasons": reasons,
                    "reasons_html": explainer.html(reasons),
                }
            )
    request_form = RequestForm()
    # Every result's request form has the same empty message box: drawn once, not once per result.
    message_field = render_to_string("common/field.html", {"field": request_form["message"]}) if results else ""
    if results:
        # Twenty cards written in Python, as `matching/_result.html` writes them (see `results`).
        writer = ResultWriter(csrf_token=get_token(request), message_field=message_field)
        for result in results:
            result["html"] = writer.html(result)
    return render(
        request,
        "matching/search.html",
        {"form": form, "results": results, "own": own, "request_form": request_form, "message_field": message_field},
    )


def _url_by_pk(name: str):
    """`reverse(name, args=[pk])` for many primary keys, reversed once: the URL around a marker number,
    which the int converter writes as it writes any (`str`), with each key put in its place."""
    marker = 2**31 - 1
    before, _marker, after = reverse(name, args=[marker]).partition(str(marker))
    return lambda pk: f"{before}{int(pk)}{after}"


SEARCH_RESULTS = 20
# Rounds of the search that leave out the schools bound elsewhere found among its results, before it reads
# them all at once.
BOUND_ROUNDS = 3


def _best_partners(
    index, query, filters, pair_rules, *, forbidden: frozenset[str], school_id: int, year: int, mine: set[int]
) -> tuple[list, dict[int, TwinningProfile]]:
    """The best partners, less the schools bound to a programme this school is not in (never offered),
    and what the page shows of those still looking (`shown_profiles`).

    Reading which schools are bound means reading every open profile and programme membership, on
    every search. Few of the best results are bound, though: each round reads the bindings of its
    results only, and searches again without those it found bound, until none is. The answer is the
    same: the best of a set, checked to hold none of the excluded, are the best once they are excluded
    too. After `BOUND_ROUNDS` rounds every binding is read at once.
    """
    for _round in range(BOUND_ROUNDS):
        found = index.search(
            query, filters, limit=SEARCH_RESULTS, forbidden_schools=forbidden, rules=pair_rules.for_engine()
        )
        rows, bound = shown_profiles([int(p.key) for p, _score in found], year, mine=mine)
        if not bound:
            return found, rows
        forbidden |= bound
    forbidden |= schools_bound_elsewhere(school_id, year, mine=mine)
    found = index.search(
        query, filters, limit=SEARCH_RESULTS, forbidden_schools=forbidden, rules=pair_rules.for_engine()
    )
    return found, shown_profiles([int(p.key) for p, _score in found], year, mine=mine)[0]


@login_required
@require_POST
def request_partnership(request, pk: int):
    own, partner = rules.get_profiles_for_request(request.user, pk)
    form = RequestForm(request.POST)
    form.is_valid()
    try:
        proposal = services.request_partnership(
            from_profile=own,
            to_profile=partner,
            by=request.user,
            message=form.cleaned_data.get("message", ""),
            score=pair_score(own, partner),
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("matching:search")
    messages.success(request, _("Your request has been sent to %(school)s.") % {"school": partner.school.name})
    return redirect("matching:proposal", pk=proposal.pk)


@login_required
def proposals(request):
    rows = rules.proposals_for(request.user).select_related("left__school__country", "right__school__country")
    page = keyset_page(request, rows, keys=PROPOSAL_KEYS, size=PAGE_SIZE)
    return render(request, "matching/proposals.html", {"page": page, "mine": rules.profile_school_ids(request.user)})


@login_required
def proposal_detail(request, pk: int):
    """A proposal to the person's school, and the form to accept or decline it."""
    proposal = rules.get_proposal_for_user(request.user, pk)
    if request.method == "POST":
        raise Http404  # an answer is posted to accept or decline
    return _proposal_page(request, proposal, AnswerForm())


def _own_school_id(request, proposal) -> int:
    return rules.answering_school_id(request.user, proposal)


def _proposal_page(request, proposal, form: AnswerForm):
    own_school = _own_school_id(request, proposal)
    has_answered = proposal.left_accepted if own_school == proposal.left.school_id else proposal.right_accepted
    other = proposal.right if own_school == proposal.left.school_id else proposal.left
    return render(
        request,
        "matching/proposal.html",
        {
            "proposal": proposal,
            "form": form,
            "other": other,
            "can_answer": (proposal.status == Proposal.Status.PENDING and not has_answered),
        },
    )


def _answer(request, pk: int, *, accept: bool):
    proposal = rules.get_proposal_for_user(request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_proposal(
                proposal=proposal,
                school_id=_own_school_id(request, proposal),
                by=request.user,
                accept=accept,
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your answer has been recorded."))
            return redirect("matching:proposal", pk=proposal.pk)
    return _proposal_page(request, proposal, form)


@login_required
@require_POST
def accept_proposal(request, pk: int):
    """A teacher accepts a proposed partner for their school."""
    return _answer(request, pk, accept=True)


@login_required
@require_POST
def decline_proposal(request, pk: int):
    """A teacher declines a proposed partner for their school, saying why."""
    return _answer(request, pk, accept=False)


@login_required
def cohorts(request):
    if not rules.can_run_cohorts(request.user):
        raise Http404
    form = CohortForm(
        request.POST or None,
        home_countries=rules.home_countries(request.user),
        programmes=rules.cohort_programmes(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nso, programme = rules.cohort_scope(
                request.user, left_countries=list(data["left_countries"]), programme=data.get("programme")
            )
            run = services.start_cohort_run(
                by=request.user,
                nso=nso,
                programme=programme,
                school_year=current_school_year(),
                shape=data["shape"],
                left_countries=list(data["left_countries"]),
                right_countries=list(data["right_countries"]) if data["shape"] == CohortRun.Shape.TWO_SIDES else [],
                min_score=data["min_fit"] / 100,
                fairness=data["fairness"],
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            return redirect("matching:cohort", pk=run.pk)
    runs = rules.runs_for(request.user).select_related("nso", "programme", "created_by")[:20]
    return render(
        request,
        "matching/cohorts.html",
        {"form": form, "runs": runs, "ruled_programmes": programmes_ruled_by(request.user)},
    )


@login_required
def cohort_detail(request, pk: int):
    run = rules.get_run_for_user(request.user, pk)
    if request.htmx and run.status in (CohortRun.Status.QUEUED, CohortRun.Status.RUNNING):
        return render(request, "matching/_progress.html", {"run": run})
    if request.htmx:
        # Finished while the page was polling: load the whole page.
        response = render(request, "matching/_progress.html", {"run": run})
        response["HX-Refresh"] = "true"
        return response
    pairs = run.pairs.select_related("left__school__country", "right__school__country")
    # A cohort run's pairs keep Paginator: a run pairs the schools of one programme's call (a few hundred pairs), and
    # its page shows the number of pairs and posts back the page number it was on.
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    rules_by_pair = {(r.left_id, r.right_id): r.kind for r in run.rules.all()}
    explainer = Explainer()
    rows = [
        {
            "pair": pair,
            "rule": rules_by_pair.get((pair.left_id, pair.right_id)),
            "reasons": explainer.reasons(pair.parts, pair.facts),
        }
        for pair in page
    ]
    return render(
        request,
        "matching/cohort.html",
        {
            "run": run,
            "unmatched": _unmatched_rows(run),
            "may_pair_by_hand": rules.may_pair_by_hand(request.user, run),
            "page": page,
            "rows": rows,
            "refusals": refusal_summary(run.stats.get("refusals", {})),
            "left_countries": run.left_countries.all(),
            "right_countries": run.right_countries.all(),
            "ratio": round(100 * run.total_score / run.upper_bound, 1) if run.upper_bound else None,
            "fairness": run.stats.get("fairness"),
        },
    )


def _unmatched_rows(run: CohortRun) -> list[dict]:
    """The schools the run left without a partner (as the job explained them), less those paired by
    hand since; for each, its best possible partners, what stopped each, and the rules' counts."""
    report = run.stats.get("unmatched_schools") or []
    if not report:
        return []
    keys = {int(row["key"]) for row in report} | {int(key) for row in report for key, _fit, _why in row["best"]}
    profiles = profiles_by_pk(keys)
    rooms = rooms_in_run(run, keys)
    first_side = set(run.left_countries.values_list("pk", flat=True))
    rows = []
    for row in report:
        key = int(row["key"])
        if key not in profiles or rooms.get(key, 0) <= 0:
            continue
        best = []
        for partner, fit, why in row["best"]:
            partner = int(partner)
            if partner not in profiles:
                continue
            if rooms.get(partner, 0) <= 0:
                why = unmatched.PARTNER_FULL  # whatever stopped it in the run, it has no room now
            best.append(
                {
                    "profile": profiles[partner],
                    "fit": round(fit * 100),
                    "why": why,
                    "label": refusal_label(why),
                    "can_pair": why != unmatched.PARTNER_FULL and rooms.get(partner, 0) > 0,
                }
            )
        on_first_side = run.shape == CohortRun.Shape.ONE_POOL or profiles[key].school.country_id in first_side
        rows.append(
            {
                "profile": profiles[key],
                "on_first_side": on_first_side,
                "examined": row["counts"].get("examined", 0),
                "counts": refusal_summary(row["counts"]),
                "best": best,
            }
        )
    return rows


@login_required
@require_POST
def cohort_pair(request, pk: int):
    """The coordinator pairs two schools of a finished run by hand."""
    run = rules.get_run_for_user(request.user, pk)
    if not rules.may_pair_by_hand(request.user, run):
        raise Http404
    found = profiles_by_pk([posted_id(request, "left"), posted_id(request, "right")])
    left, right = found.get(posted_id(request, "left")), found.get(posted_id(request, "right"))
    if left is None or right is None:
        raise Http404
    try:
        services.pair_by_hand(run=run, left=left, right=right, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(left)s and %(right)s are paired.") % {"left": left.school.name, "right": right.school.name},
        )
    return redirect(reverse("matching:cohort", args=[run.pk]) + "#unmatched")


@login_required
@require_POST
def cohort_rule(request, pk: int, pair_pk: int):
    run = rules.get_run_for_user(request.user, pk)
    pair = CohortPair.objects.filter(run=run, pk=pair_pk).first()
    if pair is None:
        raise Http404
    kind = request.POST.get("kind") or None
    if kind not in (None, CohortRule.Kind.PIN, CohortRule.Kind.FORBID):
        raise Http404
    try:
        services.set_cohort_rule(run=run, pair=pair, kind=kind, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(f"{request.path.rsplit('/pairs/', 1)[0]}/?page={request.POST.get('page', 1)}")


@login_required
@require_POST
def cohort_rerun(request, pk: int):
    run = rules.get_run_for_user(request.user, pk)
    new = services.rerun_cohort(run=run, by=request.user)
    return redirect("matching:cohort", pk=new.pk)


@login_required
@require_POST
def cohort_approve(request, pk: int):
    run = rules.get_run_for_user(request.user, pk)
    try:
        created = services.approve_cohort_run(run=run, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)d proposals were sent to the schools.") % {"count": created})
    return redirect("matching:cohort", pk=run.pk)
