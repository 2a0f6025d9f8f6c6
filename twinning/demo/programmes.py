"""Programme membership in the demo: every school already in a programme is an approved member, and
each programme that has a coordinator has schools waiting for its decision (one asked from its page
by a teacher, in the programme's queue and on the coordinator's dashboard)."""

from datetime import timedelta

from django.utils import timezone

from twinning.accounts.models import Role
from twinning.schools import services
from twinning.schools.models import Programme, ProgrammeMembership, School, TeacherProfile, ValidationStatus

WAITING_PER_PROGRAMME = 2


def load_memberships() -> None:
    members = School.programmes.through.objects.values_list("school_id", "programme_id")
    ProgrammeMembership.objects.bulk_create(
        [
            ProgrammeMembership(school_id=school, programme_id=programme, status=ProgrammeMembership.Status.APPROVED)
            for school, programme in members
        ],
        ignore_conflicts=True,
    )
    coordinated = Role.objects.filter(kind=Role.Kind.COORDINATOR, programme__isnull=False).values("programme_id")
    for programme in Programme.objects.filter(pk__in=coordinated).order_by("slug"):
        candidates = (
            School.objects.filter(status=ValidationStatus.VALIDATED, country__in=programme.countries.all())
            .exclude(programmes=programme)
            .exclude(programme_memberships__programme=programme)
            .order_by("name", "pk")
        )
        waiting = 0
        for school in candidates:
            teacher = (
                TeacherProfile.objects.filter(school=school, status=ValidationStatus.VALIDATED, left_at__isnull=True)
                .select_related("user")
                .order_by("pk")
                .first()
            )
            if teacher is None:
                continue
            membership = services.request_membership(school=school, programme=programme, by=teacher.user)
            ProgrammeMembership.objects.filter(pk=membership.pk).update(
                requested_at=timezone.now() - timedelta(days=1 + waiting * 2)
            )
            waiting += 1
            if waiting == WAITING_PER_PROGRAMME:
                break
