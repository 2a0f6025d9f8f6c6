"""Who may look for partners, answer proposals and run cohort matching.

`get_*_for_user` are the only way a view turns an id into an object; anything outside the
person's reach is a 404.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from twinning.accounts.rules import roles_of
from twinning.common.errors import ServiceError
from twinning.common.school_year import current_school_year
from twinning.matching.models import CohortRun, Proposal, TwinningProfile
from twinning.schools.models import Country, Programme
from twinning.schools.rules import teaching_school_id


def profile_school_ids(user) -> set[int]:
    """Schools whose twinning profile this person keeps: their own as a validated teacher, or as principal."""
    ids = set(roles_of(user).principal_school_ids)
    if (school_id := teaching_school_id(user)) is not None:
        ids.add(school_id)
    return ids


def proposals_for(user) -> QuerySet[Proposal]:
    schools = profile_school_ids(user)
    return Proposal.objects.filter(Q(left__school_id__in=schools) | Q(right__school_id__in=schools))


def get_proposal_for_user(user, pk: int) -> Proposal:
    return get_object_or_404(
        proposals_for(user).select_related("left__school__country", "right__school__country"), pk=pk
    )


def answering_school_id(user, proposal: Proposal) -> int:
    """The school a person answers a proposal for: theirs of its two (see ``get_proposal_for_user``)."""
    mine = profile_school_ids(user)
    return proposal.left.school_id if proposal.left.school_id in mine else proposal.right.school_id


def get_profiles_for_request(user, partner_pk: int) -> tuple[TwinningProfile, TwinningProfile]:
    """A validated teacher's school's profile this year, and the profile they ask to twin with (one
    looking for partners this year); 404 for anyone else or anything else. The service checks the rest
    (the same school, the programme's rules, the partner's capacity) and says why in words."""
    school_id = teaching_school_id(user)
    if school_id is None:
        raise Http404
    year = current_school_year()
    own = TwinningProfile.objects.filter(school_id=school_id, school_year=year).select_related("school").first()
    partner = (
        TwinningProfile.objects.filter(pk=partner_pk, school_year=year, looking=True)
        .select_related("school__country")
        .first()
    )
    if own is None or partner is None:
        raise Http404
    return own, partner


def can_run_cohorts(user) -> bool:
    roles = roles_of(user)
    return roles.admin or roles.nso_staff or roles.coordinator


def cohort_nsos(user) -> set[int] | None:
    """NSOs whose cohorts this person may match; None means every NSO (platform administrators)."""
    roles = roles_of(user)
    if roles.admin:
        return None
    return set(roles.nso_ids | roles.coordinator_nso_ids)


def cohort_programmes(user) -> QuerySet[Programme]:
    """The programmes whose cohorts this person matches: those they coordinate, and their NSOs' own."""
    roles = roles_of(user)
    if roles.admin:
        return Programme.objects.all()
    return Programme.objects.filter(
        Q(pk__in=roles.coordinator_programme_ids) | Q(nso_id__in=roles.nso_ids | roles.coordinator_nso_ids)
    )


def home_countries(user) -> QuerySet[Country]:
    """Countries a cohort's first side may come from: the person's NSOs' countries, or their programmes'."""
    nsos = cohort_nsos(user)
    if nsos is None:
        return Country.objects.all()
    programmes = roles_of(user).coordinator_programme_ids
    return Country.objects.filter(Q(nso_id__in=nsos) | Q(programmes__in=programmes)).distinct()


def runs_for(user) -> QuerySet[CohortRun]:
    nsos = cohort_nsos(user)
    if nsos is None:
        return CohortRun.objects.all()
    return CohortRun.objects.filter(Q(nso_id__in=nsos) | Q(programme__in=cohort_programmes(user)))


def get_run_for_user(user, pk: int) -> CohortRun:
    if not can_run_cohorts(user):
        raise Http404
    return get_object_or_404(runs_for(user).select_related("nso", "programme"), pk=pk)


def get_own_profile(user, pk: int) -> TwinningProfile:
    return get_object_or_404(
        TwinningProfile.objects.select_related("school"), pk=pk, school_id__in=profile_school_ids(user)
    )


def cohort_scope(user, *, left_countries, programme) -> tuple:
    """The (NSO, programme) a new cohort run belongs to; it decides who may see the run later.

    A run over a programme belongs to the programme; otherwise to the one NSO serving the first
    side's countries, which must be one of the person's own.
    """
    if programme is not None:
        return None, programme
    nsos = {country.nso_id for country in left_countries}
    allowed = cohort_nsos(user)
    if len(nsos) != 1 or None in nsos or (allowed is not None and not nsos <= allowed):
        raise ServiceError(_("Choose countries served by one of your NSOs, or choose one of your programmes."))
    return left_countries[0].nso, None


def may_pair_by_hand(user, run: CohortRun) -> bool:
    """Those who may see a run pair its unmatched schools by hand, once it has finished (and after approval)."""
    return can_run_cohorts(user) and run.status in (CohortRun.Status.DONE, CohortRun.Status.APPROVED)
