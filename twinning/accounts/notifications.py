"""The notifications this app sends: roles given and taken away.

Each sentence's parameters are filled in, in the reader's language, when it is shown. Registered when
the site starts (`twinning.common.apps.CommonConfig.ready` imports every app's `notifications` module)."""

from django.db.models import CharField, Value
from django.utils.translation import gettext_lazy as _

from twinning.accounts.models import Pupil, Role
from twinning.common.mail_choices import register_audience
from twinning.common.notifications import register_kinds
from twinning.schools.models import TeacherProfile

register_kinds(
    {
        "role_granted_nso_staff": _("You are now on the staff of %(scope)s on the platform."),
        "role_granted_coordinator": _("You are now a pedagogic coordinator of %(scope)s."),
        "role_granted_principal": _("You are now a principal of %(scope)s on the platform."),
        "role_granted_programme_admin": _("You are now an administrator of the programme %(scope)s."),
        "role_removed_nso_staff": _("You are no longer on the staff of %(scope)s on the platform."),
        "role_removed_coordinator": _("You are no longer a pedagogic coordinator of %(scope)s."),
        "role_removed_principal": _("You are no longer a principal of %(scope)s on the platform."),
        "role_removed_programme_admin": _("You are no longer an administrator of the programme %(scope)s."),
    },
    group=_("Your roles"),
)


# People asked about in one query: three lists of ids in one statement stay well within the number of parameters
# SQLite and PostgreSQL take.
_ROLES_AT_ONCE = 2000


def _roles(user_ids: list[int]) -> dict[int, set[str]]:
    """The roles people hold, for their e-mail defaults: one query for up to two thousand people (the roles they
    were given, their teacher profiles and their pupil accounts, as one union)."""
    found: dict[int, set[str]] = {}
    for start in range(0, len(user_ids), _ROLES_AT_ONCE):
        ids = user_ids[start : start + _ROLES_AT_ONCE]
        given = Role.objects.filter(user_id__in=ids).order_by().values_list("user_id", "kind")
        teaching = (
            TeacherProfile.objects.filter(user_id__in=ids)
            .order_by()
            .annotate(role=Value("teacher", output_field=CharField()))
            .values_list("user_id", "role")
        )
        learning = (
            Pupil.objects.filter(user_id__in=ids)
            .order_by()
            .annotate(role=Value("pupil", output_field=CharField()))
            .values_list("user_id", "role")
        )
        for user_id, role in given.union(teaching, learning, all=True):
            found.setdefault(user_id, set()).add(role)
    return found


register_audience(_roles)
