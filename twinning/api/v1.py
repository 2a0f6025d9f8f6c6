"""Version 1 of the JSON API, at ``/api/v1/``; its OpenAPI schema at ``/api/v1/openapi.json`` and its
documentation page at ``/api/v1/docs``, both written by Django Ninja from this module.

Every operation asks the apps' own access functions (``rules.py``) which objects the token's person
may see, and writes through their services, so a page and the API never disagree on who may do
what: an object that is not yours is a 404 here as it is there. Long lists are paged by a cursor
(the last id seen, signed and tied to its list), so a page costs the same at the 500th as at the
first.
"""

from datetime import datetime
from typing import Annotated

from django.conf import settings
from django.core import signing
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from pydantic import ConfigDict

from twinning.api import scopes
from twinning.api.auth import TokenAuth, need
from twinning.api.errors import ApiError, not_found
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.library import rules as library_rules
from twinning.library.models import Activity
from twinning.library.queries import library_for
from twinning.meetings import ics
from twinning.meetings import rules as meeting_rules
from twinning.meetings.models import Meeting
from twinning.schools import rules as school_rules
from twinning.schools import services as school_services
from twinning.schools.models import School, TeacherProfile
from twinning.twinnings import rules as twinning_rules
from twinning.twinnings.models import Membership, Twinning, TwinningSchool

api = NinjaAPI(
    title="Twinning API",
    version="1",
    description=(
        "Read and change the platform's data on a person's behalf with a personal access token "
        "(`Authorization: Bearer tw_…`), made on the tokens page. Errors are "
        '`{"code": "…", "message": "…"}`, the message in the language of `Accept-Language`.'
    ),
    urls_namespace="api-v1",
    auth=TokenAuth(),
    docs=Swagger(settings={"persistAuthorization": False}),
)


# --- Errors -------------------------------------------------------------------------------------


class ErrorOut(Schema):
    code: str = Field(description="Stable, for programs: not_found, invalid, unauthenticated, …")
    message: str = Field(description="For people, in the language of Accept-Language.")


class FieldProblem(Schema):
    where: list[str | int]
    problem: str


class InvalidOut(ErrorOut):
    problems: list[FieldProblem]


