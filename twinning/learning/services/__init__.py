"""Putting on courses and events, registering for them, taking attendance and issuing certificates.

Seats: every change to who holds a seat (registering, cancelling, a larger capacity) first locks
the offering's row (`select_for_update`), so two teachers taking the last seat at once are served
one after the other: one gets it, the other is first on the waiting list. When a seat frees up
before the start, the first person waiting gets it and is told, in their own language.

Certificates: `issue_certificates` gives one to each registered participant who met the rule
(attended enough sessions, or was marked as having completed it) and has none yet; it may run any
number of times (and runs after each attendance list) without ever issuing a second one.

- `offerings`: creating and rewriting an offering, its sessions, publishing and cancelling it.
- `registration`: registering, the waiting list and cancelling a registration.
- `certificates`: attendance, completion, the certificates' codes, issuing and revoking them.
- `materials`: the files that go with an offering, adding and removing them.
- `_common`: the helpers they share (the row lock, seats taken, title and address, filling seats).
"""

from .certificates import (
    CODE_ALPHABET,
    CODE_LENGTH,
    issue_certificates,
    mark_completed,
    new_code,
    normalise_code,
    record_attendance,
    revoke_certificate,
)
from .materials import MAX_MATERIALS, add_material, remove_material
from .offerings import (
    Details,
    add_session,
    cancel_offering,
    change_session,
    create_offering,
    publish,
    remove_session,
    update_offering,
)
from .registration import cancel_registration, register, waiting_position

__all__ = [
    # offerings
    "Details",
    "add_session",
    "cancel_offering",
    "change_session",
    "create_offering",
    "publish",
    "remove_session",
    "update_offering",
    # registration
    "cancel_registration",
    "register",
    "waiting_position",
    # certificates
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "issue_certificates",
    "mark_completed",
    "new_code",
    "normalise_code",
    "record_attendance",
    "revoke_certificate",
    # materials
    "MAX_MATERIALS",
    "add_material",
    "remove_material",
]
