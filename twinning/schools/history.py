"""How this app's audit entries read in a school's or a teacher's history (see ``common.audit``)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.audit import register_labels

register_labels(
    {
        "teacher.registered": _("Teacher registered"),
        "teacher.validated": _("Teacher validated"),
        "teacher.rejected": _("Teacher turned down"),
        "teacher.vouched": _("Principal vouched"),
        "teacher.resubmitted": _("Teacher asked for a new decision"),
        "teacher.updated": _("Teacher profile changed"),
        "school.registered": _("School registered"),
        "school.validated": _("School validated"),
        "school.rejected": _("School turned down"),
        "school.updated": _("School details changed"),
        "programme.membership_requested": _("Asked to join a programme"),
        "programme.membership_approved": _("Programme membership approved"),
        "programme.membership_refused": _("Programme membership refused"),
        "programme.member_removed": _("Removed from a programme"),
    }
)
