"""Writes in communities of practice: opening and proposing them, joining, inviting, moderating,
discussing and sharing.

The callers (views, the demo) have checked who may act with `communities.rules`; the services
check the state of things (an archived community changes nothing, a community keeps at least one
moderator, an invitation is answered once) and keep the community's counters, with `F()` updates
inside the transaction so two people joining at once are both counted.

- `communities`: opening, proposing, approving or declining, editing, archiving and reopening.
- `membership`: joining, requests to join, invitations, leaving, moderators and removals.
- `discussions`: threads, replies, read marks, hiding and showing messages, pinning.
- `sharing`: resources, i.e. shared https links and checked files, and removing them.
- `folders`: folders for the resources, and moving resources between them.
- `_common`: the helpers they share (notification name and address, adding a member, the active check).
"""

from .communities import (
    About,
    approve_community,
    archive_community,
    create_community,
    decline_community,
    edit_community,
    propose_community,
    reopen_community,
)
from .discussions import hide_post, mark_read, pin_thread, reply, show_post, start_thread
from .folders import create_folder, delete_folder, file_resource, move_folder, rename_folder
from .membership import (
    answer_invitation,
    answer_request,
    invite,
    join,
    leave,
    remove_member,
    request_to_join,
    set_role,
    withdraw_invitation,
)
from .sharing import remove_resource, share_file, share_link

__all__ = [
    # communities
    "About",
    "approve_community",
    "archive_community",
    "create_community",
    "decline_community",
    "edit_community",
    "propose_community",
    "reopen_community",
    # membership
    "answer_invitation",
    "answer_request",
    "invite",
    "join",
    "leave",
    "remove_member",
    "request_to_join",
    "set_role",
    "withdraw_invitation",
    # discussions
    "hide_post",
    "mark_read",
    "pin_thread",
    "reply",
    "show_post",
    "start_thread",
    # folders
    "create_folder",
    "delete_folder",
    "file_resource",
    "move_folder",
    "rename_folder",
    # sharing
    "remove_resource",
    "share_file",
    "share_link",
]
