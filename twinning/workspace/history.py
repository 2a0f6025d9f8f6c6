"""How this app's audit entries read in a twinning's history (see ``common.audit``)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.audit import register_labels

register_labels(
    {
        "workspace.moderation_on": _("Posts now wait for a teacher's approval"),
        "workspace.moderation_off": _("Posts no longer wait for approval"),
        "workspace.exported": _("The workspace was exported"),
        "workspace.media_hidden": _("Files were hidden after a consent was withdrawn"),
        "workspace.approved": _("A post was approved"),
        "workspace.rejected": _("A post was refused"),
        "workspace.album_created": _("An album was made in the gallery"),
        "workspace.album_renamed": _("An album was renamed"),
        "workspace.album_moved": _("The albums were put in another order"),
        "workspace.album_deleted": _("An album was deleted; its files stay in the gallery"),
        "workspace.media_filed": _("A file was moved to another album"),
    }
)
