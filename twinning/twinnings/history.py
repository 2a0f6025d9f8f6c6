"""How this app's audit entries read in a twinning's history (see ``common.audit``)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.audit import register_labels

register_labels(
    {
        "twinning.proposed": _("Proposed the twinning"),
        "twinning.opened": _("Opened from an accepted partnership proposal"),
        "twinning.school_accepted": _("A school joined"),
        "twinning.school_declined": _("A school declined"),
        "twinning.accepted": _("Every school accepted"),
        "twinning.declined": _("Declined"),
        "twinning.approved": _("Approved"),
        "twinning.started": _("Started"),
        "twinning.closed": _("Closed"),
        "twinning.school_left": _("A school left"),
        "twinning.needs_partner": _("Sent to the re-match queue"),
        "twinning.invited": _("A new school was invited"),
        "twinning.rematched": _("A new partner joined"),
        "twinning.contacts": _("Contacts changed"),
        "twinning.contact_left": _("The contact left the school"),
        "twinning.pupils_added": _("Pupils were added"),
        "twinning.pupil_removed": _("A pupil was removed"),
        "teacher.left": _("The teacher left the school"),
    }
)
