"""Reads about people: the roles in a person's reach and their recent history, who needs a second factor."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from twinning.accounts import rules
from twinning.accounts.models import LinkedIdentity, Role, User
from twinning.common.models import AuditEntry, DataExport
from twinning.common.scopes import everything
from twinning.common.search import contains_words
from twinning.schools.models import NSO, Programme, School

ROLE_ACTIONS = ("role.granted", "role.removed")


# The roles page's list, newest grant first, paged by key (`common.keyset`): an administrator's holds every role of
# the network (a principal's for each school).
ROLE_KEYS = ("-granted_at", "-pk")


def roles_for_manager(user, *, kind: str = "") -> QuerySet[Role]:
    """The roles this person may remove, newest first, with who holds them, where and who gave them."""
    roles = rules.roles_managed_by(user)
    if kind:
        roles = roles.filter(kind=kind)
    return roles.select_related("user", "granted_by", "nso", "programme", "school__country").order_by(*ROLE_KEYS)


def principals_of(school: School) -> QuerySet[Role]:
    return (
        Role.objects.filter(kind=Role.Kind.PRINCIPAL, school=school)
        .select_related("user", "granted_by")
        .order_by("-granted_at", "-pk")
    )


def schools_for_principals(user, *, search: str, limit: int = 20) -> list[School]:
    """Schools whose principals this person appoints, matching a part of their name or city."""
    if len(search) < 2:
        return []
    schools = rules.schools_for_principals_by(user).filter(contains_words("search_text", search))
    return list(schools.select_related("country").order_by("name", "pk")[:limit])


PEOPLE_KEYS = ("full_name", "pk")  # the order of a search for people, paged by key (`common.keyset`)


def people_for_appointer(user, *, search: str) -> QuerySet[User]:
    """Accounts this person may look up to appoint, matching every word of the search in the name or
    the e-mail: the platform's administrators find anyone with an e-mail; NSO staff the teachers of
    their countries' schools and those holding a role in their NSO; programme administrators the
    teachers of their programme's schools and those holding a role in it. Nobody else, so a search
    tells no one of accounts outside their reach."""
    words = search.split()
    if len(search.strip()) < 2 or not words:
        return User.objects.none()
    roles = rules.roles_of(user)
    people = User.objects.filter(is_active=True, email__isnull=False)
    if not roles.admin:
        reach = [
            *(
                [Q(teacher__school__country__nso_id__in=roles.nso_ids), Q(roles__nso_id__in=roles.nso_ids)]
                if roles.nso_ids
                else []
            ),
            *(
                [
                    Q(teacher__school__programmes__in=roles.programme_admin_ids),
                    Q(roles__programme_id__in=roles.programme_admin_ids),
                ]
                if roles.programme_admin_ids
                else []
            ),
        ]
        if not reach:
            return User.objects.none()
        scope = reach[0]
        for more in reach[1:]:
            scope |= more
        people = people.filter(pk__in=User.objects.filter(scope).values("pk"))
    people = people.filter(contains_words("search_text", " ".join(words), most=6))
    return people.select_related("teacher__school").order_by(*PEOPLE_KEYS)


@dataclass(frozen=True)
class RoleChange:
    """One grant or removal as the history shows it."""

    at: datetime
    granted: bool
    actor: User | None
    person: User | None
    kind_label: str
    scope: object | None
    reason: str


def _history_scope(user) -> Q | None:
    """The role changes this person may read: those in the scope where they appoint (the kinds they
    appoint there). A platform administrator reads them all."""
    roles = rules.roles_of(user)
    if roles.admin:
        return everything()
    types = ContentType.objects.get_for_models(School, NSO, Programme)
    scope = Q(pk__in=[])
    if roles.nso_ids:
        scope |= Q(
            target_type=types[School],
            target_id__in=School.objects.filter(country__nso_id__in=roles.nso_ids).values("pk"),
            data__kind=Role.Kind.PRINCIPAL,
        )
        scope |= Q(target_type=types[NSO], target_id__in=roles.nso_ids, data__kind=Role.Kind.COORDINATOR)
    if roles.programme_admin_ids:
        scope |= Q(
            target_type=types[Programme], target_id__in=roles.programme_admin_ids, data__kind=Role.Kind.COORDINATOR
        )
    return scope if roles.appoints else None


def role_history_for(user, *, limit: int = 30) -> list[RoleChange]:
    """The latest grants and removals in this person's scope, each with who, whom, where and why.

    A fixed number of queries whatever the length: the entries, then the people and the scopes they
    name, each kind in one query.
    """
    scope = _history_scope(user)
    if scope is None:
        return []
    entries = list(
        AuditEntry.objects.filter(scope, action__in=ROLE_ACTIONS).select_related("actor").order_by("-at", "-pk")[:limit]
    )
    people = User.objects.in_bulk({entry.data.get("person") for entry in entries} - {None})
    models = {model: ContentType.objects.get_for_model(model).pk for model in (School, NSO, Programme)}
    # Keyed by content type, then id; an entry without a target (no type, no id) finds nothing.
    scopes: dict[int | None, Mapping[int | None, School | NSO | Programme]] = {
        type_id: model.objects.in_bulk({e.target_id for e in entries if e.target_type_id == type_id})
        for model, type_id in models.items()
    }
    labels = dict(Role.Kind.choices)
    return [
        RoleChange(
            at=entry.at,
            granted=entry.action == "role.granted",
            actor=entry.actor,
            person=people.get(entry.data.get("person")),
            kind_label=labels.get(entry.data.get("kind"), entry.data.get("kind", "")),
            scope=scopes.get(entry.target_type_id, {}).get(entry.target_id),
            reason=entry.reason,
        )
        for entry in entries
    ]


def people_needing_a_second_factor() -> QuerySet[User]:
    """Everyone for whom ``rules.mfa_required`` holds, in one query (a test keeps the two in step)."""
    staff_roles = Role.objects.filter(kind__in=[Role.Kind.NSO_STAFF, Role.Kind.PROGRAMME_ADMIN, Role.Kind.COORDINATOR])
    return User.objects.filter(
        Q(is_superuser=True) | Q(is_staff=True) | Q(pk__in=staff_roles.values("user_id"))
    ).distinct()


def exports_for_requester(user, subject=None) -> list[DataExport]:
    """The latest copies of data this person asked for (of one subject, if given), newest first."""
    rows = DataExport.objects.filter(requested_by=user).order_by("-created_at", "-pk")
    if subject is not None:
        rows = rows.filter(subject=subject)
    return list(rows[:5])


def linked_identities_for_owner(user) -> QuerySet[LinkedIdentity]:
    """The person's accounts at OpenID Connect providers."""
    return LinkedIdentity.objects.filter(user=user)
