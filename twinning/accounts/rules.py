"""Who a person is on the platform, and who may give whom a role. Every page and service asks these,
never the tables.

Roles are appointed on the roles page: platform administrators appoint every kind anywhere; an
NSO's staff appoint the principals of the validated schools in their NSO's countries and the
pedagogic coordinators of their NSO; a programme's administrators appoint its coordinators. Nobody
appoints outside their scope, and whoever may appoint a role in a scope may also remove it there.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from twinning.accounts.models import LinkedIdentity, Pupil, Role
from twinning.common.models import DataExport
from twinning.common.prepared import PreparedRead
from twinning.common.scopes import everything
from twinning.schools.models import NSO, Programme, School, TeacherProfile, ValidationStatus


@dataclass(frozen=True)
class Roles:
    admin: bool = False
    nso_ids: frozenset[int] = field(default_factory=frozenset)
    coordinator_nso_ids: frozenset[int] = field(default_factory=frozenset)
    coordinator_programme_ids: frozenset[int] = field(default_factory=frozenset)
    principal_school_ids: frozenset[int] = field(default_factory=frozenset)
    programme_admin_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def nso_staff(self) -> bool:
        return bool(self.nso_ids)

    @property
    def coordinator(self) -> bool:
        return bool(self.coordinator_nso_ids or self.coordinator_programme_ids)

    @property
    def principal(self) -> bool:
        return bool(self.principal_school_ids)

    @property
    def programme_admin(self) -> bool:
        """Administers one or more programmes (appoints their coordinators): staff, like NSO staff."""
        return bool(self.programme_admin_ids)

    @property
    def programme_staff(self) -> bool:
        """Coordinates or administers a programme: decides which schools take part in it."""
        return bool(self.coordinator_programme_ids or self.programme_admin_ids)

    @property
    def appoints(self) -> bool:
        """Uses the roles page (see ``may_manage_roles``)."""
        return self.admin or self.nso_staff or self.programme_admin


# Read on every request (the session's limits, the menu): compiled once (common.prepared), run with the person's id.
_ROLE_ROWS = PreparedRead(
    lambda user_id: Role.objects.filter(user_id=user_id).values_list("kind", "nso_id", "programme_id", "school_id")
)


def roles_of(user) -> Roles:
    """The person's roles, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return Roles()
    cached = getattr(user, "_twinning_roles", None)
    if cached is not None:
        return cached
    nso, coord_nso, coord_programme, principal, programme_admin = set(), set(), set(), set(), set()
    for kind, nso_id, programme_id, school_id in _ROLE_ROWS.rows(user.pk):
        if kind == Role.Kind.NSO_STAFF:
            nso.add(nso_id)
        elif kind == Role.Kind.COORDINATOR and nso_id:
            coord_nso.add(nso_id)
        elif kind == Role.Kind.COORDINATOR:
            coord_programme.add(programme_id)
        elif kind == Role.Kind.PRINCIPAL:
            principal.add(school_id)
        elif kind == Role.Kind.PROGRAMME_ADMIN:
            programme_admin.add(programme_id)
    roles = Roles(
        admin=user.is_superuser,
        nso_ids=frozenset(nso),
        coordinator_nso_ids=frozenset(coord_nso),
        coordinator_programme_ids=frozenset(coord_programme),
        principal_school_ids=frozenset(principal),
        programme_admin_ids=frozenset(programme_admin),
    )
    user._twinning_roles = roles
    return roles


def may_change_own_name(user) -> bool:
    """A pupil's shown name is set by their teacher (with the family's consent for a full name),
    never by the pupil: a pupil could otherwise skip that consent or pass for a teacher."""
    return not is_pupil(user)


# --- Appointing roles ---------------------------------------------------------------------------


def may_manage_roles(user) -> bool:
    """Platform administrators, NSO staff and programme administrators use the roles page."""
    return user.is_authenticated and roles_of(user).appoints


def may_appoint_principal(user, school: School) -> bool:
    """A principal of a validated school: by its NSO's staff (the NSO of the school's country), or
    by a platform administrator."""
    if not user.is_authenticated or school.status != ValidationStatus.VALIDATED:
        return False
    roles = roles_of(user)
    return roles.admin or (school.country.nso_id is not None and school.country.nso_id in roles.nso_ids)


