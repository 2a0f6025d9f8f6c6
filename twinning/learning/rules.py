"""Who sees, joins and runs courses and events.

Every signed-in adult reads the offerings open to them; pupils never see this part. An offering
for "own" teachers is for the organiser's people: teachers and principals of schools in the NSO's
countries (or in the programme), and the NSO's or programme's staff. Organisers are NSO staff and
NSO coordinators for their NSO, programme coordinators for their programme, and administrators for
all. Drafts are seen only by their organisers; anything out of reach is a 404.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.accounts.rules import roles_of
from twinning.common.scopes import everything
from twinning.learning.models import Certificate, Material, Offering, Registration, Session
from twinning.schools.models import NSO, Programme, School, TeacherProfile, ValidationStatus
from twinning.schools.rules import can_seek_partners


def is_pupil(user) -> bool:
    return hasattr(user, "pupil")


def can_read(user) -> bool:
    return user.is_authenticated and not is_pupil(user)


# --- Organisers ---------------------------------------------------------------------------------


def organiser_scope(user) -> Q | None:
    """The offerings this person runs, as a filter; None when they run none."""
    roles = roles_of(user)
    if not user.is_authenticated:
        return None
    if roles.admin:
        return everything()
    nsos = roles.nso_ids | roles.coordinator_nso_ids
    if not nsos and not roles.coordinator_programme_ids:
        return None
    return Q(nso_id__in=nsos) | Q(programme_id__in=roles.coordinator_programme_ids)


def can_organise(user) -> bool:
    return can_read(user) and organiser_scope(user) is not None


def organisers_for(user) -> tuple[QuerySet[NSO], QuerySet[Programme]]:
    """The NSOs and programmes in whose name this person may put on an offering."""
    roles = roles_of(user)
    if roles.admin:
        return NSO.objects.all(), Programme.objects.all()
    return (
        NSO.objects.filter(pk__in=roles.nso_ids | roles.coordinator_nso_ids),
        Programme.objects.filter(pk__in=roles.coordinator_programme_ids),
    )


def organised_by(user) -> QuerySet[Offering]:
    scope = organiser_scope(user) if can_read(user) else None
    return Offering.objects.none() if scope is None else Offering.objects.filter(scope)


def organises(user, offering: Offering) -> bool:
    scope = organiser_scope(user) if can_read(user) else None
    if scope is None:
        return False
    roles = roles_of(user)
    return (
        roles.admin
        or offering.nso_id in (roles.nso_ids | roles.coordinator_nso_ids)
        or offering.programme_id in roles.coordinator_programme_ids
    )


# --- Readers and participants -------------------------------------------------------------------


def home_of(user) -> tuple[frozenset[int], frozenset[int]]:
    """The NSOs and programmes whose own offerings this person may join: those of their school (as
    a teacher or principal) and those they work for. Read once per request, kept on the user."""
    cached = getattr(user, "_learning_home", None)
    if cached is not None:
        return cached
    roles = roles_of(user)
    nsos, programmes = set(roles.nso_ids | roles.coordinator_nso_ids), set(roles.coordinator_programme_ids)
    school_ids = set(roles.principal_school_ids)
    school_ids |= set(
        TeacherProfile.objects.filter(user=user, left_at__isnull=True).values_list("school_id", flat=True)
    )
    if school_ids:
        for nso_id, programme_id in School.objects.filter(pk__in=school_ids).values_list(
            "country__nso_id", "programmes__id"
        ):
            if nso_id:
                nsos.add(nso_id)
            if programme_id:
                programmes.add(programme_id)
    home = (frozenset(nsos), frozenset(programmes))
    user._learning_home = home
    return home


def _open_to(user) -> Q:
    nsos, programmes = home_of(user)
    return Q(audience=Offering.Audience.NETWORK) | Q(nso_id__in=nsos) | Q(programme_id__in=programmes)


def offerings_for(user) -> QuerySet[Offering]:
    """Published (and cancelled) offerings open to this person, the ones they registered for, and
    every offering they organise, drafts included."""
    if not can_read(user):
        return Offering.objects.none()
    seen = Q(status__in=[Offering.Status.PUBLISHED, Offering.Status.CANCELLED]) & _open_to(user)
    seen |= Q(pk__in=Registration.objects.filter(user=user).values("offering_id"))
    scope = organiser_scope(user)
    if scope is not None:
        seen |= scope
    return Offering.objects.filter(seen)


def get_offering_for_user(user, pk: int) -> Offering:
    return get_object_or_404(offerings_for(user).select_related("nso", "programme", "language"), pk=pk)


def get_offering_for_organiser(user, pk: int) -> Offering:
    return get_object_or_404(organised_by(user).select_related("nso", "programme", "language"), pk=pk)


def get_session_for_organiser(user, pk: int, session_pk: int) -> Session:
    offering = get_offering_for_organiser(user, pk)
    session = get_object_or_404(Session, pk=session_pk, offering=offering)
    session.offering = offering
    return session


def may_join(user) -> bool:
    """Validated teachers and the network's staff and principals take part; a teacher waiting for
    validation does not yet (a certificate says they are a teacher of the network)."""
    if not can_read(user):
        return False
    roles = roles_of(user)
    return can_seek_partners(user) or roles.principal or roles.nso_staff or roles.coordinator or roles.admin


def registration_refusal(user, offering: Offering) -> str:
    """Why this person cannot register now, in words for them; "" when they can."""
    now = timezone.now()
    if offering.status != Offering.Status.PUBLISHED:
        return _("Registration is not open.")
    if not may_join(user):
        pending = TeacherProfile.objects.filter(user=user, status=ValidationStatus.PENDING).exists()
        if pending:
            return _("You can register once your NSO has validated your teacher account.")
        return _("Registration is for the teachers of the network.")
    if offering.audience == Offering.Audience.OWN:
        nsos, programmes = home_of(user)
        if offering.nso_id not in nsos and offering.programme_id not in programmes:
            return _("This is for the teachers of the organiser's countries or programme only.")
    if offering.starts_at is None or offering.starts_at <= now:
        return _("It has already started: registration is closed.")
    if offering.opens_at and now < offering.opens_at:
        return _("Registration has not opened yet.")
    if offering.closes_at and now >= offering.closes_at:
        return _("Registration is closed.")
    return ""


def active_registration(user, offering: Offering) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(offering=offering, user=user, status__in=Registration.ACTIVE).first()


def is_participant(user, offering: Offering) -> bool:
    return Registration.objects.filter(offering=offering, user=user, status=Registration.Status.CONFIRMED).exists()


def sees_inside(user, offering: Offering) -> bool:
    """The place, the online link and the materials: registered participants and the organisers."""
    return organises(user, offering) or is_participant(user, offering)


def get_material_for_user(user, pk: int, material_pk: int) -> Material:
    offering = get_offering_for_user(user, pk)
    if not sees_inside(user, offering):
        raise Http404
    return get_object_or_404(Material, pk=material_pk, offering=offering)


def get_certificate_for_user(user, pk: int) -> Certificate:
    """The holder's own certificate, or one of an offering this person organises."""
    if not can_read(user):
        raise Http404
    certificate = get_object_or_404(Certificate.objects.select_related("offering", "holder"), pk=pk)
    if certificate.holder_id != user.pk and not organises(user, certificate.offering):
        raise Http404
    return certificate
