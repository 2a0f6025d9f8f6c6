"""Quality label pages: a teacher's applications, the NSO's evaluation, the school label, the
international label and the conference awards."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.common.errors import ServiceError
from twinning.common.http import posted_id
from twinning.common.keyset import keyset_page
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
    if not rules.can_read(request.user):
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
            "school_labels": rules.can_see_school_labels(request.user),
            "international": rules.can_award_international(request.user),
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


def _save_application(request, pk: int, *, submit: bool):
    """Save the draft's form (and send it when asked); a sent application is no longer changed."""
    application = rules.get_application_for_teacher(request.user, pk)
    if application.status != Application.Status.DRAFT:
        messages.error(request, _("A sent application can no longer be changed."))
        return redirect("recognition:application", pk=application.pk)
    form = ApplicationForm(
        request.POST, twinning=application.twinning, initial=ApplicationForm.initial_for(application)
    )
    if form.is_valid():
        try:
            services.save_application(application=application, **form.parts())
            if submit:
                services.submit_application(application=application, by=request.user)
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            if submit:
                messages.success(request, _("Sent to your NSO. You will be told of its decision."))
            else:
                messages.success(request, _("Saved. You can come back to it before sending it."))
            return redirect("recognition:application", pk=application.pk)
    return render(request, "recognition/application.html", _application_context(application, form=form, draft=True))


@login_required
def application(request, pk: int):
    """The teacher's application: written and linked while a draft, then read-only with its outcome.
    Posted here, the draft is saved."""
    if request.method == "POST":
        return _save_application(request, pk, submit=False)
    application = rules.get_application_for_teacher(request.user, pk)
    draft = application.status == Application.Status.DRAFT
    form = ApplicationForm(twinning=application.twinning, initial=ApplicationForm.initial_for(application))
    return render(request, "recognition/application.html", _application_context(application, form=form, draft=draft))


@login_required
@require_POST
def submit_application(request, pk: int):
    """The draft saved and sent to the NSO in one step."""
    return _save_application(request, pk, submit=True)


@login_required
@require_POST
def withdraw_application(request, pk: int):
    """The teacher withdraws a draft or a sent application, before it is decided."""
    application = rules.get_application_for_teacher(request.user, pk)
    try:
        services.withdraw_application(application=application, by=request.user)
    except ServiceError as problem:
        messages.error(request, problem.message)
        return redirect("recognition:application", pk=application.pk)
    messages.success(request, _("The application is withdrawn."))
    return redirect("recognition:index")


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
    page = keyset_page(request, queue, keys=queries.QUEUE_KEYS, size=50)
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
    if request.method == "POST":
        raise Http404  # scores and the decision are posted to their own addresses
    return _evaluate_page(request, application)


def _score_form(request, application: Application, data=None) -> ScoreForm:
    """The evaluator's own scores and comment so far."""
    own = Evaluation.objects.filter(application=application, evaluator=request.user).first()
    initial = {f"score_{code}": value for code, value in (own.scores if own else {}).items()}
    initial["comment"] = own.comment if own else ""
    return ScoreForm(data, initial=initial)


def _evaluate_page(request, application: Application, *, score_form=None, decision_form=None):
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
            score_form=score_form or _score_form(request, application),
            decision_form=decision_form or DecisionForm(),
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
@require_POST
def score(request, pk: int):
    """An evaluator saves their scores on the rubric and a comment."""
    application = rules.get_application_for_evaluator(request.user, pk)
    form = _score_form(request, application, request.POST)
    if form.is_valid():
        try:
            services.evaluate(
                application=application,
                evaluator=request.user,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect("recognition:evaluate", pk=application.pk)
    return _evaluate_page(request, application, score_form=form)


@login_required
@require_POST
def decide(request, pk: int):
    """An evaluator decides on the evaluators' mean scores, with feedback for the teacher."""
    application = rules.get_application_for_evaluator(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide(application=application, by=request.user, feedback=form.cleaned_data["feedback"])
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("Decided. The teacher has been told."))
            return redirect("recognition:evaluate", pk=application.pk)
    return _evaluate_page(request, application, decision_form=form)


@login_required
def international(request):
    if not rules.can_award_international(request.user):
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
    page = keyset_page(request, labels, keys=queries.LABEL_KEYS, size=100)
    return render(request, "recognition/international.html", {"form": form, "page": page})


@login_required
def school(request):
    """Principals ask for their school's label; the NSO decides on its own schools' requests."""
    _adult(request)
    if not rules.can_see_school_labels(request.user):
        raise Http404
    if request.method == "POST":
        raise Http404  # a request and a decision are posted to their own addresses
    return _school_page(request, SchoolLabelForm())


def _school_page(request, form: SchoolLabelForm):
    year = current_school_year()
    own = [
        {
            "school": s,
            "facts": services.school_label_facts(s, year),
            "request": SchoolLabelRequest.objects.filter(school=s, school_year=year).first(),
        }
        for s in rules.schools_led_by(request.user)
    ]
    pending = (
        rules.school_requests_decided_by(request.user)
        .filter(status=SchoolLabelRequest.Status.SUBMITTED)
        .select_related("school__country", "principal")
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
@require_POST
def request_school_label(request):
    """A principal asks for the label of a school they lead, with their declaration."""
    _adult(request)
    school = get_object_or_404(rules.schools_led_by(request.user), pk=posted_id(request, "school"))
    form = SchoolLabelForm(request.POST)
    if form.is_valid():
        try:
            services.request_school_label(
                school=school,
                by=request.user,
                school_year=current_school_year(),
                declaration=form.cleaned_data["declaration"],
            )
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("Sent to your NSO."))
            return redirect("recognition:school")
    return _school_page(request, form)


def _decide_school_label(request, *, award: bool):
    label_request = get_object_or_404(rules.school_requests_decided_by(request.user), pk=posted_id(request, "request"))
    decision = SchoolDecisionForm(request.POST)
    try:
        services.decide_school_label(
            request=label_request,
            by=request.user,
            award=award,
            reason=decision.cleaned_data["reason"] if decision.is_valid() else "",
        )
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("Decided. The principal has been told."))
    return redirect("recognition:school")


