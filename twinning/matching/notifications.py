"""The notifications this app sends: partnership proposals, from a search or a cohort run.

Each sentence's parameters are filled in, in the reader's language, when it is shown. Registered when
the site starts (`twinning.common.apps.CommonConfig.ready` imports every app's `notifications` module)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.notifications import register_kinds

register_kinds(
    {
        "proposal_received": _("%(school)s (%(country)s) would like to twin with %(own_school)s."),
        "proposal_accepted": _("%(school)s accepted the partnership with %(own_school)s."),
        "proposal_declined": _("%(school)s declined the partnership with %(own_school)s."),
        "cohort_proposal": _("Your coordinator proposes %(school)s (%(country)s) as a partner for %(own_school)s."),
    },
    group=_("Partners and proposals"),
)
