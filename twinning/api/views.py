"""The tokens page: a person's API tokens, making one (shown once) and revoking one; and the clients page:
an NSO's OAuth clients for its own systems, made (the secret shown once) and revoked by its staff.

The two pages have one shape: a list of what may reach the API with what it may do, a form that makes one more
(its secret on that one answer only) and a button that revokes one; what they share is written once below."""

from collections.abc import Callable, Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.api import rules, scopes, services
from twinning.api.forms import ClientForm, TokenForm
from twinning.common.errors import ServiceError
from twinning.common.http import no_store


def _with_scope_labels(rows: Iterable) -> list:
    """Tokens or clients, each with the labels of the scopes it holds (those the API still knows)."""
    rows = list(rows)
    for row in rows:
        row.scope_labels = [scopes.label(scope) for scope in row.scopes if scope in scopes.all_scopes()]
    return rows


def _make(form: Form, make: Callable, page: Callable[..., HttpResponse]) -> HttpResponse:
    """What a valid `form` asks, made by `make(cleaned_data)` and shown once on `page(made=...)`; otherwise the
    page again with the form's errors or the service's refusal (400)."""
    if form.is_valid():
        try:
            made = make(form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            return page(made=made)
    return page(form=form, status=400)


def _revoke(request, row, revoke: Callable, back_to: str) -> HttpResponse:
    """`revoke(row)` (a token or a client), said in a message, and back to its page."""
    try:
        revoke(row)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(name)s” no longer works.") % {"name": row.name})
    return redirect(back_to)


# --- A person's tokens ------------------------------------------------------------------------------------


def _page(request, form: TokenForm | None = None, made=None, status: int = 200):
    context = {
        "form": form or TokenForm(),
        "tokens": _with_scope_labels(rules.tokens_of(request.user)),
        "new_token": made,
        "may_manage_clients": rules.may_manage_clients(request.user),
    }
    return render(request, "api/tokens.html", context, status=status)


@login_required
def tokens(request):
    if not rules.may_hold_tokens(request.user):
        raise Http404
    return _page(request)


@login_required
@require_POST
@no_store
def new_token(request):
    """The new token is on this answer only: it is never stored, and the page is not cached."""
    if not rules.may_hold_tokens(request.user):
        raise Http404

    def make(data):
        return services.create_token(
            user=request.user, name=data["name"], scopes_wanted=data["scopes"], days=data["days"]
        )

    return _make(TokenForm(request.POST), make, lambda **shown: _page(request, **shown))


@login_required
@require_POST
def revoke_token(request, pk: int):
    token = rules.get_token_for_owner(request.user, pk)
    return _revoke(request, token, lambda row: services.revoke_token(token=row, by=request.user), "api:tokens")


# --- OAuth clients of an NSO's own system ---------------------------------------------------------


def _clients_page(request, form: ClientForm | None = None, made=None, status: int = 200):
    form = form or ClientForm(nsos=rules.client_nsos(request.user))
    context = {
        "form": form,
        "clients": _with_scope_labels(rules.clients_of(request.user)),
        "new_client": made,
        "several_nsos": len(form.fields["nso"].queryset) > 1,
    }
    return render(request, "api/clients.html", context, status=status)


@login_required
def clients(request):
    if not rules.may_manage_clients(request.user):
        raise Http404
    return _clients_page(request)


@login_required
@require_POST
@no_store
def new_client(request):
    """The new secret is on this answer only: it is never stored, and the page is not cached."""
    if not rules.may_manage_clients(request.user):
        raise Http404

    def make(data):
        return services.create_client(by=request.user, nso=data["nso"], name=data["name"], scopes_wanted=data["scopes"])

    form = ClientForm(request.POST, nsos=rules.client_nsos(request.user))
    return _make(form, make, lambda **shown: _clients_page(request, **shown))


@login_required
@require_POST
def revoke_client(request, pk: int):
    client = rules.get_client_for_keeper(request.user, pk)
    return _revoke(request, client, lambda row: services.revoke_client(client=row, by=request.user), "api:clients")
