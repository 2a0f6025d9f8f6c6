from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from twinning.common.errors import ServiceError
from twinning.common.http import posted_id
from twinning.common.keyset import keyset_page
from twinning.coordination import queries, rules, services
from twinning.coordination.forms import CaseloadFilter, GuidanceForm, PolicyForm
from twinning.coordination.health import Policy
from twinning.coordination.models import GuidanceEntry, Nudge, NudgePolicy, State, TwinningHealth
from twinning.schools.models import Programme
from twinning.twinnings.models import TwinningSchool
from twinning.twinnings.rules import twinnings_overseen_by

PAGE_SIZE = 200

# Why a twinning is not thriving, in the reader's language.
REASONS = {
    "silent": gettext_lazy("a school has been silent past the programme's limit"),
    "quiet": gettext_lazy("a school has gone quiet"),
    "overdue": gettext_lazy("planned activities are overdue"),
    "pending": gettext_lazy("pupils' posts wait for a teacher"),
    "slow_replies": gettext_lazy("answers take over a week"),
    "no_meeting": gettext_lazy("no live meeting yet"),
}


@login_required
def caseload(request):
    """Every twinning in the person's care with its health, sortable and filterable."""
    if not rules.can_see_caseload(request.user):
        raise Http404
    overseen = twinnings_overseen_by(request.user)
    programmes = Programme.objects.filter(pk__in=overseen.values("programme_id"))
    form = CaseloadFilter(request.GET or None, programmes=programmes)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = filters.get("sort") or "silent"
    twinnings = queries.caseload_for(
        request.user, state=filters.get("state") or "", programme=filters.get("programme"), sort=sort
    )
    page = keyset_page(request, twinnings, keys=queries.caseload_keys(sort), size=PAGE_SIZE)
    # The states counted and the latest check read in one pass over the scope's health, not one each.
    checked = TwinningHealth.objects.filter(twinning__in=overseen).aggregate(
        computed_at=Max("computed_at"), **{value: Count("pk", filter=Q(state=value)) for value in State.values}
    )
    rows = []
    for twinning in page.object_list:
        health = getattr(twinning, "health", None)
        rows.append(
            {
                "twinning": twinning,
                "health": health,
                "reasons": [str(REASONS[r]) for r in (health.reasons if health else []) if r in REASONS],
                "step": twinning.open_steps[0] if twinning.open_steps else None,
                **_reply(health),
            }
        )
    return render(
        request,
        "coordination/caseload.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "counts": [(value, label, checked[value]) for value, label in State.choices],
            "manages_limits": rules.can_set_limits(request.user),
            "computed_at": checked["computed_at"],
        },
    )


@login_required
def detail(request, pk: int):
    """One twinning's health in detail and its guidance log; posted here, the form adds to the log."""
    twinning = rules.get_twinning_for_coordinator(request.user, pk)
    form = GuidanceForm(request.POST or None, initial={"happened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_guidance(twinning=twinning, by=request.user, **form.cleaned_data)
        except ServiceError as problem:
            form.add_error("text", problem.message)
        else:
            messages.success(request, _("Added to the guidance log."))
            return redirect("coordination:detail", pk=twinning.pk)
    health = TwinningHealth.objects.filter(twinning=twinning).first()
    schools = []
    for row in TwinningSchool.objects.filter(twinning=twinning, status=TwinningSchool.Status.JOINED).select_related(
        "school__country", "contact", "second_contact"
    ):
        stamp = (health.last_activity or {}).get(str(row.school_id)) if health else None
        last = datetime.fromisoformat(stamp) if stamp else None
        # Days of silence as of the last check, counted from the twinning's start when the school never shared.
        silent = max(0, (health.computed_at - (last or twinning.created_at)).days) if health else None
        schools.append({"row": row, "last": last, "silent_days": silent})
    return render(
        request,
        "coordination/detail.html",
        {
            "twinning": twinning,
            "health": health,
            "reasons": [str(REASONS[r]) for r in (health.reasons if health else []) if r in REASONS],
            "schools": schools,
            "guidance": queries.guidance_of(twinning),
            "nudges": Nudge.objects.filter(twinning=twinning).select_related("school")[:20],
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def recompute(request, pk: int):
    """Check the twinning's health now rather than tonight."""
    twinning = rules.get_twinning_for_coordinator(request.user, pk)
    services.compute_health(twinning_ids=[twinning.pk])
    messages.success(request, _("The twinning's health is up to date."))
    return redirect("coordination:detail", pk=twinning.pk)


@login_required
@require_POST
def mark_done(request, pk: int):
    """A next step of the guidance log is done."""
    twinning = rules.get_twinning_for_coordinator(request.user, pk)
    entry = get_object_or_404(GuidanceEntry, pk=posted_id(request, "entry"), twinning=twinning)
    services.mark_step_done(entry=entry, by=request.user)
    return redirect("coordination:detail", pk=twinning.pk)


def _reply(health) -> dict:
    hours = health.median_reply_hours if health else None
    if hours is None:
        return {"reply_hours": None, "reply_days": None}
    return {"reply_hours": round(hours), "reply_days": round(hours / 24)}


def _limits(programmes) -> list[dict]:
    stored = {p.programme_id: p for p in NudgePolicy.objects.filter(programme__in=programmes)}
    default = Policy()
    return [
        {
            "programme": programme,
            "remind": stored[programme.pk].remind_after_days if programme.pk in stored else default.remind_after,
            "alert": stored[programme.pk].alert_after_days if programme.pk in stored else default.alert_after,
            "custom": programme.pk in stored,
        }
        for programme in programmes
    ]


@login_required
def policies(request):
    """Each programme's silence limits, for those who set them."""
    programmes = list(rules.programmes_managed_by(request.user).order_by("slug"))
    if not programmes:
        raise Http404
    return render(request, "coordination/policies.html", {"rows": _limits(programmes)})


@login_required
def policy(request, programme_pk: int):
    programme = rules.get_programme_for_manager(request.user, programme_pk)
    (current,) = _limits([programme])
    form = PolicyForm(
        request.POST or None,
        initial={"remind_after_days": current["remind"], "alert_after_days": current["alert"]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_nudge_policy(programme=programme, by=request.user, **form.cleaned_data)
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("Saved. Tonight's health check uses the new limits."))
            return redirect("coordination:policies")
    return render(request, "coordination/policy.html", {"programme": programme, "form": form})
