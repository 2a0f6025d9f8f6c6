"""The notifications this app sends: quality labels, school labels and conference awards.

Each sentence's parameters are filled in, in the reader's language, when it is shown. Registered when
the site starts (`twinning.common.apps.CommonConfig.ready` imports every app's `notifications` module)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.notifications import register_kinds

register_kinds(
    {
        "label_awarded": _("Congratulations! The twinning %(title)s has earned you the National Quality Label."),
        "label_not_awarded": _(
            "Your quality label application for %(title)s was not successful this time: see the feedback."
        ),
        "label_international": _("Congratulations! The twinning %(title)s has earned the International Quality Label."),
        "school_label_awarded": _("%(school)s has been awarded the Twinning School Label."),
        "school_label_refused": _("The school label request of %(school)s was not successful: see the reason."),
        "award_won": _("Congratulations! Your project won the conference award: %(category)s."),
    },
    group=_("Quality labels and awards"),
)
