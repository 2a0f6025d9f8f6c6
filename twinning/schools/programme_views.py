"""A programme's members: a school asks to join, the programme's deciders approve, refuse or remove.

Who decides is `rules.programmes_deciding_members`; the queue lives beside the dashboard's
"waiting for you" count.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.common.errors import ServiceError
from twinning.common.keyset import keyset_page
from twinning.schools import queries, rules, services
from twinning.schools.forms import MembershipReasonForm, MembershipRequestForm

PAGE_SIZE = 25


@login_required
@require_POST
def request_membership(request, pk: int):
    """The school's principal or one of its validated teachers asks a programme to take it in."""
    school = rules.get_school_for_membership_request(request.user, pk)
    form = MembershipRequestForm(request.POST, programmes=queries.programmes_open_to(school))
    if not form.is_valid():
        for error in form.errors.get("programme", []):
            messages.error(request, error)
        return redirect("schools:detail", pk=school.pk)
    programme = form.cleaned_data["programme"]
    try:
        services.request_membership(school=school, programme=programme, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(school)s has asked to join %(programme)s. Its coordinators will decide, and you will be told.")
            % {"school": school.name, "programme": programme.name},
        )
    return redirect("schools:detail", pk=school.pk)


def _queue_page(request, *, refuse_form=None, refused_pk=None, status=200):
    page = keyset_page(
        request, queries.membership_requests_for(request.user), keys=queries.MEMBERSHIP_KEYS, size=PAGE_SIZE
    )
    return render(
        request,
        "schools/membership_queue.html",
        {
            "page": page,
            "programmes": rules.programmes_deciding_members(request.user),
            "refuse_form": refuse_form,
            "refused_pk": refused_pk,
        },
        status=status,
    )


@login_required
def membership_queue(request):
    """Schools waiting for a decision of the programmes this person decides for."""
    if not rules.may_decide_memberships(request.user):
        raise Http404
    return _queue_page(request)


@login_required
@require_POST
def approve_membership(request, pk: int):
    membership = rules.get_membership_request_for_decider(request.user, pk)
    try:
        services.approve_membership(membership=membership, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(school)s now takes part in %(programme)s; its teachers have been told.")
            % {"school": membership.school.name, "programme": membership.programme.name},
        )
    return redirect("schools:membership_queue")


@login_required
@require_POST
def refuse_membership(request, pk: int):
    membership = rules.get_membership_request_for_decider(request.user, pk)
    form = MembershipReasonForm(request.POST)
    if not form.is_valid():
        return _queue_page(request, refuse_form=form, refused_pk=membership.pk, status=400)
    try:
        services.refuse_membership(membership=membership, by=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(school)s has been told, with your reason.") % {"school": membership.school.name},
        )
    return redirect("schools:membership_queue")


def _members_page(request, programme, *, remove_form=None, removed_pk=None, status=200):
    search = request.GET.get("q", "").strip()[:100]
    page = keyset_page(request, queries.members_of(programme, search=search), keys=queries.MEMBER_KEYS, size=PAGE_SIZE)
    return render(
        request,
        "schools/programme_members.html",
        {
            "programme": programme,
            "page": page,
            "search": search,
            "remove_form": remove_form,
            "removed_pk": removed_pk,
        },
        status=status,
    )


@login_required
def programme_members(request, slug: str):
    """A programme's member schools, each of which the programme may remove with a reason."""
    return _members_page(request, rules.get_programme_for_members(request.user, slug))


@login_required
@require_POST
def remove_member(request, slug: str, school_pk: int):
    programme, school = rules.get_member_for_removal(request.user, slug, school_pk)
    form = MembershipReasonForm(request.POST)
    if not form.is_valid():
        return _members_page(request, programme, remove_form=form, removed_pk=school.pk, status=400)
    try:
        services.remove_member(programme=programme, school=school, by=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "%(school)s no longer takes part in %(programme)s. Its twinnings go on; it will not be "
                "paired again in the programme. Its teachers have been told."
            )
            % {"school": school.name, "programme": programme.name},
        )
    return redirect("schools:programme_members", slug=programme.slug)
