"""Who imports schools and teachers, where, and who sees an import's invitations.

NSO staff import the schools of their NSO's countries; a programme's administrators import schools
into their programme (in the programme's countries, any country when it names none); the platform's
administrators do both anywhere. Everyone else gets 404 on every page of the app.
"""

from django.core import signing
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from twinning.accounts.rules import roles_of
from twinning.onboarding.models import ImportFile, Invitation
from twinning.schools.models import NSO, Country, Programme

INVITATION_SALT = "twinning.onboarding.invitation"


def import_scopes_for(user) -> tuple[QuerySet[NSO], QuerySet[Programme]]:
    """The NSOs and programmes this person may import into."""
    roles = roles_of(user)
    if roles.admin:
        return NSO.objects.all(), Programme.objects.all()
    return NSO.objects.filter(pk__in=roles.nso_ids), Programme.objects.filter(pk__in=roles.programme_admin_ids)


def may_import(user) -> bool:
    if not user.is_authenticated:
        return False
    roles = roles_of(user)
    return roles.admin or roles.nso_staff or roles.programme_admin


def may_import_into(user, scope: NSO | Programme) -> bool:
    roles = roles_of(user)
    if roles.admin:
        return True
    if isinstance(scope, NSO):
        return scope.pk in roles.nso_ids
    return scope.pk in roles.programme_admin_ids


def countries_for(scope: NSO | Programme) -> QuerySet[Country]:
    """The countries whose schools an import into this scope may hold."""
    if isinstance(scope, NSO):
        return Country.objects.filter(nso=scope)
    if scope.countries.exists():
        return scope.countries.all()
    return Country.objects.all()


def imports_for(user) -> QuerySet[ImportFile]:
    roles = roles_of(user)
    if roles.admin:
        return ImportFile.objects.all()
    return ImportFile.objects.filter(Q(nso_id__in=roles.nso_ids) | Q(programme_id__in=roles.programme_admin_ids))


def get_import_for_importer(user, pk: int) -> ImportFile:
    if not may_import(user):
        raise Http404
    return get_object_or_404(imports_for(user).select_related("nso", "programme", "by"), pk=pk)


def get_invitation_for_importer(user, pk: int) -> Invitation:
    if not may_import(user):
        raise Http404
    return get_object_or_404(
        Invitation.objects.filter(source__in=imports_for(user)).select_related("user", "source"), pk=pk
    )


def invitation_token(invitation: Invitation) -> str:
    """The link's token: the invitation and its send, signed (a later send replaces the link)."""
    return signing.dumps([invitation.pk, invitation.sends], salt=INVITATION_SALT)


def get_invitation_for_token(token: str) -> Invitation:
    """The invitation a link names, whatever its state (the page says expired or used); 404 for a
    token that was not signed here, or that an invitation sent again has replaced."""
    try:
        pk, sends = signing.loads(token, salt=INVITATION_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404 from None
    return get_object_or_404(Invitation.objects.select_related("user"), pk=pk, sends=sends, user__is_active=True)
