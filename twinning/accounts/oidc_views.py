"""Sign in, link and sign up with a school's account at an OpenID Connect provider (``accounts.oidc``).

Each start is a POST (a form with the site's CSRF token), so no other site can start a flow in the
person's name. The provider sends the person back to ``finish``, which knows from the flow kept in
the session what it was for.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.accounts import oidc, rules, services, sessions
from twinning.accounts.models import LinkedIdentity
from twinning.common.errors import ServiceError
from twinning.common.http import no_store
from twinning.common.net import client_address


def _provider(name: str) -> oidc.Provider:
    provider = oidc.provider_named(name)
    if provider is None:
        raise Http404
    return provider


def _start(request, name: str, purpose: str, *, back: str):
    provider = _provider(name)
    redirect_uri = settings.SITE_URL + reverse("accounts:oidc_return", args=[provider.name])
    try:
        url = oidc.begin(request, provider=provider, purpose=purpose, redirect_uri=redirect_uri)
    except oidc.FlowFailed as failed:
        messages.error(request, failed.message)
        return redirect(back)
    return HttpResponseRedirect(url)


@require_POST
def start_sign_in(request, provider: str):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return _start(request, provider, oidc.Purpose.SIGN_IN, back="accounts:login")


@require_POST
def start_sign_up(request, provider: str):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return _start(request, provider, oidc.Purpose.SIGN_UP, back="schools:signup")


@login_required
@require_POST
def start_link(request, provider: str):
    if not rules.may_link_identity(request.user):
        raise Http404
    return _start(request, provider, oidc.Purpose.LINK, back="accounts:profile")


@no_store
def finish(request, provider: str):
    """Where the provider sends the person back, with a code (or an error) and the flow's state."""
    provider_ = _provider(provider)
    try:
        flow = oidc.pending_flow(request, provider=provider_)
    except oidc.FlowFailed as failed:
        messages.error(request, failed.message)
        return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")
    back = {
        oidc.Purpose.LINK: "accounts:profile",
        oidc.Purpose.SIGN_UP: "schools:signup",
        oidc.Purpose.SIGN_IN: "accounts:login",
    }[flow.purpose]
    try:
        identity = oidc.identity_from_answer(request, provider=provider_)
        if flow.purpose == oidc.Purpose.LINK:
            return _link(request, flow, identity)
        if flow.purpose == oidc.Purpose.SIGN_UP:
            return _sign_up(request, identity)
        user = services.sign_in_with_identity(identity=identity, address=client_address(request))
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(back)
    return HttpResponseRedirect(sessions.sign_in(request, user, next_url=reverse("dashboard")))


def _link(request, flow: oidc.Flow, identity: oidc.Identity):
    if not request.user.is_authenticated or request.user.pk != flow.user_id:
        # The session was signed out (or changed hands) while the person was at the provider.
        raise ServiceError(_("You were signed out meanwhile: sign in, then link your account again."))
    services.link_identity(user=request.user, identity=identity, address=client_address(request))
    messages.success(
        request,
        _("Your %(provider)s account is linked: you can now sign in with it.") % {"provider": flow.provider.label},
    )
    return redirect("accounts:profile")


def _sign_up(request, identity: oidc.Identity):
    label = oidc.provider_named(identity.provider)
    name = label.label if label is not None else identity.provider
    if not identity.email or not identity.email_verified:
        raise ServiceError(
            _(
                "%(provider)s has not confirmed your e-mail address, so it cannot be used to join. Confirm it "
                "there, or join with your e-mail address and a password."
            )
            % {"provider": name}
        )
    if LinkedIdentity.objects.filter(provider=identity.provider, subject=identity.subject).exists():
        raise ServiceError(
            _("This %(provider)s account already has an account here: sign in with it.") % {"provider": name}
        )
    oidc.keep_signup_identity(request, identity)
    return redirect("schools:signup_with_account")


@login_required
@require_POST
def unlink(request, pk: int):
    linked = rules.get_linked_identity_for_owner(request.user, pk)
    provider = oidc.provider_named(linked.provider)
    try:
        services.unlink_identity(user=request.user, linked=linked, address=client_address(request))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Your %(provider)s account is unlinked.")
            % {"provider": provider.label if provider is not None else linked.provider},
        )
    return redirect("accounts:profile")
