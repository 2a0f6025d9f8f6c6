from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "twinning.workspace"
    label = "workspace"
    verbose_name = _("Twinning workspaces")

    def ready(self):
        # Imported when every app is loaded: the hook of the consent app below is filled in from here.
        from twinning.consent.services import add_withdrawal_step
        from twinning.workspace.services import hide_media_after_withdrawal

        # A family taking back consent hides, at once, what was shared of their child.
        add_withdrawal_step(hide_media_after_withdrawal)
