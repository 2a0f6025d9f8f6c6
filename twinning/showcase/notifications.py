"""The notifications of the showcase: a story waiting for approval, published, or turned down.

Registered when the site starts (`twinning.common.apps.CommonConfig.ready` imports every app's
`notifications` module)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.notifications import register_kinds

register_kinds(
    {
        "story_waiting": _("A twinning's story waits for your approval before the public page shows it: %(title)s."),
        "story_published": _("Your twinning's story is published on the programme's public page: %(title)s."),
        "story_rejected": _("Your twinning's story was not approved for the public page: %(title)s. See why."),
    },
    group=_("Public stories"),
    alerts=("story_waiting",),
)
