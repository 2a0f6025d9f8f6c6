"""Writes about schools and teachers: registration and the NSO's validation decisions.

Every decision is recorded in the audit log (who, when, why) and the person concerned is told
by e-mail in their own language once the transaction has committed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from twinning.accounts.models import LinkedIdentity, Role, User
from twinning.accounts.oidc import Identity
from twinning.accounts.rules import roles_of
from twinning.accounts.services import (
    identity_taken_message,
    send_email_confirmation,
    tell_owner_of_signup_attempt,
)
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.mail import send_to_person
from twinning.schools import queries, rules
from twinning.schools.models import (
    Country,
    KeptCounts,
    KeptGroup,
    Language,
    Programme,
    ProgrammeMembership,
    School,
    Subject,
    TeacherProfile,
    ValidationStatus,
)


@dataclass(frozen=True)
class NewSchool:
    name: str
    native_name: str
    country: Country
    city: str
    school_type: str
    age_from: int
    age_to: int
    languages: list[Language]
    time_zone: str
    school_week: str
    website: str = ""
    # The region whose public and school holidays the school keeps (`common.regions`); "" for the whole country.
    region: str = ""


# Steps run in the transaction that registers a new school at sign-up, with the school and what the
# teacher said of it: `meetings` keeps the school's region in its calendar (MeetingsConfig.ready).
_new_school_steps: list[Callable[[School, NewSchool], None]] = []


def add_new_school_step(step: Callable[[School, NewSchool], None]) -> None:
    if step not in _new_school_steps:
        _new_school_steps.append(step)


# Steps run, in the service's transaction, with the ids of schools whose standing changed: validated
# or turned down, a programme membership begun or ended. `matching` reads those schools' profiles
# afresh in partner search (MatchingConfig.ready).
_school_change_steps: list[Callable[..., None]] = []


def add_school_change_step(step: Callable[..., None]) -> None:
    if step not in _school_change_steps:
        _school_change_steps.append(step)


def schools_changed(school_ids: list[int]) -> None:
    """Tell the apps above that these schools' standing changed (see `add_school_change_step`)."""
    for step in _school_change_steps:
        step(school_ids=school_ids)


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def similar_school_exists(*, name: str, country: Country, city: str) -> School | None:
    return (
        School.objects.filter(country=country, name__iexact=name.strip(), city__iexact=city.strip())
        .exclude(status=ValidationStatus.REJECTED)
        .first()
    )