def _respond(request, error: ApiError):
    response = api.create_response(request, error.body(), status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return _respond(request, exc)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _respond(request, not_found())


@api.exception_handler(ServiceError)
def _refused(request, exc: ServiceError):
    return _respond(request, ApiError(409, "refused", str(exc)))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _respond(request, ApiError(401, "unauthenticated", _("Send a personal access token.")))


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    problems = [
        {"where": [str(part) for part in error.get("loc", ())], "problem": error.get("type", "invalid")}
        for error in exc.errors
    ]
    return _respond(
        request,
        ApiError(
            422, "invalid", _("Some of what you sent is missing or not valid: see “problems”."), problems=problems
        ),
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # Django Ninja raises these itself, e.g. for a body that is not JSON.
    if exc.status_code == 400:
        return _respond(request, ApiError(400, "malformed", _("The body is not valid JSON.")))
    return _respond(request, ApiError(exc.status_code, "error", str(exc)))


REFUSALS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: InvalidOut,
    429: ErrorOut,
}


# Ids are the database's 64-bit keys: a larger number cannot name anything, and is refused as invalid.
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


# --- Paging -------------------------------------------------------------------------------------

CURSOR_SALT = "twinning.api.cursor"


class PageQuery(Schema):
    cursor: str | None = Field(None, description="The `next` of the previous page; leave out for the first.")
    limit: int = Field(50, ge=1, le=settings.API_PAGE_MAX, description="Items per page.")


def _page(queryset, *, list_key: str, paging: PageQuery):
    """One page of ``queryset`` in id order after the cursor, and the cursor of the next page."""
    after = 0
    if paging.cursor:
        try:
            data = signing.loads(paging.cursor, salt=CURSOR_SALT)
        except signing.BadSignature:
            raise ApiError(
                400, "bad_cursor", _("This page cursor is not valid: send the “next” of the previous page.")
            ) from None
        if not isinstance(data, dict) or data.get("list") != list_key or not isinstance(data.get("after"), int):
            raise ApiError(400, "bad_cursor", _("This page cursor belongs to another list or other filters."))
        after = data["after"]
    rows = list(queryset.filter(pk__gt=after).order_by("pk")[: paging.limit + 1])
    following = None
    if len(rows) > paging.limit:
        rows = rows[: paging.limit]
        following = signing.dumps({"list": list_key, "after": rows[-1].pk}, salt=CURSOR_SALT)
    return rows, following


# --- Who am I -----------------------------------------------------------------------------------


class MeOut(Schema):
    id: int
    name: str
    email: str
    token: str = Field(description="The name of the token used.")
    scopes: list[str]
    token_expires_at: datetime


me_router = Router(tags=["you"])


@me_router.get("/me", response={200: MeOut, **REFUSALS}, summary="Who the token acts for")
def me(request):
    token = request.api_token
    return {
        "id": request.user.pk,
        "name": request.user.full_name,
        "email": request.user.email,
        "token": token.name,
        "scopes": token.scopes,
        "token_expires_at": token.expires_at,
    }


# --- Schools ------------------------------------------------------------------------------------


class ValidationOut(Schema):
    status: str = Field(description="pending, validated or rejected")
    decided_at: datetime | None
    reason: str = Field(description="Why it was not validated, if it was not.")


class SchoolOut(Schema):
    id: int
    name: str
    native_name: str
    country: str = Field(description="ISO 3166 code")
    city: str
    school_type: str
    age_from: int
    age_to: int
    languages: list[str] = Field(description="ISO 639-1 codes of the languages of instruction")
    time_zone: str
    website: str
    programmes: list[str] = Field(description="Slugs of the programmes the school is a member of")
    validation: ValidationOut | None = Field(
        description="Only for those who validate the school (its NSO's staff, platform administrators)."
    )


class SchoolFilters(PageQuery):
    country: str | None = Field(None, description="ISO 3166 code")
    status: str | None = Field(None, description="Validation state; for validators only: pending, validated, rejected")


class SchoolPage(Schema):
    items: list[SchoolOut]
    next: str | None


class Reason(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000, description="Shown to the school or teacher, who can resubmit.")


def _school_out(school: School, validated_ids: set[int]) -> dict:
    return {
        "id": school.pk,
        "name": school.name,
        "native_name": school.native_name,
        "country": school.country_id,
        "city": school.city,
        "school_type": school.school_type,
        "age_from": school.age_from,
        "age_to": school.age_to,
        "languages": sorted(language.pk for language in school.languages.all()),
        "time_zone": school.time_zone,
        "website": school.website,
        "programmes": sorted(programme.slug for programme in school.programmes.all()),
        "validation": (
            {"status": school.status, "decided_at": school.decided_at, "reason": school.rejection_reason}
            if school.pk in validated_ids
            else None
        ),
    }


def _validated_ids(user, schools: list[School]) -> set[int]:
    ids = [school.pk for school in schools]
    return set(school_rules.schools_validated_by(user).filter(pk__in=ids).values_list("pk", flat=True))


def _schools(user):
    if not school_rules.may_browse_schools(user):
        return School.objects.none()
    return school_rules.schools_visible_to(user).prefetch_related("languages", "programmes")


schools_router = Router(tags=["schools"])


@schools_router.get("/schools", response={200: SchoolPage, **REFUSALS}, summary="Schools you can see")
def list_schools(request, filters: Query[SchoolFilters]):
    need(request, "schools")
    found = _schools(request.user)
    if filters.country:
        found = found.filter(country_id=filters.country.upper())
    if filters.status:
        # The validation state is the validators' business: others filter nothing they cannot read.
        found = found.filter(status=filters.status, pk__in=school_rules.schools_validated_by(request.user))
    key = f"schools:{filters.country or ''}:{filters.status or ''}"
    rows, following = _page(found, list_key=key, paging=filters)
    validated = _validated_ids(request.user, rows)
    return {"items": [_school_out(school, validated) for school in rows], "next": following}


@schools_router.get("/schools/{school_id}", response={200: SchoolOut, **REFUSALS}, summary="One school")
def get_school(request, school_id: Id):
    need(request, "schools")
    school = next(iter(_schools(request.user).filter(pk=school_id)), None)
    if school is None:
        raise not_found()
    return _school_out(school, _validated_ids(request.user, [school]))


def _decided_school(request, school: School) -> dict:
    school = _schools(request.user).get(pk=school.pk)
    return _school_out(school, {school.pk})


@schools_router.post(
    "/schools/{school_id}/validate",
    response={200: SchoolOut, 409: ErrorOut, **REFUSALS},
    summary="Validate a school waiting for its NSO",
)
def validate_school(request, school_id: Id):
    need(request, "schools", scopes.WRITE)
    school = school_rules.get_school_for_validator(request.user, school_id)
    with audit.acting_through(_channel(request)):
        school_services.approve_school(school=school, by=request.user)
    return _decided_school(request, school)


@schools_router.post(
    "/schools/{school_id}/reject",
    response={200: SchoolOut, 409: ErrorOut, **REFUSALS},
    summary="Turn down a school waiting for its NSO, saying why",
)
def reject_school(request, school_id: Id, body: Reason):
    need(request, "schools", scopes.WRITE)
    school = school_rules.get_school_for_validator(request.user, school_id)
    with audit.acting_through(_channel(request)):
        school_services.reject_school(school=school, by=request.user, reason=body.reason)
    return _decided_school(request, school)


class TeacherOut(Schema):
    id: int
    name: str
    email: str
    school_id: int
    status: str = Field(description="pending, validated or rejected")
    submitted_at: datetime
    decided_at: datetime | None
    reason: str


class TeacherPage(Schema):
    items: list[TeacherOut]
    next: str | None


class TeacherFilters(PageQuery):
    status: str | None = Field(None, description="pending, validated or rejected")


def _teacher_out(teacher: TeacherProfile) -> dict:
    return {
        "id": teacher.pk,
        "name": teacher.user.full_name,
        "email": teacher.user.email,
        "school_id": teacher.school_id,
        "status": teacher.status,
        "submitted_at": teacher.submitted_at,
        "decided_at": teacher.decided_at,
        "reason": teacher.rejection_reason,
    }


@schools_router.get(
    "/teachers",
    response={200: TeacherPage, **REFUSALS},
    summary="Teachers of the schools you validate",
)
def list_teachers(request, filters: Query[TeacherFilters]):
    need(request, "schools")
    found = school_rules.teachers_validated_by(request.user).select_related("user")
    if filters.status:
        found = found.filter(status=filters.status)
    rows, following = _page(found, list_key=f"teachers:{filters.status or ''}", paging=filters)
    return {"items": [_teacher_out(teacher) for teacher in rows], "next": following}


@schools_router.post(
    "/teachers/{teacher_id}/validate",
    response={200: TeacherOut, 409: ErrorOut, **REFUSALS},
    summary="Validate a teacher (and their school, if it still waits)",
)
def validate_teacher(request, teacher_id: Id):
    need(request, "schools", scopes.WRITE)
    teacher = school_rules.get_teacher_for_validator(request.user, teacher_id)
    with audit.acting_through(_channel(request)):
        teacher = school_services.approve_teacher(teacher=teacher, by=request.user)
    return _teacher_out(school_rules.get_teacher_for_validator(request.user, teacher.pk))


@schools_router.post(
    "/teachers/{teacher_id}/reject",
    response={200: TeacherOut, 409: ErrorOut, **REFUSALS},
    summary="Turn down a teacher, saying why",
)
def reject_teacher(request, teacher_id: Id, body: Reason):
    need(request, "schools", scopes.WRITE)
    teacher = school_rules.get_teacher_for_validator(request.user, teacher_id)
    with audit.acting_through(_channel(request)):
        teacher = school_services.reject_teacher(teacher=teacher, by=request.user, reason=body.reason)
    return _teacher_out(school_rules.get_teacher_for_validator(request.user, teacher.pk))


def _channel(request) -> str:
    return f"API token “{request.api_token.name}”"


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
    rows, following = _page(found, list_key=key, paging=filters)
    return {"items": [_twinning_out(twinning) for twinning in rows], "next": following}


@twinnings_router.get("/twinnings/{twinning_id}", response={200: TwinningOut, **REFUSALS}, summary="One twinning")
def get_twinning(request, twinning_id: Id):
    need(request, "twinnings")
    twinning = next(iter(_twinnings(request.user).filter(pk=twinning_id)), None)
    if twinning is None:
        raise not_found()
    return _twinning_out(twinning)


# --- Meetings -----------------------------------------------------------------------------------


class MeetingSchoolOut(Schema):
    school_id: int
    answer: str


class MeetingOut(Schema):
    id: int
    twinning_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    status: str
    schools: list[MeetingSchoolOut]
    calendar: str = Field(description="Path of the meeting's iCalendar file in this API")


class MeetingPage(Schema):
    items: list[MeetingOut]
    next: str | None


def _meeting_out(meeting: Meeting) -> dict:
    return {
        "id": meeting.pk,
        "twinning_id": meeting.twinning_id,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "status": meeting.status,
        "schools": [{"school_id": row.school_id, "answer": row.answer} for row in meeting.schools.all()],
        "calendar": f"/api/v1/twinnings/{meeting.twinning_id}/meetings/{meeting.pk}/meeting.ics",
    }


meetings_router = Router(tags=["meetings"])


@meetings_router.get(
    "/twinnings/{twinning_id}/meetings",
    response={200: MeetingPage, **REFUSALS},
    summary="A twinning's meetings",
)
def list_meetings(request, twinning_id: Id, paging: Query[PageQuery]):
    need(request, "meetings")
    twinning = meeting_rules.get_twinning_for_meetings(request.user, twinning_id)
    found = Meeting.objects.filter(twinning=twinning).prefetch_related("schools")
    rows, following = _page(found, list_key=f"meetings:{twinning.pk}", paging=paging)
    return {"items": [_meeting_out(meeting) for meeting in rows], "next": following}


@meetings_router.get(
    "/twinnings/{twinning_id}/meetings/{meeting_id}", response={200: MeetingOut, **REFUSALS}, summary="One meeting"
)
def get_meeting(request, twinning_id: Id, meeting_id: Id):
    need(request, "meetings")
    return _meeting_out(meeting_rules.get_meeting_for_user(request.user, twinning_id, meeting_id))


@meetings_router.get(
    "/twinnings/{twinning_id}/meetings/{meeting_id}/meeting.ics",
    response=REFUSALS,
    summary="One meeting as an iCalendar file",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The meeting as an iCalendar (RFC 5545) file",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def meeting_calendar(request, twinning_id: Id, meeting_id: Id):
    need(request, "meetings")
    meeting = meeting_rules.get_meeting_for_user(request.user, twinning_id, meeting_id)
    body = ics.calendar(
        [meeting], name=meeting.title, with_link=lambda m: meeting_rules.sees_video_link(meeting.twinning)
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


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
    assert version is not None  # the library lists published activities only
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
    rows, following = _page(found, list_key=key, paging=filters)
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


api.add_router("", me_router)
api.add_router("", schools_router)
api.add_router("", twinnings_router)
api.add_router("", meetings_router)
api.add_router("", library_router)