def may_appoint_nso_coordinator(user, nso: NSO) -> bool:
    """A pedagogic coordinator of an NSO: by that NSO's staff, or by a platform administrator."""
    roles = roles_of(user)
    return user.is_authenticated and (roles.admin or nso.pk in roles.nso_ids)


def may_appoint_programme_coordinator(user, programme: Programme) -> bool:
    """A pedagogic coordinator of a programme: by its administrators, or by a platform administrator."""
    roles = roles_of(user)
    return user.is_authenticated and (roles.admin or programme.pk in roles.programme_admin_ids)


def may_appoint_nso_staff(user, nso: NSO) -> bool:
    """An NSO's staff are appointed by platform administrators only."""
    return user.is_authenticated and roles_of(user).admin


def may_appoint_programme_admin(user, programme: Programme) -> bool:
    """A programme's administrators are appointed by platform administrators only."""
    return user.is_authenticated and roles_of(user).admin


def may_appoint(user, kind: str, scope) -> bool:
    """Whether this person may give `kind` in `scope` (an NSO, a programme or a school)."""
    if kind == Role.Kind.PRINCIPAL:
        return isinstance(scope, School) and may_appoint_principal(user, scope)
    if kind == Role.Kind.COORDINATOR and isinstance(scope, NSO):
        return may_appoint_nso_coordinator(user, scope)
    if kind == Role.Kind.COORDINATOR and isinstance(scope, Programme):
        return may_appoint_programme_coordinator(user, scope)
    if kind == Role.Kind.NSO_STAFF:
        return isinstance(scope, NSO) and may_appoint_nso_staff(user, scope)
    if kind == Role.Kind.PROGRAMME_ADMIN:
        return isinstance(scope, Programme) and may_appoint_programme_admin(user, scope)
    return False


def _managed(user) -> Q | None:
    """The roles this person may remove, as a filter on ``Role``; None when they manage none.

    A principal may be removed whatever has become of the school since (e.g. turned down later).
    """
    if not user.is_authenticated:
        return None
    roles = roles_of(user)
    if roles.admin:
        return everything()
    scope = Q(pk__in=[])
    if roles.nso_ids:
        scope |= Q(kind=Role.Kind.PRINCIPAL, school__country__nso_id__in=roles.nso_ids)
        scope |= Q(kind=Role.Kind.COORDINATOR, nso_id__in=roles.nso_ids)
    if roles.programme_admin_ids:
        scope |= Q(kind=Role.Kind.COORDINATOR, programme_id__in=roles.programme_admin_ids)
    return scope if roles.appoints else None


def kinds_managed_by(user) -> list[str]:
    """The kinds of role this person appoints somewhere, in the order of ``Role.Kind``."""
    roles = roles_of(user)
    kinds = set()
    if roles.admin:
        kinds = set(Role.Kind.values)
    if roles.nso_ids:
        kinds |= {Role.Kind.PRINCIPAL, Role.Kind.COORDINATOR}
    if roles.programme_admin_ids:
        kinds.add(Role.Kind.COORDINATOR)
    return [kind for kind in Role.Kind.values if kind in kinds]


def may_appoint_kind(user, kind: str) -> bool:
    """Whether this person appoints `kind` somewhere (which scopes: `may_appoint`)."""
    return kind in kinds_managed_by(user)


def roles_managed_by(user) -> QuerySet[Role]:
    """The roles in this person's reach: the ones the roles page lists and lets them remove."""
    scope = _managed(user)
    return Role.objects.none() if scope is None else Role.objects.filter(scope)


def may_remove_role(user, role: Role) -> bool:
    return roles_managed_by(user).filter(pk=role.pk).exists()


def get_role_for_manager(user, pk: int) -> Role:
    """A role this person may remove; any other (or none) is a 404."""
    return get_object_or_404(
        roles_managed_by(user).select_related("user", "granted_by", "nso", "programme", "school__country"), pk=pk
    )


def schools_for_principals_by(user) -> QuerySet[School]:
    """The schools whose principals this person appoints: validated, in their NSO's countries (any
    validated school for a platform administrator)."""
    if not user.is_authenticated:
        return School.objects.none()
    roles = roles_of(user)
    validated = School.objects.filter(status=ValidationStatus.VALIDATED)
    if roles.admin:
        return validated
    return validated.filter(country__nso_id__in=roles.nso_ids) if roles.nso_ids else School.objects.none()


