"""Who may hold API tokens, whose tokens a person sees, and who keeps an NSO's OAuth clients."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from twinning.accounts.rules import roles_of
from twinning.api.models import AccessToken, OAuthClient
from twinning.schools.models import NSO
from twinning.schools.rules import pupil_school_id


def may_hold_tokens(user) -> bool:
    """Adults with an active account; pupils are children and have no API access."""
    return bool(user.is_authenticated and user.is_active and pupil_school_id(user) is None)


def tokens_of(user) -> QuerySet[AccessToken]:
    """A person's own tokens (a client's short-lived tokens are not on the tokens page)."""
    if not may_hold_tokens(user):
        return AccessToken.objects.none()
    return AccessToken.objects.filter(user=user, client__isnull=True)


def get_token_for_owner(user, pk: int) -> AccessToken:
    return get_object_or_404(tokens_of(user), pk=pk)


# --- OAuth clients of an NSO's own system ---------------------------------------------------------


def client_nsos(user) -> QuerySet[NSO]:
    """The NSOs whose clients this person keeps: their own as NSO staff, every one for an administrator.
    A client's own service identity keeps none (a system does not make systems)."""
    if not may_hold_tokens(user) or hasattr(user, "oauth_client"):
        return NSO.objects.none()
    roles = roles_of(user)
    if roles.admin:
        return NSO.objects.all()
    return NSO.objects.filter(pk__in=roles.nso_ids)


def may_manage_clients(user) -> bool:
    return client_nsos(user).exists()


def may_manage_clients_of(user, nso: NSO) -> bool:
    return client_nsos(user).filter(pk=nso.pk).exists()


def clients_of(user) -> QuerySet[OAuthClient]:
    return OAuthClient.objects.filter(nso__in=client_nsos(user)).select_related("nso")


def get_client_for_keeper(user, pk: int) -> OAuthClient:
    return get_object_or_404(clients_of(user), pk=pk)