def register_teacher(
    *,
    full_name: str,
    email: str,
    password: str | None,
    language: str,
    time_zone: str,
    school: School | None,
    new_school: NewSchool | None,
    subjects: list[Subject],
    languages: list[Language],
    bio: str = "",
    address: str = "",
    programme: Programme | None = None,
    identity: Identity | None = None,
) -> TeacherProfile | None:
    """Create a teacher's account (and their school, when it is new), waiting for validation.

    Side effects: an e-mail with a confirmation link; an audit entry; a new school starts as
    pending, to be validated by its country's NSO. With a `programme` (the sign-up page reached from
    a programme's "how to join"), the school asks to join it, unless it is a member or has asked.

    When the address already has an account, nothing is created and None is returned: the owner
    is told by e-mail instead (``accounts.services.tell_owner_of_signup_attempt``), and the caller
    answers exactly as for a new account, so that sign-up never tells anyone who has an account.
    ``address`` is the client's, for the audit log.

    With an ``identity`` (an account at an OpenID Connect provider whose ID token was checked and
    whose address the provider verified), the account gets no password, its address is confirmed
    already (no e-mail is sent) and the identity is linked to it (audited ``identity.linked``); an
    address that already has an account is refused with a message saying so, since the person has
    just proved the address is theirs. The NSO validates the teacher as for any sign-up.

    Refused when the school's NSO restricts sign-up to its education domains and the address is
    outside them (``rules.email_domain_allowed``).
    """
    email = email.strip().lower()
    _check_signup(email=email, password=password, school=school, new_school=new_school, identity=identity)
    joined_pending = False
    if new_school is not None:
        existing = similar_school_exists(name=new_school.name, country=new_school.country, city=new_school.city)
        if existing is not None and existing.is_validated:
            raise ServiceError(
                _("%(school)s in %(city)s is already registered: choose it from the list instead.")
                % {"school": existing.name, "city": existing.city}
            )
        if existing is not None:
            # Pending schools are never listed on the public sign-up page, so their teachers describe
            # them again: they join the school already waiting (one school for the NSO to validate),
            # and the page answers exactly as for a new school, so it tells nobody the school exists.
            school, new_school, joined_pending = existing, None, True
    owner = User.objects.filter(email__iexact=email).first()
    if identity is not None:
        _check_identity_is_new(email=email, identity=identity, owner=owner)
    elif owner is not None:
        _signed_up_again(owner=owner, password=password, address=address)
        return None
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                full_name=full_name.strip(),
                preferred_language=language,
                time_zone=time_zone,
                email_confirmed_at=timezone.now() if identity is not None else None,
            )
            if new_school is not None:
                school = School.objects.create(
                    name=new_school.name.strip(),
                    native_name=new_school.native_name.strip(),
                    country=new_school.country,
                    city=new_school.city.strip(),
                    school_type=new_school.school_type,
                    age_from=new_school.age_from,
                    age_to=new_school.age_to,
                    time_zone=new_school.time_zone,
                    school_week=new_school.school_week,
                    website=new_school.website,
                    created_by=user,
                )
                school.languages.set(new_school.languages)
                for step in _new_school_steps:
                    step(school, new_school)
                audit.record(actor=user, action="school.registered", target=school)
            elif school is None:  # never: exactly one of the two is given (checked first)
                raise ServiceError(_("Choose your school from the list, or describe a new one — not both."))
            teacher = TeacherProfile.objects.create(user=user, school=school, bio=bio.strip())
            teacher.subjects.set(subjects)
            teacher.languages.set(languages)
            extra: dict[str, Any] = {"joined_pending_school": True} if joined_pending else {}
            audit.record(actor=user, action="teacher.registered", target=teacher, school=school.pk, **extra)
            if programme is not None and not _member_or_asked(school, programme):
                request_membership(school=school, programme=programme, by=user)
            _link_or_confirm(user=user, identity=identity, address=address)
    except IntegrityError:
        # Two sign-ups with one address at the same moment: the database's unique index decides.
        owner = User.objects.filter(email__iexact=email).first()
        if identity is not None:
            raise (_address_has_account(email) if owner else ServiceError(identity_taken_message(identity))) from None
        if owner is None:
            raise
        _signed_up_again(owner=owner, password=None, address=address)
        return None
    return teacher


def _check_signup(
    *, email: str, password: str | None, school: School | None, new_school: NewSchool | None, identity: Identity | None
) -> None:
    """What refuses a sign-up before anything is looked up: the school given twice or not at all, a
    rejected school, an identity whose address is not verified, an address outside the NSO's domains."""
    if (school is None) == (new_school is None):
        raise ServiceError(_("Choose your school from the list, or describe a new one — not both."))
    if school is not None and school.status == ValidationStatus.REJECTED:
        raise ServiceError(_("This school cannot be chosen. Contact your national support organisation."))
    if identity is not None and (not identity.email_verified or identity.email != email or password is not None):
        raise ServiceError(_("Your school account's e-mail address is not confirmed, so it cannot be used to join."))
    country = school.country if school is not None else new_school.country if new_school is not None else None
    nso = country.nso if country is not None else None
    if country is not None and not rules.email_domain_allowed(nso, email):
        # Each domain isolated left to right, so "*.edu.ps" reads so inside a Hebrew or Arabic sentence.
        raise ServiceError(
            _(
                "Teachers of schools in %(country)s join with an address of their education system (%(domains)s). "
                "Use your school e-mail address."
            )
            % {
                "country": country.name,
                "domains": ", ".join(f"\u2066{domain}\u2069" for domain in rules.signup_domains(nso)),
            }
        )


