"""The notifications this app sends: live meetings (proposed, answered, cancelled) and their reminders.

Each sentence's parameters are filled in, in the reader's language, when it is shown. Registered when
the site starts (`twinning.common.apps.CommonConfig.ready` imports every app's `notifications` module)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.notifications import register_kinds

register_kinds(
    {
        "meeting_proposed": _("%(school)s proposes a live meeting, %(title)s, on %(when)s: does it suit your class?"),
        "meeting_confirmed": _("The live meeting %(title)s on %(when)s is confirmed."),
        "meeting_declined": _("%(school)s cannot meet for %(title)s on %(when)s."),
        "meeting_cancelled": _("The live meeting %(title)s on %(when)s is cancelled."),
        "meeting_tomorrow": _("Reminder: the live meeting %(title)s is on %(when)s."),
        "meeting_soon": _("The live meeting %(title)s starts soon, at %(when)s."),
    },
    group=_("Live meetings"),
)
