"""The listing, what a person organises, creating and editing an offering, its page, publishing,
cancelling, and its sessions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.common.errors import ServiceError
from twinning.common.i18n import current_language
from twinning.common.keyset import count_at_most, keyset_page
from twinning.learning import queries, rules, services
from twinning.learning.forms import FilterForm, MaterialForm, OfferingForm, ReasonForm, SessionForm
from twinning.learning.models import Certificate, Offering, Registration

PAGE_SIZE = 20


def _reader(request):
    if not rules.can_read(request.user):
        raise Http404


@login_required
def index(request):
    """Upcoming courses and events open to the reader, filtered by kind and language."""
    _reader(request)
    form = FilterForm(request.GET or None)
    filters = form.filters() if form.is_valid() else {}
    found = queries.listing_for(request.user, **filters)
    page = keyset_page(request, found, keys=queries.listing_keys(bool(filters.get("past"))), size=PAGE_SIZE)
    return render(
        request,
        "learning/index.html",
        {
            "form": form,
            "page": page,
            "found": count_at_most(found),
            "can_organise": rules.can_organise(request.user),
            "past": filters.get("past"),
        },
    )


@login_required
def organise(request):
    """What this person organises: drafts and coming ones, or those already over."""
    if not rules.can_organise(request.user):
        raise Http404
    past = request.GET.get("when") == "past"
    page = keyset_page(
        request, queries.organised_list(request.user, past=past), keys=queries.organised_keys(past), size=PAGE_SIZE
    )
    return render(request, "learning/organise.html", {"page": page, "past": past})


@login_required
def new(request):
    if not rules.can_organise(request.user):
        raise Http404
    nsos, programmes = rules.organisers_for(request.user)
    language = current_language()
    form = OfferingForm(
        request.POST or None,
        organisers=(nsos, programmes),
        initial={
            "kind": Offering.Kind.COURSE,
            "audience": Offering.Audience.OWN,
            "basis": Offering.Basis.ATTENDANCE,
            "language": language,
            "capacity": 30,
            "sessions_required": 1,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            offering = services.create_offering(
                by=request.user, details=form.details(), **form.organiser_rows(nsos, programmes)
            )
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("Saved as a draft. Add its sessions, then publish it."))
            return redirect("learning:offering", pk=offering.pk)
    return render(request, "learning/edit.html", {"form": form, "offering": None}, status=400 if form.errors else 200)


@login_required
def edit(request, pk: int):
    offering = rules.get_offering_for_organiser(request.user, pk)
    form = OfferingForm(request.POST or None, initial=OfferingForm.initial_from(offering))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_offering(offering=offering, by=request.user, details=form.details())
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("learning:offering", pk=offering.pk)
    return render(
        request, "learning/edit.html", {"form": form, "offering": offering}, status=400 if form.errors else 200
    )


def _registration_context(user, offering: Offering) -> dict:
    registration = rules.active_registration(user, offering)
    position = None
    if registration is not None and registration.status == Registration.Status.WAITING:
        position = services.waiting_position(registration)
    return {"registration": registration, "position": position}


@login_required
def offering(request, pk: int):
    """The offering as a reader sees it, in their time zone; its organisers also run it from here."""
    found = rules.get_offering_for_user(request.user, pk)
    organiser = rules.organises(request.user, found)
    if found.status == Offering.Status.DRAFT and not organiser:
        raise Http404
    found = queries.with_seats(Offering.objects.filter(pk=found.pk)).select_related("nso", "programme", "language")
    found = found.get()
    context = _registration_context(request.user, found)
    inside = organiser or (context["registration"] is not None and context["registration"].status == "confirmed")
    certificate = Certificate.objects.filter(offering=found, holder=request.user).first()
    return render(
        request,
        "learning/offering.html",
        {
            "offering": found,
            "sessions": queries.sessions_of(found),
            "organiser": organiser,
            "inside": inside,
            "refusal": rules.registration_refusal(request.user, found) if context["registration"] is None else "",
            "seats_left": max(found.capacity - found.taken, 0),
            "materials": queries.materials_of(found) if inside else (),
            "certificate": certificate,
            "now": timezone.now(),
            "material_form": MaterialForm(),
            "cancel_form": ReasonForm(),
            **context,
        },
    )


@login_required
@require_POST
def publish(request, pk: int):
    offering = rules.get_offering_for_organiser(request.user, pk)
    try:
        services.publish(offering=offering, by=request.user)
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("Published: the teachers it is for can now find it and register."))
    return redirect("learning:offering", pk=offering.pk)


@login_required
@require_POST
def cancel(request, pk: int):
    offering = rules.get_offering_for_organiser(request.user, pk)
    form = ReasonForm(request.POST)
    try:
        services.cancel_offering(
            offering=offering, by=request.user, reason=form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("Cancelled. Everyone registered or waiting has been told."))
    return redirect("learning:offering", pk=offering.pk)


def _session_form(request, offering: Offering, session=None):
    initial = SessionForm.initial_from(session) if session is not None else {}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if session is None:
                services.add_session(offering=offering, by=request.user, **form.values())
            else:
                services.change_session(session=session, by=request.user, **form.values())
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("The session is saved."))
            return redirect("learning:offering", pk=offering.pk)
    return render(
        request,
        "learning/session.html",
        {"form": form, "offering": offering, "session": session},
        status=400 if form.errors else 200,
    )


@login_required
def session_new(request, pk: int):
    return _session_form(request, rules.get_offering_for_organiser(request.user, pk))


@login_required
def session_edit(request, pk: int, session_pk: int):
    session = rules.get_session_for_organiser(request.user, pk, session_pk)
    return _session_form(request, session.offering, session)


@login_required
@require_POST
def session_remove(request, pk: int, session_pk: int):
    session = rules.get_session_for_organiser(request.user, pk, session_pk)
    try:
        services.remove_session(session=session, by=request.user)
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("The session is removed."))
    return redirect("learning:offering", pk=pk)
