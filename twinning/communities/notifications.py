"""The notifications this app sends: communities (replies, invitations, requests, moderation, approval).

Each sentence's parameters are filled in, in the reader's language, when it is shown. Registered when
the site starts (`twinning.common.apps.CommonConfig.ready` imports every app's `notifications` module)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.notifications import register_kinds

register_kinds(
    {
        "community_reply": _("New replies to your discussion %(title)s in the community %(community)s."),
        "community_invited": _("%(name)s invites you to join the community %(community)s."),
        "community_request": _("%(name)s asks to join the community %(community)s."),
        "community_request_accepted": _("You are now a member of the community %(community)s."),
        "community_request_declined": _("Your request to join the community %(community)s was not accepted."),
        "community_moderator": _("You are now a moderator of the community %(community)s."),
        "community_removed": _("A moderator removed you from the community %(community)s."),
        "community_post_hidden": _(
            "A moderator hid your message in %(title)s (community %(community)s). The reason: %(reason)s"
        ),
        "community_proposed": _("%(name)s proposes a new community, %(community)s: it is waiting for your approval."),
        "community_approved": _("The community %(community)s you proposed is open. You are its moderator."),
        "community_declined": _("The community %(community)s you proposed was not approved. The reason: %(reason)s"),
    },
    group=_("Communities"),
    activity=("community_reply",),
    alerts=("community_proposed",),
)
