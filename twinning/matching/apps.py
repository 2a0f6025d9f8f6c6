from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "twinning.matching"
    label = "matching"
    verbose_name = _("Partner finding and matching")

    def ready(self):
        # Imported when every app is loaded: the hooks of the apps below are filled in from here.
        from twinning.matching.services import record_search_changes
        from twinning.schools.services import add_school_change_step

        # A school validated, turned down, or joining or leaving a programme: partner search reads
        # its profiles afresh.
        add_school_change_step(record_search_changes)
