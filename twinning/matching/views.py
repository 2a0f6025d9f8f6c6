from datetime import UTC, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.common.errors import ServiceError
from twinning.common.school_year import current_school_year
from twinning.matching import engine, rules, services
from twinning.matching.constraints import PairRules
from twinning.matching.engine.search import Filters
from twinning.matching.explain import Explainer, refusal_summary
from twinning.matching.forms import AnswerForm, CohortForm, RequestForm, SearchForm, TwinningProfileForm
from twinning.matching.models import CohortPair, CohortRule, CohortRun, Proposal, TwinningProfile
from twinning.matching.queries import (
    engine_profiles,
    filters_within_rules,
    profiles_by_pk,
    programme_of,
    schools_bound_elsewhere,
    schools_settled_with,
    search_index,
    still_open,
)
from twinning.schools.models import School
from twinning.schools.rules import teaching_school_id

PAGE_SIZE = 50


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
        messages.success(request, _("Your twinning profile is saved."))
        return redirect("matching:search")
    return render(request, "matching/profile_form.html", {"form": form, "school": school, "year": year})


@login_required
def search(request):
    school_id = teaching_school_id(request.user)
    if school_id is None:
        raise Http404
    year = current_school_year()
    own = (
        TwinningProfile.objects.filter(school_id=school_id, school_year=year)
        .select_related("programme", "school")
        .first()
    )
    if own is None:
        messages.info(request, _("Tell partners what you are looking for first: your twinning profile."))
        return redirect("matching:profile")
    form = SearchForm(request.GET or None)
    results = []
    when = datetime.now(UTC)
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        query = engine_profiles(TwinningProfile.objects.filter(pk=own.pk))[0]
        filters = Filters(
            countries=frozenset([data["country"].code]) if data.get("country") else frozenset(),
            age_from=data.get("age"),
            age_to=data.get("age"),
            language=data["language"].code if data.get("language") else None,
            theme=data["theme"].code if data.get("theme") else None,
            programme=data["programme"].slug if data.get("programme") else None,
        )
        # The programme's hard rules: its members only, ages close enough, another country if it says so.
        programme = programme_of(own)
        pair_rules = PairRules.of(programme)
        filters = filters_within_rules(
            query, filters, max_age_gap=pair_rules.max_age_gap, programme=programme.slug if programme else None
        )
        index = search_index(year)
        forbidden = schools_settled_with(school_id, year) | schools_bound_elsewhere(school_id, year)
        if pair_rules.other_country:
            forbidden |= {p.school for p in index.profiles if p.country == query.country}
        found = index.search(query, filters, limit=20, forbidden_schools=forbidden)
        if programme is not None and not pair_rules.other_country:
            # In a programme of several countries, partners abroad come before schools of one's own.
            found.sort(key=lambda item: item[0].country == query.country)
        live = still_open([int(p.key) for p, _score in found], year)
        found = [(p, score) for p, score in found if int(p.key) in live]
        rows = profiles_by_pk(int(p.key) for p, _score in found)
        explainer = Explainer()
        for partner, score in found:
            verdict = engine.score_pair(query, partner, when=when)
            results.append(
                {
                    "profile": rows[int(partner.key)],
                    "score": round(score * 100),
                    "reasons": explainer.reasons(verdict.parts, verdict.facts),
                }
            )
    return render(
        request, "matching/search.html", {"form": form, "results": results, "own": own, "request_form": RequestForm()}
    )


def _pair_score(own: TwinningProfile, partner: TwinningProfile) -> float | None:
    """The pair's score, kept with the request; None when there is no pair to score (a school's own
    profile, which the service refuses with a clear message)."""
    if own.school_id == partner.school_id:
        return None
    query, other = engine_profiles(TwinningProfile.objects.filter(pk__in=[own.pk, partner.pk]))
    if query.key != str(own.pk):
        query, other = other, query
    return engine.score_pair(query, other, when=datetime.now(UTC)).score


@login_required
@require_POST
def request_partnership(request, pk: int):
    school_id = teaching_school_id(request.user)
    if school_id is None:
        raise Http404
    year = current_school_year()
    own = TwinningProfile.objects.filter(school_id=school_id, school_year=year).select_related("school").first()
    partner = (
        TwinningProfile.objects.filter(pk=pk, school_year=year, looking=True).select_related("school__country").first()
    )
    if own is None or partner is None:
        raise Http404
    form = RequestForm(request.POST)
    form.is_valid()
    try:
        proposal = services.request_partnership(
            from_profile=own,
            to_profile=partner,
            by=request.user,
            message=form.cleaned_data.get("message", ""),
            score=_pair_score(own, partner),
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("matching:search")
    messages.success(request, _("Your request has been sent to %(school)s.") % {"school": partner.school.name})
    return redirect("matching:proposal", pk=proposal.pk)


@login_required
def proposals(request):
    rows = rules.proposals_for(request.user).select_related("left__school__country", "right__school__country")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "matching/proposals.html", {"page": page, "mine": rules.profile_school_ids(request.user)})


@login_required
def proposal_detail(request, pk: int):
    """A proposal to the person's school, and the form to accept or decline it."""
    proposal = rules.get_proposal_for_user(request.user, pk)
    if request.method == "POST":
        raise Http404  # an answer is posted to accept or decline
    return _proposal_page(request, proposal, AnswerForm())


def _own_school_id(request, proposal) -> int:
    mine = rules.profile_school_ids(request.user)
    return proposal.left.school_id if proposal.left.school_id in mine else proposal.right.school_id


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
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            return redirect("matching:cohort", pk=run.pk)
    runs = rules.runs_for(request.user).select_related("nso", "programme", "created_by")[:20]
    return render(request, "matching/cohorts.html", {"form": form, "runs": runs})


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
            "page": page,
            "rows": rows,
            "refusals": refusal_summary(run.stats.get("refusals", {})),
            "left_countries": run.left_countries.all(),
            "right_countries": run.right_countries.all(),
            "ratio": round(100 * run.total_score / run.upper_bound, 1) if run.upper_bound else None,
        },
    )


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
