"""The notifications this app sends: the nightly nudges to silent schools and their coordinators.

Each sentence's parameters are filled in, in the reader's language, when it is shown. Registered when
the site starts (`twinning.common.apps.CommonConfig.ready` imports every app's `notifications` module)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.notifications import register_kinds

register_kinds(
    {
        "nudge_silent": _(
            "%(school)s has not posted in the twinning %(title)s for %(days)s days. A short message or a photo keeps "
            "your partners with you!"
        ),
        "nudge_coordinator": _("%(school)s has been silent for %(days)s days in the twinning %(title)s."),
    },
    group=_("Accompanying twinnings"),
    alerts=("nudge_coordinator",),
)
