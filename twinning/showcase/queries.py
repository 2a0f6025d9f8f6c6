"""Reads for the public page and the showcase: figures, stories, and the photos that may be shown."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from twinning.accounts.models import Pupil
from twinning.common.school_year import current_school_year
from twinning.meetings.models import Meeting
from twinning.recognition.models import Label
from twinning.schools.models import Programme, ValidationStatus
from twinning.showcase.models import Story, StoryPhoto
from twinning.twinnings.models import Twinning, TwinningSchool
from twinning.workspace.models import MediaItem, Moderation

# Twinnings that were, or are, under way (not a mere proposal, nor declined).
UNDER_WAY = (
    Twinning.Status.APPROVED,
    Twinning.Status.ACTIVE,
    Twinning.Status.NEEDS_PARTNER,
    Twinning.Status.CLOSED,
)
# The labels a twinning's story shows: those awarded for the twinning's own work.
TWINNING_LABELS = (Label.Kind.NATIONAL, Label.Kind.INTERNATIONAL)
STORIES_PER_PAGE = 12
# The order a programme's stories page by key in (`common.keyset`), through the index `story_page_order`: a story is
# published with its time (services.decide), so the key is never null.
STORY_KEYS = ("-published_at", "-pk")
MOST_PHOTOS = 6


def _someone_without_public_consent():
    """Whether a photo (the outer row's `media`) shows a pupil whose family has not agreed to public use."""
    return MediaItem.pupils.through.objects.filter(mediaitem_id=OuterRef("media_id"), pupil__consent_public=False)


def shown_photos() -> QuerySet[StoryPhoto]:
    """Photos that may be shown today: still published in the workspace, and every pupil in them has
    their family's consent to public use (checked on every request, not only when chosen)."""
    return (
        StoryPhoto.objects.filter(media__status=Moderation.PUBLISHED, media__kind=MediaItem.Kind.PHOTO)
        .exclude(Exists(_someone_without_public_consent()))
        .select_related("media")
    )


def choosable_photos(twinning: Twinning) -> QuerySet[MediaItem]:
    """The twinning's published photos in which every pupil has their family's public-use consent."""
    blocked = MediaItem.pupils.through.objects.filter(mediaitem_id=OuterRef("pk"), pupil__consent_public=False)
    return (
        MediaItem.objects.filter(twinning=twinning, kind=MediaItem.Kind.PHOTO, status=Moderation.PUBLISHED)
        .exclude(Exists(blocked))
        .order_by("-created_at", "-pk")
    )


def photos_without_consent(twinning: Twinning) -> int:
    """How many of the twinning's published photos show a pupil without public-use consent."""
    blocked = MediaItem.pupils.through.objects.filter(mediaitem_id=OuterRef("pk"), pupil__consent_public=False)
    return MediaItem.objects.filter(
        Exists(blocked), twinning=twinning, kind=MediaItem.Kind.PHOTO, status=Moderation.PUBLISHED
    ).count()


@dataclass(frozen=True)
class Figures:
    schools: int
    twinnings: int
    meetings: int
    year: int


def figures_of(programme: Programme) -> Figures:
    """Member schools, and this school year's twinnings and meetings held: three counts."""
    year = current_school_year()
    return Figures(
        schools=programme.schools.filter(status=ValidationStatus.VALIDATED).count(),
        twinnings=Twinning.objects.filter(programme=programme, school_year=year, status__in=UNDER_WAY).count(),
        meetings=Meeting.objects.filter(
            twinning__programme=programme, twinning__school_year=year, status=Meeting.Status.HELD
        ).count(),
        year=year,
    )


def _with_showcase(stories: QuerySet[Story]) -> QuerySet[Story]:
    return stories.select_related("twinning").prefetch_related(
        Prefetch(
            "twinning__schools",
            queryset=TwinningSchool.objects.filter(status=TwinningSchool.Status.JOINED).select_related(
                "school__country"
            ),
            to_attr="joined",
        ),
        Prefetch(
            "twinning__labels",
            queryset=Label.objects.filter(kind__in=TWINNING_LABELS).order_by("kind"),
            to_attr="twinning_labels",
        ),
        Prefetch("photos", queryset=shown_photos(), to_attr="shown"),
    )


def published_stories_of(programme: Programme) -> QuerySet[Story]:
    """The programme's published stories, newest first, with what their cards show."""
    return _with_showcase(Story.objects.filter(programme=programme, status=Story.Status.PUBLISHED)).order_by(
        *STORY_KEYS
    )


def story_for_page(story: Story) -> Story:
    return _with_showcase(Story.objects.filter(pk=story.pk)).select_related("programme").get()


def stories_waiting_for(programme: Programme) -> QuerySet[Story]:
    return _with_showcase(Story.objects.filter(programme=programme, status=Story.Status.PENDING)).order_by(
        "written_at", "pk"
    )


def stories_of_teacher(user) -> QuerySet[Story]:
    """Stories of the twinnings the person teaches in, whatever their status."""
    return (
        Story.objects.filter(
            twinning__memberships__user=user,
            twinning__memberships__active=True,
            twinning__memberships__role__in=("teacher_admin", "teacher"),
        )
        .distinct()
        .select_related("programme", "twinning")
        .order_by("-written_at", "-pk")
    )


def pupils_named_in_twinning(twinning: Twinning) -> QuerySet[Pupil]:
    """Every pupil whose name must never be written in the twinning's story: its pupils, and the pupils
    of its schools."""
    school_ids = twinning.schools.values("school_id")
    members = twinning.memberships.filter(role="pupil").values("user_id")
    return Pupil.objects.filter(school_id__in=school_ids) | Pupil.objects.filter(user_id__in=members)
