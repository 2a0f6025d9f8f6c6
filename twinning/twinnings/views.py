from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.common.audit import HISTORY_KEYS, entries_for, label
from twinning.common.errors import ServiceError
from twinning.common.http import posted_id
from twinning.common.keyset import keyset_page
from twinning.common.school_year import current_school_year
from twinning.matching.constraints import PairRules
from twinning.matching.engine.search import Filters
from twinning.matching.models import TwinningProfile
from twinning.matching.queries import (
    engine_profiles,
    filters_within_rules,
    profiles_of,
    programmes_by_school,
    search_index,
    settled_school_pairs,
    still_open,
)
from twinning.schools.models import School, ValidationStatus
from twinning.schools.rules import get_teacher_for_departure, may_propose_to
from twinning.twinnings import rules, services
from twinning.twinnings.forms import ContactsForm, ProposeForm, ReasonForm
from twinning.twinnings.models import Twinning, TwinningSchool

PAGE_SIZE = 30
# The list's order, newest change first; the index `twinning_list_order` serves it.
LIST_KEYS = ("-changed_at", "-pk")
HISTORY_SIZE = 50


def _with_schools(queryset):
    return queryset.prefetch_related(
        Prefetch(
            "schools",
            queryset=TwinningSchool.objects.select_related("school__country", "contact", "second_contact").order_by(
                "pk"
            ),
        )
    )


@login_required
def twinning_list(request):
    rows = _with_schools(rules.twinnings_for(request.user).select_related("programme"))
    page = keyset_page(request, rows, keys=LIST_KEYS, size=PAGE_SIZE)
    return render(request, "twinnings/list.html", {"page": page})


