"""The API: schools and their validation, and the teachers waiting for it."""

from datetime import datetime
from typing import Literal

from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from twinning.api import scopes
from twinning.api.auth import channel, need
from twinning.api.errors import ApiError, not_found
from twinning.api.v1.base import (
    REFUSALS,
    ErrorOut,
    Id,
    PageQuery,
    paged,
)
from twinning.common import audit
from twinning.schools import rules as school_rules
from twinning.schools import services as school_services
from twinning.schools.forms import SchoolForm, TeacherProfileForm
from twinning.schools.models import School, TeacherProfile
from twinning.twinnings import services as twinning_services

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
    rows, following = paged(found, list_key=key, paging=filters)
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
    with audit.acting_through(channel(request)):
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
    with audit.acting_through(channel(request)):
        school_services.reject_school(school=school, by=request.user, reason=body.reason)
    return _decided_school(request, school)


class SchoolChange(Schema):
    """The details to change; what is left out stays as it is. The country is not here: moving a school to
    another country moves it to another NSO, an administrator's decision."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=200, description="In Latin letters")
    native_name: str | None = Field(None, max_length=200)
    city: str | None = Field(None, max_length=120)
    school_type: str | None = Field(None, max_length=40)
    age_from: int | None = Field(None, ge=0, le=99)
    age_to: int | None = Field(None, ge=0, le=99)
    languages: list[str] | None = Field(None, max_length=20, description="ISO 639-1 codes")
    time_zone: str | None = Field(None, max_length=64)
    school_week: str | None = Field(None, max_length=20)
    website: str | None = Field(None, max_length=300)


@schools_router.patch(
    "/schools/{school_id}",
    response={200: SchoolOut, 409: ErrorOut, **REFUSALS},
    summary="Change a school's details (its principal, teachers and validators may)",
)
def update_school(request, school_id: Id, body: SchoolChange):
    """Checked as the school's page checks them (the same form), saved by the same service."""
    need(request, "schools", scopes.WRITE)
    school = school_rules.get_school_for_editor(request.user, school_id)
    current = {name: getattr(school, name) for name in SchoolForm.Meta.fields if name != "languages"}
    current["languages"] = list(school.languages.values_list("code", flat=True))
    wanted = {**current, **body.model_dump(exclude_unset=True, exclude_none=True)}
    form = SchoolForm(data=_form_data(wanted), instance=school)
    if not form.is_valid():
        raise ApiError(
            422,
            "invalid",
            _("Some of what you sent is missing or not valid: see “problems”."),
            problems=[
                {"where": ["body", name], "problem": str(message)}
                for name, messages in form.errors.items()
                for message in messages
            ],
        )
    fields = {name: form.cleaned_data[name] for name in SchoolForm.Meta.fields if name != "languages"}
    with audit.acting_through(channel(request)):
        school_services.update_school(
            school=school, by=request.user, fields=fields, languages=list(form.cleaned_data["languages"])
        )
    school = _schools(request.user).get(pk=school.pk)
    return _school_out(school, _validated_ids(request.user, [school]))


def _form_data(values: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if isinstance(value, list):
            data.setlist(name, [str(item) for item in value])
        else:
            data[name] = "" if value is None else str(value)
    return data


class TeacherOut(Schema):
    id: int
    name: str
    email: str
    school_id: int
    status: str = Field(description="pending, validated or rejected")
    submitted_at: datetime
    decided_at: datetime | None
    reason: str
    left_at: datetime | None = Field(description="When the teacher left the school, if they have")
    subjects: list[str] = Field(description="Codes of the subjects they teach")
    languages: list[str] = Field(description="ISO 639-1 codes of the languages they can work in with a partner")


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
        "left_at": teacher.left_at,
        "subjects": sorted(subject.pk for subject in teacher.subjects.all()),
        "languages": sorted(language.pk for language in teacher.languages.all()),
    }


def _teacher(user, pk: int) -> TeacherProfile:
    """One teacher this person validates, with what `_teacher_out` reads; else not found."""
    found = school_rules.teachers_validated_by(user).select_related("user").prefetch_related("subjects", "languages")
    teacher = found.filter(pk=pk).first()
    if teacher is None:
        raise not_found()
    return teacher