def _check_identity_is_new(*, email: str, identity: Identity, owner: User | None) -> None:
    """A sign-up through a provider is refused, saying why, when the address already has an account
    (the person has just proved the address is theirs) or the provider's account is linked already."""
    if owner is not None:
        raise _address_has_account(email)
    if LinkedIdentity.objects.filter(provider=identity.provider, subject=identity.subject).exists():
        raise ServiceError(identity_taken_message(identity))


def _link_or_confirm(*, user: User, identity: Identity | None, address: str) -> None:
    """A password sign-up is mailed a confirmation link; a sign-up through a provider links its identity."""
    if identity is None:
        send_email_confirmation(user=user)
        return
    LinkedIdentity.objects.create(user=user, provider=identity.provider, subject=identity.subject, email=identity.email)
    audit.record(actor=user, action="identity.linked", target=user, provider=identity.provider, address=address)


def _address_has_account(email: str) -> ServiceError:
    return ServiceError(
        _(
            "%(email)s already has an account here. Sign in with your password, then link your school "
            "account on your account page."
        )
        % {"email": email}
    )


def _member_or_asked(school: School, programme: Programme) -> bool:
    return (
        school.programmes.filter(pk=programme.pk).exists()
        or ProgrammeMembership.objects.filter(
            school=school, programme=programme, status=ProgrammeMembership.Status.PENDING
        ).exists()
    )


def _signed_up_again(*, owner: User, password: str | None, address: str) -> None:
    if password is not None:
        # Hash it as a new account would, so the answer takes as long as a real sign-up.
        make_password(password)
    with transaction.atomic():
        tell_owner_of_signup_attempt(user=owner, address=address)


def _locked_teacher_in_scope(*, teacher: TeacherProfile, by: User) -> TeacherProfile:
    locked = (
        TeacherProfile.objects.select_for_update()
        .filter(pk=teacher.pk, school__in=rules.schools_validated_by(by))
        .first()
    )
    if locked is None:
        raise ServiceError(_("You cannot decide on teachers from another country."))
    return TeacherProfile.objects.select_related("user", "school", "decided_by").get(pk=locked.pk)


def _already_decided(teacher: TeacherProfile) -> ServiceError:
    params = {
        "name": teacher.user.full_name,
        "by": teacher.decided_by.full_name if teacher.decided_by else _("someone"),
        "date": _when(teacher.decided_at) if teacher.decided_at else "",
    }
    if teacher.status == ValidationStatus.VALIDATED:
        return ServiceError(_("%(name)s was already validated by %(by)s on %(date)s.") % params)
    return ServiceError(_("%(name)s was already turned down by %(by)s on %(date)s.") % params)


def _approve_school_locked(*, school: School, by: User, note: str = "") -> None:
    school.status = ValidationStatus.VALIDATED
    school.decided_at = timezone.now()
    school.decided_by = by
    school.rejection_reason = ""
    school.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
    audit.record(actor=by, action="school.validated", target=school, reason=note)
    schools_changed([school.pk])


def approve_teacher(*, teacher: TeacherProfile, by: User) -> TeacherProfile:
    """Validate a teacher (and their school, if it is still waiting).

    Side effects: audit entries; an e-mail to the teacher in their language.
    """
    with transaction.atomic():
        teacher = _locked_teacher_in_scope(teacher=teacher, by=by)
        if teacher.status == ValidationStatus.VALIDATED:
            raise _already_decided(teacher)
        if not teacher.user.email_confirmed:
            raise ServiceError(
                _("%(name)s has not confirmed their e-mail address yet.") % {"name": teacher.user.full_name}
            )
        school = School.objects.select_for_update().get(pk=teacher.school_id)
        if school.status == ValidationStatus.REJECTED:
            raise ServiceError(
                _("%(school)s was not validated, so its teachers cannot be validated.") % {"school": school.name}
            )
        if school.status == ValidationStatus.PENDING:
            _approve_school_locked(
                school=school, by=by, note=_("Validated with its teacher %(name)s.") % {"name": teacher.user.full_name}
            )
        teacher.status = ValidationStatus.VALIDATED
        teacher.decided_at = timezone.now()
        teacher.decided_by = by
        teacher.rejection_reason = ""
        teacher.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
        audit.record(actor=by, action="teacher.validated", target=teacher)
        send_to_person(user=teacher.user, template="schools/email/teacher_validated", context={"teacher": teacher})
    return teacher


