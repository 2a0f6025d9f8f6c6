"""What the pages share: the reader check, POST-only actions and the context of a community's tabs."""

from django.http import Http404

from twinning.communities import rules
from twinning.communities.models import Community

PAGE_SIZE = 20


def _reader(request):
    if not rules.can_read(request.user):
        raise Http404


def _post_only(request):
    if request.method != "POST":
        raise Http404


def _context(request, community: Community, tab: str, **extra) -> dict:
    """What every page of a community shows: its name, its tabs and what the reader may do."""
    user = request.user
    return {
        "community": community,
        "tab": tab,
        "viewer": community.viewer,
        "can_see_inside": rules.can_see_inside(user, community),
        "can_see_members": rules.can_see_members(user, community),
        "can_moderate": rules.can_moderate(user, community),
        "can_post": rules.can_post(user, community),
        **extra,
    }
