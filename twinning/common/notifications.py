"""In-app notifications, with an e-mail copy, written in each recipient's own language."""

import threading
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from twinning.common.i18n import pick
from twinning.common.mail import send_to_person
from twinning.common.models import Notification
from twinning.schools.models import Country

# What each kind of notification says. Parameters are filled in when it is shown, in the reader's language.
MESSAGES = {
    "proposal_received": _("%(school)s (%(country)s) would like to twin with %(own_school)s."),
    "proposal_accepted": _("%(school)s accepted the partnership with %(own_school)s."),
    "proposal_declined": _("%(school)s declined the partnership with %(own_school)s."),
    "cohort_proposal": _("Your coordinator proposes %(school)s (%(country)s) as a partner for %(own_school)s."),
    "twinning_proposed": _("%(school)s (%(country)s) proposes a twinning to your school: %(title)s."),
    "twinning_to_approve": _("The twinning %(title)s is waiting for your approval."),
    "twinning_accepted": _("%(school)s (%(country)s) accepted the twinning %(title)s."),
    "twinning_declined": _("%(school)s (%(country)s) declined the twinning %(title)s."),
    "twinning_approved": _("The twinning %(title)s has been approved."),
    "twinning_started": _("The twinning %(title)s has started."),
    "twinning_closed": _("The twinning %(title)s has been closed."),
    "twinning_partner_left": _("%(school)s (%(country)s) left the twinning %(title)s."),
    "twinning_invited": _("Your school is invited to join the twinning %(title)s."),
    "twinning_now_contact": _("You are now the contact of %(school)s in the twinning %(title)s."),
    "twinning_contact_needed": _(
        "The contact of %(school)s in the twinning %(title)s has left the school: please name a new one."
    ),
    "meeting_proposed": _("%(school)s proposes a live meeting, %(title)s, on %(when)s: does it suit your class?"),
    "meeting_confirmed": _("The live meeting %(title)s on %(when)s is confirmed."),
    "meeting_declined": _("%(school)s cannot meet for %(title)s on %(when)s."),
    "meeting_cancelled": _("The live meeting %(title)s on %(when)s is cancelled."),
    "meeting_tomorrow": _("Reminder: the live meeting %(title)s is on %(when)s."),
    "meeting_soon": _("The live meeting %(title)s starts soon, at %(when)s."),
    "nudge_silent": _(
        "%(school)s has not posted in the twinning %(title)s for %(days)s days. A short message or a photo keeps "
        "your partners with you!"
    ),
    "nudge_coordinator": _("%(school)s has been silent for %(days)s days in the twinning %(title)s."),
    "library_published": _("Your activity %(title)s is published in the library."),
    "library_returned": _("Your activity %(title)s was returned with a reviewer's note: see what to change."),
    "label_awarded": _("Congratulations! The twinning %(title)s has earned you the National Quality Label."),
    "label_not_awarded": _(
        "Your quality label application for %(title)s was not successful this time: see the feedback."
    ),
    "label_international": _("Congratulations! The twinning %(title)s has earned the International Quality Label."),
    "school_label_awarded": _("%(school)s has been awarded the Twinning School Label."),
    "school_label_refused": _("The school label request of %(school)s was not successful: see the reason."),
    "award_won": _("Congratulations! Your project won the conference award: %(category)s."),
    "community_reply": _("New replies to your discussion %(title)s in the community %(community)s."),
    "community_invited": _("%(name)s invites you to join the community %(community)s."),
    "community_request": _("%(name)s asks to join the community %(community)s."),
    "community_request_accepted": _("You are now a member of the community %(community)s."),
    "community_request_declined": _("Your request to join the community %(community)s was not accepted."),
    "community_moderator": _("You are now a moderator of the community %(community)s."),
    "community_removed": _("A moderator removed you from the community %(community)s."),
    "community_post_hidden": _(
        "A moderator hid your message in %(title)s (community %(community)s). The reason: %(reason)s"
    ),
    "community_proposed": _("%(name)s proposes a new community, %(community)s: it is waiting for your approval."),
    "community_approved": _("The community %(community)s you proposed is open. You are its moderator."),
    "community_declined": _("The community %(community)s you proposed was not approved. The reason: %(reason)s"),
    "learning_seat": _("A seat opened up in %(title)s and it is yours: you are registered. It starts on %(when)s."),
    "learning_changed": _("The dates of %(title)s have changed: it now starts on %(when)s. See the new times."),
    "learning_cancelled": _("%(title)s, planned to start on %(when)s, is cancelled."),
    "learning_certificate": _("Your certificate for %(title)s is ready: download it from the page."),
    "learning_revoked": _("Your certificate for %(title)s has been revoked by its issuer."),
    "role_granted_nso_staff": _("You are now on the staff of %(scope)s on the platform."),
    "role_granted_coordinator": _("You are now a pedagogic coordinator of %(scope)s."),
    "role_granted_principal": _("You are now a principal of %(scope)s on the platform."),
    "role_granted_programme_admin": _("You are now an administrator of the programme %(scope)s."),
    "role_removed_nso_staff": _("You are no longer on the staff of %(scope)s on the platform."),
    "role_removed_coordinator": _("You are no longer a pedagogic coordinator of %(scope)s."),
    "role_removed_principal": _("You are no longer a principal of %(scope)s on the platform."),
    "role_removed_programme_admin": _("You are no longer an administrator of the programme %(scope)s."),
}