def reject_teacher(*, teacher: TeacherProfile, by: User, reason: str) -> TeacherProfile:
    """Turn a waiting teacher down with a reason the teacher sees.

    Side effects: an audit entry; an e-mail to the teacher, with the reason, in their language.
    """
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Say why, so the teacher knows what to change."))
    with transaction.atomic():
        teacher = _locked_teacher_in_scope(teacher=teacher, by=by)
        if teacher.status != ValidationStatus.PENDING:
            raise _already_decided(teacher)
        teacher.status = ValidationStatus.REJECTED
        teacher.decided_at = timezone.now()
        teacher.decided_by = by
        teacher.rejection_reason = reason
        teacher.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
        audit.record(actor=by, action="teacher.rejected", target=teacher, reason=reason)
        send_to_person(user=teacher.user, template="schools/email/teacher_rejected", context={"teacher": teacher})
    return teacher


def vouch_for_teacher(*, teacher: TeacherProfile, by: User) -> TeacherProfile:
    """The school's principal confirms the teacher works at the school. The NSO still decides."""
    with transaction.atomic():
        teacher = TeacherProfile.objects.select_for_update().select_related("user").get(pk=teacher.pk)
        if teacher.school_id not in roles_of(by).principal_school_ids:
            raise ServiceError(_("Only the principal of the teacher's school can vouch for them."))
        if teacher.status != ValidationStatus.PENDING:
            raise ServiceError(_("%(name)s is not waiting for validation.") % {"name": teacher.user.full_name})
        if teacher.vouched_at is not None:
            raise ServiceError(_("You already vouched for %(name)s.") % {"name": teacher.user.full_name})
        teacher.vouched_by = by
        teacher.vouched_at = timezone.now()
        teacher.save(update_fields=["vouched_by", "vouched_at"])
        audit.record(actor=by, action="teacher.vouched", target=teacher)
    return teacher


def resubmit_teacher(*, teacher: TeacherProfile) -> TeacherProfile:
    """A turned-down teacher, having changed their profile, asks their NSO to look again."""
    with transaction.atomic():
        teacher = TeacherProfile.objects.select_for_update().get(pk=teacher.pk)
        if teacher.status != ValidationStatus.REJECTED:
            raise ServiceError(_("Your profile is not waiting for a new decision."))
        teacher.status = ValidationStatus.PENDING
        teacher.submitted_at = timezone.now()
        teacher.save(update_fields=["status", "submitted_at"])
        audit.record(actor=teacher.user, action="teacher.resubmitted", target=teacher)
    return teacher


def _locked_school_in_scope(*, school: School, by: User) -> School:
    locked = rules.schools_validated_by(by).select_for_update(of=("self",)).filter(pk=school.pk).first()
    if locked is None:
        raise ServiceError(_("You cannot decide on schools from another country."))
    return locked


def approve_school(*, school: School, by: User) -> School:
    """Validate a new school. Side effect: an audit entry."""
    with transaction.atomic():
        school = _locked_school_in_scope(school=school, by=by)
        if school.status == ValidationStatus.VALIDATED:
            raise ServiceError(_("%(school)s is already validated.") % {"school": school.name})
        _approve_school_locked(school=school, by=by)
    return school


