from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwinningsConfig(AppConfig):
    name = "twinning.twinnings"
    label = "twinnings"
    verbose_name = _("Twinnings")
