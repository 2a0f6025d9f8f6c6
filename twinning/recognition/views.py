"""Quality label pages: a teacher's applications, the NSO's evaluation, the school label, the
international label and the conference awards."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from twinning.accounts.rules import roles_of
from twinning.common.errors import ServiceError
from twinning.common.http import posted_id
from twinning.common.school_year import current_school_year
from twinning.recognition import queries, rubric, rules, services
from twinning.recognition.forms import (
    ApplicationForm,
    CategoryForm,
    DecisionForm,
    InternationalForm,
    NominationForm,
    SchoolDecisionForm,
    SchoolLabelForm,
    ScoreForm,
)
from twinning.recognition.models import Application, AwardCategory, Evaluation, Label, Nomination, SchoolLabelRequest
from twinning.schools.models import NSO
from twinning.schools.rules import can_seek_partners


def _adult(request):
    if hasattr(request.user, "pupil"):
        raise Http404


@login_required
def index(request):
    _adult(request)
    year = current_school_year()
    teacher = can_seek_partners(request.user)
    applications = (
        Application.objects.filter(teacher=request.user).select_related("twinning").order_by("-created_at")
        if teacher
        else []
    )
    applied = {a.twinning_id for a in applications if a.status != Application.Status.WITHDRAWN}
    twinnings = [
        t for t in rules.twinnings_to_apply_for(request.user).order_by("-school_year", "pk") if t.pk not in applied
    ]
    roles = roles_of(request.user)
    return render(
        request,
        "recognition/index.html",
        {
            "teacher": teacher,
            "applications": applications,
            "twinnings": twinnings,
            "sent": services.counted_this_year(request.user, year) if teacher else 0,
            "cap": rubric.APPLICATIONS_PER_YEAR,
            "year": year,
            "evaluator": rules.is_evaluator(request.user),
            "principal": roles.principal,
            "admin": roles.admin,
            "labels": queries.labels_of_teacher(request.user),
        },
    )


@login_required
def apply(request, twinning_pk: int):
    if request.method != "POST":
        raise Http404
    twinning = rules.get_twinning_to_apply_for(request.user, twinning_pk)
    try:
        application = services.start_application(twinning=twinning, teacher=request.user)
    except ServiceError as problem:
        messages.error(request, problem.message)
        return redirect("recognition:index")
    return redirect("recognition:application", pk=application.pk)


@login_required
def application(request, pk: int):
    """The teacher's application: written and linked while a draft, then read-only with its outcome."""
    application = rules.get_application_for_teacher(request.user, pk)
    draft = application.status == Application.Status.DRAFT
    form = ApplicationForm(
        request.POST if request.method == "POST" and draft else None,
        twinning=application.twinning,
        initial=ApplicationForm.initial_for(application),
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "withdraw" or not draft:
            try:
                if action != "withdraw":
                    raise ServiceError(_("A sent application can no longer be changed."))
                services.withdraw_application(application=application, by=request.user)
            except ServiceError as problem:
                messages.error(request, problem.message)
                return redirect("recognition:application", pk=application.pk)
            messages.success(request, _("The application is withdrawn."))
            return redirect("recognition:index")
        if form.is_valid():
            try:
                services.save_application(application=application, **form.parts())
                if action == "submit":
                    services.submit_application(application=application, by=request.user)
            except ServiceError as problem:
                form.add_error(None, problem.message)
            else:
                if action == "submit":
                    messages.success(request, _("Sent to your NSO. You will be told of its decision."))
                else:
                    messages.success(request, _("Saved. You can come back to it before sending it."))
                return redirect("recognition:application", pk=application.pk)
    return render(request, "recognition/application.html", _application_context(application, form=form, draft=draft))


def _application_context(application: Application, **extra) -> dict:
    texts = [(c, application.texts.get(c.code, "")) for c in rubric.CRITERIA]
    evidence = {
        "pages": application.evidence_pages.all(),
        "threads": application.evidence_threads.all(),
        "media": application.evidence_media.all(),
        "meetings": application.evidence_meetings.all(),
    }
    return {"application": application, "texts": texts, "evidence": evidence, **extra}


@login_required
def evaluations(request):
    if not rules.is_evaluator(request.user):
        raise Http404
    status = request.GET.get("status", Application.Status.SUBMITTED)
    if status not in (Application.Status.SUBMITTED, Application.Status.AWARDED, Application.Status.NOT_AWARDED):
        status = Application.Status.SUBMITTED
    queue = queries.queue_for(rules.applications_evaluated_by(request.user), status=status)
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "recognition/evaluations.html",
        {
            "page": page,
            "status": status,
            "statuses": [
                (Application.Status.SUBMITTED, Application.Status.SUBMITTED.label),
                (Application.Status.AWARDED, Application.Status.AWARDED.label),
                (Application.Status.NOT_AWARDED, Application.Status.NOT_AWARDED.label),
            ],
        },
    )


