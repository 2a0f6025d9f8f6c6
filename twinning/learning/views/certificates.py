"""Attendance and certificates: a session's attendance, the participants with completion ticks,
issuing certificates, a certificate as a PDF, and revoking one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.common.errors import ServiceError
from twinning.learning import certificates, queries, rules, services
from twinning.learning.forms import ReasonForm, TickForm
from twinning.learning.models import Registration


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
