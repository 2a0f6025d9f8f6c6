"""Who applies for, evaluates and awards labels. Anything outside a person's reach is a 404.

Teachers apply for twinnings they teach in. Evaluators are the NSO staff of the applicant school's
country: an NSO never sees another country's applications. Principals ask for their school's label.
The international label is the network's: platform administrators award it.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from twinning.accounts.rules import roles_of
from twinning.recognition.models import Application, AwardCategory, SchoolLabelRequest
from twinning.schools.models import NSO, School
from twinning.schools.rules import can_seek_partners
from twinning.twinnings.models import Membership, Twinning

TEACHERS = (Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER)
# A twinning can be put forward once it has been lived: under way (finishing) or closed.
LIVED = (Twinning.Status.ACTIVE, Twinning.Status.CLOSED)


def can_read(user) -> bool:
    """Labels are the adults' business: pupils neither apply nor read the awards."""
    return user.is_authenticated and not hasattr(user, "pupil")


def twinnings_to_apply_for(user) -> QuerySet[Twinning]:
    if not can_seek_partners(user):
        return Twinning.objects.none()
    return Twinning.objects.filter(
        status__in=LIVED, memberships__user=user, memberships__role__in=TEACHERS, memberships__active=True
    ).distinct()


def get_twinning_to_apply_for(user, pk: int) -> Twinning:
    return get_object_or_404(twinnings_to_apply_for(user), pk=pk)


def get_application_for_teacher(user, pk: int) -> Application:
    return get_object_or_404(Application.objects.select_related("twinning", "school"), pk=pk, teacher=user)


def is_evaluator(user) -> bool:
    roles = roles_of(user)
    return roles.admin or roles.nso_staff


def applications_evaluated_by(user) -> QuerySet[Application]:
    roles = roles_of(user)
    if roles.admin:
        return Application.objects.all()
    if not roles.nso_staff:
        return Application.objects.none()
    return Application.objects.filter(school__country__nso_id__in=roles.nso_ids)


def get_application_for_evaluator(user, pk: int) -> Application:
    application = get_object_or_404(
        applications_evaluated_by(user).select_related("twinning", "school__country", "teacher"), pk=pk
    )
    if application.status == Application.Status.DRAFT:
        raise Http404
    return application


def can_award_international(user) -> bool:
    """The international label is the network's: platform administrators award it."""
    return roles_of(user).admin


def can_see_school_labels(user) -> bool:
    """The school label page: principals ask for their schools' label, evaluators decide."""
    return roles_of(user).principal or is_evaluator(user)


def schools_led_by(user) -> QuerySet[School]:
    return School.objects.filter(pk__in=roles_of(user).principal_school_ids)


def school_requests_decided_by(user) -> QuerySet[SchoolLabelRequest]:
    roles = roles_of(user)
    if roles.admin:
        return SchoolLabelRequest.objects.all()
    return SchoolLabelRequest.objects.filter(school__country__nso_id__in=roles.nso_ids)


def nso_ids_for_awards(user) -> set[int] | None:
    """The NSOs whose conference awards this person manages (None: every NSO, for administrators)."""
    roles = roles_of(user)
    return None if roles.admin else set(roles.nso_ids)


def can_manage_awards(user) -> bool:
    """Add award categories, nominate and name winners: an NSO's staff (for it), administrators."""
    managed = nso_ids_for_awards(user)
    return managed is None or bool(managed)


def may_manage_awards_of(user, nso: NSO) -> bool:
    managed = nso_ids_for_awards(user)
    return managed is None or nso.pk in managed


def get_category_for_manager(user, pk: int) -> AwardCategory:
    nsos = nso_ids_for_awards(user)
    categories = AwardCategory.objects.all() if nsos is None else AwardCategory.objects.filter(nso_id__in=nsos)
    return get_object_or_404(categories.select_related("nso"), pk=pk)