@login_required
def evaluate(request, pk: int):
    """Score on the rubric; once scored, decide on the evaluators' mean (the minimums apply)."""
    application = rules.get_application_for_evaluator(request.user, pk)
    own = Evaluation.objects.filter(application=application, evaluator=request.user).first()
    initial = {f"score_{code}": value for code, value in (own.scores if own else {}).items()}
    initial["comment"] = own.comment if own else ""
    action = request.POST.get("action") if request.method == "POST" else None
    score_form = ScoreForm(request.POST if action == "score" else None, initial=initial)
    decision_form = DecisionForm(request.POST if action == "decide" else None)
    if action == "score" and score_form.is_valid():
        try:
            services.evaluate(
                application=application,
                evaluator=request.user,
                scores=score_form.scores(),
                comment=score_form.cleaned_data["comment"],
            )
        except ServiceError as problem:
            score_form.add_error(None, problem.message)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect("recognition:evaluate", pk=application.pk)
    if action == "decide" and decision_form.is_valid():
        try:
            services.decide(application=application, by=request.user, feedback=decision_form.cleaned_data["feedback"])
        except ServiceError as problem:
            decision_form.add_error(None, problem.message)
        else:
            messages.success(request, _("Decided. The teacher has been told."))
            return redirect("recognition:evaluate", pk=application.pk)
    evaluations = list(application.evaluations.select_related("evaluator"))
    verdict = services.verdict_of(application)
    means = rubric.mean_scores(e.scores for e in evaluations)
    rows = [
        {
            "criterion": criterion,
            "subs": [
                {"sub": sub, "scores": [e.scores.get(sub.code) for e in evaluations], "mean": means.get(sub.code)}
                for sub in criterion.subs
            ],
        }
        for criterion in rubric.CRITERIA
    ]
    return render(
        request,
        "recognition/evaluate.html",
        _application_context(
            application,
            score_form=score_form,
            decision_form=decision_form,
            evaluations=evaluations,
            rows=rows,
            verdict=verdict,
            below=[str(sub.label) for sub in rubric.SUBS if verdict and sub.code in verdict.below_minimum],
            pass_mark=rubric.PASS_MARK,
            total=rubric.TOTAL,
            open=application.status == Application.Status.SUBMITTED,
        ),
    )


@login_required
def international(request):
    if not roles_of(request.user).admin:
        raise Http404
    form = InternationalForm(request.POST or None, initial={"school_year": current_school_year() - 1, "share": 20})
    if request.method == "POST" and form.is_valid():
        created = services.award_international_labels(
            school_year=form.cleaned_data["school_year"], by=request.user, share=form.cleaned_data["share"] / 100
        )
        messages.success(request, _("International labels awarded: %(n)d.") % {"n": len(created)})
        return redirect("recognition:international")
    labels = Label.objects.filter(kind=Label.Kind.INTERNATIONAL).select_related(
        "twinning", "school__country", "teacher"
    )
    page = Paginator(labels, 100).get_page(request.GET.get("page"))
    return render(request, "recognition/international.html", {"form": form, "page": page})


