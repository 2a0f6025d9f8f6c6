"""Who may do what with a programme's public page and its showcase.

- The page's settings (logo, accent colour, description, published or not): the programme's
  administrators and the platform's.
- A story: written by the teachers of a finished (closed) twinning of the programme; approved or
  turned down by the programme's coordinators and administrators (and the platform's); taken down
  by either at any time.
- The public page, a published story and its photos: anyone, signed in or not, once the page is
  published. Before that, and for a story not yet published, only those above see them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from twinning.accounts.rules import roles_of
from twinning.schools.models import Programme
from twinning.schools.rules import may_decide_membership_of, programmes_deciding_members
from twinning.showcase.models import Story
from twinning.twinnings.models import Membership, Twinning

TEACHERS = (Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER)


def may_edit_public_page(user, programme: Programme) -> bool:
    """The programme's administrators and the platform's set its public page."""
    if not user.is_authenticated:
        return False
    roles = roles_of(user)
    return roles.admin or programme.pk in roles.programme_admin_ids


def get_programme_for_page_editor(user, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not may_edit_public_page(user, programme):
        raise Http404
    return programme


def may_approve_stories(user, programme: Programme) -> bool:
    """Whoever runs the programme: its coordinators and administrators, for an NSO's own programme that
    NSO's staff and coordinators too, and the platform's administrators (as for its members)."""
    return may_decide_membership_of(user, programme)


def get_programme_for_story_queue(user, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not may_approve_stories(user, programme):
        raise Http404
    return programme


def programmes_run_by(user) -> QuerySet[Programme]:
    """The programmes whose page the person sets or whose stories they approve."""
    if not user.is_authenticated:
        return Programme.objects.none()
    roles = roles_of(user)
    if roles.admin:
        return Programme.objects.all()
    return Programme.objects.filter(Q(pk__in=roles.programme_admin_ids) | Q(pk__in=programmes_deciding_members(user)))


def may_see_page(user, programme: Programme) -> bool:
    """A published page is public; before that its editors and coordinators preview it."""
    return programme.public or may_edit_public_page(user, programme) or may_approve_stories(user, programme)


def get_public_programme(user, slug: str) -> Programme:
    programme = get_object_or_404(Programme.objects.prefetch_related("countries"), slug=slug)
    if not may_see_page(user, programme):
        raise Http404
    return programme


def teaches_in(user, twinning: Twinning) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(twinning=twinning, user=user, active=True, role__in=TEACHERS).exists()
    )


def may_write_story(user, twinning: Twinning) -> bool:
    """The teachers of a finished twinning of a programme tell its story."""
    return (
        twinning.status == Twinning.Status.CLOSED and twinning.programme_id is not None and teaches_in(user, twinning)
    )


def get_twinning_for_story(user, pk: int) -> Twinning:
    twinning = get_object_or_404(Twinning.objects.select_related("programme"), pk=pk)
    if not may_write_story(user, twinning):
        raise Http404
    return twinning


def finished_twinnings_of(user) -> QuerySet[Twinning]:
    """The closed twinnings of a programme in which the person teaches."""
    if not user.is_authenticated:
        return Twinning.objects.none()
    return Twinning.objects.filter(
        status=Twinning.Status.CLOSED,
        programme__isnull=False,
        memberships__user=user,
        memberships__active=True,
        memberships__role__in=TEACHERS,
    ).distinct()


def may_see_story(user, story: Story) -> bool:
    """A published story of a published page is public; any other is seen by its twinning's teachers
    and by those who decide on it."""
    if story.status == Story.Status.PUBLISHED and story.programme.public:
        return True
    return may_approve_stories(user, story.programme) or teaches_in(user, story.twinning)


def get_story_for_viewer(user, slug: str, pk: int) -> Story:
    story = get_object_or_404(Story.objects.select_related("programme", "twinning"), pk=pk, programme__slug=slug)
    if not may_see_story(user, story):
        raise Http404
    return story


def may_remove_story(user, story: Story) -> bool:
    """Its twinning's teachers and the programme's coordinators take a story down at any time."""
    return story.status in Story.CURRENT and (
        teaches_in(user, story.twinning) or may_approve_stories(user, story.programme)
    )


def get_story_for_removal(user, pk: int) -> Story:
    story = get_object_or_404(Story.objects.select_related("programme", "twinning"), pk=pk)
    if not may_remove_story(user, story):
        raise Http404
    return story


def get_story_for_decision(user, slug: str, pk: int) -> Story:
    story = get_object_or_404(
        Story.objects.select_related("programme", "twinning"), pk=pk, programme__slug=slug, status=Story.Status.PENDING
    )
    if not may_approve_stories(user, story.programme):
        raise Http404
    return story
