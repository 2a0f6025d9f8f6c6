"""The notifications this app sends: a family answered, withdrew, or asks for a new link.

Each sentence's parameters are filled in, in the reader's language, when it is shown. Registered when
the site starts (`twinning.common.apps.CommonConfig.ready` imports every app's `notifications` module)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.notifications import register_kinds

register_kinds(
    {
        "consent_answered": _("The family of %(pupil)s answered the consent form."),
        "consent_withdrawn": _("The family of %(pupil)s withdrew their consent."),
        "consent_new_link_asked": _("The family of %(pupil)s asks for a new consent link: theirs has expired."),
    },
    group=_("Families' consent"),
    activity=("consent_answered",),
)
