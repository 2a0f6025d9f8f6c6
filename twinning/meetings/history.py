"""How this app's audit entries read in a school's history (see ``common.audit``)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.audit import register_labels

register_labels(
    {
        "calendar.timetable": _("School week and region changed"),
        "calendar.term_added": _("A term was added to the calendar"),
        "calendar.closure_added": _("A closure was added to the calendar"),
        "calendar.entry_removed": _("A term or closure was removed from the calendar"),
    }
)
