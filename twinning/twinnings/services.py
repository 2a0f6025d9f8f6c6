"""The twinning lifecycle: proposed → accepted (or declined) → approved → active → closed.

Every transition is checked here, recorded in the audit log (who, when, why) and notified to
the people concerned, in the app and by e-mail, each in their own language.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.accounts.models import Role, User
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.i18n import clean_texts
from twinning.common.notifications import notify_many
from twinning.matching.constraints import PairRules, Party, refusal, refusal_message
from twinning.matching.queries import profiles_of_year, programme_of, proposal_settles_pair
from twinning.schools.models import School, TeacherProfile, ValidationStatus
from twinning.schools.queries import teacher_users_by_school
from twinning.twinnings.models import Membership, Twinning, TwinningSchool

Status = Twinning.Status
OPEN = (Status.PROPOSED, Status.ACCEPTED, Status.APPROVED, Status.ACTIVE, Status.NEEDS_PARTNER)


def _teachers(school_id: int):
    return teacher_users_by_school([school_id])[school_id]


def _principals(school_id: int):
    return [r.user for r in Role.objects.filter(kind=Role.Kind.PRINCIPAL, school_id=school_id).select_related("user")]


def _overseers(twinning: Twinning):
    """The named coordinator, or else the coordinators of the programme and of the schools' NSOs."""
    if twinning.coordinator_id:
        return [twinning.coordinator]
    roles = Role.objects.filter(kind=Role.Kind.COORDINATOR).select_related("user")
    nsos = set(twinning.schools.values_list("school__country__nso_id", flat=True)) - {None}
    scoped = roles.filter(nso_id__in=nsos)
    if twinning.programme_id:
        scoped = scoped | roles.filter(programme_id=twinning.programme_id)
    return list({r.user for r in scoped})


def overseers_of(twinning: Twinning):
    """Who is alerted about a twinning: its named coordinator, or the programme's and the NSOs' coordinators."""
    return _overseers(twinning)


def _tell(people, twinning: Twinning, kind: str, **params) -> None:
    url = reverse("twinnings:detail", args=[twinning.pk])
    seen = set()
    items = []
    for person in people:
        if person is not None and person.pk not in seen:
            seen.add(person.pk)
            items.append((person, kind, url, {"title": twinning.title, **params}, twinning.pk))
    notify_many(items)


def _contacts(twinning: Twinning, *, exclude_school: int | None = None):
    people: list[User | None] = []  # a second contact may be missing: the callers skip None
    for row in twinning.schools.select_related("contact", "second_contact"):
        if row.school_id != exclude_school and row.taking_part:
            people += [row.contact, row.second_contact] if row.contact else _teachers(row.school_id)
    return people


def _move(twinning: Twinning, status: str, *, by, action: str, reason: str = "", **data) -> None:
    twinning.status, twinning.changed_at = status, timezone.now()
    fields = ["status", "changed_at"]
    if status == Status.CLOSED:
        twinning.closed_at = twinning.changed_at
        fields.append("closed_at")
    twinning.save(update_fields=fields)
    audit.record(actor=by, action=action, target=twinning, reason=reason, **data)


def _join(row: TwinningSchool, *, contact) -> None:
    row.status, row.joined_at, row.contact = TwinningSchool.Status.JOINED, timezone.now(), contact
    row.save(update_fields=["status", "joined_at", "contact"])
    if contact is not None:
        Membership.objects.update_or_create(
            twinning=row.twinning,
            user=contact,
            defaults={"school": row.school, "role": Membership.Role.TEACHER_ADMIN, "active": True},
        )


def _pair_refusal(*, school_year: int, school: School, partner: School, programme, exclude=None) -> str | None:
    """Why the two schools may not be twinned (a sentence), or None: already twinned or proposed this
    year (another twinning than `exclude`), or a hard rule of the programme (or the defaults) broken."""
    if partner.pk == school.pk:
        return _("A school cannot twin with itself.")
    twinned = TwinningSchool.objects.filter(
        twinning__school_year=school_year, school=partner, twinning__schools__school=school
    )
    if exclude is not None:
        twinned = twinned.exclude(twinning=exclude)
    if twinned.exists() or proposal_settles_pair(school_year, school.pk, partner.pk):
        return _("These schools already have a twinning or a proposal this year.")
    profiles = profiles_of_year([school.pk, partner.pk], school_year)
    rules = PairRules.of(programme)
    rule = refusal(rules, Party.of(school, profiles.get(school.pk)), Party.of(partner, profiles.get(partner.pk)))
    return None if rule is None else refusal_message(rule, rules)


def _shared_programme(one: School, other: School):
    """The first programme (by slug) both schools are members of, or None: a twinning of two schools
    in several programmes each belongs to one they share, so that programme's staff accompany it."""
    return one.programmes.filter(pk__in=other.programmes.values("pk")).order_by("slug").first()


