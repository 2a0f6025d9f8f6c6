"""The notifications this app sends: files hidden after a family withdrew consent.

Each sentence's parameters are filled in, in the reader's language, when it is shown. Registered when
the site starts (`twinning.common.apps.CommonConfig.ready` imports every app's `notifications` module)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.notifications import register_kinds

register_kinds(
    {
        "consent_media_hidden": _(
            "The family of %(pupil)s withdrew consent: %(count)s file(s) showing them in %(title)s are now hidden "
            "from the partner school. Replace them with files without %(pupil)s."
        ),
    },
    group=_("Workspace"),
)
