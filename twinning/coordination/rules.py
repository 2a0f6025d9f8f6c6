"""Who sees the caseload and the guidance log: those who oversee the twinning (coordinators, NSO staff).

Principals and the twinning's own teachers never see the guidance log; anything else is a 404.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from twinning.accounts.rules import roles_of
from twinning.schools.models import Programme
from twinning.twinnings.models import Twinning
from twinning.twinnings.rules import can_oversee, get_twinning_for_user, oversees_any_twinning


def can_see_caseload(user) -> bool:
    """The caseload is for those who oversee at least one twinning."""
    return oversees_any_twinning(user)


def get_twinning_for_coordinator(user, pk: int) -> Twinning:
    twinning = get_twinning_for_user(user, pk)
    if not can_oversee(user, twinning):
        raise Http404
    return twinning


def programmes_managed_by(user) -> QuerySet[Programme]:
    """Programmes whose silence limits this person sets: programme coordinators, and administrators."""
    roles = roles_of(user)
    if roles.admin:
        return Programme.objects.all()
    return Programme.objects.filter(pk__in=roles.coordinator_programme_ids)


def get_programme_for_manager(user, pk: int) -> Programme:
    return get_object_or_404(programmes_managed_by(user), pk=pk)


def can_set_limits(user) -> bool:
    """Set the silence limits of at least one programme."""
    return programmes_managed_by(user).exists()
