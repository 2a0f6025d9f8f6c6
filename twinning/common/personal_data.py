"""The personal data `common` itself holds (the audit log, notifications, e-mails, exports), declared
in the privacy register. Imported by `CommonConfig.ready` with every app's `privacy.py`."""

from __future__ import annotations

from datetime import timedelta
from functools import reduce
from itertools import chain
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import (
    AUDIT_LOG,
    EXPIRES_SEVEN_DAYS,
    UNTIL_CLOSED,
    Basis,
    Erase,
    Person,
    PersonalData,
    Retention,
    add_erasure_refusal,
    delete_rows,
    not_personal,
    register,
)

RUNNING = _("Running the platform: telling people what concerns them, and sending them e-mail.")


def _since_joined(person: Person, model, field: str):
    # Nothing made before the person's account existed can name them.
    return model._default_manager.filter(**{f"{field}__gte": person.user.date_joined - timedelta(minutes=1)})


def _erase_from_audit(person: Person) -> None:
    """Keep each decision, without who: the person's own entries lose their author, and any entry
    that names them loses its written reason and every text in its details (numbers are kept)."""
    from django.contrib.contenttypes.models import ContentType

    from twinning.common.models import AuditEntry

    mine = ContentType.objects.get_for_model(person.user)
    targets = [(mine.pk, person.user.pk)]
    if person.pupil is not None:
        targets.append((ContentType.objects.get_for_model(person.pupil).pk, person.pupil.pk))
    AuditEntry.objects.filter(actor=person.user).update(actor=None)
    about_them = reduce(or_, (Q(target_type_id=kind, target_id=pk) for kind, pk in targets))
    naming = person.naming(_since_joined(person, AuditEntry, "at"), "reason", "data")
    emptied = {}
    for entry in chain(_since_joined(person, AuditEntry, "at").filter(about_them).iterator(), naming):
        entry.reason = ""
        entry.data = {key: value for key, value in entry.data.items() if not isinstance(value, str | dict | list)}
        emptied[entry.pk] = entry
    # One statement for all of them (a pupil is named in a few entries; a teacher in many).
    AuditEntry.objects.bulk_update(emptied.values(), ["reason", "data"], batch_size=500)


def _erase_notifications(person: Person) -> None:
    from twinning.common.models import Notification

    delete_rows(Notification.objects.filter(recipient=person.user))
    naming = [row.pk for row in person.naming(_since_joined(person, Notification, "created_at"), "params")]
    delete_rows(Notification.objects.filter(pk__in=naming))


def _erase_emails(person: Person) -> None:
    from twinning.common.models import Email

    rows = _since_joined(person, Email, "created_at")
    naming = [row.pk for row in person.naming(rows, "to", "cc", "bcc", "subject", "body", "alternatives")]
    delete_rows(Email.objects.filter(pk__in=naming))


register(
    PersonalData(
        "common.AuditEntry",
        fields=("at", "action"),
        purpose=_("Keeping a record of who decided what, so that decisions about schools and pupils can be checked."),
        basis=Basis.LEGITIMATE_INTERESTS,
        retention=Retention(
            _(
                "Kept as the programme's record for the years the NSOs' retention policies set (five by "
                "default); then who acted, the reason and every detail are removed. The link to a person "
                "is removed sooner, when their account is closed."
            ),
            category=AUDIT_LOG,
            since="at",
        ),
        subject=("actor",),
        erase=Erase.ANONYMISE,
        # What the retention job writes over an entry past its time (erasure uses `erase_with`).
        replace={"reason": "", "data": {}},
        erase_with=_erase_from_audit,
    ),
    PersonalData(
        "common.Notification",
        fields=("kind", "url", "created_at", "read_at"),
        purpose=RUNNING,
        basis=Basis.PROGRAMME,
        retention=UNTIL_CLOSED,
        subject=("recipient",),
        erase_with=_erase_notifications,
        label=_("Notifications"),
    ),
    PersonalData(
        "common.Email",
        fields=("to", "subject", "body"),
        purpose=RUNNING,
        basis=Basis.PROGRAMME,
        retention=Retention(_("30 days after it is sent."), days=30, since="sent_at", applied_by="common.prune_queue"),
        export=False,
        erase_with=_erase_emails,
    ),
    PersonalData(
        "common.MailSettings",
        fields=("choices", "daily_sent_at", "weekly_sent_at"),
        purpose=_("Sending people only the e-mail they chose: each kind at once, in a digest, or not at all."),
        basis=Basis.PROGRAMME,
        retention=UNTIL_CLOSED,
        subject=("user",),
        label=_("E-mail settings"),
    ),
    PersonalData(
        "common.DataExport",
        fields=("status", "created_at", "downloaded_at"),
        purpose=_("Giving people a copy of their data when they or a pupil's parent ask for it."),
        basis=Basis.LEGAL_OBLIGATION,
        retention=EXPIRES_SEVEN_DAYS,
        subject=("subject", "requested_by"),
        export=False,
    ),
)
register(
    PersonalData(
        "common.SentOnce",
        fields=("key", "scope", "result_url", "created_at"),
        purpose=_(
            "Making sure a message sent again from a weak connection, or from a phone that was offline, "
            "is posted only once."
        ),
        basis=Basis.PROGRAMME,
        retention=Retention(_("30 days."), days=30, since="created_at", applied_by="common.forget_sent_keys"),
        subject=("user",),
    ),
)
not_personal("common.Job", _("Background work: the ids of the rows it works on and its errors, never texts."))
not_personal("common.WorkerBeat", _("A running worker process: a machine's name."))

# Django's own tables that the site uses.
not_personal("auth.Permission", _("The names of permissions."))
not_personal("auth.Group", _("The names of groups of permissions."))


def _unsent_exports(person: Person) -> str:
    """Someone asked for a copy of the person's data (a parent, through a teacher) and has not
    downloaded it yet: erasing now would lose the answer to their request."""
    from twinning.common.exports import unsent_exports

    if not unsent_exports(person.user):
        return ""
    return gettext(
        "A copy of this person's data was asked for and has not been downloaded yet: download it first "
        "(or wait a week, until it expires)."
    )


add_erasure_refusal(_unsent_exports)
