"""Joining and leaving, the members' list and its moderators, invitations and requests to join."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from twinning.accounts.models import User
from twinning.common.errors import ServiceError
from twinning.common.http import posted_id, redirect_back
from twinning.common.keyset import count_at_most, keyset_page
from twinning.communities import queries, rules, services
from twinning.communities.forms import InviteForm, RequestForm
from twinning.communities.models import Answer, Invitation, JoinRequest, Membership

from ._common import _context, _post_only, _reader

MEMBERS_PER_PAGE = 50


@login_required
def join(request, pk: int):
    """Join an open community, or ask to join one by invitation."""
    _post_only(request)
    community = rules.get_community_for_user(request.user, pk)
    if not rules.can_join(request.user, community):
        raise Http404
    try:
        if community.is_open:
            services.join(community=community, user=request.user)
            messages.success(request, _("Welcome! You are a member of this community."))
        else:
            form = RequestForm(request.POST)
            message = form.cleaned_data["message"] if form.is_valid() else ""
            services.request_to_join(community=community, user=request.user, message=message)
            messages.success(request, _("Your request is sent. A moderator will answer it."))
    except ServiceError as problem:
        messages.error(request, problem.message)
    return redirect("communities:community", pk=community.pk)


@login_required
def leave(request, pk: int):
    _post_only(request)
    community = rules.get_community_for_user(request.user, pk)
    try:
        services.leave(community=community, user=request.user)
    except ServiceError as problem:
        messages.error(request, problem.message)
        return redirect("communities:community", pk=community.pk)
    messages.success(request, _("You have left the community."))
    return redirect("communities:index")


# Members ----------------------------------------------------------------------------------------


@login_required
def members(request, pk: int):
    community = rules.get_community_for_members(request.user, pk)
    text = request.GET.get("q", "")[:100]
    found = queries.members_of(community, text=text)
    page = keyset_page(request, found, keys=queries.MEMBER_KEYS, size=MEMBERS_PER_PAGE)
    return render(
        request,
        "communities/members.html",
        _context(request, community, "members", page=page, found=count_at_most(found), q=text),
    )


def _member_of_moderated(request, pk: int, member_pk: int) -> Membership:
    """A member of a community this person moderates (its own `community` set); else a 404."""
    _post_only(request)
    community = rules.get_community_for_moderator(request.user, pk)
    person = get_object_or_404(Membership.objects.select_related("user"), pk=member_pk, community=community)
    person.community = community
    return person


def _back_to_members(request, community):
    """Back to the members' page the moderator was on, its search and page number kept."""
    return redirect_back(request, request.POST.get("next", ""), reverse("communities:members", args=[community.pk]))


def _set_role(request, pk: int, member_pk: int, role: str):
    person = _member_of_moderated(request, pk, member_pk)
    try:
        services.set_role(member=person, role=role, by=request.user)
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("Saved."))
    return _back_to_members(request, person.community)


@login_required
def make_moderator(request, pk: int, member_pk: int):
    """A moderator makes a member a moderator too."""
    return _set_role(request, pk, member_pk, Membership.Role.MODERATOR)


@login_required
def make_member(request, pk: int, member_pk: int):
    """A moderator makes another moderator (or themselves: stepping down) a member again."""
    return _set_role(request, pk, member_pk, Membership.Role.MEMBER)


@login_required
def remove_member(request, pk: int, member_pk: int):
    """A moderator removes a member from the community."""
    person = _member_of_moderated(request, pk, member_pk)
    try:
        services.remove_member(member=person, by=request.user, reason=request.POST.get("reason", ""))
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("%(name)s is no longer a member.") % {"name": person.user.full_name})
    return _back_to_members(request, person.community)


# Invitations and requests -----------------------------------------------------------------------


@login_required
def invitations(request, pk: int):
    """Moderators invite people (by e-mail or found by name) and answer requests to join."""
    community = rules.get_community_for_moderator(request.user, pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        invitee = None
        chosen = posted_id(request, "person")
        if chosen:
            invitee = get_object_or_404(User, pk=chosen)
            form = InviteForm()
        elif form.is_valid():
            invitee = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
            if invitee is None:
                form.add_error(
                    "email",
                    _("Nobody who can take part in communities has this address. Ask them to join the platform first."),
                )
        if invitee is not None:
            try:
                services.invite(community=community, by=request.user, invitee=invitee)
            except ServiceError as problem:
                if chosen:
                    messages.error(request, problem.message)
                else:
                    form.add_error("email", problem.message)
            else:
                messages.success(request, _("%(name)s is invited.") % {"name": invitee.full_name})
                return redirect("communities:invitations", pk=community.pk)
    text = request.GET.get("q", "")[:100]
    return render(
        request,
        "communities/invitations.html",
        _context(
            request,
            community,
            "invitations",
            form=form,
            q=text,
            found=queries.people_to_invite(community, text) if text else None,
            requests=queries.requests_for(community),
            pending=queries.pending_invitations_of(community),
        ),
    )


def _answer_request(request, pk: int, request_pk: int, *, accept: bool):
    _post_only(request)
    community = rules.get_community_for_moderator(request.user, pk)
    asked = get_object_or_404(
        JoinRequest.objects.select_related("user"), pk=request_pk, community=community, status=Answer.PENDING
    )
    asked.community = community
    try:
        services.answer_request(request=asked, by=request.user, accept=accept)
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        if accept:
            messages.success(request, _("%(name)s is now a member.") % {"name": asked.user.full_name})
        else:
            messages.success(request, _("The request is declined."))
    return redirect("communities:invitations", pk=community.pk)


@login_required
def accept_request(request, pk: int, request_pk: int):
    """A moderator lets in a person who asked to join."""
    return _answer_request(request, pk, request_pk, accept=True)


@login_required
def decline_request(request, pk: int, request_pk: int):
    return _answer_request(request, pk, request_pk, accept=False)


@login_required
def withdraw_invitation(request, pk: int, invitation_pk: int):
    _post_only(request)
    community = rules.get_community_for_moderator(request.user, pk)
    invitation = get_object_or_404(
        Invitation.objects.select_related("user"), pk=invitation_pk, community=community, status=Answer.PENDING
    )
    services.withdraw_invitation(invitation=invitation, by=request.user)
    messages.success(request, _("The invitation to %(name)s is withdrawn.") % {"name": invitation.user.full_name})
    return redirect("communities:invitations", pk=community.pk)


def _invitation_for_invitee(request, pk: int, invitation_pk: int) -> Invitation:
    """Only the person invited can accept or decline: for anyone else the invitation does not exist."""
    _post_only(request)
    _reader(request)
    return get_object_or_404(
        Invitation.objects.select_related("community"),
        pk=invitation_pk,
        community_id=pk,
        user=request.user,
        status=Answer.PENDING,
    )


@login_required
def accept_invitation(request, pk: int, invitation_pk: int):
    invitation = _invitation_for_invitee(request, pk, invitation_pk)
    try:
        services.answer_invitation(invitation=invitation, user=request.user, accept=True)
    except ServiceError as problem:
        messages.error(request, problem.message)
        return redirect("communities:index")
    messages.success(request, _("Welcome! You are a member of this community."))
    return redirect("communities:community", pk=pk)


@login_required
def decline_invitation(request, pk: int, invitation_pk: int):
    invitation = _invitation_for_invitee(request, pk, invitation_pk)
    try:
        services.answer_invitation(invitation=invitation, user=request.user, accept=False)
    except ServiceError as problem:
        messages.error(request, problem.message)
        return redirect("communities:index")
    messages.success(request, _("Invitation declined."))
    return redirect("communities:index")
