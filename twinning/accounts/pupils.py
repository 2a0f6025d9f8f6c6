"""Pupil accounts: teachers create them for their class, reset them, and print a login sheet.

Passwords are shown once, on the sheet that the creating (or resetting) request returns, and
stored only as hashes.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from django.db import transaction
from django.utils.translation import gettext as _

from twinning.accounts.models import Pupil, User
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.schools.rules import can_seek_partners

# Short, easy words for passwords children can type: three words and two digits.
WORDS = (
    "apple",
    "river",
    "tiger",
    "cloud",
    "lemon",
    "piano",
    "rocket",
    "garden",
    "planet",
    "candle",
    "pencil",
    "forest",
    "window",
    "orange",
    "dragon",
    "silver",
    "castle",
    "rabbit",
    "pepper",
    "island",
    "meadow",
    "sunny",
    "maple",
    "ocean",
    "comet",
    "violet",
    "falcon",
    "harbor",
    "mango",
    "bridge",
    "canyon",
    "kitten",
    "lantern",
    "marble",
    "nectar",
    "olive",
    "parrot",
    "quartz",
    "ribbon",
    "saddle",
    "tulip",
    "velvet",
    "walnut",
    "yellow",
    "zebra",
    "bamboo",
    "cactus",
    "dolphin",
    "ember",
    "feather",
    "glacier",
    "hazel",
    "igloo",
    "jasmine",
    "koala",
    "lotus",
    "meteor",
    "noodle",
    "otter",
    "pebble",
    "quill",
    "robin",
    "spruce",
    "thunder",
)
MAX_AT_ONCE = 60


def new_password() -> str:
    return "-".join(secrets.choice(WORDS) for _ in range(3)) + f"-{secrets.randbelow(90) + 10}"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", ascii_text)[:12] or "pupil"


def _username(school_id: int, display_name: str) -> str:
    base = f"s{school_id}-{_slug(display_name)}"
    for n in range(1, 10_000):
        candidate = f"{base}{n}"
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    raise ServiceError(_("Too many pupils with this name: choose another name."))


def create_pupils(*, school, by, names: list[str]) -> list[tuple[Pupil, str]]:
    """One account per name (a first name and an initial, or a pseudonym). Returns each with its password."""
    names = [" ".join(name.split()) for name in names if name.strip()]
    if not names:
        raise ServiceError(_("Write at least one name, one per line."))
    if len(names) > MAX_AT_ONCE:
        raise ServiceError(_("At most %(count)d pupils at once.") % {"count": MAX_AT_ONCE})
    too_long = [name for name in names if len(name) > 60]
    if too_long:
        raise ServiceError(_("This name is too long (at most 60 characters): %(name)s") % {"name": too_long[0]})
    made = []
    with transaction.atomic():
        for name in names:
            password = new_password()
            user = User.objects.create_user(
                username=_username(school.pk, name),
                password=password,
                full_name=name,
                preferred_language=by.preferred_language,
                time_zone=school.time_zone,
            )
            pupil = Pupil.objects.create(user=user, school=school, display_name=name, created_by=by)
            audit.record(actor=by, action="pupil.created", target=pupil)
            made.append((pupil, password))
    return made


def reset_passwords(*, pupils: list[Pupil], by) -> list[tuple[Pupil, str]]:
    made = []
    with transaction.atomic():
        for pupil in pupils:
            password = new_password()
            pupil.user.set_password(password)
            pupil.user.save(update_fields=["password"])
            audit.record(actor=by, action="pupil.password_reset", target=pupil)
            made.append((pupil, password))
    return made


def set_names(*, pupil: Pupil, by, display_name: str, full_name: str = "") -> Pupil:
    """The name shown, and the full name, kept only while the family agrees to show it (their consent
    is recorded in the consent app, which alone changes the pupil's consent fields)."""
    if not display_name.strip():
        raise ServiceError(_("A pupil needs a name shown."))
    pupil.display_name = display_name.strip()
    pupil.full_name = full_name.strip() if pupil.consent_full_name else ""
    with transaction.atomic():
        pupil.save(update_fields=["display_name", "full_name"])
        pupil.user.full_name = pupil.shown_name
        pupil.user.save(update_fields=["full_name"])
        audit.record(actor=by, action="pupil.names", target=pupil)
    return pupil


def pupils_of_teacher(user):
    """The pupils a teacher manages: those of their school, while they are a validated teacher there."""
    if not can_seek_partners(user):
        return Pupil.objects.none()
    return Pupil.objects.filter(school_id=user.teacher.school_id).select_related("user")
