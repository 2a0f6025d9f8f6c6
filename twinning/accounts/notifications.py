"""The notifications this app sends: roles given and taken away.

Each sentence's parameters are filled in, in the reader's language, when it is shown. Registered when
the site starts (`twinning.common.apps.CommonConfig.ready` imports every app's `notifications` module)."""

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


def _roles(user_ids: list[int]) -> dict[int, set[str]]:
    """The roles people hold, for their e-mail defaults: three queries however many people."""
    found: dict[int, set[str]] = {}
    for user_id, kind in Role.objects.filter(user_id__in=user_ids).values_list("user_id", "kind"):
        found.setdefault(user_id, set()).add(kind)
    for user_id in TeacherProfile.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True):
        found.setdefault(user_id, set()).add("teacher")
    for user_id in Pupil.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True):
        found.setdefault(user_id, set()).add("pupil")
    return found


register_audience(_roles)