def reject_school(*, school: School, by: User, reason: str) -> School:
    """Turn down a new school; its waiting teachers cannot be validated until it is.

    Side effects: an audit entry; an e-mail to the person who registered it.
    """
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Say why, so the school knows what to change."))
    with transaction.atomic():
        school = _locked_school_in_scope(school=school, by=by)
        if school.status != ValidationStatus.PENDING:
            raise ServiceError(_("%(school)s is not waiting for validation.") % {"school": school.name})
        school.status = ValidationStatus.REJECTED
        school.decided_at = timezone.now()
        school.decided_by = by
        school.rejection_reason = reason
        school.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
        audit.record(actor=by, action="school.rejected", target=school, reason=reason)
        schools_changed([school.pk])
        creator = school.created_by
        if creator is not None:
            send_to_person(user=creator, template="schools/email/school_rejected", context={"school": school})
    return school


def update_school(*, school: School, by: User, fields: dict, languages: list[Language]) -> School:
    """Save changed details of a school. Side effect: an audit entry naming the changed fields.

    The country is not among them: moving a school to another country moves it to another NSO,
    which is an administrator's decision.
    """
    with transaction.atomic():
        school = School.objects.select_for_update().get(pk=school.pk)
        changed = [name for name, value in fields.items() if getattr(school, name) != value]
        for name in changed:
            setattr(school, name, fields[name])
        if changed:
            school.full_clean(exclude=["country", "languages", "programmes", "created_by", "decided_by"])
            school.save(update_fields=changed)
        if set(school.languages.values_list("code", flat=True)) != {lang.code for lang in languages}:
            school.languages.set(languages)
            changed.append("languages")
        if changed:
            audit.record(actor=by, action="school.updated", target=school, fields=changed)
    return school


def update_teacher_details(
    *,
    teacher: TeacherProfile,
    by: User,
    subjects: list[Subject] | None = None,
    languages: list[Language] | None = None,
    bio: str | None = None,
) -> TeacherProfile:
    """Save the school-facing part of a teacher's profile: what is None stays as it is.

    The teacher changes all of it on their profile page; their NSO's staff (`rules.may_change_teacher_details`)
    their subjects and languages, never their words about themselves. Side effect: an audit entry
    naming the changed fields, when something changed.
    """
    if not rules.may_change_teacher_details(by, teacher):
        raise ServiceError(_("You may not change this teacher's details."))
    if bio is not None and by.pk != teacher.user_id:
        raise ServiceError(_("Only the teacher writes what their profile says about them."))
    with transaction.atomic():
        teacher = TeacherProfile.objects.select_for_update().get(pk=teacher.pk)
        changed = []
        if bio is not None and bio != teacher.bio:
            teacher.bio = bio
            teacher.full_clean(exclude=["user", "school", "subjects", "languages", "decided_by", "vouched_by"])
            teacher.save(update_fields=["bio"])
            changed.append("bio")
        if subjects is not None and set(teacher.subjects.values_list("code", flat=True)) != {s.code for s in subjects}:
            teacher.subjects.set(subjects)
            changed.append("subjects")
        if languages is not None and set(teacher.languages.values_list("code", flat=True)) != {
            lang.code for lang in languages
        }:
            teacher.languages.set(languages)
            changed.append("languages")
        if changed:
            audit.record(actor=by, action="teacher.updated", target=teacher, fields=changed)
    return teacher


def set_programme_rules(*, programme: Programme, by: User, max_age_gap: int, other_country: bool) -> Programme:
    """Change a programme's pairing rules. They apply from the next search, run or proposal on; pairs
    already made stay. Side effect: an audit entry with the new values."""
    if not 0 <= max_age_gap <= 10:
        raise ServiceError(_("The age gap must be between 0 and 10 years."))
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        programme.max_age_gap, programme.partners_from_other_countries = max_age_gap, other_country
        programme.save(update_fields=["max_age_gap", "partners_from_other_countries"])
        audit.record(
            actor=by,
            action="programme.rules",
            target=programme,
            max_age_gap=max_age_gap,
            partners_from_other_countries=other_country,
        )
    return programme


