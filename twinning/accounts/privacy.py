"""Personal data held by accounts: people, pupils, roles, sign-in (and Django's sessions, admin log and
second-factor devices, which this app uses), declared in the privacy register (`common.privacy`)."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twinning.accounts.models import Throttle
from twinning.common.privacy import (
    AS_RECORD,
    PUPIL_ACCOUNTS,
    UNTIL_CLOSED,
    Basis,
    Person,
    PersonalData,
    Retention,
    delete_rows,
    register,
)

SIGN_IN = _("Letting people sign in, keeping their account safe, and showing the site in their language.")
PUPILS = _("Giving pupils an account made by their teacher, and sharing of them only what their parents agreed to.")
SAFETY = _("Keeping accounts safe: slowing down whoever guesses passwords.")


def _erase_sessions(person: Person) -> None:
    """Sign the person out everywhere: their sessions (kept in the database) go."""
    mine = str(person.user.pk)
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000)
        if session.get_decoded().get("_auth_user_id") == mine
    ]
    delete_rows(Session.objects.filter(session_key__in=keys))


def _erase_throttles(person: Person) -> None:
    logins = {f"user:{person.user.pk}"} | {f"login:{value.lower()}" for value in person.identifiers}
    delete_rows(Throttle.objects.filter(key__in=logins))


def _erase_admin_log(person: Person) -> None:
    """The admin site's history: the person's own entries, and entries whose description names them."""
    delete_rows(LogEntry.objects.filter(user=person.user))
    since = LogEntry.objects.filter(action_time__gte=person.user.date_joined)
    naming = [entry.pk for entry in person.naming(since, "object_repr", "change_message")]
    delete_rows(LogEntry.objects.filter(pk__in=naming))


register(
    PersonalData(
        "accounts.User",
        fields=(
            "email",
            "username",
            "full_name",
            "preferred_language",
            "time_zone",
            "data_saver",
            "date_joined",
            "last_login",
        ),
        derived=("search_text",),  # the folded name and address people are searched by
        purpose=SIGN_IN,
        basis=Basis.PROGRAMME,
        retention=UNTIL_CLOSED,
        subject=("pk",),
    ),
    PersonalData(
        "accounts.Pupil",
        fields=(
            "display_name",
            "full_name",
            "school",
            "consent_face",
            "consent_video",
            "consent_voice",
            "consent_full_name",
            "consent_public",
            "created_at",
        ),
        purpose=PUPILS,
        basis=Basis.CONSENT,
        retention=Retention(
            _(
                "Until the pupil is removed, and at the latest a set time after the end of the last school "
                "year in which they were in a twinning (30 days by default; each NSO, or the programme of their last "
                "twinning, sets its own)."
            ),
            category=PUPIL_ACCOUNTS,
            since="created_at",
            nso="school__country__nso",
            twinning="user__twinning_memberships__twinning",
            programme="user__twinning_memberships__twinning__programme",
        ),
        subject=("user",),
        links=("created_by",),
    ),
    PersonalData(
        "accounts.Role",
        fields=("kind", "nso", "programme", "school", "granted_at"),
        purpose=SIGN_IN,
        basis=Basis.PROGRAMME,
        retention=UNTIL_CLOSED,
        subject=("user",),
        links=("granted_by",),
    ),
    PersonalData(
        "accounts.LinkedIdentity",
        fields=("provider", "subject", "email", "linked_at", "last_used_at"),
        purpose=SIGN_IN,
        basis=Basis.CONSENT,
        retention=UNTIL_CLOSED,
        subject=("user",),
        label=_("School accounts linked for signing in"),
    ),
    PersonalData(
        "accounts.Throttle",
        fields=("scope", "key", "failures", "last_at"),
        purpose=SAFETY,
        basis=Basis.LEGITIMATE_INTERESTS,
        retention=Retention(
            _("A day after the last failed attempt."),
            days=1,
            since="last_at",
            applied_by="accounts.forget_old_throttles",
        ),
        export=False,
        erase_with=_erase_throttles,
    ),
    PersonalData(
        "sessions.Session",
        fields=("session_data", "expire_date"),
        purpose=SIGN_IN,
        basis=Basis.PROGRAMME,
        retention=Retention(_("Until the person signs out, at most 12 hours."), days=1, since="expire_date"),
        export=False,
        erase_with=_erase_sessions,
    ),
    PersonalData(
        "admin.LogEntry",
        fields=("action_time", "object_repr", "change_message"),
        purpose=_("Keeping a record of what the platform's administrators changed."),
        basis=Basis.LEGITIMATE_INTERESTS,
        retention=AS_RECORD,
        subject=("user",),
        export=False,
        erase_with=_erase_admin_log,
    ),
    PersonalData(
        "otp_totp.TOTPDevice",
        fields=("name", "confirmed"),
        purpose=SIGN_IN,
        basis=Basis.LEGITIMATE_INTERESTS,
        retention=UNTIL_CLOSED,
        subject=("user",),
        label=_("Authenticator apps"),
    ),
    PersonalData(
        "otp_static.StaticDevice",
        fields=("name", "confirmed"),
        purpose=SIGN_IN,
        basis=Basis.LEGITIMATE_INTERESTS,
        retention=UNTIL_CLOSED,
        subject=("user",),
        label=_("Recovery codes"),
    ),
)
