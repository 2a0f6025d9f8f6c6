"""The front page, and the dashboard: what a person has to do next, one section per role they hold.

This app sits at the top of the layers, so it reads the queries of the apps whose sections it shows
(schools, matching, twinnings) directly; no app below imports it.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from twinning.accounts.rules import roles_of
from twinning.matching.queries import cohort_work_for, partner_summary_for
from twinning.schools import queries as school_queries
from twinning.schools import services as school_services
from twinning.schools.profile import teacher_checklist
from twinning.twinnings.models import Twinning
from twinning.twinnings.queries import recent_twinnings_for
from twinning.twinnings.rules import twinnings_overseen_by


def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home/home.html")


@login_required
def dashboard(request):
    """What this person has to do next, one section per role they hold."""
    user = request.user
    roles = roles_of(user)
    teacher = getattr(user, "teacher", None)
    context = {"roles": roles, "teacher": teacher}
    if teacher is not None:
        context["checklist"] = teacher_checklist(teacher)
    if roles.nso_staff or roles.admin or roles.coordinator:
        # The totals are the job's last counting (the page says when); the few waiting are counted now.
        counting = school_services.kept_counts()
        context["counted_at"], context["count_every"] = counting.counted_at, school_services.COUNT_EVERY_MINUTES
    if roles.nso_staff or roles.admin:
        context["validation_counts"] = school_queries.validation_counts_for_staff(user, counting)
        context["queue_preview"] = list(school_queries.validation_queue_for_staff(user)[:5])
    if roles.principal:
        context["awaiting_principal"] = list(school_queries.teachers_awaiting_principal(user)[:20])
    context["partners"] = partner_summary_for(user)
    context["my_twinnings"] = recent_twinnings_for(user)
    if roles.coordinator or roles.nso_staff or roles.programme_admin or roles.admin:
        context["waiting"] = _waiting_for_overseer(user)
    if roles.coordinator:
        context["coordinator_counts"] = school_queries.scope_counts_for_coordinator(user, counting)
        context["new_teachers"] = school_queries.new_teachers_for_coordinator(user)
    return render(request, "home/dashboard.html", context)


def _waiting_for_overseer(user) -> dict:
    """What waits for a coordinator (or NSO staff, or a programme's administrator): schools asking to
    join a programme they decide for, twinnings to approve, twinnings to re-match, cohort runs to
    review and the schools the latest run left without a partner."""
    # Each asked of the twinnings in that state alone: a few in the network, each checked through its schools.
    to_approve = twinnings_overseen_by(user, statuses=[Twinning.Status.ACCEPTED]).order_by("changed_at", "pk")
    cohorts = cohort_work_for(user)
    return {
        "memberships": school_queries.membership_request_count_for(user),
        "to_approve": to_approve.count(),
        "approve_first": list(to_approve[:5]),
        "rematch": twinnings_overseen_by(user, statuses=[Twinning.Status.NEEDS_PARTNER]).count(),
        **cohorts,
    }
