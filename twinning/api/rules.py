"""Who may hold API tokens, and whose tokens a person sees."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from twinning.api.models import AccessToken
from twinning.schools.rules import pupil_school_id


def may_hold_tokens(user) -> bool:
    """Adults with an active account; pupils are children and have no API access."""
    return bool(user.is_authenticated and user.is_active and pupil_school_id(user) is None)


def tokens_of(user) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user) if may_hold_tokens(user) else AccessToken.objects.none()


def get_token_for_owner(user, pk: int) -> AccessToken:
    return get_object_or_404(tokens_of(user), pk=pk)
