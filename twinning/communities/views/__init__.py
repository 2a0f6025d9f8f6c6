"""Pages of the communities of practice: the listing, a community, its discussions, resources,
members and invitations. Who may do what is decided in `rules`; anything out of reach is a 404.

- `communities`: the listing, opening or proposing, the about page, editing, deciding, archiving.
- `membership`: joining and leaving, the members' list and moderators, invitations and requests.
- `discussions`: threads, a thread with its replies, pinning, hiding messages.
- `sharing`: resources, i.e. sharing links and files, serving the files, removing them.
- `folders`: folders of resources, and moving a resource between them.
- `_common`: what the pages share (the reader check, POST-only, the tabs' context, the page size).
"""

from .communities import approve, archive, community, decline, edit, index, new
from .discussions import hide, pin, thread, threads
from .folders import delete_folder, file_resource, folder, folders, move_folder_down, move_folder_up, rename_folder
from .membership import (
    accept_invitation,
    accept_request,
    decline_invitation,
    decline_request,
    invitations,
    join,
    leave,
    make_member,
    make_moderator,
    members,
    remove_member,
    withdraw_invitation,
)
from .sharing import remove_resource, resource_file, resources

__all__ = [
    # communities
    "approve",
    "archive",
    "community",
    "decline",
    "edit",
    "index",
    "new",
    # membership
    "accept_invitation",
    "accept_request",
    "decline_invitation",
    "decline_request",
    "invitations",
    "join",
    "leave",
    "make_member",
    "make_moderator",
    "members",
    "remove_member",
    "withdraw_invitation",
    # discussions
    "hide",
    "pin",
    "thread",
    "threads",
    # folders
    "delete_folder",
    "file_resource",
    "folder",
    "folders",
    "move_folder_down",
    "move_folder_up",
    "rename_folder",
    # sharing
    "remove_resource",
    "resource_file",
    "resources",
]
