"""How this app's audit entries read in a teacher's history and the audit log (see ``common.audit``)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.audit import register_labels

register_labels(
    {
        "onboarding.checked": _("Spreadsheet of schools and teachers checked"),
        "onboarding.imported": _("Schools and teachers imported from a spreadsheet"),
        "onboarding.invitation_resent": _("Invitation sent again"),
        "onboarding.invitations_resent": _("Expired invitations sent again"),
        "onboarding.invitation_accepted": _("Invitation accepted, password set"),
    }
)
