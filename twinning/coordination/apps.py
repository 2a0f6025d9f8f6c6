from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "twinning.coordination"
    label = "coordination"
    verbose_name = _("Coordination")

    def ready(self):
        # Imported when every app is loaded: fills in the hook of an app below.
        from twinning.coordination.queries import responsiveness_of
        from twinning.schools.queries import add_responsiveness_source

        # Schools' pages and partner search show how quickly a school answers, from the health facts.
        add_responsiveness_source(responsiveness_of)