def text(notification: Notification, countries: dict[str, dict] | None = None) -> str:
    """The notification's sentence in the active language. Countries are stored as codes and named
    here, in the reader's language; pass `countries` (code → names) when rendering many."""
    template = MESSAGES.get(notification.kind)
    if template is None:
        return notification.kind
    # A name kept in every language (an NSO's, a programme's) is shown in the reader's.
    params = {key: pick(value) if isinstance(value, dict) else value for key, value in notification.params.items()}
    if "country" in params:
        if countries is None:
            countries = dict(Country.objects.filter(code=params["country"]).values_list("code", "names"))
        params["country"] = pick(countries.get(params["country"], {})) or params["country"]
    # Names and titles people wrote are in any script: isolate each (FSI … PDI) so a Latin school name
    # keeps its order inside an Arabic or Hebrew sentence, in the page and in the e-mail alike. The
    # country is already named in the reader's language.
    if "when" in params:
        # Stored in UTC; shown in the reader's time zone (the request's, or the recipient's for e-mail).
        try:
            moment = timezone.localtime(datetime.fromisoformat(params["when"]))
            params["when"] = f"{date_format(moment, 'DATE_FORMAT')} {date_format(moment, 'TIME_FORMAT')}"
        except (TypeError, ValueError):
            pass
    params = {
        key: f"\u2068{value}\u2069" if isinstance(value, str) and key not in ("country", "when") else value
        for key, value in params.items()
    }
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def country_names() -> dict[str, dict]:
    return dict(Country.objects.values_list("code", "names"))


_muted = threading.local()


@contextmanager
def emails_muted():
    """Notifications made inside get no e-mail (e.g. while loading the demo network)."""
    _muted.on = True
    try:
        yield
    finally:
        _muted.on = False


def _emails_on() -> bool:
    return not getattr(_muted, "on", False)


def notify(*, user, kind: str, url: str = "", **params) -> Notification:
    """Add a notification to the person's list and queue its e-mail copy, in the same transaction
    (the worker sends it once that commits; nothing is sent for a change that is rolled back)."""
    notification = Notification.objects.create(recipient=user, kind=kind, url=url, params=params)
    if _emails_on():
        email_notification(notification)
    return notification


def notify_many(items: list[tuple]) -> list[Notification]:
    """Many notifications at once, e.g. a whole cohort's proposals: `items` are (user, kind, url, params).

    The rows are written in one query, with jobs (in the same transaction) that write their e-mails
    in the background, so a large approval does not wait for thousands of e-mails to be written.
    """
    rows = Notification.objects.bulk_create(
        [Notification(recipient=user, kind=kind, url=url, params=params) for user, kind, url, params in items]
    )
    ids = [row.pk for row in rows]
    if ids and _emails_on():
        from twinning.common.tasks import email_notifications

        for start in range(0, len(ids), 500):
            email_notifications.enqueue(ids=ids[start : start + 500])
    return rows


def email_notification(notification: Notification) -> None:
    """Queue the notification's e-mail, in the recipient's language and time zone (at most once)."""
    user = notification.recipient
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE), timezone.override(user.time_zone):
        message = text(notification)
    url = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
    send_to_person(
        user=user,
        template="common/email/notification",
        context={"message": message, "url": url},
        key=f"notification:{notification.pk}",
    )


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
