"""The API: twinnings and their schools and teachers (never their pupils)."""

from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema

from twinning.api.auth import need
from twinning.api.errors import not_found
from twinning.api.v1.base import (
    REFUSALS,
    Id,
    PageQuery,
    paged,
)
from twinning.twinnings import rules as twinning_rules
from twinning.twinnings.models import Membership, Twinning, TwinningSchool

# --- Twinnings ----------------------------------------------------------------------------------


class TwinningSchoolOut(Schema):
    school_id: int
    name: str
    country: str
    status: str = Field(description="invited, joined, declined or left")


class TeacherMemberOut(Schema):
    name: str
    school_id: int | None
    role: str = Field(description="teacher_admin or teacher")


class TwinningOut(Schema):
    id: int
    title: str
    school_year: int
    status: str
    programme: str | None = Field(description="The programme's slug")
    schools: list[TwinningSchoolOut]
    teachers: list[TeacherMemberOut] = Field(description="Teachers only: pupils are never listed.")


class TwinningPage(Schema):
    items: list[TwinningOut]
    next: str | None


class TwinningFilters(PageQuery):
    school_year: int | None = None
    status: str | None = None


TEACHER_ROLES = (Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER)


def _twinnings(user):
    return (
        twinning_rules.twinnings_for(user)
        .select_related("programme")
        .prefetch_related(
            Prefetch("schools", queryset=TwinningSchool.objects.select_related("school").order_by("pk")),
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(role__in=TEACHER_ROLES, active=True)
                .select_related("user")
                .order_by("pk"),
                to_attr="teacher_members",
            ),
        )
    )


def _twinning_out(twinning: Twinning) -> dict:
    return {
        "id": twinning.pk,
        "title": twinning.title,
        "school_year": twinning.school_year,
        "status": twinning.status,
        "programme": twinning.programme.slug if twinning.programme else None,
        "schools": [
            {
                "school_id": row.school_id,
                "name": row.school.name,
                "country": row.school.country_id,
                "status": row.status,
            }
            for row in twinning.schools.all()
        ],
        "teachers": [
            {"name": member.user.full_name, "school_id": member.school_id, "role": member.role}
            for member in getattr(twinning, "teacher_members", [])
        ],
    }


twinnings_router = Router(tags=["twinnings"])


@twinnings_router.get(
    "/twinnings", response={200: TwinningPage, **REFUSALS}, summary="Twinnings you take part in or oversee"
)
def list_twinnings(request, filters: Query[TwinningFilters]):
    need(request, "twinnings")
    found = _twinnings(request.user)
    if filters.school_year:
        found = found.filter(school_year=filters.school_year)
    if filters.status:
        found = found.filter(status=filters.status)
    key = f"twinnings:{filters.school_year or ''}:{filters.status or ''}"
    rows, following = paged(found, list_key=key, paging=filters)
    return {"items": [_twinning_out(twinning) for twinning in rows], "next": following}


@twinnings_router.get("/twinnings/{twinning_id}", response={200: TwinningOut, **REFUSALS}, summary="One twinning")
def get_twinning(request, twinning_id: Id):
    need(request, "twinnings")
    twinning = next(iter(_twinnings(request.user).filter(pk=twinning_id)), None)
    if twinning is None:
        raise not_found()
    return _twinning_out(twinning)