@login_required
def school(request):
    """Principals ask for their school's label; the NSO decides on its own schools' requests."""
    _adult(request)
    year = current_school_year()
    schools = list(rules.schools_led_by(request.user))
    decided_by_me = rules.school_requests_decided_by(request.user)
    if not schools and not (rules.is_evaluator(request.user)):
        raise Http404
    form = SchoolLabelForm(request.POST if request.POST.get("action") == "request" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "request":
            school = get_object_or_404(rules.schools_led_by(request.user), pk=posted_id(request, "school"))
            if form.is_valid():
                try:
                    services.request_school_label(
                        school=school, by=request.user, school_year=year, declaration=form.cleaned_data["declaration"]
                    )
                except ServiceError as problem:
                    form.add_error(None, problem.message)
                else:
                    messages.success(request, _("Sent to your NSO."))
                    return redirect("recognition:school")
        elif action in ("award", "refuse"):
            label_request = get_object_or_404(decided_by_me, pk=posted_id(request, "request"))
            decision = SchoolDecisionForm(request.POST)
            try:
                services.decide_school_label(
                    request=label_request,
                    by=request.user,
                    award=action == "award",
                    reason=decision.cleaned_data["reason"] if decision.is_valid() else "",
                )
            except ServiceError as problem:
                messages.error(request, problem.message)
            else:
                messages.success(request, _("Decided. The principal has been told."))
            return redirect("recognition:school")
    own = [
        {
            "school": s,
            "facts": services.school_label_facts(s, year),
            "request": SchoolLabelRequest.objects.filter(school=s, school_year=year).first(),
        }
        for s in schools
    ]
    pending = (
        decided_by_me.filter(status=SchoolLabelRequest.Status.SUBMITTED).select_related("school__country", "principal")
        if rules.is_evaluator(request.user)
        else SchoolLabelRequest.objects.none()
    )
    return render(
        request,
        "recognition/school.html",
        {
            "own": own,
            "form": form,
            "year": year,
            "pending": [
                {"request": r, "facts": services.school_label_facts(r.school, r.school_year)} for r in pending[:50]
            ],
            "decision_form": SchoolDecisionForm(),
        },
    )


@login_required
def awards(request):
    """Each NSO's conference awards: categories, nominated labelled projects and the winners.

    Everyone signed in sees them (they are celebrated in public); the NSO's staff manage its own.
    """
    _adult(request)
    managed = rules.nso_ids_for_awards(request.user)
    nsos = list(NSO.objects.all() if managed is None else NSO.objects.filter(pk__in=managed))
    can_manage = managed is None or bool(managed)
    form = CategoryForm(request.POST if request.POST.get("action") == "category" else None, nsos=nsos)
    if request.method == "POST":
        if not can_manage or not nsos:
            raise Http404
        action = request.POST.get("action")
        if action == "category" and form.is_valid():
            nso = nsos[0] if "nso" not in form.cleaned_data else get_object_or_404(NSO, pk=form.cleaned_data["nso"])
            if managed is not None and nso.pk not in managed:
                raise Http404
            try:
                services.add_category(
                    nso=nso,
                    school_year=form.cleaned_data["school_year"],
                    names=form.cleaned_data["name"],
                    by=request.user,
                )
            except ServiceError as problem:
                form.add_error(None, problem.message)
            else:
                return redirect("recognition:awards")
        elif action in ("nominate", "winner", "not_winner"):
            category = rules.get_category_for_manager(request.user, posted_id(request, "category"))
            try:
                if action == "nominate":
                    nomination_form = NominationForm(request.POST, labels=_nominable(category))
                    if not nomination_form.is_valid():
                        raise ServiceError(_("Choose a labelled project and say why it is nominated."))
                    label = get_object_or_404(_nominable(category), pk=nomination_form.cleaned_data["label"])
                    services.nominate(
                        category=category, label=label, by=request.user, reason=nomination_form.cleaned_data["reason"]
                    )
                else:
                    nomination = get_object_or_404(
                        Nomination.objects.select_related("label", "category"),
                        pk=posted_id(request, "nomination"),
                        category=category,
                    )
                    services.set_winner(nomination=nomination, by=request.user, winner=action == "winner")
            except ServiceError as problem:
                messages.error(request, problem.message)
            return redirect("recognition:awards")
    year = request.GET.get("year", "")
    categories = AwardCategory.objects.all()
    if year.isascii() and year.isdigit():
        categories = categories.filter(school_year=int(year))
    page = Paginator(queries.awards_for(categories.order_by("-school_year", "nso_id", "pk")), 20).get_page(
        request.GET.get("page")
    )
    # The labelled projects each managed category may nominate, for the whole page in one query.
    shown = [c for c in page.object_list if managed is None or c.nso_id in managed]
    choices: dict[tuple[int, int], list[Label]] = {}
    if shown:
        for label in _labels_for(nso_ids={c.nso_id for c in shown}, school_years={c.school_year for c in shown}):
            choices.setdefault((label.school.country.nso_id, label.school_year), []).append(label)
    rows = [
        {
            "category": c,
            "form": NominationForm(labels=choices.get((c.nso_id, c.school_year), [])) if c in shown else None,
        }
        for c in page.object_list
    ]
    return render(
        request,
        "recognition/awards.html",
        {"page": page, "rows": rows, "form": form if can_manage and nsos else None, "year": year},
    )


def _labels_for(*, nso_ids, school_years):
    return (
        Label.objects.filter(
            kind__in=[Label.Kind.NATIONAL, Label.Kind.INTERNATIONAL],
            school_year__in=school_years,
            school__country__nso_id__in=nso_ids,
        )
        .select_related("twinning", "school__country")
        .order_by("-score", "pk")
    )


def _nominable(category: AwardCategory):
    return _labels_for(nso_ids={category.nso_id}, school_years={category.school_year})
