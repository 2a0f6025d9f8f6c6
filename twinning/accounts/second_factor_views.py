"""Pages of the second factor: the step after the password, setting up an authenticator app,
recovery codes, removing one's own, and a platform administrator's reset of someone else's."""

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from twinning.accounts import rules, second_factor, sessions
from twinning.accounts.forms import (
    AuthenticatorSetupForm,
    RemoveSecondFactorForm,
    ResetSecondFactorForm,
    SecondStepForm,
)
from twinning.accounts.models import User
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.http import no_store, redirect_back, safe_next
from twinning.common.net import client_address

# The audit log's second-factor entries, as the reset page names them.
MFA_ACTIONS = {
    "mfa.enrolled": gettext_lazy("Set up an authenticator app"),
    "mfa.removed": gettext_lazy("Removed their second factor"),
    "mfa.reset": gettext_lazy("Second factor reset by an administrator"),
    "mfa.recovery_codes_regenerated": gettext_lazy("Made new recovery codes"),
    "mfa.recovery_code_used": gettext_lazy("Signed in with a recovery code"),
}


def _next(request) -> str:
    """Where to go once the step is done: a page of this site, or nowhere (it is also shown as a link)."""
    return safe_next(request, request.POST.get("next") or request.GET.get("next", ""))


def _passed(request, device) -> None:
    django_otp.login(request, device)
    # The session now carries more trust than it did after the password alone: a new key.
    request.session.cycle_key()


@login_required
@no_store
def second_step(request):
    """After the password: a code from the person's app, or a recovery code."""
    user = request.user
    if sessions.second_step_owed(request) != sessions.VERIFY:
        return redirect_back(request, _next(request), "dashboard")
    form = SecondStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = second_factor.verify(user=user, code=form.cleaned_data["code"], address=client_address(request))
        if result.device is not None:
            _passed(request, result.device)
            if result.used_recovery_code:
                left = second_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code: %(count)d is left. Make new ones from your profile.",
                        "You used a recovery code: %(count)d are left. Make new ones from your profile.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect_back(request, _next(request), "dashboard")
        if result.wait_until is not None:
            seconds = max(1, int((result.wait_until - timezone.now()).total_seconds() + 0.999))
            form.add_error(
                "code",
                ngettext(
                    "Too many wrong codes. Wait %(seconds)d second, then try again.",
                    "Too many wrong codes. Wait %(seconds)d seconds, then try again.",
                    seconds,
                )
                % {"seconds": seconds},
            )
        else:
            form.add_error(
                "code", _("That code is not right. Type the six digits your app shows now, or a recovery code.")
            )
    return render(request, "accounts/second_step.html", {"form": form, "next": _next(request)})


@login_required
@no_store
def setup(request):
    """Set up an authenticator app (or replace one): a QR code and the secret as text, then a code to confirm."""
    user = request.user
    if not rules.may_use_second_factor(user):
        raise Http404
    if sessions.second_step_owed(request) == sessions.VERIFY:
        # Whoever has only the password must not add an app of their own to this account.
        return redirect("accounts:second_step")
    secret = request.session.get(sessions.SETUP_SECRET)
    if not secret:
        secret = request.session[sessions.SETUP_SECRET] = second_factor.new_secret()
    form = AuthenticatorSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = second_factor.set_up_authenticator(
                user=user, key_hex=secret, code=form.cleaned_data["code"]
            )
        except ServiceError as error:
            form.add_error("code", error.message)
        else:
            del request.session[sessions.SETUP_SECRET]
            _passed(request, device)
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "new_app": True, "next": _next(request)}
            )
    link = second_factor.setup_link(user=user, key_hex=secret)
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "qr_code": second_factor.qr_code_data_uri(link),
            "secret": second_factor.secret_for_typing(secret),
            "required": rules.mfa_required(user),
            "replacing": second_factor.has_authenticator(user),
            "next": _next(request),
        },
    )


def _overview(request, *, remove_form=None, status=200):
    user = request.user
    device = second_factor.TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return render(
        request,
        "accounts/second_factor.html",
        {
            "device": device,
            "codes_left": second_factor.recovery_codes_left(user) if device else 0,
            "required": rules.mfa_required(user),
            "may_remove": rules.may_remove_own_second_factor(user),
            "remove_form": remove_form or RemoveSecondFactorForm(),
        },
        status=status,
    )


@login_required
def overview(request):
    """The person's own second factor: whether they use one, recovery codes left, replace or remove."""
    if not rules.may_use_second_factor(request.user):
        raise Http404
    return _overview(request)


@login_required
@require_POST
@no_store
def recovery_codes(request):
    """New recovery codes, shown once; the old ones stop working."""
    if not rules.may_use_second_factor(request.user):
        raise Http404
    try:
        codes = second_factor.regenerate_recovery_codes(user=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("accounts:second_factor")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "new_app": False})


@login_required
@require_POST
def remove(request):
    """Stop using a second factor, with a current code; refused while a role needs one."""
    if not rules.may_use_second_factor(request.user):
        raise Http404
    form = RemoveSecondFactorForm(request.POST)
    if form.is_valid():
        try:
            second_factor.remove_own(user=request.user, code=form.cleaned_data["code"])
        except ServiceError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("You no longer use a second factor to sign in."))
            return redirect("accounts:second_factor")
    return _overview(request, remove_form=form, status=400)


@login_required
def reset(request, pk: int):
    """A platform administrator removes another person's app and recovery codes, saying why."""
    person = get_object_or_404(User, pk=pk)
    if not rules.may_reset_second_factor(request.user, person):
        raise Http404
    form = ResetSecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.reset_for(person=person, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(
                request,
                _("The second factor of %(name)s is removed. They will set up a new one if their role needs it.")
                % {"name": person.full_name},
            )
            return redirect("accounts:second_factor_reset", pk=person.pk)
    device = second_factor.TOTPDevice.objects.filter(user=person, confirmed=True).first()
    history = [
        (entry, MFA_ACTIONS[entry.action]) for entry in audit.entries_for(person).filter(action__in=MFA_ACTIONS)[:20]
    ]
    return render(
        request,
        "accounts/second_factor_reset.html",
        {
            "person": person,
            "device": device,
            "codes_left": second_factor.recovery_codes_left(person),
            "required": rules.mfa_required(person),
            "history": history,
            "form": form,
        },
    )
