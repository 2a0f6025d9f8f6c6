"""Helpers the services share: the community's name and address for a notification, adding a member
with the counter kept, and the check that a community is still active."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from twinning.common.errors import ServiceError
from twinning.common.i18n import pick
from twinning.communities.models import Community, Membership, Removal


def _name_for(community: Community, user) -> str:
    """The community's name in the recipient's language, for a notification's sentence."""
    return pick(community.names, user.preferred_language)


def _url(community: Community) -> str:
    return reverse("communities:community", args=[community.pk])


def _add_member(community: Community, user, role: str = Membership.Role.MEMBER) -> Membership:
    member = Membership.objects.create(community=community, user=user, role=role)
    Removal.objects.filter(community=community, user=user).delete()
    Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + 1)
    return member


def _active(community: Community) -> None:
    if community.status != Community.Status.ACTIVE:
        raise ServiceError(_("This community is archived: it can be read but not changed."))
