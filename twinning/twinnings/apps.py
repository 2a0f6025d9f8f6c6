from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwinningsConfig(AppConfig):
    name = "twinning.twinnings"
    label = "twinnings"
    verbose_name = _("Twinnings")

    def ready(self):
        from twinning.schools.rules import add_pupil_school_source
        from twinning.twinnings.rules import partner_school_ids_of_pupil

        # Pupils see the partner schools of their twinnings (and no other school).
        add_pupil_school_source(partner_school_ids_of_pupil)
