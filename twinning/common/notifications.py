"""In-app notifications, with an e-mail copy, written in each recipient's own language."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from twinning.common.mail import send_to_person
from twinning.common.models import Notification

# What each kind of notification says. Parameters are filled in when it is shown, in the reader's language.
MESSAGES = {
    "proposal_received": _("%(school)s (%(country)s) would like to twin with %(own_school)s."),
    "proposal_accepted": _("%(school)s accepted the partnership with %(own_school)s."),
    "proposal_declined": _("%(school)s declined the partnership with %(own_school)s."),
    "cohort_proposal": _("Your coordinator proposes %(school)s (%(country)s) as a partner for %(own_school)s."),
}


def text(notification: Notification) -> str:
    template = MESSAGES.get(notification.kind)
    if template is None:
        return notification.kind
    try:
        return str(template) % notification.params
    except (KeyError, TypeError, ValueError):
        return str(template)


def notify(*, user, kind: str, url: str = "", **params) -> Notification:
    """Add a notification to the person's list and, once the transaction commits, e-mail it to them."""
    notification = Notification.objects.create(recipient=user, kind=kind, url=url, params=params)

    def send() -> None:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            message = text(notification)
        send_to_person(user=user, template="common/email/notification",
                       context={"message": message, "url": f"{settings.SITE_URL}{url}" if url else ""})

    transaction.on_commit(send)
    return notification


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
