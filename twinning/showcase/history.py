"""How this app's audit entries read in a twinning's history (see ``common.audit``)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.audit import register_labels

register_labels(
    {
        "showcase.story_written": _("Wrote the twinning's story for the programme's public page"),
        "showcase.story_published": _("Published the twinning's story on the programme's public page"),
        "showcase.story_rejected": _("Did not approve the twinning's story for the public page"),
        "showcase.story_removed": _("Took the twinning's story off the public page"),
        "showcase.photos_removed": _("A family withdrew consent: photos left the public page"),
    }
)