@login_required
def propose(request, school_pk: int):
    partner = get_object_or_404(
        School.objects.select_related("country"), pk=school_pk, status=ValidationStatus.VALIDATED
    )
    if not may_propose_to(request.user, partner):
        raise Http404
    own = request.user.teacher.school
    form = ProposeForm(
        request.POST or None, initial={"title": {settings.LANGUAGE_CODE: f"{own.name} – {partner.name}"}}
    )
    if request.method == "POST" and form.is_valid():
        try:
            twinning = services.propose_twinning(
                from_school=own,
                to_schools=[partner],
                by=request.user,
                school_year=current_school_year(),
                titles=form.cleaned_data["title"],
                descriptions=form.cleaned_data["description"],
                programme=form.cleaned_data["programme"],
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your proposal has been sent to %(school)s.") % {"school": partner.name})
            return redirect("twinnings:detail", pk=twinning.pk)
    return render(request, "twinnings/propose.html", {"form": form, "partner": partner, "own": own})


@login_required
def detail(request, pk: int):
    twinning = rules.get_twinning_for_user(request.user, pk)
    twinning = _with_schools(Twinning.objects.filter(pk=twinning.pk).select_related("programme", "coordinator"))[0]
    own = rules.own_school_row(request.user, twinning)
    oversee = rules.can_oversee(request.user, twinning)
    history = keyset_page(request, entries_for(twinning), keys=HISTORY_KEYS, size=HISTORY_SIZE, prefix="history_")
    return render(
        request,
        "twinnings/detail.html",
        {
            "twinning": twinning,
            "own": own,
            "oversee": oversee,
            "manage": rules.can_manage(request.user, twinning),
            "reason_form": ReasonForm(),
            "history": [(entry, label(entry.action)) for entry in history],
            "history_page": history,
            "Status": Twinning.Status,
            "workspace_open": twinning.status
            not in (Twinning.Status.PROPOSED, Twinning.Status.ACCEPTED, Twinning.Status.DECLINED)
            and (rules.membership(request.user, twinning) is not None or oversee),
        },
    )


def _act(request, pk: int, action):
    """Run one transition for the twinning and come back to its page, with the outcome as a message."""
    twinning = rules.get_twinning_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        done = action(twinning, form.cleaned_data.get("reason", ""))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("twinnings:detail", pk=twinning.pk)


def _answer(request, pk: int, *, accept: bool):
    def run(twinning, reason):
        row = rules.own_school_row(request.user, twinning)
        if row is None or row.status != TwinningSchool.Status.INVITED:
            raise Http404
        services.answer_invitation(twinning=twinning, row=row, by=request.user, accept=accept, reason=reason)
        return _("You joined the twinning.") if accept else _("You declined the twinning.")

    return _act(request, pk, run)


@login_required
@require_POST
def accept(request, pk: int):
    """A teacher of an invited school joins the twinning for it."""
    return _answer(request, pk, accept=True)


@login_required
@require_POST
def decline(request, pk: int):
    """A teacher of an invited school declines the twinning, saying why."""
    return _answer(request, pk, accept=False)


@login_required
@require_POST
def approve(request, pk: int):
    def run(twinning, _reason):
        if not rules.can_oversee(request.user, twinning):
            raise Http404
        services.approve_twinning(twinning=twinning, by=request.user)
        return _("The twinning is approved.")

    return _act(request, pk, run)


@login_required
@require_POST
def start(request, pk: int):
    def run(twinning, _reason):
        if not rules.can_manage(request.user, twinning):
            raise Http404
        services.start_twinning(twinning=twinning, by=request.user)
        return _("The twinning has started.")

    return _act(request, pk, run)


@login_required
@require_POST
def close(request, pk: int):
    def run(twinning, reason):
        if not rules.can_manage(request.user, twinning):
            raise Http404
        services.close_twinning(twinning=twinning, by=request.user, reason=reason)
        return _("The twinning is closed. Everything in it stays readable.")

    return _act(request, pk, run)


@login_required
@require_POST
def withdraw(request, pk: int):
    def run(twinning, reason):
        row = rules.own_school_row(request.user, twinning)
        if row is None or not rules.can_manage(request.user, twinning):
            raise Http404
        services.withdraw_school(twinning=twinning, row=row, by=request.user, reason=reason)
        return _("Your school has left the twinning.")

    return _act(request, pk, run)


@login_required
def contacts(request, pk: int):
    twinning = rules.get_twinning_for_user(request.user, pk)
    row = rules.get_school_row_for_contacts(request.user, twinning)
    teachers = (
        get_user_model()
        .objects.filter(
            teacher__school_id=row.school_id, teacher__status=ValidationStatus.VALIDATED, teacher__left_at__isnull=True
        )
        .order_by("full_name")
    )
    form = ContactsForm(
        request.POST or None,
        teachers=teachers,
        initial={"contact": row.contact_id, "second_contact": row.second_contact_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_contacts(
                row=row,
                contact=form.cleaned_data["contact"],
                second_contact=form.cleaned_data["second_contact"],
                by=request.user,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The contacts are saved."))
            return redirect("twinnings:detail", pk=twinning.pk)
    return render(request, "twinnings/contacts.html", {"form": form, "twinning": twinning, "row": row})


@login_required
def rematch(request):
    """The coordinators' queue: twinnings that lost their partner, with suggested new partners.

    A fixed number of queries whatever the queue's length: the remaining schools' profiles, the
    year's settled pairs and the suggestions' live check are each read once.
    """

    queue = list(
        _with_schools(
            rules.twinnings_overseen_by(request.user)
            .filter(status=Twinning.Status.NEEDS_PARTNER)
            .select_related("programme")
        )[:50]
    )
    year = current_school_year()
    remaining = {t.pk: [r for r in t.schools.all() if r.status == TwinningSchool.Status.JOINED] for t in queue}
    profiles = TwinningProfile.objects.filter(
        school__in=[r.school_id for rows in remaining.values() for r in rows], school_year=year
    )
    query_of = {int(p.school): p for p in engine_profiles(profiles)} if remaining else {}
    settled = settled_school_pairs(year)
    index = search_index(year) if query_of else None
    found_for = {}
    ranked_for: dict[int, tuple[set, list[tuple[str, float]]]] = {}
    for twinning in queue:
        query = next((query_of[r.school_id] for r in remaining[twinning.pk] if r.school_id in query_of), None)
        if query is None:
            continue
        excluded = {b for a, b in settled if a == query.school}
        excluded |= {str(r.school_id) for r in twinning.schools.all()}
        # Partners from another country than the schools still taking part, as in any twinning, and
        # only members of the twinning's programme, within its rules.
        home = {r.school.country_id for r in remaining[twinning.pk]}
        pair_rules = PairRules.of(twinning.programme)
        filters = filters_within_rules(
            query,
            Filters(),
            max_age_gap=pair_rules.max_age_gap,
            programme=twinning.programme.slug if twinning.programme else None,
        )
        ranked_for[twinning.pk] = (
            home,
            index.ranked(
                query, filters, limit=30, forbidden_schools=frozenset(excluded), rules=pair_rules.for_engine()
            ),
        )
    # The suggested profiles, read once for the whole queue.
    suggested = profiles_of([key for _home, ranked in ranked_for.values() for key, _score in ranked])
    for pk, (home, ranked) in ranked_for.items():
        found = [(suggested[key], score) for key, score in ranked if key in suggested]
        found_for[pk] = [(p, score) for p, score in found if p.country not in home][:5]
    # A twinning outside every programme is offered only schools that share a programme with the
    # schools still in it, or, as they, take part in none (`constraints.refusal`): read in one query.
    loose = [t for t in queue if t.programme_id is None and found_for.get(t.pk)]
    if loose:
        ids = {int(p.school) for t in loose for p, _score in found_for[t.pk]}
        ids |= {r.school_id for t in loose for r in remaining[t.pk]}
        member_of = programmes_by_school(ids)
        for twinning in loose:
            theirs = set().union(*(member_of[r.school_id] for r in remaining[twinning.pk]))
            found_for[twinning.pk] = [
                (p, score)
                for p, score in found_for[twinning.pk]
                if member_of[int(p.school)] & theirs or not (member_of[int(p.school)] or theirs)
            ]
    keys = [int(p.key) for found in found_for.values() for p, _score in found]
    live = still_open(keys, year) if keys else set()
    by_pk = TwinningProfile.objects.select_related("school__country").in_bulk(live)
    rows = [
        {
            "twinning": twinning,
            "remaining": remaining[twinning.pk],
            "suggestions": [
                (by_pk[int(p.key)].school, round(score * 100))
                for p, score in found_for.get(twinning.pk, ())
                if int(p.key) in by_pk
            ],
        }
        for twinning in queue
    ]
    return render(request, "twinnings/rematch.html", {"rows": rows})


@login_required
@require_POST
def invite(request, pk: int):
    def run(twinning, _reason):
        if not rules.can_oversee(request.user, twinning):
            raise Http404
        school = get_object_or_404(School, pk=posted_id(request, "school"))
        services.invite_school(twinning=twinning, school=school, by=request.user)
        return _("%(school)s is invited.") % {"school": school.name}

    return _act(request, pk, run)


@login_required
@require_POST
def teacher_left(request, teacher_pk: int):
    teacher = get_teacher_for_departure(request.user, teacher_pk)
    try:
        count = services.teacher_leaves(teacher=teacher, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is recorded as having left. Twinnings handed over: %(count)d.")
            % {"name": teacher.user.full_name, "count": count},
        )
    return redirect("schools:detail", pk=teacher.school_id)