# --- Programme membership -------------------------------------------------------------------------
# `School.programmes` holds the approved members only; `ProgrammeMembership` the request and the
# decision. Every write below keeps the two together, in one transaction.

Membership = ProgrammeMembership


def _tell_school(*, school: School, template: str, membership: ProgrammeMembership, also=None) -> None:
    """E-mail the school's current teachers and principals (and `also`, e.g. the requester) in their language."""
    people = {user.pk: user for user in queries.teacher_users_by_school([school.pk])[school.pk]}
    for role in Role.objects.filter(kind=Role.Kind.PRINCIPAL, school=school).select_related("user"):
        people.setdefault(role.user.pk, role.user)
    if also is not None and also.is_active:
        people.setdefault(also.pk, also)
    for user in people.values():
        send_to_person(user=user, template=template, context={"membership": membership, "school": school})


def request_membership(*, school: School, programme: Programme, by: User) -> ProgrammeMembership:
    """A school asks to take part in a programme (from its page, or at sign-up). The programme decides.

    A request refused or a membership removed before may be asked again. Side effect: an audit entry.
    """
    if not programme.countries.filter(pk=school.country_id).exists() and programme.countries.exists():
        raise ServiceError(
            _("%(programme)s does not connect schools of %(country)s.")
            % {"programme": programme.name, "country": school.country.name}
        )
    with transaction.atomic():
        membership, created = ProgrammeMembership.objects.select_for_update().get_or_create(
            programme=programme, school=school, defaults={"requested_by": by}
        )
        if membership.status == Membership.Status.APPROVED or school.programmes.filter(pk=programme.pk).exists():
            raise ServiceError(
                _("%(school)s already takes part in %(programme)s.")
                % {"school": school.name, "programme": programme.name}
            )
        if membership.status == Membership.Status.PENDING and not created:
            raise ServiceError(
                _("%(school)s has already asked to join %(programme)s: the programme will decide.")
                % {"school": school.name, "programme": programme.name}
            )
        membership.status = Membership.Status.PENDING
        membership.requested_by, membership.requested_at = by, timezone.now()
        membership.decided_by, membership.decided_at, membership.reason = None, None, ""
        membership.save()
        audit.record(actor=by, action="programme.membership_requested", target=school, programme=programme.slug)
    return membership


def _locked_membership(membership: ProgrammeMembership, by: User) -> ProgrammeMembership:
    locked = (
        ProgrammeMembership.objects.select_for_update(of=("self",))
        .filter(pk=membership.pk, programme__in=rules.programmes_deciding_members(by))
        .select_related("programme", "school__country", "requested_by")
        .first()
    )
    if locked is None:
        raise ServiceError(_("You cannot decide who takes part in this programme."))
    if locked.status != Membership.Status.PENDING:
        raise ServiceError(_("This request has already been decided."))
    return locked


def approve_membership(*, membership: ProgrammeMembership, by: User) -> ProgrammeMembership:
    """The programme takes the school in: it becomes a member (`School.programmes`), so it may be paired
    within the programme from now on.

    Side effects: an audit entry; an e-mail to the school's teachers and principals in their language.
    """
    with transaction.atomic():
        membership = _locked_membership(membership, by)
        membership.status, membership.decided_by, membership.decided_at = Membership.Status.APPROVED, by, timezone.now()
        membership.reason = ""
        membership.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        membership.school.programmes.add(membership.programme)
        schools_changed([membership.school_id])
        audit.record(
            actor=by,
            action="programme.membership_approved",
            target=membership.school,
            programme=membership.programme.slug,
        )
        _tell_school(
            school=membership.school,
            template="schools/email/membership_approved",
            membership=membership,
            also=membership.requested_by,
        )
    return membership


