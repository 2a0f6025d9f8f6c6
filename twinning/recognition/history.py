"""How this app's audit entries read in a twinning's history (see ``common.audit``)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.audit import register_labels

register_labels(
    {
        "label.submitted": _("Applied for a quality label"),
        "label.decided": _("The quality label application was decided"),
    }
)
