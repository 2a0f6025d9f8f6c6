"""Importing schools and teachers from a spreadsheet, and the invitations that follow.

`check_file` is the dry run: it reads the whole file, reports every problem, and when there is none
keeps the file with its plan (what would be created, and the existing schools offered for merging).
`run_import` reads it again (the database may have changed meanwhile) and writes everything in one
transaction, in batches: schools, their languages and programme, the teachers' accounts (validated,
with no password yet) and one invitation each, whose e-mails wait in the job queue.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from twinning.accounts.models import User
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.i18n import language_codes
from twinning.onboarding import reader, rules
from twinning.onboarding.models import ImportFile, Invitation
from twinning.schools.models import (
    NSO,
    Country,
    Language,
    Programme,
    ProgrammeMembership,
    School,
    TeacherProfile,
    ValidationStatus,
)
from twinning.schools.services import schools_changed

BATCH = 1000  # rows per INSERT
MAIL_BATCH = 200  # invitations per sending job
T = TypeVar("T")


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class ImportRefused(ServiceError):
    """The file has problems: `problems` lists every one (nothing was written)."""

    def __init__(self, problems: list[reader.Problem]):
        super().__init__(_("Nothing was imported: the file has problems."))
        self.problems = problems


@dataclass(frozen=True)
class Merge:
    line: int
    school: reader.SchoolRow
    existing_id: int
    existing_name: str
    existing_native_name: str


@dataclass
class Plan:
    checked: reader.Checked
    merges: dict[int, Merge]  # first line of the file's school → the existing school it matches

    def as_json(self) -> dict:
        countries: dict[str, int] = {}
        for school in self.checked.schools:
            countries[school.country] = countries.get(school.country, 0) + 1
        return {
            "rows": self.checked.rows,
            "schools": len(self.checked.schools),
            "new_schools": len(self.checked.schools) - len(self.merges),
            "teachers": self.checked.teachers,
            "countries": dict(sorted(countries.items())),
            "merges": [
                {
                    "line": merge.line,
                    "name": merge.school.name,
                    "native_name": merge.school.native_name,
                    "city": merge.school.city,
                    "country": merge.school.country,
                    "teachers": len(merge.school.teachers),
                    "existing_id": merge.existing_id,
                    "existing_name": merge.existing_name,
                    "existing_native_name": merge.existing_native_name,
                }
                for merge in self.merges.values()
            ],
        }


def _context(scope: NSO | Programme) -> reader.Context:
    reachable = {
        code: reader.CountryFacts(time_zone, week)
        for code, time_zone, week in rules.countries_for(scope).values_list(
            "code", "default_time_zone", "default_school_week"
        )
    }
    return reader.Context(
        countries=reachable,
        languages=frozenset(Language.objects.values_list("code", flat=True)),
        site_languages=frozenset(language_codes()),
        other_countries=frozenset(Country.objects.values_list("code", flat=True)) - reachable.keys(),
    )


def _taken(emails: Iterable[str]) -> set[str]:
    taken: set[str] = set()
    for chunk in _chunks(emails, 500):
        taken.update(
            (email or "").lower() for email in User.objects.filter(email__in=chunk).values_list("email", flat=True)
        )
    return taken


def _existing_schools(countries: set[str]) -> dict[tuple[str, str, str], tuple[int, str, str]]:
    """Every school of these countries (rejected ones aside), by each of its names normalised with its city."""
    index: dict[tuple[str, str, str], tuple[int, str, str]] = {}
    rows = (
        School.objects.filter(country_id__in=countries)
        .exclude(status=ValidationStatus.REJECTED)
        .order_by("pk")
        .values_list("pk", "name", "native_name", "city", "country_id")
    )
    for pk, name, native_name, city, country in rows.iterator(chunk_size=5000):
        for spelling in (name, native_name):
            if spelling:
                index.setdefault((country, reader.normalise(city), reader.normalise(spelling)), (pk, name, native_name))
    return index


def plan(*, scope: NSO | Programme, data: bytes, filename: str) -> Plan:
    """The file checked against the database: its problems, or what importing it would do.
    Raises reader.FileRefused for a file that cannot be read. Writes nothing."""
    checked = reader.check(data, filename, _context(scope))
    checked.add_taken(_taken(checked.emails))
    merges: dict[int, Merge] = {}
    if not checked.problems:
        existing = _existing_schools({school.country for school in checked.schools})
        for school in checked.schools:
            for spelling in (school.name, school.native_name):
                found = spelling and existing.get((school.country, school.key[1], reader.normalise(spelling)))
                if found:
                    merges[school.line] = Merge(school.line, school, *found)
                    break
    return Plan(checked, merges)


def _store(data: bytes, filename: str) -> str:
    suffix = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    return default_storage.save(f"onboarding/{get_random_string(24)}.{suffix}", ContentFile(data))


def check_file(*, by: User, scope: NSO | Programme, data: bytes, filename: str) -> ImportFile:
    """The dry run: every problem of the file (ImportRefused, reader.FileRefused), or the checked file
    kept with its plan, waiting for "Import". Audited. Nothing else is written."""
    if not rules.may_import_into(by, scope):
        raise ServiceError(_("You may not import schools there."))
    found = plan(scope=scope, data=data, filename=filename)
    if found.checked.problems:
        raise ImportRefused(found.checked.problems)
    with transaction.atomic():
        name = _store(data, filename)
        row = ImportFile.objects.create(
            by=by,
            nso=scope if isinstance(scope, NSO) else None,
            programme=scope if isinstance(scope, Programme) else None,
            filename=filename[:200],
            file=name,
            plan=found.as_json(),
        )
        audit.record(
            actor=by,
            action="onboarding.checked",
            target=row,
            schools=row.plan["schools"],
            teachers=row.plan["teachers"],
            merges=len(found.merges),
        )
    return row


def invitation_days() -> int:
    return settings.ONBOARDING_INVITATION_DAYS


def _queue_invitations(ids: list[int]) -> None:
    # Here: tasks imports this module.
    from twinning.onboarding.tasks import send_invitations

    for chunk in _chunks(ids, MAIL_BATCH):
        send_invitations.enqueue(invitation_ids=chunk)


def import_size(import_file: ImportFile) -> int:
    """How many schools and teachers a checked file would import or merge (from its dry run)."""
    plan = import_file.plan or {}
    return int(plan.get("new_schools", 0)) + len(plan.get("merges", [])) + int(plan.get("teachers", 0))


def queue_import(*, by: User, import_file: ImportFile, separate: Iterable[int] = ()) -> ImportFile:
    """Hand a checked file's import to the job queue: a file of thousands of schools takes longer than a
    page may wait. The importer watches it on the file's page, which shows the outcome when it is done.

    Side effects: the file marked as being imported; the job `onboarding.run_import` queued with the
    lines to create anew, run after this transaction commits."""
    # Here: tasks imports this module.
    from twinning.onboarding.tasks import run_queued_import

    if not rules.may_import_into(by, import_file.scope):
        raise ServiceError(_("You may not import schools there."))
    with transaction.atomic():
        locked = ImportFile.objects.select_for_update().get(pk=import_file.pk)
        if locked.status != ImportFile.Status.CHECKED:
            raise ServiceError(_("This file is being imported or has been imported already."))
        locked.status, locked.result = ImportFile.Status.QUEUED, {}
        locked.save(update_fields=["status", "result"])
        run_queued_import.enqueue(import_file_id=locked.pk, by_id=by.pk, separate=sorted(set(separate)))
    return locked


def import_queued(*, import_file_id: int, by_id: int, separate: list[int]) -> dict:
    """The job's work: the import itself, in the importer's language. A file refused now (e.g. an
    address taken since the dry run) goes back to checked, its problems kept for its page."""
    import_file = ImportFile.objects.filter(pk=import_file_id, status=ImportFile.Status.QUEUED).first()
    by = User.objects.filter(pk=by_id).first()
    if import_file is None or by is None:
        return {}  # done already, or the file or its importer is gone
    with translation.override(by.preferred_language or settings.LANGUAGE_CODE):
        try:
            return run_import(by=by, import_file=import_file, separate=separate)
        except ImportRefused as refused:
            problems = [{"line": p.line, "column": p.column, "message": p.message} for p in refused.problems]
            outcome = {"refused": refused.message, "problems": problems}
        except ServiceError as error:
            outcome = {"refused": error.message, "problems": []}
    ImportFile.objects.filter(pk=import_file.pk, status=ImportFile.Status.QUEUED).update(
        status=ImportFile.Status.CHECKED, result=outcome
    )
    return {}


def run_import(*, by: User, import_file: ImportFile, separate: Iterable[int] = ()) -> dict:
    """Import a checked file: the schools it offered for merging are merged (their teachers join the
    existing school), except those whose first line is in `separate`, which are created anew.

    Raises ImportRefused when the file no longer passes (e.g. an address taken since the dry run),
    ServiceError when it was imported already. Side effects: schools (validated, members of the
    programme for a programme's import), teachers' accounts (validated, no password until they
    accept), one invitation each and its e-mail queued in their language; the stored file removed;
    one audit entry with the counts."""
    scope = import_file.scope
    if not rules.may_import_into(by, scope):
        raise ServiceError(_("You may not import schools there."))
    waiting = (ImportFile.Status.CHECKED, ImportFile.Status.QUEUED)
    if import_file.status not in waiting:
        raise ServiceError(_("This file has been imported already."))
    with import_file.file.open("rb") as stored:
        data = stored.read()
    found = plan(scope=scope, data=data, filename=import_file.filename)
    if found.checked.problems:
        raise ImportRefused(found.checked.problems)
    separate = set(separate)
    merges = {line: merge for line, merge in found.merges.items() if line not in separate}
    now = timezone.now()
    expires = now + timedelta(days=invitation_days())
    try:
        with transaction.atomic():
            locked = ImportFile.objects.select_for_update().get(pk=import_file.pk)
            if locked.status not in waiting:
                raise ServiceError(_("This file has been imported already."))
            result = _write(by=by, scope=scope, found=found, merges=merges, now=now, expires=expires, source=locked)
            locked.status, locked.imported_at, locked.result = ImportFile.Status.IMPORTED, now, result
            stored_name = locked.file.name
            locked.file = ""
            locked.save(update_fields=["status", "imported_at", "result", "file"])
            audit.record(actor=by, action="onboarding.imported", target=locked, **result)
            transaction.on_commit(lambda: default_storage.delete(stored_name))
    except IntegrityError:
        raise ServiceError(_("Someone changed these schools or accounts meanwhile: check the file again.")) from None
    import_file.refresh_from_db()
    return result


def _write(*, by, scope, found: Plan, merges: dict[int, Merge], now, expires, source: ImportFile) -> dict:
    new = [school for school in found.checked.schools if school.line not in merges]
    objects = [
        School(
            name=row.name,
            native_name=row.native_name,
            country_id=row.country,
            city=row.city,
            school_type=row.school_type,
            age_from=row.age_from,
            age_to=row.age_to,
            time_zone=row.time_zone,
            school_week=row.school_week,
            website=row.website,
            status=ValidationStatus.VALIDATED,
            created_at=now,
            created_by=by,
            decided_at=now,
            decided_by=by,
        )
        for row in new
    ]
    School.objects.bulk_create(objects, batch_size=BATCH)
    school_ids = {row.line: school.pk for row, school in zip(new, objects, strict=True)}
    school_ids.update({line: merge.existing_id for line, merge in merges.items()})
    School.languages.through.objects.bulk_create(
        (
            School.languages.through(school_id=school.pk, language_id=code)
            for row, school in zip(new, objects, strict=True)
            for code in row.languages
        ),
        batch_size=BATCH,
    )
    joined = 0
    if isinstance(scope, Programme):
        members = School.programmes.through
        already = set(
            members.objects.filter(programme=scope, school_id__in=[m.existing_id for m in merges.values()]).values_list(
                "school_id", flat=True
            )
        )
        joining = [pk for pk in dict.fromkeys(school_ids.values()) if pk not in already]
        members.objects.bulk_create((members(school_id=pk, programme_id=scope.pk) for pk in joining), batch_size=BATCH)
        joined = len(joining)
        schools_changed(joining)
        # The programme's administrator imported them: their membership is approved now, as if asked and
        # decided at once (a request a merged school had waiting, or a past refusal, is decided so too).
        decided = {"status": ProgrammeMembership.Status.APPROVED, "decided_by": by, "decided_at": now, "reason": ""}
        rows = ProgrammeMembership.objects.filter(programme=scope, school_id__in=joining)
        asked = set(rows.values_list("school_id", flat=True))
        rows.update(**decided)
        ProgrammeMembership.objects.bulk_create(
            (
                ProgrammeMembership(programme=scope, school_id=pk, requested_by=by, requested_at=now, **decided)
                for pk in joining
                if pk not in asked
            ),
            batch_size=BATCH,
        )
    teachers = [(teacher, school) for school in found.checked.schools for teacher in school.teachers]
    users = [
        User(
            email=teacher.email,
            full_name=teacher.name,
            preferred_language=teacher.language,
            time_zone=school.time_zone,
            password=make_password(None),
            date_joined=now,
        )
        for teacher, school in teachers
    ]
    for user in users:
        user.fold_searched()  # bulk_create does not call save()
    User.objects.bulk_create(users, batch_size=BATCH)
    TeacherProfile.objects.bulk_create(
        (
            TeacherProfile(
                user_id=user.pk,
                school_id=school_ids[school.line],
                status=ValidationStatus.VALIDATED,
                submitted_at=now,
                decided_at=now,
                decided_by=by,
            )
            for user, (_teacher, school) in zip(users, teachers, strict=True)
        ),
        batch_size=BATCH,
    )
    invitations = [
        Invitation(
            user_id=user.pk, source=source, invited_by=by, language=teacher.language, created_at=now, expires_at=expires
        )
        for user, (teacher, _school) in zip(users, teachers, strict=True)
    ]
    Invitation.objects.bulk_create(invitations, batch_size=BATCH)
    _queue_invitations([invitation.pk for invitation in invitations])
    return {
        "schools_created": len(new),
        "schools_merged": len(merges),
        "schools_joined_programme": joined,
        "teachers": len(users),
        "invitations": len(invitations),
    }


# --- Invitations --------------------------------------------------------------------------------


def send_invitation_mails(*, invitation_ids: list[int]) -> int:
    """The job's work: each invitation not yet accepted gets its e-mail, in its language, once per
    send (the e-mail's key), and is marked sent. Returns how many were sent now."""
    # Here: the link is a URL of this app, and mail renders templates.
    from django.urls import reverse

    from twinning.common.mail import send_to_address

    sent = 0
    for invitation in (
        Invitation.objects.filter(pk__in=invitation_ids, accepted_at__isnull=True, sent_at__isnull=True)
        .select_related("user__teacher__school", "invited_by")
        .order_by("pk")
    ):
        with transaction.atomic():
            link = settings.SITE_URL + reverse("onboarding:accept", args=[rules.invitation_token(invitation)])
            teacher = getattr(invitation.user, "teacher", None)
            send_to_address(
                address=invitation.user.email or "",
                language=invitation.language,
                template="onboarding/email/invitation",
                context={
                    "invitation": invitation,
                    "person": invitation.user,
                    "school": teacher.school if teacher else None,
                    "link": link,
                    "days": invitation_days(),
                },
                key=f"onboarding.invitation:{invitation.pk}:{invitation.sends}",
            )
            Invitation.objects.filter(pk=invitation.pk, sends=invitation.sends).update(sent_at=timezone.now())
            sent += 1
    return sent


def resend_invitation(*, by: User, invitation: Invitation) -> None:
    """Send the invitation again with a new link (the old one stops working) valid for the usual
    number of days. Refused once accepted. Audited; the e-mail waits in the queue."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise ServiceError(_("This invitation has been accepted: there is nothing to send again."))
        locked.sends += 1
        locked.sent_at = None
        locked.expires_at = timezone.now() + timedelta(days=invitation_days())
        locked.save(update_fields=["sends", "sent_at", "expires_at"])
        audit.record(actor=by, action="onboarding.invitation_resent", target=locked.user, invitation=locked.pk)
        _queue_invitations([locked.pk])


def resend_expired(*, by: User, import_file: ImportFile) -> int:
    """Send again every expired invitation of the import (see `resend_invitation`). Returns how many."""
    now = timezone.now()
    with transaction.atomic():
        expired = Invitation.objects.select_for_update().filter(
            source=import_file, accepted_at__isnull=True, expires_at__lte=now
        )
        ids = list(expired.values_list("pk", flat=True))
        Invitation.objects.filter(pk__in=ids).update(
            sends=F("sends") + 1, sent_at=None, expires_at=now + timedelta(days=invitation_days())
        )
        audit.record(actor=by, action="onboarding.invitations_resent", target=import_file, count=len(ids))
        _queue_invitations(ids)
    return len(ids)


def accept_invitation(*, invitation: Invitation, password: str, address: str = "") -> User:
    """The teacher sets their password: the address the invitation reached is confirmed and the
    invitation used up. Refused when expired or used. Audited."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise ServiceError(_("This invitation has been used already: sign in with your password."))
        now = timezone.now()
        if locked.expires_at <= now or locked.sends != invitation.sends:
            raise ServiceError(_("This invitation has expired: ask whoever invited you to send it again."))
        user = locked.user
        user.set_password(password)
        user.email_confirmed_at = user.email_confirmed_at or now
        user.save(update_fields=["password", "email_confirmed_at"])
        locked.accepted_at = now
        locked.save(update_fields=["accepted_at"])
        audit.record(actor=user, action="onboarding.invitation_accepted", target=user, address=address)
    return user
