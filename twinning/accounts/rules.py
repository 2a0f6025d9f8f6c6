"""Who a person is on the platform. Every page and service asks these, never the tables."""

from dataclasses import dataclass, field

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


def may_change_own_name(user) -> bool:
    """A pupil's shown name is set by their teacher (with the family's consent for a full name),
    never by the pupil: a pupil could otherwise skip that consent or pass for a teacher."""
    return not hasattr(user, "pupil")
