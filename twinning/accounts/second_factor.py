"""The second factor: an authenticator app (TOTP) and single-use recovery codes, kept by django-otp.

A person has at most one authenticator device and one set of recovery codes. Setting up a new
app replaces the old one and its codes (a new phone); codes can be made afresh, which voids the
old ones. Every change, every recovery code used and every wrong code is in the audit log, never
a code itself. django-otp throttles each device: after a wrong code the next try waits 1, 2, 4...
seconds, and a code is never accepted twice.
"""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from twinning.accounts import rules
from twinning.accounts.models import User
from twinning.common import audit
from twinning.common.errors import ServiceError

RECOVERY_CODES = 10
APP_DEVICE_NAME = "authenticator app"
CODES_DEVICE_NAME = "recovery codes"


def new_secret() -> str:
    """A fresh secret for an authenticator app, hex-encoded as django-otp stores it (160 bits)."""
    return random_hex(20)


def secret_for_typing(key_hex: str) -> str:
    """The secret as an authenticator app asks for it when typed in: base32, in groups of four."""
    text = b32encode(unhexlify(key_hex)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def setup_link(*, user: User, key_hex: str) -> str:
    """The ``otpauth://`` link the QR code carries (the key URI format authenticator apps read)."""
    issuer = settings.OTP_TOTP_ISSUER
    label = f"{issuer}:{user.email or user.username}"
    params = urlencode(
        {"secret": b32encode(unhexlify(key_hex)).decode().rstrip("="), "issuer": issuer, "digits": 6, "period": 30}
    )
    return f"otpauth://totp/{quote(label)}?{params}"


def qr_code_data_uri(link: str) -> str:
    """The link as a QR code: an SVG drawn here, as a data: address (nothing is fetched from outside)."""
    return segno.make(link, error="m").svg_data_uri(scale=5, border=2, dark="#111", light="#fff")


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def shown(token: str) -> str:
    """A recovery code as shown and printed: two groups of four, easy to read out."""
    return f"{token[:4]}-{token[4:]}"


def _normalised_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=CODES_DEVICE_NAME, confirmed=True)
    tokens = set()
    while len(tokens) < RECOVERY_CODES:
        tokens.add(StaticToken.random_token())
    StaticToken.objects.bulk_create([StaticToken(device=device, token=token) for token in sorted(tokens)])
    return [shown(token) for token in sorted(tokens)]


def set_up_authenticator(*, user: User, key_hex: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the app the person has just set up with ``key_hex`` by a code it shows.

    Side effects: any earlier app and recovery codes of the person are replaced; new recovery codes
    are made and returned (to be shown once); an audit entry. Raises ``ServiceError`` for a wrong code.
    """
    if not rules.may_use_second_factor(user):
        raise ServiceError(_("Pupils' accounts do not use an authenticator app."))
    code = "".join(code.split())
    totp = TOTP(unhexlify(key_hex), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    if not (code.isascii() and code.isdigit() and len(code) == 6 and totp.verify(int(code), tolerance=1)):
        raise ServiceError(
            _("That code is not the one your app shows. Check the app's clock and type the six digits it shows now.")
        )
    with transaction.atomic():
        replaced = TOTPDevice.objects.filter(user=user).exists()
        TOTPDevice.objects.filter(user=user).delete()
        # last_t: the code just typed cannot be used again to sign in.
        device = TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, key=key_hex, confirmed=True, last_t=totp.t()
        )
        codes = _new_recovery_codes(user)
        audit.record(actor=user, action="mfa.enrolled", target=user, replaced=replaced)
    return device, codes


@dataclass(frozen=True)
class Verification:
    device: TOTPDevice | StaticDevice | None
    used_recovery_code: bool = False
    # When the wrong tries so far make the person wait before the next one.
    wait_until: datetime | None = None


def _device_for(user: User, code: str):
    # Six digits are an app's code; anything else can only be a recovery code. Each kind has its
    # own throttle, so a mistyped recovery code does not slow down the app's codes.
    if code.isascii() and code.isdigit() and len(code) == 6:
        return TOTPDevice.objects.filter(user=user, confirmed=True).first(), False
    return StaticDevice.objects.filter(user=user, confirmed=True).first(), True


def verify(*, user: User, code: str, address: str = "") -> Verification:
    """Check a code from the person's app, or one of their recovery codes (which is then used up).

    Side effects: the device's throttle; audit entries for a wrong code and for a recovery code used.
    """
    code = _normalised_code(code)
    device, recovery = _device_for(user, code)
    if device is None or not code:
        audit.record(actor=user, action="mfa.code_refused", target=user, address=address, kind="none")
        return Verification(device=None)
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return Verification(device=None, wait_until=(details or {}).get("locked_until"))
    with transaction.atomic():
        matched = django_otp.verify_token(user, device.persistent_id, code)
        kind = "recovery_code" if recovery else "app"
        if matched is None:
            audit.record(actor=user, action="mfa.code_refused", target=user, address=address, kind=kind)
            return Verification(device=None)
        if recovery:
            audit.record(
                actor=user,
                action="mfa.recovery_code_used",
                target=user,
                address=address,
                left=recovery_codes_left(user),
            )
    return Verification(device=matched, used_recovery_code=recovery)


def regenerate_recovery_codes(*, user: User) -> list[str]:
    """New recovery codes for a person with an app; the old ones stop working. Side effect: an audit entry."""
    with transaction.atomic():
        if not has_authenticator(user):
            raise ServiceError(_("Set up an authenticator app first."))
        codes = _new_recovery_codes(user)
        audit.record(actor=user, action="mfa.recovery_codes_regenerated", target=user)
    return codes


def remove_own(*, user: User, code: str) -> None:
    """Stop using a second factor, proven by a current code from the app.

    Refused while one of the person's roles needs a second factor. Side effect: an audit entry.
    """
    if not rules.may_remove_own_second_factor(user):
        raise ServiceError(_("Your role needs a second factor: you can replace your app, but not remove it."))
    code = _normalised_code(code)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise ServiceError(_("You do not use an authenticator app."))
    with transaction.atomic():
        if django_otp.verify_token(user, device.persistent_id, code) is None:
            audit.record(actor=user, action="mfa.code_refused", target=user, kind="app")
            raise ServiceError(_("That code is not the one your app shows. Type the six digits it shows now."))
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record(actor=user, action="mfa.removed", target=user)


def reset_for(*, person: User, by: User, reason: str) -> None:
    """A platform administrator removes another person's app and recovery codes (a lost phone).

    The person's sessions that passed the second step with them stop counting as passed: if their
    role needs one, they set up a new app at their next page. Side effect: an audit entry with the reason.
    """
    if not rules.may_reset_second_factor(by, person):
        raise ServiceError(_("You cannot reset this person's second factor."))
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Say why: the reason is kept in the audit log."))
    with transaction.atomic():
        had = has_authenticator(person)
        TOTPDevice.objects.filter(user=person).delete()
        StaticDevice.objects.filter(user=person).delete()
        audit.record(actor=by, action="mfa.reset", target=person, reason=reason, had_app=had)
