"""The notifications this app sends: a reviewer's decision on an activity.

Each sentence's parameters are filled in, in the reader's language, when it is shown. Registered when
the site starts (`twinning.common.apps.CommonConfig.ready` imports every app's `notifications` module)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.notifications import register_kinds

register_kinds(
    {
        "library_published": _("Your activity %(title)s is published in the library."),
        "library_returned": _("Your activity %(title)s was returned with a reviewer's note: see what to change."),
    },
    group=_("Activity library"),
)
