"""Pages of courses and events: the listing, an offering, registering, running it, certificates.

- `offerings`: the listing, the organiser's list, creating, editing, an offering's page, publishing,
  cancelling, and its sessions.
- `registration`: registering, leaving the seat or the waiting list, the calendar file.
- `certificates`: attendance, participants and completion, issuing, the PDF, revoking.
- `materials`: adding, serving and removing the files that go with an offering.
- `verification`: the public page where anyone checks a certificate's code.
"""

from .certificates import attendance, certificate_pdf, issue, participants, revoke
from .materials import material, material_add, material_remove
from .offerings import (
    PAGE_SIZE,
    cancel,
    edit,
    index,
    new,
    offering,
    organise,
    publish,
    session_edit,
    session_new,
    session_remove,
)
from .registration import calendar, leave, register
from .verification import UNKNOWN_CODES, VERIFIED_FIELDS, verify, verify_code

__all__ = [
    # offerings
    "PAGE_SIZE",
    "cancel",
    "edit",
    "index",
    "new",
    "offering",
    "organise",
    "publish",
    "session_edit",
    "session_new",
    "session_remove",
    # registration
    "calendar",
    "leave",
    "register",
    # certificates
    "attendance",
    "certificate_pdf",
    "issue",
    "participants",
    "revoke",
    # materials
    "material",
    "material_add",
    "material_remove",
    # verification
    "VERIFIED_FIELDS",
    "UNKNOWN_CODES",
    "verify",
    "verify_code",
]
