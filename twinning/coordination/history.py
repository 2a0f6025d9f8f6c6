"""How this app's audit entries read in a twinning's history (see ``common.audit``)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.audit import register_labels

register_labels(
    {
        "guidance.added": _("The coordinator added a note or a step"),
        "guidance.done": _("A coordinator's step was marked done"),
    }
)