def _default_titles(schools: list[School]) -> dict[str, str]:
    title = " – ".join(school.name for school in schools)
    return {settings.LANGUAGE_CODE: title}


def propose_twinning(
    *,
    from_school: School,
    to_schools: list[School],
    by,
    school_year: int,
    titles=None,
    descriptions=None,
    programme=None,
) -> Twinning:
    """A teacher proposes a twinning to one or more schools (found by hand or by search).

    The proposing teacher becomes their school's contact and a teacher-administrator; the other
    schools' validated teachers are notified and one of them answers.
    """
    partners = [s for s in to_schools if s.pk != from_school.pk]
    if not partners:
        raise ServiceError(_("Choose at least one other school."))
    if any(s.status != ValidationStatus.VALIDATED for s in partners):
        raise ServiceError(_("Only validated schools can be invited to a twinning."))
    for partner in partners:
        why = _pair_refusal(school_year=school_year, school=from_school, partner=partner, programme=programme)
        if why is not None:
            raise ServiceError(f"{partner.name}: {why}")
    titles = clean_texts(titles) or _default_titles([from_school, *partners])
    with transaction.atomic():
        twinning = Twinning.objects.create(
            titles=titles,
            descriptions=clean_texts(descriptions),
            school_year=school_year,
            programme=programme,
            created_by=by,
        )
        _join(TwinningSchool.objects.create(twinning=twinning, school=from_school), contact=by)
        for school in partners:
            TwinningSchool.objects.create(twinning=twinning, school=school)
        audit.record(actor=by, action="twinning.proposed", target=twinning)
        for school in partners:
            _tell(
                _teachers(school.pk),
                twinning,
                "twinning_proposed",
                school=from_school.name,
                country=from_school.country_id,
            )
    return twinning


def open_from_proposal(*, proposal, by) -> Twinning:
    """An accepted partnership proposal becomes a twinning both schools have joined, waiting for approval.

    A proposal from a cohort run the coordinator approved needs no second approval: the twinning
    opens approved, by the run's approver (the coordinators are not asked again; the contacts are told)."""
    left, right = proposal.left, proposal.right
    twinned = TwinningSchool.objects.filter(
        twinning__school_year=left.school_year, school=right.school, twinning__schools__school=left.school
    )
    if twinned.exists():
        raise ServiceError(_("These schools already have a twinning this year."))
    run = proposal.cohort_run
    approved_run = run is not None and run.approved_by_id is not None
    with transaction.atomic():
        twinning = Twinning.objects.create(
            titles=_default_titles([left.school, right.school]),
            school_year=left.school_year,
            programme=(run.programme if run is not None else None)
            or programme_of(left)
            or programme_of(right)
            or _shared_programme(left.school, right.school),
            proposal=proposal,
            status=Status.ACCEPTED,
            created_by=by,
        )
        for profile, accepted_by in ((left, proposal.left_accepted_by), (right, proposal.right_accepted_by)):
            _join(TwinningSchool.objects.create(twinning=twinning, school=profile.school), contact=accepted_by)
        audit.record(actor=by, action="twinning.opened", target=twinning, proposal=proposal.pk)
        if approved_run:
            _approve(twinning, by=run.approved_by, cohort=run.pk)
        else:
            _tell(_overseers(twinning), twinning, "twinning_to_approve")
    return twinning


def answer_invitation(*, twinning: Twinning, row: TwinningSchool, by, accept: bool, reason: str = "") -> Twinning:
    """A school's answer. Yes: the teacher becomes its contact. No (with a reason): it is out.

    When every invited school has answered, the twinning is accepted (or, re-matched, active
    again); with fewer than two schools left it is declined.
    """
    if row.status != TwinningSchool.Status.INVITED or twinning.status not in (Status.PROPOSED, Status.NEEDS_PARTNER):
        raise ServiceError(_("This invitation has already been answered."))
    if not accept and not reason.strip():
        raise ServiceError(_("Please say why, so the other school and your coordinator understand."))
    with transaction.atomic():
        if accept:
            _join(row, contact=by)
        else:
            row.status, row.reason = TwinningSchool.Status.DECLINED, reason.strip()
            row.save(update_fields=["status", "reason"])
        audit.record(
            actor=by,
            action="twinning.school_accepted" if accept else "twinning.school_declined",
            target=twinning,
            reason=reason.strip(),
            school=row.school_id,
        )
        rows = list(twinning.schools.all())
        waiting = [r for r in rows if r.status == TwinningSchool.Status.INVITED]
        joined = [r for r in rows if r.status == TwinningSchool.Status.JOINED]
        kind = "twinning_accepted" if accept else "twinning_declined"
        _tell(
            _contacts(twinning, exclude_school=row.school_id),
            twinning,
            kind,
            school=row.school.name,
            country=row.school.country_id,
        )
        if not waiting:
            if len(joined) < 2:
                _move(twinning, Status.DECLINED, by=by, action="twinning.declined", reason=reason.strip())
            elif twinning.status == Status.NEEDS_PARTNER:
                _move(twinning, Status.ACTIVE, by=by, action="twinning.rematched")
            else:
                _move(twinning, Status.ACCEPTED, by=by, action="twinning.accepted")
                _tell(_overseers(twinning), twinning, "twinning_to_approve")
    return twinning


