"""Version 1 of the JSON API: the object, its errors and paging in ``base``, one router per area."""

from twinning.api.v1.base import api, me_router
from twinning.api.v1.library import library_router
from twinning.api.v1.meetings import meetings_router
from twinning.api.v1.onboarding import onboarding_router
from twinning.api.v1.proposals import proposals_router
from twinning.api.v1.reports import reports_router
from twinning.api.v1.schools import schools_router
from twinning.api.v1.twinnings import twinnings_router

api.add_router("", me_router)
api.add_router("", schools_router)
api.add_router("", onboarding_router)
api.add_router("", twinnings_router)
api.add_router("", proposals_router)
api.add_router("", meetings_router)
api.add_router("", library_router)
api.add_router("", reports_router)

__all__ = ["api"]
