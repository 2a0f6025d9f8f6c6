"""Who sees the caseload and the guidance log: those who oversee the twinning (coordinators, NSO staff).

Principals and the twinning's own teachers never see the guidance log; anything else is a 404.
"""

from django.http import Http404

from twinning.twinnings.models import Twinning
from twinning.twinnings.rules import can_oversee, get_twinning_for_user


def get_twinning_for_coordinator(user, pk: int) -> Twinning:
    twinning = get_twinning_for_user(user, pk)
    if not can_oversee(user, twinning):
        raise Http404
    return twinning