def approve_twinning(*, twinning: Twinning, by) -> Twinning:
    """The coordinator or NSO approves; the approver becomes the named coordinator if there is none."""
    if twinning.status != Status.ACCEPTED:
        raise ServiceError(_("Only a twinning every school has accepted can be approved."))
    with transaction.atomic():
        _approve(twinning, by=by)
    return twinning


def _approve(twinning: Twinning, *, by, **data) -> None:
    if twinning.coordinator_id is None and Role.objects.filter(user=by, kind=Role.Kind.COORDINATOR).exists():
        twinning.coordinator = by
        twinning.save(update_fields=["coordinator"])
    _move(twinning, Status.APPROVED, by=by, action="twinning.approved", **data)
    if twinning.coordinator_id:
        Membership.objects.update_or_create(
            twinning=twinning,
            user=twinning.coordinator,
            defaults={"role": Membership.Role.VISITOR, "active": True, "school": None},
        )
    _tell(_contacts(twinning), twinning, "twinning_approved")


def start_twinning(*, twinning: Twinning, by) -> Twinning:
    if twinning.status != Status.APPROVED:
        raise ServiceError(_("Only an approved twinning can start."))
    with transaction.atomic():
        _move(twinning, Status.ACTIVE, by=by, action="twinning.started")
        _tell(_contacts(twinning), twinning, "twinning_started")
    return twinning


def close_twinning(*, twinning: Twinning, by, reason: str = "") -> Twinning:
    """Closed is archived: everything stays readable, nothing can change."""
    if twinning.status not in OPEN:
        raise ServiceError(_("This twinning is already closed."))
    with transaction.atomic():
        _move(twinning, Status.CLOSED, by=by, action="twinning.closed", reason=reason.strip())
        _tell([*_contacts(twinning), *_overseers(twinning)], twinning, "twinning_closed")
    return twinning


def withdraw_school(*, twinning: Twinning, row: TwinningSchool, by, reason: str) -> Twinning:
    """A school drops out. If fewer than two remain, the rest go to the coordinators' re-match queue."""
    if row.status != TwinningSchool.Status.JOINED or twinning.status not in OPEN:
        raise ServiceError(_("This school is not taking part in the twinning."))
    if not reason.strip():
        raise ServiceError(_("Please say why, so the other school and your coordinator understand."))
    with transaction.atomic():
        row.status, row.left_at, row.reason = TwinningSchool.Status.LEFT, timezone.now(), reason.strip()
        row.save(update_fields=["status", "left_at", "reason"])
        twinning.memberships.filter(school=row.school).update(active=False)
        audit.record(
            actor=by, action="twinning.school_left", target=twinning, reason=reason.strip(), school=row.school_id
        )
        remaining = twinning.schools.filter(status=TwinningSchool.Status.JOINED).count()
        _tell(
            [*_contacts(twinning), *_overseers(twinning)],
            twinning,
            "twinning_partner_left",
            school=row.school.name,
            country=row.school.country_id,
        )
        if remaining < 2 and twinning.status in (Status.ACCEPTED, Status.APPROVED, Status.ACTIVE):
            _move(twinning, Status.NEEDS_PARTNER, by=by, action="twinning.needs_partner")
    return twinning


def invite_school(*, twinning: Twinning, school: School, by) -> TwinningSchool:
    """A coordinator invites a new partner to a twinning in the re-match queue."""
    if twinning.status != Status.NEEDS_PARTNER:
        raise ServiceError(_("Only a twinning that lost its partner can invite a new one."))
    if school.status != ValidationStatus.VALIDATED:
        raise ServiceError(_("Only validated schools can be invited to a twinning."))
    if twinning.schools.filter(school=school).exclude(status=TwinningSchool.Status.LEFT).exists():
        raise ServiceError(_("This school is already in the twinning."))
    for row in twinning.schools.filter(status=TwinningSchool.Status.JOINED).select_related("school"):
        why = _pair_refusal(
            school_year=twinning.school_year,
            school=row.school,
            partner=school,
            programme=twinning.programme,
            exclude=twinning,
        )
        if why is not None:
            raise ServiceError(why)
    with transaction.atomic():
        row, _created = TwinningSchool.objects.update_or_create(
            twinning=twinning,
            school=school,
            defaults={"status": TwinningSchool.Status.INVITED, "contact": None, "left_at": None, "reason": ""},
        )
        audit.record(actor=by, action="twinning.invited", target=twinning, school=school.pk)
        _tell(_teachers(school.pk), twinning, "twinning_invited", school=school.name, country=school.country_id)
    return row