@login_required
@require_POST
def award_school_label(request):
    """The NSO awards the label a school asked for."""
    _adult(request)
    return _decide_school_label(request, award=True)


@login_required
@require_POST
def refuse_school_label(request):
    """The NSO refuses the label a school asked for, saying why."""
    _adult(request)
    return _decide_school_label(request, award=False)


@login_required
def awards(request):
    """Each NSO's conference awards: categories, nominated labelled projects and the winners.

    Everyone signed in sees them (they are celebrated in public); the NSO's staff manage its own.
    """
    _adult(request)
    if request.method == "POST":
        raise Http404  # a category, a nomination and a winner are posted to their own addresses
    return _awards_page(request, CategoryForm(nsos=_award_nsos(request.user)))


def _award_nsos(user) -> list[NSO]:
    """The NSOs whose awards this person manages (every one, for administrators)."""
    managed = rules.nso_ids_for_awards(user)
    return list(NSO.objects.all() if managed is None else NSO.objects.filter(pk__in=managed))


def _awards_page(request, form: CategoryForm):
    managed = rules.nso_ids_for_awards(request.user)
    year = request.GET.get("year", "")
    categories = AwardCategory.objects.all()
    if year.isascii() and year.isdigit():
        categories = categories.filter(school_year=int(year))
    page = keyset_page(request, queries.awards_for(categories), keys=queries.AWARD_KEYS, size=20)
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
        {"page": page, "rows": rows, "form": form if rules.can_manage_awards(request.user) else None, "year": year},
    )


@login_required
@require_POST
def add_category(request):
    """An NSO's staff add an award category for a school year (administrators choose the NSO)."""
    _adult(request)
    if not rules.can_manage_awards(request.user):
        raise Http404
    nsos = _award_nsos(request.user)
    form = CategoryForm(request.POST, nsos=nsos)
    if form.is_valid():
        nso = nsos[0] if "nso" not in form.cleaned_data else get_object_or_404(NSO, pk=form.cleaned_data["nso"])
        if not rules.may_manage_awards_of(request.user, nso):
            raise Http404
        try:
            services.add_category(
                nso=nso, school_year=form.cleaned_data["school_year"], names=form.cleaned_data["name"], by=request.user
            )
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            return redirect("recognition:awards")
    return _awards_page(request, form)


@login_required
@require_POST
def nominate(request, category_pk: int):
    """A labelled project of the category's NSO and school year is nominated, saying why."""
    _adult(request)
    category = rules.get_category_for_manager(request.user, category_pk)
    form = NominationForm(request.POST, labels=_nominable(category))
    try:
        if not form.is_valid():
            raise ServiceError(_("Choose a labelled project and say why it is nominated."))
        label = get_object_or_404(_nominable(category), pk=form.cleaned_data["label"])
        services.nominate(category=category, label=label, by=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as problem:
        messages.error(request, problem.message)
    return redirect("recognition:awards")


def _set_winner(request, category_pk: int, *, winner: bool):
    _adult(request)
    category = rules.get_category_for_manager(request.user, category_pk)
    nomination = get_object_or_404(
        Nomination.objects.select_related("label", "category"), pk=posted_id(request, "nomination"), category=category
    )
    services.set_winner(nomination=nomination, by=request.user, winner=winner)
    return redirect("recognition:awards")


@login_required
@require_POST
def name_winner(request, category_pk: int):
    """A nominated project is named a winner of the category (its teacher is told)."""
    return _set_winner(request, category_pk, winner=True)


@login_required
@require_POST
def unname_winner(request, category_pk: int):
    """A project named a winner by mistake is a nominee again."""
    return _set_winner(request, category_pk, winner=False)


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
