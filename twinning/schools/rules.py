"""Who may see and decide what about schools and teachers.

The ``get_*_for_*`` functions are the only way a view turns an id into an object: anything
outside the person's reach is a 404, whether or not it exists.
"""

from collections.abc import Callable
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from twinning.accounts.models import Pupil
from twinning.accounts.rules import roles_of
from twinning.common.prepared import PreparedRead
from twinning.common.scopes import everything
from twinning.schools.models import NSO, Programme, ProgrammeMembership, School, TeacherProfile, ValidationStatus


def validator_scope(user) -> Q | None:
    """The schools (and so the teachers) this person validates, as a filter on ``School``.

    ``None`` when they validate nothing. Platform administrators validate everywhere.
    """
    roles = roles_of(user)
    if roles.admin:
        return everything()
    if roles.nso_ids:
        return Q(country__nso_id__in=roles.nso_ids)
    return None


def can_validate(user) -> bool:
    return validator_scope(user) is not None


def schools_validated_by(user) -> QuerySet[School]:
    scope = validator_scope(user)
    return School.objects.none() if scope is None else School.objects.filter(scope)


def teachers_validated_by(user) -> QuerySet[TeacherProfile]:
    scope = validator_scope(user)
    if scope is None:
        return TeacherProfile.objects.none()
    return TeacherProfile.objects.filter(school__in=School.objects.filter(scope))


def get_teacher_for_validator(user, pk: int) -> TeacherProfile:
    return get_object_or_404(
        teachers_validated_by(user).select_related("user", "school__country", "decided_by", "vouched_by"), pk=pk
    )


def get_school_for_validator(user, pk: int) -> School:
    return get_object_or_404(schools_validated_by(user).select_related("country"), pk=pk)


# Apps above this one name the other schools a pupil needs to see, e.g. the partner schools of their
# twinnings: each source maps the pupil's user to a query of school ids. Filled in AppConfig.ready().
_pupil_school_sources: list[Callable[[Any], QuerySet]] = []


def add_pupil_school_source(source: Callable[[Any], QuerySet]) -> None:
    if source not in _pupil_school_sources:
        _pupil_school_sources.append(source)


