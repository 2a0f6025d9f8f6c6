"""Who sees which numbers, and who writes, runs and answers the questionnaires.

Reports: platform administrators see everything; NSO staff and NSO coordinators see the countries of
their NSOs (a twinning with a foreign partner counts only their own schools; the partner country is
never shown); programme coordinators see their programmes, in every country. Anyone else, teachers
and pupils included, gets a 404.

Questionnaires: NSO staff write and run their NSO's, a programme's coordinators and administrators
write and run the programme's (platform administrators any). An NSO's is answered by the pupils and
teachers who are active members of a twinning of that school year through a school in the NSO's
countries; a programme's by those of the programme's twinnings of that school year, in every country.
Staff of another NSO or programme get a 404.

The programme's report (this year against last, per country): its coordinators and administrators
(every country), the NSO staff and NSO coordinators of the countries it spans (their own countries
only, as on the main report), platform administrators. Anyone else gets a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from twinning.accounts.rules import roles_of
from twinning.reporting.models import Group, Survey
from twinning.schools.models import NSO, Country, Programme, School, ValidationStatus
from twinning.twinnings.models import Membership, Twinning

TEACHERS = (Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER)
# Twinnings under way or done: approved and after (a closed one only if it was approved first, see queries).
WORKING = (Twinning.Status.APPROVED, Twinning.Status.ACTIVE, Twinning.Status.NEEDS_PARTNER, Twinning.Status.CLOSED)


@dataclass(frozen=True)
class Scope:
    """The part of the network a person's reports cover: everything, or NSOs' countries and/or programmes."""

    everything: bool = False
    nso_ids: frozenset[int] = frozenset()
    programme_ids: frozenset[int] = frozenset()

    def q(self, *, country: str, programme: str) -> Q:
        """The scope as a filter, given the paths to the country's code and the twinning's programme id."""
        if self.everything:
            return Q()
        scope = Q(pk__in=[])
        if self.nso_ids:
            scope |= Q(**{f"{country}__nso_id__in": self.nso_ids})
        if self.programme_ids:
            scope |= Q(**{f"{programme}__in": self.programme_ids})
        return scope

    @property
    def key(self) -> str:
        """The scope written as a short text, the same for the same scope (the kept reports are filed under it)."""
        if self.everything:
            return "all"
        return "nso:{};programme:{}".format(
            ",".join(map(str, sorted(self.nso_ids))), ",".join(map(str, sorted(self.programme_ids)))
        )

    @classmethod
    def from_key(cls, key: str) -> Scope:
        if key == "all":
            return cls(everything=True)
        parts = dict(part.split(":", 1) for part in key.split(";"))
        return cls(
            nso_ids=frozenset(int(n) for n in parts["nso"].split(",") if n),
            programme_ids=frozenset(int(n) for n in parts["programme"].split(",") if n),
        )

    @property
    def all_countries(self) -> bool:
        """Programme coordinators follow their programmes wherever the schools are."""
        return self.everything or bool(self.programme_ids)


def report_scope(user) -> Scope | None:
    roles = roles_of(user)
    if roles.admin:
        return Scope(everything=True)
    nsos = roles.nso_ids | roles.coordinator_nso_ids
    if not nsos and not roles.coordinator_programme_ids:
        return None
    return Scope(nso_ids=frozenset(nsos), programme_ids=frozenset(roles.coordinator_programme_ids))


def get_report_scope(user) -> Scope:
    """The reports' scope, or a 404 for anyone who reads no report."""
    scope = report_scope(user) if user.is_authenticated else None
    if scope is None:
        raise Http404
    return scope


def countries_in(scope: Scope) -> QuerySet[Country]:
    if scope.all_countries:
        return Country.objects.all()
    return Country.objects.filter(nso_id__in=scope.nso_ids)


def programmes_in(scope: Scope) -> QuerySet[Programme]:
    if scope.everything or scope.nso_ids:
        return Programme.objects.all()
    return Programme.objects.filter(pk__in=scope.programme_ids)


# Questionnaires ------------------------------------------------------------------------------


def programme_staff_ids(user) -> frozenset[int]:
    """The programmes this person runs: those they coordinate or administer."""
    roles = roles_of(user)
    return roles.coordinator_programme_ids | roles.programme_admin_ids


def survey_nsos_of(user) -> QuerySet[NSO]:
    """The NSOs whose questionnaires this person writes and runs: their own, or any for an administrator."""
    roles = roles_of(user)
    if roles.admin:
        return NSO.objects.all()
    return NSO.objects.filter(pk__in=roles.nso_ids)


def survey_programmes_of(user) -> QuerySet[Programme]:
    """The programmes whose questionnaires this person writes and runs: those they coordinate or administer,
    an NSO's own programme (`Programme.nso`) for that NSO's staff and coordinators, or any for an
    administrator."""
    roles = roles_of(user)
    if roles.admin:
        return Programme.objects.all()
    return Programme.objects.filter(
        Q(pk__in=programme_staff_ids(user)) | Q(nso_id__in=roles.nso_ids | roles.coordinator_nso_ids)
    )


def can_run_surveys(user) -> bool:
    roles = roles_of(user)
    return roles.admin or roles.nso_staff or bool(programme_staff_ids(user))


def may_run_survey_of(user, *, nso: NSO | None = None, programme: Programme | None = None) -> bool:
    """Whether this person may write a questionnaire for this NSO or this programme (one of the two)."""
    if (nso is None) == (programme is None):
        return False
    if nso is not None:
        return survey_nsos_of(user).filter(pk=nso.pk).exists()
    return survey_programmes_of(user).filter(pk=programme.pk).exists()  # type: ignore[union-attr]  # not None here