@schools_router.get(
    "/teachers",
    response={200: TeacherPage, **REFUSALS},
    summary="Teachers of the schools you validate",
)
def list_teachers(request, filters: Query[TeacherFilters]):
    need(request, "schools")
    found = (
        school_rules.teachers_validated_by(request.user)
        .select_related("user")
        .prefetch_related("subjects", "languages")
    )
    if filters.status:
        found = found.filter(status=filters.status)
    rows, following = paged(found, list_key=f"teachers:{filters.status or ''}", paging=filters)
    return {"items": [_teacher_out(teacher) for teacher in rows], "next": following}


@schools_router.get(
    "/teachers/{teacher_id}", response={200: TeacherOut, **REFUSALS}, summary="One teacher of the schools you validate"
)
def get_teacher(request, teacher_id: Id):
    need(request, "schools")
    return _teacher_out(_teacher(request.user, teacher_id))


@schools_router.post(
    "/teachers/{teacher_id}/validate",
    response={200: TeacherOut, 409: ErrorOut, **REFUSALS},
    summary="Validate a teacher (and their school, if it still waits)",
)
def validate_teacher(request, teacher_id: Id):
    need(request, "schools", scopes.WRITE)
    teacher = school_rules.get_teacher_for_validator(request.user, teacher_id)
    with audit.acting_through(channel(request)):
        teacher = school_services.approve_teacher(teacher=teacher, by=request.user)
    return _teacher_out(_teacher(request.user, teacher.pk))


@schools_router.post(
    "/teachers/{teacher_id}/reject",
    response={200: TeacherOut, 409: ErrorOut, **REFUSALS},
    summary="Turn down a teacher, saying why",
)
def reject_teacher(request, teacher_id: Id, body: Reason):
    need(request, "schools", scopes.WRITE)
    teacher = school_rules.get_teacher_for_validator(request.user, teacher_id)
    with audit.acting_through(channel(request)):
        teacher = school_services.reject_teacher(teacher=teacher, by=request.user, reason=body.reason)
    return _teacher_out(_teacher(request.user, teacher.pk))


class TeacherChange(Schema):
    """What a teacher's NSO changes about them; what is left out stays as it is. Never their name,
    address or password (theirs alone), nor what they wrote about themselves."""

    model_config = ConfigDict(extra="forbid")
    left: Literal[True] | None = Field(
        None,
        description="`true` records that the teacher has left the school: their twinnings pass to the school's "
        "other contacts, or its principal is asked to name one. It cannot be undone.",
    )
    subjects: list[str] | None = Field(None, max_length=50, description="Codes of the subjects they teach")
    languages: list[str] | None = Field(
        None, max_length=20, description="ISO 639-1 codes of the languages they can work in with a partner"
    )


@schools_router.patch(
    "/teachers/{teacher_id}",
    response={200: TeacherOut, 409: ErrorOut, **REFUSALS},
    summary="Change a teacher of your schools: they left, their subjects, their languages",
)
def update_teacher(request, teacher_id: Id, body: TeacherChange):
    """Checked as the teacher's profile page checks them (the same form), saved by the same services as
    the pages: all of it or, when anything is refused, none of it."""
    need(request, "schools", scopes.WRITE)
    teacher = school_rules.get_teacher_for_validator(request.user, teacher_id)
    sent = body.model_dump(exclude_unset=True, exclude_none=True)
    if sent.get("left") and not school_rules.may_record_departure(request.user, teacher):
        raise not_found()
    details = {name: sent[name] for name in ("subjects", "languages") if name in sent}
    if details:
        current = {
            "subjects": list(teacher.subjects.values_list("code", flat=True)),
            "languages": list(teacher.languages.values_list("code", flat=True)),
            "bio": teacher.bio,
        }
        form = TeacherProfileForm(data=_form_data({**current, **details}), instance=teacher)
        if not form.is_valid():
            raise ApiError(
                422,
                "invalid",
                _("Some of what you sent is missing or not valid: see “problems”."),
                problems=[
                    {"where": ["body", name], "problem": str(message)}
                    for name, messages in form.errors.items()
                    for message in messages
                ],
            )
        details = {name: list(form.cleaned_data[name]) for name in details}
    with audit.acting_through(channel(request)), transaction.atomic():
        if details:
            school_services.update_teacher_details(teacher=teacher, by=request.user, **details)
        if sent.get("left"):
            twinning_services.teacher_leaves(teacher=teacher, by=request.user)
    return _teacher_out(_teacher(request.user, teacher.pk))