def pupil_school_id(user) -> int | None:
    """The school of a pupil's account; None for everyone else (read once, kept on the user)."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_pupil_school_id", False)
    if cached is False:
        # Pupils have a username and no e-mail: only then is the pupil row looked up.
        cached = None
        if user.username and not user.email:
            cached = Pupil.objects.filter(user=user).values_list("school_id", flat=True).first()
        user._pupil_school_id = cached
    return cached


def may_browse_schools(user) -> bool:
    """The directory of schools and the lists of teachers are for adults: pupils are children."""
    return user.is_authenticated and pupil_school_id(user) is None


def schools_visible_to(user) -> QuerySet[School]:
    """Validated schools are visible to everyone signed in; others only to their validators and
    their own teachers and principals. A pupil sees their own school and the schools their other
    apps name (their twinnings' partners), nothing else."""
    pupil_school = pupil_school_id(user)
    if pupil_school is not None:
        visible = Q(pk=pupil_school)
        for source in _pupil_school_sources:
            visible |= Q(pk__in=source(user))
        return School.objects.filter(visible)
    visible = Q(status=ValidationStatus.VALIDATED)
    scope = validator_scope(user)
    if scope is not None:
        visible |= scope
    if hasattr(user, "teacher"):
        visible |= Q(pk=user.teacher.school_id)
    roles = roles_of(user)
    if roles.principal_school_ids:
        visible |= Q(pk__in=roles.principal_school_ids)
    return School.objects.filter(visible)


def get_school_for_user(user, pk: int) -> School:
    return get_object_or_404(schools_visible_to(user).select_related("country"), pk=pk)


def get_teacher_for_principal(user, pk: int) -> TeacherProfile:
    schools = roles_of(user).principal_school_ids
    return get_object_or_404(TeacherProfile.objects.select_related("user", "school"), pk=pk, school_id__in=schools)


def may_record_departure(user, teacher: TeacherProfile) -> bool:
    """Who records that a teacher has left their school: its principal, who sees it first, and the
    NSO staff who validated the teacher (and platform administrators). The NSO's own register is
    often the first to know (a ministry's transfer, a school with no principal on the platform), and
    a validator already decides who counts as a teacher of the school; the departure undoes no more
    than that: the twinnings pass to the school's other contacts."""
    if teacher.school_id in roles_of(user).principal_school_ids:
        return True
    return teachers_validated_by(user).filter(pk=teacher.pk).exists()


def get_teacher_for_departure(user, pk: int) -> TeacherProfile:
    teacher = get_object_or_404(TeacherProfile.objects.select_related("user", "school"), pk=pk)
    if not may_record_departure(user, teacher):
        raise Http404
    return teacher


def may_change_teacher_details(user, teacher: TeacherProfile) -> bool:
    """A teacher's subjects and working languages, the school-facing part of their profile: the
    teacher on their profile page, and their validators (an NSO's register keeps them too). Never the
    person's name, address or password, which are theirs alone; nor their "about you", in their words."""
    if teacher.user_id == getattr(user, "pk", None):
        return True
    return teachers_validated_by(user).filter(pk=teacher.pk).exists()


def school_editable_by(user, school: School) -> bool:
    """The principal, the school's validated teachers, and its validators keep its details current."""
    roles = roles_of(user)
    if school.pk in roles.principal_school_ids:
        return True
    teacher = getattr(user, "teacher", None)
    if teacher is not None and teacher.school_id == school.pk and teacher.is_validated:
        return True
    return schools_validated_by(user).filter(pk=school.pk).exists()


def get_school_for_editor(user, pk: int) -> School:
    school = get_school_for_user(user, pk)
    if not school_editable_by(user, school):
        raise Http404
    return school


def teaching_school_id(user) -> int | None:
    """The school of a validated teacher who is still there, at a validated school; else None."""
    return user.teacher.school_id if can_seek_partners(user) else None


def can_seek_partners(user) -> bool:
    """Only validated teachers at validated schools search for partners or join twinnings.

    Read once per request (one query, the school with it) and kept on the user object.
    """
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_can_seek_partners", None)
    if cached is None:
        teacher = _teacher_with_school(user)
        cached = bool(teacher and teacher.is_validated and teacher.left_at is None and teacher.school.is_validated)
        user._can_seek_partners = cached
    return cached


# Read on most pages (the menu asks whether the person seeks partners): compiled once (common.prepared).
# One row at most (one teacher profile per person): a slice, not first(), which would order by the key.
_TEACHER_WITH_SCHOOL = PreparedRead(
    lambda user_id: TeacherProfile.objects.filter(user_id=user_id).select_related("school")[:1]
)


def _teacher_with_school(user) -> TeacherProfile | None:
    """The person's teacher profile with its school (None for anyone else), read once per request.

    The row is kept as ``user.teacher``, the school with it: `teaching_school_id`, the views and the
    templates that read ``user.teacher`` later in the request ask nothing more of the database.
    """
    relation = TeacherProfile._meta.get_field("user").remote_field
    if relation.is_cached(user):
        return cast("TeacherProfile | None", relation.get_cached_value(user))  # the row kept above
    teacher = next(iter(_TEACHER_WITH_SCHOOL.objects(user.pk)), None)
    relation.set_cached_value(user, teacher)
    return teacher


def may_resubmit(user) -> bool:
    """A teacher asks their NSO for a new decision on their own profile: anyone with a teacher
    profile may ask; whether it was turned down, and so waits for one, the service says in words."""
    return user.is_authenticated and _teacher_with_school(user) is not None


def may_propose_to(user, school: School) -> bool:
    """A validated teacher proposes a twinning to another validated school, never to their own."""
    return can_seek_partners(user) and school.is_validated and user.teacher.school_id != school.pk


def is_principal_of(user, school: School) -> bool:
    return school.pk in roles_of(user).principal_school_ids


def may_set_programme_rules(user, programme: Programme) -> bool:
    """The platform's administrators, and the programme's administrators and coordinators, set its
    pairing rules (age gap, partners from other countries)."""
    roles = roles_of(user)
    return roles.admin or programme.pk in roles.programme_admin_ids or programme.pk in roles.coordinator_programme_ids


def programmes_ruled_by(user) -> QuerySet[Programme]:
    roles = roles_of(user)
    if roles.admin:
        return Programme.objects.all()
    return Programme.objects.filter(pk__in=roles.programme_admin_ids | roles.coordinator_programme_ids)


def get_programme_for_rules(user, slug: str) -> Programme:
    return get_object_or_404(programmes_ruled_by(user), slug=slug)


# --- Programme membership -------------------------------------------------------------------------
# A school takes part in a programme once the programme approves it. Who decides: the programme's
# coordinators and administrators, and, for an NSO's own programme (`Programme.nso`), that NSO's
# staff and coordinators (and the platform's administrators everywhere).


def _membership_scope(user) -> Q | None:
    """The programmes whose members this person decides, as a filter on ``Programme``; None for none."""
    if not user.is_authenticated:
        return None
    roles = roles_of(user)
    if roles.admin:
        return everything()
    programmes = roles.coordinator_programme_ids | roles.programme_admin_ids
    nsos = roles.nso_ids | roles.coordinator_nso_ids
    if not programmes and not nsos:
        return None
    return Q(pk__in=programmes) | Q(nso_id__in=nsos)


def programmes_deciding_members(user) -> QuerySet[Programme]:
    """The programmes whose membership requests this person approves or refuses, and whose members
    they may remove."""
    scope = _membership_scope(user)
    return Programme.objects.none() if scope is None else Programme.objects.filter(scope)


def may_decide_memberships(user) -> bool:
    """Whether this person decides the members of at least one programme (the queue is theirs)."""
    return programmes_deciding_members(user).exists()


def may_decide_membership_of(user, programme: Programme) -> bool:
    return programmes_deciding_members(user).filter(pk=programme.pk).exists()


def get_programme_for_members(user, slug: str) -> Programme:
    """A programme whose members this person decides; any other is a 404."""
    return get_object_or_404(programmes_deciding_members(user), slug=slug)


def get_membership_request_for_decider(user, pk: int) -> ProgrammeMembership:
    """A request waiting for a programme this person decides for; any other (or none) is a 404."""
    return get_object_or_404(
        ProgrammeMembership.objects.filter(
            programme__in=programmes_deciding_members(user), status=ProgrammeMembership.Status.PENDING
        ).select_related("programme", "school__country", "requested_by"),
        pk=pk,
    )


def get_member_for_removal(user, slug: str, school_pk: int) -> tuple[Programme, School]:
    """An approved member school of a programme this person decides for; anything else is a 404."""
    programme = get_programme_for_members(user, slug)
    school = get_object_or_404(programme.schools.select_related("country"), pk=school_pk)
    return programme, school


def may_request_membership(user, school: School) -> bool:
    """The school's principal and its validated teachers (still there) ask for it to join a programme."""
    if not user.is_authenticated:
        return False
    if school.pk in roles_of(user).principal_school_ids:
        return True
    teacher = _teacher_with_school(user)
    return bool(teacher and teacher.school_id == school.pk and teacher.is_validated and teacher.left_at is None)


def get_school_for_membership_request(user, pk: int) -> School:
    """A school this person may ask a programme to take in; any other is a 404."""
    school = get_school_for_user(user, pk)
    if not may_request_membership(user, school):
        raise Http404
    return school


# --- Sign-up restricted to an NSO's education domains ----------------------------------------------


def signup_domains(nso: NSO | None) -> list[str]:
    """The NSO's list of domains teachers may sign up from (empty: any address)."""
    if nso is None:
        return []
    return [line.strip().lower().lstrip("@") for line in nso.signup_domains.splitlines() if line.strip()]


def domain_matches(domain: str, pattern: str) -> bool:
    """``education.gov.il`` is that domain only; ``*.edu.ps`` is every domain under edu.ps (not edu.ps itself)."""
    if pattern.startswith("*."):
        return domain.endswith(pattern[1:]) and len(domain) > len(pattern) - 1
    return domain == pattern


def email_domain_allowed(nso: NSO | None, email: str) -> bool:
    patterns = signup_domains(nso)
    if not patterns:
        return True
    domain = email.strip().lower().rpartition("@")[2]
    return any(domain_matches(domain, pattern) for pattern in patterns)


def may_manage_nso_settings(user, nso: NSO) -> bool:
    """The NSO's own staff (and platform administrators) set how teachers of its schools may sign up."""
    roles = roles_of(user)
    return user.is_authenticated and (roles.admin or nso.pk in roles.nso_ids)


def nsos_managed_by(user) -> QuerySet[NSO]:
    roles = roles_of(user)
    if not user.is_authenticated:
        return NSO.objects.none()
    return NSO.objects.all() if roles.admin else NSO.objects.filter(pk__in=roles.nso_ids)


def get_nso_for_staff(user, pk: int) -> NSO:
    return get_object_or_404(nsos_managed_by(user), pk=pk)
