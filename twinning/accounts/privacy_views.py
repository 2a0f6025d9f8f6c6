"""Pages for a person's own data and for removing people: one action per view.

A copy of one's data (or of a pupil's, for their parent) is built in the background and downloaded
once; removing a pupil or closing one's account shows what will go before it goes.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.accounts import rules, services
from twinning.common import exports, privacy
from twinning.common.errors import ServiceError
from twinning.common.http import stored_file_response
from twinning.schools.rules import can_seek_partners


@login_required
@require_POST
def request_own_export(request):
    """Ask for a copy of one's own data."""
    if not rules.may_export_own_data(request.user):
        raise Http404
    try:
        exports.request_export(subject=request.user, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your copy is being prepared: it will be here to download in a few minutes."))
    return redirect("accounts:profile")


@login_required
@require_POST
def request_pupil_export(request, pk: int):
    """A teacher or principal asks for a copy of a pupil's data, for the parent who asked."""
    pupil = rules.get_pupil_in_care_of(request.user, pk)
    try:
        exports.request_export(subject=pupil.user, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The copy is being prepared: it will be here to download in a few minutes."))
    return redirect("accounts:pupil_consent", pk=pupil.pk)


@login_required
@require_POST
def download_export(request, pk: int):
    """The ZIP, once, to whoever asked for it (a POST: taking it changes it, and no link prefetched
    by a browser or a mail scanner may use up the one download)."""
    export = rules.get_export_for_download(request.user, pk)
    try:
        name = exports.take_for_download(export=export, by=request.user)
    except ServiceError as taken:
        raise Http404 from taken
    # Through the site's one way of sending a stored file; the copy is removed once it has been sent.
    return stored_file_response(
        export.file,
        content_type="application/zip",
        filename=f"data-{export.pk}.zip",
        inline=False,
        then=lambda: default_storage.delete(name),
    )


def _summary(person):
    labels = {privacy.Erase.DELETE: _("removed"), privacy.Erase.ANONYMISE: _("kept without the name, texts emptied")}
    return [(kind, count, labels[erase]) for kind, count, erase in privacy.erasure_summary(person)]


@login_required
def remove_pupil(request, pk: int):
    """Remove a pupil: the page says what will go; the form removes it."""
    pupil = rules.get_pupil_in_care_of(request.user, pk)
    person = privacy.person_for(pupil.user)
    if request.method == "POST":
        try:
            services.remove_pupil(pupil=pupil, by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The pupil and everything that named them are removed."))
            # Teachers go back to their pupils; a principal who does not teach has no such page.
            return redirect("accounts:pupils" if can_seek_partners(request.user) else "/")
    return render(
        request,
        "accounts/remove_pupil.html",
        {"pupil": pupil, "summary": _summary(person), "refusals": privacy.erasure_refusals(person)},
    )


@login_required
def close_account(request):
    """Close one's own account: the page says what will go; the form closes it and signs out."""
    if not rules.may_close_own_account(request.user):
        raise Http404
    person = privacy.person_for(request.user)
    if request.method == "POST":
        try:
            services.close_account(user=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            logout(request)
            messages.success(request, _("Your account is closed and your data removed."))
            return redirect("/")
    return render(
        request,
        "accounts/close_account.html",
        {"summary": _summary(person), "refusals": privacy.erasure_refusals(person)},
    )
