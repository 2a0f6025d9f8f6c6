"""The listing, opening or proposing a community, its about page, editing, deciding on a proposal,
archiving and reopening."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from twinning.accounts.rules import roles_of
from twinning.common.errors import ServiceError
from twinning.common.keyset import count_at_most, keyset_page
from twinning.communities import queries, rules, services
from twinning.communities.forms import AboutForm, DeclineForm, RequestForm, SearchForm
from twinning.communities.models import Answer, Community, Invitation, JoinRequest
from twinning.schools.models import NSO

from ._common import PAGE_SIZE, _context, _post_only, _reader


def _nso_of(user) -> NSO | None:
    """The NSO that looks after a community its creator opens: their own NSO (none for administrators
    and programme coordinators, whose communities the administrators look after)."""
    roles = roles_of(user)
    ids = sorted(roles.nso_ids or roles.coordinator_nso_ids)
    return NSO.objects.filter(pk=ids[0]).first() if ids else None


@login_required
def index(request):
    """Every community, the person's own first; invitations and proposals waiting for them on top."""
    _reader(request)
    form = SearchForm(request.GET or None)
    filters = form.filters() if form.is_valid() else {}
    found = queries.communities_for_listing(request.user, **filters)
    page = keyset_page(request, found, keys=queries.LISTING_KEYS, size=PAGE_SIZE)
    return render(
        request,
        "communities/index.html",
        {
            "form": form,
            "page": page,
            "found": count_at_most(found),
            "invitations": queries.invitations_for(request.user),
            "proposals": queries.proposals_for(request.user),
            "can_create": rules.can_create(request.user),
            "can_propose": rules.can_propose(request.user),
        },
    )


@login_required
def new(request):
    """Staff open a community at once; a validated teacher proposes one to the NSO."""
    _reader(request)
    creating, proposing = rules.can_create(request.user), rules.can_propose(request.user)
    if not (creating or proposing):
        raise Http404
    form = AboutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if creating:
                community = services.create_community(by=request.user, about=form.about(), nso=_nso_of(request.user))
                messages.success(request, _("The community is open. You are its first moderator."))
            else:
                community = services.propose_community(by=request.user, about=form.about())
                messages.success(
                    request, _("Sent to your NSO. Once they approve it, it opens with you as its moderator.")
                )
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            return redirect("communities:community", pk=community.pk)
    return render(request, "communities/edit.html", {"form": form, "community": None, "proposing": proposing})


@login_required
def community(request, pk: int):
    """About the community, how to join it, and (for those who see inside) its latest threads."""
    community = rules.get_community_for_user(request.user, pk)
    user = request.user
    inside = rules.can_see_inside(user, community)
    threads = list(queries.threads_of(community, user, moderator=False)[:5]) if inside else []
    moderators = queries.moderators_of(community) if rules.can_see_members(user, community) else []
    invitation = Invitation.objects.filter(community=community, user=user, status=Answer.PENDING).first()
    asked = JoinRequest.objects.filter(community=community, user=user, status=Answer.PENDING).exists()
    return render(
        request,
        "communities/community.html",
        _context(
            request,
            community,
            "about",
            countries=community.countries.all(),
            threads=threads,
            moderators=moderators,
            invitation=invitation,
            asked=asked,
            can_join=rules.can_join(user, community) and not asked,
            can_edit=rules.can_edit(user, community),
            can_archive=rules.can_archive(user, community),
            can_decide=rules.can_decide(user, community),
            request_form=RequestForm(),
            decline_form=DeclineForm(),
            pending_teacher=hasattr(user, "teacher") and not rules.can_take_part(user),
        ),
    )


@login_required
def edit(request, pk: int):
    community = rules.get_community_for_user(request.user, pk)
    if not rules.can_edit(request.user, community):
        raise Http404
    form = AboutForm(request.POST or None, initial=AboutForm.initial_for(community))
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_community(community=community, by=request.user, about=form.about())
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("communities:community", pk=community.pk)
    return render(request, "communities/edit.html", {"form": form, "community": community, "proposing": False})


@login_required
def approve(request, pk: int):
    """A steward approves a teacher's proposal: the community opens."""
    _post_only(request)
    community = rules.get_community_for_steward(request.user, pk)
    try:
        services.approve_community(community=community, by=request.user)
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("Approved: the community is open."))
    return redirect("communities:community", pk=community.pk)


@login_required
def decline(request, pk: int):
    """A steward declines a teacher's proposal, saying why."""
    _post_only(request)
    community = rules.get_community_for_steward(request.user, pk)
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.decline_community(community=community, by=request.user, reason=reason)
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("Declined. The teacher has been told why."))
    return redirect("communities:community", pk=community.pk)


@login_required
def archive(request, pk: int):
    _post_only(request)
    community = rules.get_community_for_user(request.user, pk)
    if not rules.can_archive(request.user, community):
        raise Http404
    try:
        if community.status == Community.Status.ARCHIVED:
            services.reopen_community(community=community, by=request.user)
            messages.success(request, _("The community is open again."))
        else:
            services.archive_community(community=community, by=request.user)
            messages.success(request, _("Archived: members can still read everything, nothing can be added."))
    except ServiceError as problem:
        messages.error(request, problem.message)
    return redirect("communities:community", pk=community.pk)
