"""Pages of courses and events: the listing, an offering, registering, running it, certificates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.common.errors import ServiceError
from twinning.learning import certificates, ics, queries, rules, services
from twinning.learning.forms import (
    FilterForm,
    MaterialForm,
    OfferingForm,
    ReasonForm,
    SessionForm,
    TickForm,
    VerifyForm,
)
from twinning.learning.models import Certificate, Material, Offering, Registration
from twinning.workspace.media import UploadRefused

PAGE_SIZE = 20
# Wrong codes one address may try per hour on the public page; real codes cannot be guessed
# anyway (see services.CODE_LENGTH), this only keeps a script from hammering the page.
VERIFY_FAILURES_PER_HOUR = 60


def _reader(request):
    if not rules.can_read(request.user):
        raise Http404


@login_required
def index(request):
    """Upcoming courses and events open to the reader, filtered by kind and language."""
    _reader(request)
    form = FilterForm(request.GET or None)
    filters = form.filters() if form.is_valid() else {}
    page = Paginator(queries.listing_for(request.user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/index.html",
        {"form": form, "page": page, "can_organise": rules.can_organise(request.user), "past": filters.get("past")},
    )


@login_required
def organise(request):
    """What this person organises: drafts and coming ones, or those already over."""
    if not rules.can_organise(request.user):
        raise Http404
    past = request.GET.get("when") == "past"
    page = Paginator(queries.organised_list(request.user, past=past), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/organise.html", {"page": page, "past": past})


@login_required
def new(request):
    if not rules.can_organise(request.user):
        raise Http404
    nsos, programmes = rules.organisers_for(request.user)
    language = (request.LANGUAGE_CODE or "en").split("-")[0]
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


def _issued_message(request, issued: list) -> None:
    if issued:
        messages.success(
            request,
            _("Certificates issued: %(n)d. Their holders have been told.") % {"n": len(issued)},
        )


@login_required
def attendance(request, pk: int, session_pk: int):
    """One session's attendance: every registered participant, ticked or not, saved in one go."""
    session = rules.get_session_for_organiser(request.user, pk, session_pk)
    sheet = queries.attendance_sheet(session)
    form = TickForm(request.POST or None, registrations=sheet)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.record_attendance(
                session=session, by=request.user, present=set(form.cleaned_data["ticked"])
            )
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(
                request,
                _("Attendance saved: %(present)d of %(total)d were there.")
                % {"present": len(form.cleaned_data["ticked"]), "total": len(sheet)},
            )
            _issued_message(request, issued)
            return redirect("learning:attendance", pk=pk, session_pk=session.pk)
    sessions = queries.sessions_of(session.offering)
    return render(
        request,
        "learning/attendance.html",
        {
            "offering": session.offering,
            "session": session,
            "sheet": sheet,
            "form": form,
            "number": next(i for i, s in enumerate(sessions, 1) if s.pk == session.pk),
            "total": len(sessions),
            "started": session.starts_at <= timezone.now(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def participants(request, pk: int):
    """Who registered and waits, what each attended, completion ticks and certificates."""
    offering = rules.get_offering_for_organiser(request.user, pk)
    rows = queries.participants_of(offering)
    confirmed = [r for r in rows if r.status == Registration.Status.CONFIRMED]
    form = TickForm(request.POST or None, registrations=confirmed)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.mark_completed(
                offering=offering, by=request.user, completed=set(form.cleaned_data["ticked"])
            )
        except ServiceError as problem:
            messages.error(request, problem.message)
        else:
            messages.success(request, _("Saved."))
            _issued_message(request, issued)
        return redirect("learning:participants", pk=offering.pk)
    return render(
        request,
        "learning/participants.html",
        {
            "offering": offering,
            "rows": rows,
            "confirmed": len(confirmed),
            "sessions": offering.sessions.count(),
        },
    )


@login_required
@require_POST
def issue(request, pk: int):
    offering = rules.get_offering_for_organiser(request.user, pk)
    issued = services.issue_certificates(offering=offering, by=request.user)
    if issued:
        _issued_message(request, issued)
    else:
        messages.success(request, _("No new certificate: everyone who met the rule already has one."))
    return redirect("learning:participants", pk=offering.pk)


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


@login_required
@require_POST
def material_add(request, pk: int):
    offering = rules.get_offering_for_organiser(request.user, pk)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to add."))
        return redirect("learning:offering", pk=offering.pk)
    try:
        services.add_material(offering=offering, by=request.user, upload=form.cleaned_data["file"])
    except (ServiceError, UploadRefused) as problem:
        messages.error(request, getattr(problem, "message", str(problem)))
    else:
        messages.success(request, _("The file is added to the materials."))
    return redirect("learning:offering", pk=offering.pk)


@login_required
def material(request, pk: int, material_pk: int):
    item = rules.get_material_for_user(request.user, pk, material_pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        content_type=item.content_type,
        as_attachment=not item.content_type.startswith("image/"),
        filename=item.original_name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
@require_POST
def material_remove(request, pk: int, material_pk: int):
    offering = rules.get_offering_for_organiser(request.user, pk)
    services.remove_material(material=get_object_or_404(Material, pk=material_pk, offering=offering), by=request.user)
    messages.success(request, _("The file is removed."))
    return redirect("learning:offering", pk=offering.pk)


@login_required
def certificate_pdf(request, certificate_pk: int):
    """The certificate as a PDF, in the holder's language unless another one is asked for."""
    certificate = rules.get_certificate_for_user(request.user, certificate_pk)
    if certificate.is_revoked:
        raise Http404
    language = request.GET.get("language") or certificate.holder.preferred_language
    body = certificates.render_pdf(certificate, language=language)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.shown_code}.pdf"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def revoke(request, certificate_pk: int):
    certificate = rules.get_certificate_for_user(request.user, certificate_pk)
    if not rules.organises(request.user, certificate.offering):
        raise Http404
    form = ReasonForm(request.POST)
    try:
        services.revoke_certificate(
            certificate=certificate, by=request.user, reason=form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("The certificate is revoked; its public page now says so."))
    return redirect("learning:participants", pk=certificate.offering_id)


# --- Public verification ------------------------------------------------------------------------


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def verify(request):
    """The public page where anyone checks a certificate's code (no sign-in)."""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        code = services.normalise_code(form.cleaned_data["code"])
        if code:
            return redirect("learning:verify_code", code=code)
        form.add_error("code", _("Type the code printed on the certificate."))
    return _verify_page(request, form=form)


def verify_code(request, code: str):
    normal = services.normalise_code(code)
    if normal != code:
        return redirect("learning:verify_code", code=normal) if normal else redirect("learning:verify")
    key = f"learning-verify-failures:{_client(request)}"
    if (cache.get(key) or 0) >= VERIFY_FAILURES_PER_HOUR:
        return _verify_page(request, form=VerifyForm(), result="busy", status=429)
    certificate = (
        Certificate.objects.filter(code=normal).only(*VERIFIED_FIELDS).first()
        if len(normal) == services.CODE_LENGTH
        else None
    )
    if certificate is None:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=3600)
        return _verify_page(request, form=VerifyForm(initial={"code": code}), result="unknown", code=code, status=404)
    result = "revoked" if certificate.is_revoked else "valid"
    return _verify_page(request, form=VerifyForm(), result=result, certificate=certificate, code=code)


# Only what the page shows is read: nothing about the holder beyond the name printed on it.
VERIFIED_FIELDS = (
    "code",
    "holder_name",
    "titles",
    "issuer_names",
    "kind",
    "basis",
    "first_day",
    "last_day",
    "hours",
    "issued_on",
    "revoked_at",
)


def _verify_page(request, *, form, result: str = "", certificate=None, code: str = "", status: int = 200):
    response = render(
        request,
        "learning/verify.html",
        {"form": form, "result": result, "certificate": certificate, "code": code},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
