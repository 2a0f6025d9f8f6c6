"""Writes about people: e-mail confirmation, passwords, language and time zone, profile, roles."""

from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.accounts import rules, throttle
from twinning.accounts.models import LinkedIdentity, Pupil, Role, User
from twinning.accounts.oidc import Identity, provider_named
from twinning.common import audit, privacy
from twinning.common.errors import ServiceError
from twinning.common.mail import send_to_person
from twinning.common.notifications import notify
from twinning.schools.models import NSO, Programme, School

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


def set_data_saver(*, user: User, on: bool | None) -> None:
    """Remember whether the person wants pages served light (None: as their browser asks)."""
    user.data_saver = on
    user.save(update_fields=["data_saver"])


# --- Roles ---------------------------------------------------------------------------------------


def _scope_fields(kind: str, scope: NSO | Programme | School) -> dict:
    """The Role columns for a scope, or a refusal when the scope does not fit the kind."""
    fits: dict[str, tuple[type[NSO | Programme | School], ...]] = {
        Role.Kind.PRINCIPAL: (School,),
        Role.Kind.COORDINATOR: (NSO, Programme),
        Role.Kind.NSO_STAFF: (NSO,),
        Role.Kind.PROGRAMME_ADMIN: (Programme,),
    }
    if not isinstance(scope, fits.get(kind, ())):
        raise ServiceError(_("This role cannot be given there."))
    name = {School: "school", NSO: "nso", Programme: "programme"}[type(scope)]
    return {"nso": None, "programme": None, "school": None, name: scope}


def _scope_name(scope):
    """The scope as a notification names it: a school's own name, an NSO's or a programme's names in
    every language (the reader's is picked when the notification is shown)."""
    return scope.name if isinstance(scope, School) else dict(scope.names)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why: the reason is kept in the audit log with your name and the date."))
    return reason


# Steps run in the transaction that grants a role, with the new role: `reporting` queues the count of the
# person's report figures, so that they do not wait for it on their first visit (ReportingConfig.ready).
_role_granted_steps: list[Callable[[Role], None]] = []


def add_role_granted_step(step: Callable[[Role], None]) -> None:
    if step not in _role_granted_steps:
        _role_granted_steps.append(step)


def grant_role(*, by: User, person: User, kind: str, scope: NSO | Programme | School, reason: str) -> Role:
    """Give `person` the role `kind` in `scope` (an NSO, a programme or a school), for `reason`.

    The person must already have an active account with a confirmed e-mail address: nobody is
    created here. Side effects: an audit entry ``role.granted`` on the scope (who, when, why); a
    notification to the person, in the app and by e-mail in their language; the steps of the apps above
    (`add_role_granted_step`).
    """
    fields = _scope_fields(kind, scope)
    reason = _reason(reason)
    if not rules.may_appoint(by, kind, scope):
        raise ServiceError(_("You cannot give this role there."))
    if person.pk == by.pk:
        raise ServiceError(_("Someone else must give you a role."))
    if not person.is_active or not person.email or hasattr(person, "pupil"):
        raise ServiceError(_("This account cannot be given a role."))
    if not person.email_confirmed:
        raise ServiceError(
            _("%(name)s has not confirmed their e-mail address yet: ask them to, then appoint them.")
            % {"name": person.full_name}
        )
    already = _("%(name)s already holds this role.") % {"name": person.full_name}
    try:
        with transaction.atomic():
            if Role.objects.filter(user=person, kind=kind, **fields).exists():
                raise ServiceError(already)
            role = Role.objects.create(user=person, kind=kind, granted_by=by, granted_at=timezone.now(), **fields)
            audit.record(
                actor=by, action="role.granted", target=scope, reason=reason, kind=kind, person=person.pk, role=role.pk
            )
            notify(user=person, kind=f"role_granted_{kind}", url=reverse("dashboard"), scope=_scope_name(scope))
            for step in _role_granted_steps:
                step(role)
    except IntegrityError:
        # The same role given twice at the same moment: the database's unique index decides.
        raise ServiceError(already) from None
    return role