def surveys_run_by(user) -> QuerySet[Survey]:
    roles = roles_of(user)
    if roles.admin:
        return Survey.objects.all()
    return Survey.objects.filter(Q(nso_id__in=roles.nso_ids) | Q(programme__in=survey_programmes_of(user)))


def get_survey_for_organiser(user, pk: int) -> Survey:
    """A questionnaire of the person's own NSO or programme (any, for an administrator); anything else is a 404."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(surveys_run_by(user).select_related("nso", "programme"), pk=pk)


def _respondent_memberships(user, survey: Survey) -> QuerySet[Membership]:
    roles = []
    if survey.audience in (Survey.Audience.PUPILS, Survey.Audience.BOTH):
        roles.append(Membership.Role.PUPIL)
    if survey.audience in (Survey.Audience.TEACHERS, Survey.Audience.BOTH):
        roles += TEACHERS
    whose = (
        Q(twinning__programme_id=survey.programme_id)
        if survey.programme_id is not None
        else Q(school__country__nso_id=survey.nso_id)
    )
    return Membership.objects.filter(
        Q(role=Membership.Role.PUPIL) | Q(user__teacher__status=ValidationStatus.VALIDATED),
        whose,
        user=user,
        active=True,
        role__in=roles,
        twinning__school_year=survey.school_year,
        twinning__status__in=WORKING,
    )


@dataclass(frozen=True)
class Place:
    """Where a respondent's answers are counted: their group, their school's country, their twinning."""

    group: str
    country: str
    twinning: int


def respondent_place(user, survey: Survey) -> Place | None:
    """The group, country and twinning under which this person answers, or None if the questionnaire is not
    theirs. Someone in two of its twinnings answers once, for the first they joined."""
    member = _respondent_memberships(user, survey).select_related("school").order_by("pk").first()
    if member is None or member.school is None:  # the school is never missing: the filter joins through it
        return None
    group = Group.PUPILS if member.role == Membership.Role.PUPIL else Group.TEACHERS
    return Place(group, member.school.country_id, member.twinning_id)


def surveys_for_respondent(user) -> QuerySet[Survey]:
    """Open questionnaires this person may answer (whether or not they have answered the open wave)."""
    if not user.is_authenticated:
        return Survey.objects.none()
    members = Membership.objects.filter(
        Q(role=Membership.Role.PUPIL) | Q(role__in=TEACHERS, user__teacher__status=ValidationStatus.VALIDATED),
        user=user,
        active=True,
        twinning__status__in=WORKING,
    ).values_list("role", "twinning__school_year", "school__country__nso_id", "twinning__programme_id")
    scope = Q(pk__in=[])
    for role, year, nso_id, programme_id in members:
        own = Survey.Audience.PUPILS if role == Membership.Role.PUPIL else Survey.Audience.TEACHERS
        audiences = [Survey.Audience.BOTH, own]
        if nso_id is not None:
            scope |= Q(nso_id=nso_id, school_year=year, audience__in=audiences)
        if programme_id is not None:
            scope |= Q(programme_id=programme_id, school_year=year, audience__in=audiences)
    return Survey.objects.filter(scope, stage__in=[Survey.Stage.START_OPEN, Survey.Stage.END_OPEN])


def get_survey_for_respondent(user, pk: int) -> Survey:
    """An open questionnaire the person may answer; anything else is a 404."""
    return get_object_or_404(surveys_for_respondent(user).prefetch_related("questions"), pk=pk)


# The programme's report ----------------------------------------------------------------------


def programme_report_scope(user, programme: Programme) -> Scope | None:
    """The part of a programme's report this person reads: all of it for its staff and platform administrators,
    their own countries for the NSO staff and coordinators of the countries it spans; None for anyone else."""
    if not user.is_authenticated:
        return None
    roles = roles_of(user)
    if roles.admin:
        return Scope(everything=True)
    if programme.pk in programme_staff_ids(user):
        return Scope(programme_ids=frozenset({programme.pk}))
    nsos = roles.nso_ids | roles.coordinator_nso_ids
    # Each country asked once whether the programme spans it (not a row per member school of it).
    spanned = Country.objects.filter(
        Q(programmes=programme)
        | Exists(School.programmes.through.objects.filter(school__country_id=OuterRef("pk"), programme=programme)),
        nso_id__in=nsos,
    ).values_list("nso_id", flat=True)
    ours = frozenset(spanned)
    return Scope(nso_ids=ours) if ours else None


def may_read_programme_report(user, programme: Programme) -> bool:
    return programme_report_scope(user, programme) is not None


def programmes_reported_to(user) -> QuerySet[Programme]:
    """The programmes whose report this person reads (for the links on the main report)."""
    if not user.is_authenticated:
        return Programme.objects.none()
    roles = roles_of(user)
    if roles.admin:
        return Programme.objects.all()
    nsos = roles.nso_ids | roles.coordinator_nso_ids
    # Each programme asked once whether it reaches the NSOs' countries, stopping at the first such country or member
    # school: a join through the member schools made a row per school (1.5 s at 200,000 schools, against 63 ms).
    return Programme.objects.filter(
        Q(pk__in=programme_staff_ids(user))
        | Exists(Programme.countries.through.objects.filter(programme_id=OuterRef("pk"), country__nso_id__in=nsos))
        | Exists(
            School.programmes.through.objects.filter(programme_id=OuterRef("pk"), school__country__nso_id__in=nsos)
        )
    )


def get_programme_for_report(user, slug: str) -> tuple[Programme, Scope]:
    """The programme and the part of its report this person reads; a 404 for anyone who reads none of it."""
    programme = get_object_or_404(Programme, slug=slug)
    scope = programme_report_scope(user, programme)
    if scope is None:
        raise Http404
    return programme, scope