def set_contacts(*, row: TwinningSchool, contact, second_contact, by) -> TwinningSchool:
    """Name a school's contact and second contact: validated teachers of that school, two different people."""
    allowed = {u.pk for u in _teachers(row.school_id)}
    for person in (contact, second_contact):
        if person is not None and person.pk not in allowed:
            raise ServiceError(_("Contacts must be validated teachers of the school."))
    if contact is None:
        raise ServiceError(_("Name a contact."))
    if second_contact is not None and second_contact.pk == contact.pk:
        raise ServiceError(_("The second contact must be another teacher."))
    with transaction.atomic():
        row.contact, row.second_contact = contact, second_contact
        row.save(update_fields=["contact", "second_contact"])
        Membership.objects.update_or_create(
            twinning=row.twinning,
            user=contact,
            defaults={"school": row.school, "role": Membership.Role.TEACHER_ADMIN, "active": True},
        )
        if second_contact is not None:
            Membership.objects.update_or_create(
                twinning=row.twinning,
                user=second_contact,
                defaults={"school": row.school, "role": Membership.Role.TEACHER, "active": True},
            )
        audit.record(
            actor=by,
            action="twinning.contacts",
            target=row.twinning,
            school=row.school_id,
            contact=contact.pk,
            second_contact=second_contact.pk if second_contact else None,
        )
    return row


def teacher_leaves(*, teacher: TeacherProfile, by) -> int:
    """The principal records that a teacher has left. Their twinnings pass to the second contact,
    or, where there is none, the principal is asked to name a new contact. Returns how many twinnings."""
    if teacher.left_at is not None:
        raise ServiceError(_("This teacher has already left the school."))
    handed = 0
    with transaction.atomic():
        teacher.left_at = timezone.now()
        teacher.save(update_fields=["left_at"])
        Membership.objects.filter(user=teacher.user).update(active=False)
        audit.record(actor=by, action="teacher.left", target=teacher)
        rows = TwinningSchool.objects.filter(
            contact=teacher.user, status=TwinningSchool.Status.JOINED, twinning__status__in=OPEN
        ).select_related("twinning", "second_contact", "school")
        for row in rows:
            twinning = row.twinning
            if row.second_contact is not None:
                successor = row.second_contact
                row.contact, row.second_contact = successor, None
                row.save(update_fields=["contact", "second_contact"])
                Membership.objects.update_or_create(
                    twinning=twinning,
                    user=successor,
                    defaults={"school": row.school, "role": Membership.Role.TEACHER_ADMIN, "active": True},
                )
                _tell([successor], twinning, "twinning_now_contact", school=row.school.name)
            else:
                row.contact = None
                row.save(update_fields=["contact"])
                _tell(_principals(row.school_id), twinning, "twinning_contact_needed", school=row.school.name)
            audit.record(
                actor=by,
                action="twinning.contact_left",
                target=twinning,
                school=row.school_id,
                successor=row.contact_id,
            )
            handed += 1
        TwinningSchool.objects.filter(second_contact=teacher.user).update(second_contact=None)
    return handed


def add_pupils(*, twinning: Twinning, row: TwinningSchool, pupils, by) -> int:
    """Pupils of a school taking part join the twinning (they see it, and only it, with their class)."""
    if row.status != TwinningSchool.Status.JOINED or twinning.read_only:
        raise ServiceError(_("Pupils can join only while their school takes part in an open twinning."))
    added = 0
    with transaction.atomic():
        for pupil in pupils:
            if pupil.school_id != row.school_id:
                raise ServiceError(_("Only pupils of your school can join through it."))
            _membership, created = Membership.objects.update_or_create(
                twinning=twinning,
                user=pupil.user,
                defaults={"school": row.school, "role": Membership.Role.PUPIL, "active": True},
            )
            added += 1
        audit.record(actor=by, action="twinning.pupils_added", target=twinning, school=row.school_id, count=added)
    return added


def remove_pupil(*, twinning: Twinning, row: TwinningSchool, pupil_user, by) -> None:
    updated = Membership.objects.filter(
        twinning=twinning, user=pupil_user, school=row.school, role=Membership.Role.PUPIL
    ).update(active=False)
    if updated:
        audit.record(actor=by, action="twinning.pupil_removed", target=twinning, school=row.school_id)