def remove_role(*, by: User, role: Role, reason: str) -> None:
    """Take a role away, for `reason`.

    Side effects: an audit entry ``role.removed`` on the scope (who, when, why, and when and by whom
    the role had been given); a notification to the person, in the app and by e-mail.
    """
    reason = _reason(reason)
    if not rules.may_remove_role(by, role):
        raise ServiceError(_("You cannot remove this role."))
    scope = role.scope
    with transaction.atomic():
        locked = Role.objects.select_for_update().filter(pk=role.pk).first()
        if locked is None:
            raise ServiceError(_("This role has already been removed."))
        audit.record(
            actor=by,
            action="role.removed",
            target=scope,
            reason=reason,
            kind=locked.kind,
            person=locked.user_id,
            role=locked.pk,
            granted_at=locked.granted_at.isoformat(),
            granted_by=locked.granted_by_id,
        )
        locked.delete()
        notify(user=role.user, kind=f"role_removed_{locked.kind}", scope=_scope_name(scope))


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

    Side effects: an audit entry; one e-mail queued with it, at most one an hour per account (more
    would let anyone flood the owner's inbox).
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
    # Queued with the audit entry, in the caller's transaction (the outbox sends it).
    send_to_person(user=user, template="accounts/email/signup_attempt", context=context)


# --- Accounts at OpenID Connect providers ---------------------------------------------------------


def _label(provider: str) -> str:
    config = provider_named(provider)
    return config.label if config is not None else provider


def identity_taken_message(identity: Identity) -> str:
    return _(
        "This %(provider)s account is already linked to another account here. Sign in with it, "
        "or unlink it from that account first."
    ) % {"provider": _label(identity.provider)}


def link_identity(*, user: User, identity: Identity, address: str = "") -> LinkedIdentity:
    """Link an account at a provider (its ID token checked by ``accounts.oidc``) to the person's account,
    so they can sign in with it. Refused (ServiceError, nothing written) for a pupil, for an account at
    the provider already linked to someone else, and when the person already linked one there.

    Side effect: an audit entry ``identity.linked`` on the person.
    """
    if not rules.may_link_identity(user):
        raise ServiceError(_("This account cannot be linked to a school account."))
    label = _label(identity.provider)
    current = LinkedIdentity.objects.filter(provider=identity.provider, subject=identity.subject).first()
    if current is not None and current.user_id == user.pk:
        raise ServiceError(_("This %(provider)s account is already linked to yours.") % {"provider": label})
    if current is not None:
        raise ServiceError(identity_taken_message(identity))
    if LinkedIdentity.objects.filter(user=user, provider=identity.provider).exists():
        raise ServiceError(
            _("You have already linked a %(provider)s account: unlink it first to link another.") % {"provider": label}
        )
    try:
        with transaction.atomic():
            linked = LinkedIdentity.objects.create(
                user=user, provider=identity.provider, subject=identity.subject, email=identity.email
            )
            audit.record(actor=user, action="identity.linked", target=user, provider=identity.provider, address=address)
    except IntegrityError:
        # The same account linked twice at the same moment: the database's unique indexes decide.
        raise ServiceError(identity_taken_message(identity)) from None
    return linked


def unlink_identity(*, user: User, linked: LinkedIdentity, address: str = "") -> None:
    """Unlink an account at a provider. Refused while it is the person's only way in (no password
    and no other linked account): they set a password first, by the e-mailed link.

    Side effect: an audit entry ``identity.unlinked`` on the person.
    """
    if linked.user_id != user.pk:
        raise ServiceError(_("This linked account is not yours."))
    others = LinkedIdentity.objects.filter(user=user).exclude(pk=linked.pk).exists()
    if not user.has_usable_password() and not others:
        raise ServiceError(
            _(
                "This is the only way you sign in. Choose a password first (“Forgotten your password?” on "
                "the sign-in page sends you a link), then unlink it."
            )
        )
    with transaction.atomic():
        audit.record(actor=user, action="identity.unlinked", target=user, provider=linked.provider, address=address)
        linked.delete()


def sign_in_with_identity(*, identity: Identity, address: str = "") -> User:
    """The person whose account is linked to this account at the provider, for signing them in.
    Refused (ServiceError, nothing written) when none is, and for a deactivated account or a pupil's.

    Side effects: the link's last use is noted; an audit entry ``identity.signed_in`` on the person.
    """
    linked = (
        LinkedIdentity.objects.select_related("user")
        .filter(provider=identity.provider, subject=identity.subject)
        .first()
    )
    if linked is None:
        raise ServiceError(
            _(
                "No account here is linked to this %(provider)s account. Sign in with your password and link it "
                "on your account page, or join as a new teacher."
            )
            % {"provider": _label(identity.provider)}
        )
    user = linked.user
    if not user.is_active:
        raise ServiceError(_("This account is deactivated. Contact your national support organisation."))
    if not rules.may_link_identity(user):
        raise ServiceError(_("This account cannot sign in with a school account."))
    with transaction.atomic():
        linked.last_used_at = timezone.now()
        linked.save(update_fields=["last_used_at"])
        audit.record(actor=user, action="identity.signed_in", target=user, provider=identity.provider, address=address)
    return user


# --- Personal data: erasure ----------------------------------------------------------------------


def remove_pupil(*, pupil: Pupil, by: User) -> None:
    """A teacher or the principal of the pupil's school removes the pupil, as the privacy register
    says (`common.privacy.erase_person`): the account, their posts' texts, the media they uploaded
    or appear in (with the files), their notifications, sessions and memberships; the audit log
    keeps that a pupil was removed, by whom, never who. Refused (ServiceError) while a copy of the
    pupil's data waits to be downloaded."""
    if not rules.pupils_in_care_of(by).filter(pk=pupil.pk).exists():
        raise ServiceError(_("Only a teacher or the principal of the pupil's school can remove a pupil."))
    privacy.erase_person(person=privacy.person_for(pupil.user), by=by)


def close_account(*, user: User) -> None:
    """A person closes their own account, as the privacy register says. A teacher's twinnings pass to
    the second contact first (`twinnings.services.teacher_leaves`); refused (ServiceError) when they
    are a school's only contact in an open twinning, or a copy of their data waits to be downloaded."""
    if not rules.may_close_own_account(user):
        raise ServiceError(_("This account cannot be closed here."))
    privacy.erase_person(person=privacy.person_for(user), by=user)
