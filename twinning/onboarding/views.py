"""Onboarding's pages: upload and dry run, import, the invitations, and accepting one.

One view per action. Anyone who may not import gets 404 on every importer's page; an import or an
invitation out of the viewer's reach is a 404 too.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.common.errors import ServiceError
from twinning.common.http import no_store
from twinning.common.keyset import keyset_page
from twinning.common.net import client_address
from twinning.onboarding import queries, reader, rules, services
from twinning.onboarding.forms import AcceptForm, ImportForm, RunForm
from twinning.onboarding.models import ImportFile, Invitation

PAGE_SIZE = 50
SHOWN_PROBLEMS = 500


def _importer(request):
    if not rules.may_import(request.user):
        raise Http404


def _form(user, data=None, files=None) -> ImportForm:
    nsos, programmes = rules.import_scopes_for(user)
    return ImportForm(data, files, nsos=nsos, programmes=programmes)


def _start_page(request, *, form=None, problems=None, filename="", status=200):
    imports = keyset_page(request, queries.imports_for_importer(request.user), keys=queries.IMPORT_KEYS, size=20)
    return render(
        request,
        "onboarding/start.html",
        {
            "form": form or _form(request.user),
            "problems": (problems or [])[:SHOWN_PROBLEMS],
            "problem_count": len(problems or []),
            "filename": filename,
            "page": imports,
        },
        status=status,
    )


@login_required
def start(request):
    """The form to send a file, the problems of the last one sent, and the importer's imports."""
    _importer(request)
    if request.method == "POST":  # its form posts to `check`
        raise Http404
    return _start_page(request)


@login_required
@require_POST
def check(request):
    """The dry run: every problem of the file, or its plan (kept, for "Import")."""
    _importer(request)
    form = _form(request.user, request.POST, request.FILES)
    if not form.is_valid():
        return _start_page(request, form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        row = services.check_file(
            by=request.user, scope=form.cleaned_data["scope"], data=upload.read(), filename=upload.name
        )
    except reader.FileRefused as refused:
        return _start_page(request, form=form, problems=[refused.problem], filename=upload.name, status=400)
    except services.ImportRefused as refused:
        return _start_page(request, form=form, problems=refused.problems, filename=upload.name, status=400)
    except ServiceError as error:
        form.add_error(None, error.message)
        return _start_page(request, form=form, status=400)
    return redirect("onboarding:review", pk=row.pk)


def _review_page(request, import_file, *, problems=None, status=200):
    # An import the job refused (the file no longer passed) left its problems on the file.
    refused = import_file.result.get("refused", "") if import_file.status == ImportFile.Status.CHECKED else ""
    if problems is None and refused:
        problems = import_file.result.get("problems", [])
    return render(
        request,
        "onboarding/review.html",
        {
            "import": import_file,
            "plan": import_file.plan,
            "problems": (problems or [])[:SHOWN_PROBLEMS],
            "problem_count": len(problems or []),
            "importing": import_file.status == ImportFile.Status.QUEUED,
            "refused": refused,
        },
        status=status,
    )


@login_required
def review(request, pk: int):
    """What importing the file would do: schools created and merged, teachers, invitations."""
    import_file = rules.get_import_for_importer(request.user, pk)
    if request.method == "POST":  # its form posts to `run`
        raise Http404
    if import_file.status == ImportFile.Status.IMPORTED:
        return redirect("onboarding:invitations", pk=import_file.pk)
    return _review_page(request, import_file)


@login_required
@require_POST
def run(request, pk: int):
    import_file = rules.get_import_for_importer(request.user, pk)
    lines = [merge["line"] for merge in import_file.plan.get("merges", [])]
    form = RunForm(request.POST, lines=lines)
    if not form.is_valid():
        return _review_page(request, import_file, status=400)
    separate = form.cleaned_data["separate"]
    if services.import_size(import_file) > settings.ONBOARDING_INLINE_ROWS:
        # Thousands of schools take minutes: the job queue imports them, the file's page shows when.
        try:
            services.queue_import(by=request.user, import_file=import_file, separate=separate)
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("onboarding:review", pk=import_file.pk)
        messages.success(request, _("The import has started. This page shows when it is done."))
        return redirect("onboarding:review", pk=import_file.pk)
    try:
        result = services.run_import(by=request.user, import_file=import_file, separate=separate)
    except services.ImportRefused as refused:
        return _review_page(request, import_file, problems=refused.problems, status=400)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("onboarding:review", pk=import_file.pk)
    messages.success(
        request,
        _(
            "Imported: %(created)s schools created, %(merged)s merged with existing ones, %(teachers)s teachers. "
            "Their invitations are waiting in the queue."
        )
        % {"created": result["schools_created"], "merged": result["schools_merged"], "teachers": result["teachers"]},
    )
    return redirect("onboarding:invitations", pk=import_file.pk)


@login_required
def invitations(request, pk: int):
    """The import's invitations and their state, with sending again."""
    import_file = rules.get_import_for_importer(request.user, pk)
    if request.method == "POST":  # its forms post to `resend` and `resend_expired`
        raise Http404
    states = list(Invitation.State.choices)
    state = request.GET.get("state", "")
    if state not in dict(states):
        state = ""
    page = keyset_page(
        request, queries.invitations_for_import(import_file, state=state), keys=queries.INVITATION_KEYS, size=PAGE_SIZE
    )
    return render(
        request,
        "onboarding/invitations.html",
        {
            "import": import_file,
            "page": page,
            "state": state,
            "states": states,
            "counts": queries.invitation_counts(import_file),
        },
    )


@login_required
@require_POST
def resend(request, pk: int):
    invitation = rules.get_invitation_for_importer(request.user, pk)
    try:
        services.resend_invitation(by=request.user, invitation=invitation)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The invitation to %(name)s will be sent again.") % {"name": invitation.user.full_name}
        )
    return redirect("onboarding:invitations", pk=invitation.source_id)


@login_required
@require_POST
def resend_expired(request, pk: int):
    import_file = rules.get_import_for_importer(request.user, pk)
    count = services.resend_expired(by=request.user, import_file=import_file)
    messages.success(request, _("Expired invitations sent again: %(count)s.") % {"count": count})
    return redirect("onboarding:invitations", pk=import_file.pk)


@no_store
def accept(request, token: str):
    """The invited teacher's page: set a password (GET shows the form, POST sets it and signs in)."""
    invitation = rules.get_invitation_for_token(token)
    if invitation.accepted_at is not None:
        return render(request, "onboarding/accept_closed.html", {"used": True}, status=410)
    if invitation.state == Invitation.State.EXPIRED:
        return render(request, "onboarding/accept_closed.html", {"used": False}, status=410)
    form = AcceptForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                invitation=invitation, password=form.cleaned_data["new_password1"], address=client_address(request)
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            login(request, user, backend="twinning.accounts.backends.SignInBackend")
            messages.success(request, _("Welcome: your password is set and your e-mail address confirmed."))
            return redirect("dashboard")
    status = 400 if request.method == "POST" else 200
    return render(request, "onboarding/accept.html", {"form": form, "invitation": invitation}, status=status)
