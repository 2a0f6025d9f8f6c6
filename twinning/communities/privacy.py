"""Personal data held by communities: teachers' memberships, requests, messages and shared
resources, declared in the privacy register (`common.privacy`). A removed person's messages stay
in their threads with their text emptied, shown as removed."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import (
    AS_RECORD,
    NOT_THEIRS,
    Erase,
    entries_for,
    register,
)

PURPOSE = _("Communities of practice for teachers: memberships, discussions and shared resources.")


_entry = entries_for(PURPOSE)


register(
    _entry(
        "communities.Community",
        ("names", "decision_note"),
        retention=AS_RECORD,
        links=("created_by", "decided_by"),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
    ),
    _entry("communities.Membership", ("community", "role", "joined_at"), subject=("user",), label=_("Memberships")),
    _entry(
        "communities.Invitation",
        ("community", "status", "created_at"),
        subject=("user",),
        links=("invited_by",),
        label=_("Invitations"),
    ),
    _entry(
        "communities.JoinRequest",
        ("community", "message", "status", "created_at"),
        subject=("user",),
        links=("decided_by",),
        label=_("Requests to join"),
    ),
    _entry("communities.Removal", ("community", "reason", "at"), subject=("user",), links=("by",), label=_("Removals")),
    _entry(
        "communities.Thread",
        ("community", "title", "created_at"),
        retention=AS_RECORD,
        subject=("author",),
        erase=Erase.ANONYMISE,
        label=_("Threads"),
    ),
    _entry(
        "communities.Post",
        ("thread", "body", "created_at"),
        retention=AS_RECORD,
        subject=("author",),
        links=("hidden_by",),
        erase=Erase.ANONYMISE,
        replace={"body": "", "html": ""},
        label=_("Messages"),
    ),
    _entry("communities.ThreadVisit", ("thread", "seen_at"), subject=("user",), export=False, label=_("Visits")),
    _entry(
        "communities.Resource",
        ("community", "title", "description", "file", "original_name", "folder", "added_at"),
        retention=AS_RECORD,
        subject=("added_by",),
        erase=Erase.ANONYMISE,
        label=_("Resources"),
    ),
    _entry(
        "communities.Folder",
        ("community", "name", "created_at"),
        retention=AS_RECORD,
        links=("created_by",),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
        label=_("Folders"),
    ),
)
