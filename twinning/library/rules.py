"""Who reads, writes and reviews the activity library.

Every signed-in adult reads what is published (pupils do not use the library). Validated teachers,
coordinators and NSO staff write; coordinators and NSO staff review, never their own version.
A version that is not published is seen only by its author and the reviewers; anything else is a 404.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from twinning.accounts.rules import roles_of
from twinning.library.models import Activity, Version
from twinning.schools.rules import can_seek_partners
from twinning.twinnings.models import Twinning
from twinning.workspace.rules import TEACHERS, WORKING


def is_pupil(user) -> bool:
    return hasattr(user, "pupil")


def can_read(user) -> bool:
    return user.is_authenticated and not is_pupil(user)


def can_review(user) -> bool:
    roles = roles_of(user)
    return roles.admin or roles.nso_staff or roles.coordinator


def can_write(user) -> bool:
    return can_review(user) or can_seek_partners(user)


def activities_for(user) -> QuerySet[Activity]:
    """Published activities, and those with a version the person wrote or may review."""
    if not can_read(user):
        return Activity.objects.none()
    if can_review(user):
        return Activity.objects.all()
    return Activity.objects.filter(Q(status=Activity.Status.PUBLISHED) | Q(versions__author=user)).distinct()


def get_activity_for_user(user, pk: int) -> Activity:
    return get_object_or_404(activities_for(user).select_related("published", "author"), pk=pk)


def can_see_version(user, version: Version) -> bool:
    if version.state in (Version.State.PUBLISHED, Version.State.SUPERSEDED):
        return True
    return version.author_id == user.pk or can_review(user)


def get_version_for_user(user, pk: int, number: int) -> Version:
    activity = get_activity_for_user(user, pk)
    version = get_object_or_404(activity.versions.select_related("author", "reviewed_by"), number=number)
    if not can_see_version(user, version):
        raise Http404
    return version


def can_edit(user, activity: Activity) -> bool:
    """Its first author and the reviewers write new versions; other teachers use it as it is."""
    return can_write(user) and (activity.author_id == user.pk or can_review(user))


def get_activity_for_editor(user, pk: int) -> Activity:
    """An activity this person may write the next version of (its text, its files).

    Someone else's open version is theirs to finish: a reviewer who rewrote a teacher's version
    could otherwise publish it alone, and the four eyes would be two.
    """
    activity = get_activity_for_user(user, pk)
    if not can_edit(user, activity):
        raise Http404
    if activity.versions.filter(state__in=Version.OPEN).exclude(author=user).exclude(author=None).exists():
        raise Http404
    return activity


def may_review(user, version: Version) -> bool:
    """Four eyes: a reviewer never publishes a version they wrote."""
    return version.state == Version.State.SUBMITTED and can_review(user) and version.author_id != user.pk


def plans_editable_by(user) -> QuerySet[Twinning]:
    """The twinnings whose activity plan this teacher may add to (as the workspace's plan page)."""
    if not user.is_authenticated:
        return Twinning.objects.none()
    return Twinning.objects.filter(
        memberships__user=user, memberships__active=True, memberships__role__in=TEACHERS, status__in=WORKING
    ).distinct()
