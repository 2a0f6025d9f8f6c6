from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "twinning.reporting"
    label = "reporting"
    verbose_name = _("Reports and surveys")

    def ready(self) -> None:
        from twinning.accounts.services import add_role_granted_step
        from twinning.reporting.services import count_scope_when_granted

        add_role_granted_step(count_scope_when_granted)
