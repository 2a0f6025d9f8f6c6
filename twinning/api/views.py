"""The tokens page: a person's API tokens, making one (shown once) and revoking one; and the clients page:
an NSO's OAuth clients for its own systems, made (the secret shown once) and revoked by its staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.api import rules, scopes, services
from twinning.api.forms import ClientForm, TokenForm
from twinning.common.errors import ServiceError
from twinning.common.http import no_store


def _page(request, form: TokenForm, new_token=None, status: int = 200):
    tokens = list(rules.tokens_of(request.user))
    for token in tokens:
        token.scope_labels = [scopes.label(scope) for scope in token.scopes if scope in scopes.all_scopes()]
    context = {
        "form": form,
        "tokens": tokens,
        "new_token": new_token,
        "may_manage_clients": rules.may_manage_clients(request.user),
    }
    return render(request, "api/tokens.html", context, status=status)


@login_required
def tokens(request):
    if not rules.may_hold_tokens(request.user):
        raise Http404
    return _page(request, TokenForm())


@login_required
@require_POST
@no_store
def new_token(request):
    """The new token is on this answer only: it is never stored, and the page is not cached."""
    if not rules.may_hold_tokens(request.user):
        raise Http404
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            made = services.create_token(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes_wanted=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            return _page(request, TokenForm(), new_token=made)
    return _page(request, form, status=400)


@login_required
@require_POST
def revoke_token(request, pk: int):
    token = rules.get_token_for_owner(request.user, pk)
    try:
        services.revoke_token(token=token, by=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(name)s” no longer works.") % {"name": token.name})
    return redirect("api:tokens")


# --- OAuth clients of an NSO's own system ---------------------------------------------------------


def _clients_page(request, form: ClientForm, new_client=None, status: int = 200):
    clients = list(rules.clients_of(request.user))
    for client in clients:
        client.scope_labels = [scopes.label(scope) for scope in client.scopes if scope in scopes.all_scopes()]
    context = {
        "form": form,
        "clients": clients,
        "new_client": new_client,
        "several_nsos": len(form.fields["nso"].queryset) > 1,
    }
    return render(request, "api/clients.html", context, status=status)


@login_required
def clients(request):
    if not rules.may_manage_clients(request.user):
        raise Http404
    return _clients_page(request, ClientForm(nsos=rules.client_nsos(request.user)))


@login_required
@require_POST
@no_store
def new_client(request):
    """The new secret is on this answer only: it is never stored, and the page is not cached."""
    if not rules.may_manage_clients(request.user):
        raise Http404
    nsos = rules.client_nsos(request.user)
    form = ClientForm(request.POST, nsos=nsos)
    if form.is_valid():
        try:
            made = services.create_client(
                by=request.user,
                nso=form.cleaned_data["nso"],
                name=form.cleaned_data["name"],
                scopes_wanted=form.cleaned_data["scopes"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            return _clients_page(request, ClientForm(nsos=nsos), new_client=made)
    return _clients_page(request, form, status=400)


@login_required
@require_POST
def revoke_client(request, pk: int):
    client = rules.get_client_for_keeper(request.user, pk)
    try:
        services.revoke_client(client=client, by=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(name)s” no longer works.") % {"name": client.name})
    return redirect("api:clients")
