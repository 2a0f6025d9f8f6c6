"""Writes about people: e-mail confirmation, passwords, language and time zone, profile."""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.accounts import throttle
from twinning.accounts.models import User
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.mail import send_to_person

CONFIRMATION_SALT = "twinning.accounts.confirm-email"


class ConfirmationExpired(ServiceError):
    """The link was genuine but is too old; ``user`` is who it was for, so a new one can be sent."""

    def __init__(self, message, user):
        super().__init__(message)
        self.user = user


def confirmation_token(user: User) -> str:
    # The address is signed too: a link sent to an old address cannot confirm a new one.
    return signing.dumps({"u": user.pk, "e": user.email}, salt=CONFIRMATION_SALT, compress=True)


def send_email_confirmation(*, user: User) -> None:
    """Mail the person a link that confirms their address. Side effect: one e-mail."""
    link = settings.SITE_URL + reverse("accounts:confirm_email", args=[confirmation_token(user)])
    hours = settings.EMAIL_CONFIRMATION_MAX_AGE // 3600
    send_to_person(user=user, template="accounts/email/confirm", context={"link": link, "hours": hours})


def _user_from_payload(payload) -> User | None:
    try:
        user = User.objects.get(pk=payload["u"])
    except (User.DoesNotExist, KeyError, TypeError):
        return None
    return user if user.email == payload.get("e") else None


def confirm_email(*, token: str) -> tuple[User, bool]:
    """Confirm the address a link was sent to. Returns the person and whether this click confirmed it.

    Raises ``ConfirmationExpired`` for a genuine but old link, ``ServiceError`` for anything else.
    """
    try:
        payload = signing.loads(token, salt=CONFIRMATION_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE)
        expired = False
    except signing.SignatureExpired:
        payload = signing.loads(token, salt=CONFIRMATION_SALT)
        expired = True
    except signing.BadSignature:
        raise ServiceError(_("This confirmation link is not valid. Check that you copied all of it.")) from None
    user = _user_from_payload(payload)
    if user is None:
        raise ServiceError(_("This confirmation link is not valid any more: the address has changed."))
    if expired and not user.email_confirmed:
        raise ConfirmationExpired(_("This confirmation link has expired."), user)
    if user.email_confirmed:
        return user, False
    with transaction.atomic():
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user, True


def set_language(*, user: User, language: str) -> None:
    """Remember the person's interface language on their account."""
    if language not in dict(settings.LANGUAGES):
        raise ServiceError(_("That language is not available."))
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


def set_password(*, user: User, password: str, how: str, address: str = "") -> None:
    """Give the person a new password: ``how`` is "changed" (they knew the old one) or "reset" (by an
    e-mailed link). Side effects: every other session of theirs ends (Django ties sessions to the
    password); an audit entry, which never holds the password.
    """
    if how not in {"changed", "reset"}:
        raise ValueError(how)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor=user, action=f"password.{how}", target=user, address=address)


def tell_owner_of_signup_attempt(*, user: User, address: str = "") -> None:
    """Someone tried to sign up with this person's address: tell them, in their language, with links
    to sign in and to reset the password, instead of telling whoever typed it that the account exists.

    Side effects: an audit entry; one e-mail after the transaction commits, at most one an hour per
    account (more would let anyone flood the owner's inbox).
    """
    audit.record(actor=None, action="account.signup_attempted", target=user, address=address)
    try:
        throttle.count_within_hour(scope=throttle.Scope.SIGNUP_NOTICE, key=f"user:{user.pk}", limit=1)
    except throttle.Refused:
        return
    context = {
        "sign_in_link": settings.SITE_URL + reverse("accounts:login"),
        "reset_link": settings.SITE_URL + reverse("accounts:password_reset"),
    }
    transaction.on_commit(lambda: send_to_person(user=user, template="accounts/email/signup_attempt", context=context))
