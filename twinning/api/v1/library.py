"""The API: the activity library's published activities."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Query, Router, Schema

from twinning.api.auth import need
from twinning.api.errors import not_found
from twinning.api.v1.base import (
    REFUSALS,
    Id,
    PageQuery,
    paged,
)
from twinning.library import rules as library_rules
from twinning.library.models import Activity
from twinning.library.queries import library_for

# --- The activity library -----------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    title: str
    summary: str
    goals: str
    materials: str
    steps: str
    age_from: int
    age_to: int
    duration_minutes: int
    written_in: str = Field(description="ISO 639-1 code of the language it is written in")
    languages: list[str]
    themes: list[str]
    used_in_twinnings: int
    published_at: datetime | None


class ActivityPage(Schema):
    items: list[ActivityOut]
    next: str | None


class ActivityFilters(PageQuery):
    text: Annotated[str, Field(max_length=200)] = ""
    language: str = Field("", description="ISO 639-1 code")
    age: int | None = Field(None, ge=0, le=120)


def _activity_out(activity: Activity) -> dict:
    version = activity.published
    if version is None:  # the library lists published activities only
        raise not_found()
    return {
        "id": activity.pk,
        "title": version.title,
        "summary": version.summary,
        "goals": version.goals,
        "materials": version.materials,
        "steps": version.steps,
        "age_from": version.age_from,
        "age_to": version.age_to,
        "duration_minutes": version.duration_minutes,
        "written_in": version.text_language_id,
        "languages": sorted(language.pk for language in version.languages.all()),
        "themes": sorted(theme.pk for theme in version.themes.all()),
        "used_in_twinnings": activity.use_count,
        "published_at": activity.published_at,
    }


library_router = Router(tags=["library"])


def _library(user):
    if not library_rules.can_read(user):
        raise not_found()
    return Activity.objects.filter(status=Activity.Status.PUBLISHED, published__isnull=False)


@library_router.get("/activities", response={200: ActivityPage, **REFUSALS}, summary="Published activities")
def list_activities(request, filters: Query[ActivityFilters]):
    need(request, "library")
    _library(request.user)
    found = library_for(request.user, text=filters.text, language=filters.language, age=filters.age).order_by()
    found = found.select_related("published").prefetch_related("published__languages", "published__themes")
    key = f"activities:{filters.text}:{filters.language}:{filters.age or ''}"
    rows, following = paged(found, list_key=key, paging=filters)
    return {"items": [_activity_out(activity) for activity in rows], "next": following}


@library_router.get("/activities/{activity_id}", response={200: ActivityOut, **REFUSALS}, summary="One activity")
def get_activity(request, activity_id: Id):
    need(request, "library")
    found = (
        _library(request.user).select_related("published").prefetch_related("published__languages", "published__themes")
    )
    activity = next(iter(found.filter(pk=activity_id)), None)
    if activity is None:
        raise not_found()
    return _activity_out(activity)
