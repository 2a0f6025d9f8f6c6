"""The notifications this app sends: courses and events (seats, changed dates, cancellations, certificates).

Each sentence's parameters are filled in, in the reader's language, when it is shown. Registered when
the site starts (`twinning.common.apps.CommonConfig.ready` imports every app's `notifications` module)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.notifications import register_kinds

register_kinds(
    {
        "learning_seat": _("A seat opened up in %(title)s and it is yours: you are registered. It starts on %(when)s."),
        "learning_changed": _("The dates of %(title)s have changed: it now starts on %(when)s. See the new times."),
        "learning_cancelled": _("%(title)s, planned to start on %(when)s, is cancelled."),
        "learning_certificate": _("Your certificate for %(title)s is ready: download it from the page."),
        "learning_revoked": _("Your certificate for %(title)s has been revoked by its issuer."),
    },
    group=_("Courses and certificates"),
)
