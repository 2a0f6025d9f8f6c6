"""Reads about people."""

from django.db.models import Q, QuerySet

from twinning.accounts.models import Role, User


def people_needing_a_second_factor() -> QuerySet[User]:
    """Everyone for whom ``rules.mfa_required`` holds, in one query (a test keeps the two in step)."""
    staff_roles = Role.objects.filter(kind__in=[Role.Kind.NSO_STAFF, Role.Kind.COORDINATOR])
    return User.objects.filter(
        Q(is_superuser=True) | Q(is_staff=True) | Q(pk__in=staff_roles.values("user_id"))
    ).distinct()
