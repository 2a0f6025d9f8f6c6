from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwinningsConfig(AppConfig):
    name = "twinning.twinnings"
    label = "twinnings"
    verbose_name = _("Twinnings")

    def ready(self):
        # Imported when every app is loaded: the hooks of the apps below are filled in from here.
        from twinning.matching.queries import add_settled_pairs_source
        from twinning.matching.services import add_acceptance_step
        from twinning.schools.rules import add_pupil_school_source
        from twinning.twinnings.queries import twinned_school_pairs
        from twinning.twinnings.rules import partner_school_ids_of_pupil
        from twinning.twinnings.services import open_from_proposal

        # Pupils see the partner schools of their twinnings (and no other school).
        add_pupil_school_source(partner_school_ids_of_pupil)
        # A partnership proposal both schools accepted becomes a twinning (matching does not know twinnings).
        add_acceptance_step(open_from_proposal)
        # Schools already twinned this year are never proposed to each other again (search, cohorts).
        add_settled_pairs_source(twinned_school_pairs)