def refuse_membership(*, membership: ProgrammeMembership, by: User, reason: str) -> ProgrammeMembership:
    """The programme turns the request down, with a reason the school reads.

    Side effects: an audit entry; an e-mail with the reason to the school's teachers and principals.
    """
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Say why, so the school knows what to change."))
    with transaction.atomic():
        membership = _locked_membership(membership, by)
        membership.status, membership.decided_by, membership.decided_at = Membership.Status.REFUSED, by, timezone.now()
        membership.reason = reason
        membership.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        audit.record(
            actor=by,
            action="programme.membership_refused",
            target=membership.school,
            programme=membership.programme.slug,
            reason=reason,
        )
        _tell_school(
            school=membership.school,
            template="schools/email/membership_refused",
            membership=membership,
            also=membership.requested_by,
        )
    return membership


def remove_member(*, programme: Programme, school: School, by: User, reason: str) -> ProgrammeMembership:
    """The programme ends a school's membership, with a reason. Its twinnings in the programme go on
    as they are; no new pair is made with it in the programme (the hard rules read `School.programmes`).

    Side effects: an audit entry; an e-mail with the reason to the school's teachers and principals.
    """
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Say why, so the school knows what to change."))
    with transaction.atomic():
        if not rules.programmes_deciding_members(by).filter(pk=programme.pk).exists():
            raise ServiceError(_("You cannot decide who takes part in this programme."))
        if not school.programmes.filter(pk=programme.pk).exists():
            raise ServiceError(
                _("%(school)s does not take part in %(programme)s.")
                % {"school": school.name, "programme": programme.name}
            )
        membership, created = ProgrammeMembership.objects.select_for_update().get_or_create(
            programme=programme, school=school
        )
        membership.status, membership.decided_by, membership.decided_at = Membership.Status.REMOVED, by, timezone.now()
        membership.reason = reason
        membership.save()
        school.programmes.remove(programme)
        schools_changed([school.pk])
        audit.record(
            actor=by, action="programme.member_removed", target=school, programme=programme.slug, reason=reason
        )
        _tell_school(school=school, template="schools/email/membership_removed", membership=membership)
    return membership


def set_signup_domains(*, nso, by: User, domains: list[str]) -> None:
    """Restrict the sign-up of teachers of the NSO's schools to these e-mail domains (none: any address).

    Side effect: an audit entry ``nso.signup_domains_set`` on the NSO, with the list.
    """
    if not rules.may_manage_nso_settings(by, nso):
        raise ServiceError(_("Only this organisation's staff can change how its teachers join."))
    with transaction.atomic():
        nso.signup_domains = "\n".join(domains)
        nso.save(update_fields=["signup_domains"])
        audit.record(actor=by, action="nso.signup_domains_set", target=nso, domains=domains)


# Figures kept by the job queue ------------------------------------------------------------------------

# How often the job counts the schools and teachers again (the pages say when they were counted, and how often).
COUNT_EVERY_MINUTES = 15
# "Decided recently", "new in the last 30 days".
RECENT = timedelta(days=30)


def count_figures() -> KeptCounts:
    """The job: count the network's schools and teachers per group (`queries.count_school_groups`) and keep them
    in place of the last counting, in one transaction, so a page reads either the old figures or the new."""
    now = timezone.now()
    groups = queries.count_school_groups(since=now - RECENT)
    with transaction.atomic():
        counting = KeptCounts.objects.create(counted_at=now)
        KeptGroup.objects.bulk_create(
            [
                KeptGroup(counting=counting, country=country, programmes=programmes, status=status, **figures)
                for (country, programmes, status), figures in groups.items()
            ],
            batch_size=1000,
        )
        # Older countings go; one begun earlier and ending later does not remove this one.
        KeptCounts.objects.filter(counted_at__lt=now).delete()
    return counting


def kept_counts() -> KeptCounts:
    """The last counting of the job, counted now if there never was one (the first reader waits once)."""
    return queries.latest_counting() or count_figures()
