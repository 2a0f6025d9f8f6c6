"""The notifications this app sends: a twinning's steps, from proposal to closing, and its contacts.

Each sentence's parameters are filled in, in the reader's language, when it is shown. Registered when
the site starts (`twinning.common.apps.CommonConfig.ready` imports every app's `notifications` module)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.digests import register_twinning_access
from twinning.common.notifications import register_kinds
from twinning.twinnings.rules import readers_still_in

register_kinds(
    {
        "twinning_proposed": _("%(school)s (%(country)s) proposes a twinning to your school: %(title)s."),
        "twinning_to_approve": _("The twinning %(title)s is waiting for your approval."),
        "twinning_accepted": _("%(school)s (%(country)s) accepted the twinning %(title)s."),
        "twinning_declined": _("%(school)s (%(country)s) declined the twinning %(title)s."),
        "twinning_approved": _("The twinning %(title)s has been approved."),
        "twinning_started": _("The twinning %(title)s has started."),
        "twinning_closed": _("The twinning %(title)s has been closed."),
        "twinning_partner_left": _("%(school)s (%(country)s) left the twinning %(title)s."),
        "twinning_invited": _("Your school is invited to join the twinning %(title)s."),
        "twinning_now_contact": _("You are now the contact of %(school)s in the twinning %(title)s."),
        "twinning_contact_needed": _(
            "The contact of %(school)s in the twinning %(title)s has left the school: please name a new one."
        ),
    },
    group=_("Twinnings"),
    activity=("twinning_started", "twinning_approved"),
    alerts=("twinning_to_approve", "twinning_contact_needed"),
)

# The digest sends news of a twinning only to those who may still see it when it goes.
register_twinning_access(readers_still_in)
