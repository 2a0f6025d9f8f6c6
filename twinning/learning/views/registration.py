"""Registering, leaving the seat or the waiting list, and the sessions as a calendar file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.common.errors import ServiceError
from twinning.learning import ics, rules, services
from twinning.learning.models import Registration


@login_required
@require_POST
def register(request, pk: int):
    offering = rules.get_offering_for_user(request.user, pk)
    try:
        registration = services.register(offering=offering, user=request.user)
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("You are registered. Add the dates to your calendar below."))
        else:
            messages.warning(
                request,
                _(
                    "All seats are taken: you are number %(n)d on the waiting list. "
                    "If a seat frees up, it is yours and you will be told."
                )
                % {"n": services.waiting_position(registration)},
            )
    return redirect("learning:offering", pk=offering.pk)


@login_required
@require_POST
def leave(request, pk: int):
    offering = rules.get_offering_for_user(request.user, pk)
    registration = rules.active_registration(request.user, offering)
    if registration is None:
        messages.error(request, _("You are not registered."))
        return redirect("learning:offering", pk=offering.pk)
    try:
        services.cancel_registration(registration=registration, by=request.user)
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        if registration.status == Registration.Status.WAITING:
            messages.success(request, _("You have left the waiting list."))
        else:
            messages.success(request, _("Your registration is cancelled."))
    return redirect("learning:offering", pk=offering.pk)


@login_required
def calendar(request, pk: int):
    """The sessions as an .ics file, with the place or link, for participants and organisers."""
    offering = rules.get_offering_for_user(request.user, pk)
    if not rules.sees_inside(request.user, offering):
        raise Http404
    body = ics.calendar(offering, list(offering.sessions.order_by("starts_at", "pk")))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="learning-{offering.pk}.ics"'
    return response
