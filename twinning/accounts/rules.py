"""Who a person is on the platform. Every page and service asks these, never the tables."""

from dataclasses import dataclass, field

from django.conf import settings

from twinning.accounts.models import Role


@dataclass(frozen=True)
class Roles:
    admin: bool = False
    nso_ids: frozenset[int] = field(default_factory=frozenset)
    coordinator_nso_ids: frozenset[int] = field(default_factory=frozenset)
    coordinator_programme_ids: frozenset[int] = field(default_factory=frozenset)
    principal_school_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def nso_staff(self) -> bool:
        return bool(self.nso_ids)

    @property
    def coordinator(self) -> bool:
        return bool(self.coordinator_nso_ids or self.coordinator_programme_ids)

    @property
    def principal(self) -> bool:
        return bool(self.principal_school_ids)


def roles_of(user) -> Roles:
    """The person's roles, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return Roles()
    cached = getattr(user, "_twinning_roles", None)
    if cached is not None:
        return cached
    nso, coord_nso, coord_programme, principal = set(), set(), set(), set()
    for kind, nso_id, programme_id, school_id in Role.objects.filter(user=user).values_list(
        "kind", "nso_id", "programme_id", "school_id"
    ):
        if kind == Role.Kind.NSO_STAFF:
            nso.add(nso_id)
        elif kind == Role.Kind.COORDINATOR and nso_id:
            coord_nso.add(nso_id)
        elif kind == Role.Kind.COORDINATOR:
            coord_programme.add(programme_id)
        elif kind == Role.Kind.PRINCIPAL:
            principal.add(school_id)
    roles = Roles(
        admin=user.is_superuser,
        nso_ids=frozenset(nso),
        coordinator_nso_ids=frozenset(coord_nso),
        coordinator_programme_ids=frozenset(coord_programme),
        principal_school_ids=frozenset(principal),
    )
    user._twinning_roles = roles
    return roles


def is_pupil(user) -> bool:
    """Pupils sign in with a username and have no e-mail; only then is the pupil row looked up."""
    return user.is_authenticated and not user.email and bool(user.username) and hasattr(user, "pupil")


def mfa_required(user) -> bool:
    """Whether this person must pass a second factor after their password.

    Platform administrators, NSO staff and coordinators can read every child's data in their
    scope, and whoever can open the admin site can change anyone's: a password alone is not
    enough for them. Teachers and principals may choose to use one; pupils have none.
    """
    if not user.is_authenticated:
        return False
    roles = roles_of(user)
    return roles.admin or roles.nso_staff or roles.coordinator or user.is_staff


def may_use_second_factor(user) -> bool:
    """Adults may set up an authenticator app; pupils (children on shared computers) are not offered one."""
    return user.is_authenticated and not is_pupil(user)


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
