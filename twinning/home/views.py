"""The front page, and the dashboard: what a person has to do next, one section per role they hold.

This app sits at the top of the layers, so it reads the queries of the apps whose sections it shows
(schools, matching, twinnings) directly; no app below imports it.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from twinning.accounts.rules import roles_of
from twinning.matching.queries import partner_summary_for
from twinning.schools import queries as school_queries
from twinning.schools.profile import teacher_checklist
from twinning.twinnings.queries import recent_twinnings_for


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
    if roles.nso_staff or roles.admin:
        context["validation_counts"] = school_queries.validation_counts_for_staff(user)
        context["queue_preview"] = list(school_queries.validation_queue_for_staff(user)[:5])
    if roles.principal:
        context["awaiting_principal"] = list(school_queries.teachers_awaiting_principal(user)[:20])
    context["partners"] = partner_summary_for(user)
    context["my_twinnings"] = recent_twinnings_for(user)
    if roles.coordinator:
        context["coordinator_counts"] = school_queries.scope_counts_for_coordinator(user)
        context["new_teachers"] = school_queries.new_teachers_for_coordinator(user)
    return render(request, "home/dashboard.html", context)