def get_school_for_principals(user, pk: int) -> School:
    """A school whose principals this person appoints; any other is a 404."""
    return get_object_or_404(schools_for_principals_by(user).select_related("country"), pk=pk)


def coordinator_scopes_for(user) -> tuple[QuerySet[NSO], QuerySet[Programme]]:
    """The NSOs and programmes in which this person appoints pedagogic coordinators."""
    roles = roles_of(user)
    if roles.admin:
        return NSO.objects.all(), Programme.objects.all()
    return NSO.objects.filter(pk__in=roles.nso_ids), Programme.objects.filter(pk__in=roles.programme_admin_ids)


def is_pupil(user) -> bool:
    """Pupils sign in with a username and have no e-mail; only then is the pupil row looked up."""
    return user.is_authenticated and not user.email and bool(user.username) and hasattr(user, "pupil")


def mfa_required(user) -> bool:
    """Whether this person must pass a second factor after their password.

    Platform administrators, NSO staff, programme administrators and coordinators can read every
    child's data in their scope or hand out the roles that can, and whoever can open the admin site
    can change anyone's: a password alone is not enough for them. Teachers and principals may
    choose to use one; pupils have none.
    """
    if not user.is_authenticated:
        return False
    roles = roles_of(user)
    return roles.admin or roles.nso_staff or roles.programme_admin or roles.coordinator or user.is_staff


def may_use_second_factor(user) -> bool:
    """Adults may set up an authenticator app; pupils (children on shared computers) are not offered one."""
    return user.is_authenticated and not is_pupil(user)


def may_link_identity(user) -> bool:
    """Teachers and staff may sign in with their school's Google or Microsoft account; pupils never:
    their accounts are made and reset by their teacher."""
    return user.is_authenticated and user.is_active and bool(user.email) and not is_pupil(user)


def get_linked_identity_for_owner(user, pk: int):
    return get_object_or_404(LinkedIdentity.objects.filter(user=user), pk=pk)


def may_remove_own_second_factor(user) -> bool:
    """Removing one's second factor is refused while a role needs it (replacing it is always possible)."""
    return may_use_second_factor(user) and not mfa_required(user)


def may_reset_second_factor(actor, person) -> bool:
    """A platform administrator may remove another person's second factor (a lost phone), never their own:
    their own goes through removal with a current code, like everyone's."""
    return actor.is_authenticated and roles_of(actor).admin and actor.pk != person.pk


def idle_limit_seconds(user) -> int:
    """How long this person's session may sit unused before it ends (``settings.SESSION_IDLE_LIMITS``)."""
    limits = settings.SESSION_IDLE_LIMITS
    if is_pupil(user):
        return limits["pupil"]
    if mfa_required(user):
        return limits["staff"]
    return limits["adult"]


# --- Personal data: who may export a person's data and erase them ---------------------------------


def pupils_in_care_of(user) -> QuerySet[Pupil]:
    """The pupils whose data this person may download for a parent, and whom they may remove: the
    pupils of the school where they are a validated teacher (still there) or its principal."""
    if not user.is_authenticated:
        return Pupil.objects.none()
    teaching = TeacherProfile.objects.filter(
        user=user,
        status=ValidationStatus.VALIDATED,
        left_at__isnull=True,
        school__status=ValidationStatus.VALIDATED,
    ).values_list("school_id", flat=True)
    schools = Q(school_id__in=roles_of(user).principal_school_ids) | Q(school_id__in=teaching)
    return Pupil.objects.filter(schools).select_related("user", "school")


def get_pupil_in_care_of(user, pk: int) -> Pupil:
    """A pupil of the person's school (see `pupils_in_care_of`); any other is a 404."""
    return get_object_or_404(pupils_in_care_of(user), pk=pk)


def may_close_own_account(user) -> bool:
    """Anyone signed in but a pupil (their teacher removes them, with their parents) and a platform
    administrator (who would lock the platform out; another administrator removes them)."""
    return user.is_authenticated and not user.is_superuser and not is_pupil(user)


def may_export_own_data(user) -> bool:
    return user.is_authenticated


def get_export_for_download(user, pk: int) -> DataExport:
    """An export the person asked for, ready to download; any other (someone else's, or already
    downloaded) is a 404."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(DataExport.objects.filter(requested_by=user, status=DataExport.Status.READY), pk=pk)
