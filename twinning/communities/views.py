"""Pages of the communities of practice: the listing, a community, its discussions, resources,
members and invitations. Who may do what is decided in `rules`; anything out of reach is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from twinning.accounts.models import User
from twinning.accounts.rules import roles_of
from twinning.common.errors import ServiceError
from twinning.common.http import posted_id, redirect_back
from twinning.communities import queries, rules, services
from twinning.communities.forms import (
    AboutForm,
    DeclineForm,
    FileForm,
    HideForm,
    InviteForm,
    LinkForm,
    ReplyForm,
    RequestForm,
    SearchForm,
    ThreadForm,
)
from twinning.communities.models import Answer, Community, Invitation, JoinRequest, Membership, Post, Resource, Thread
from twinning.schools.models import NSO
from twinning.workspace.media import UploadRefused

PAGE_SIZE = 20
THREADS_PER_PAGE = 30
POSTS_PER_PAGE = 30
MEMBERS_PER_PAGE = 50


def _reader(request):
    if not rules.can_read(request.user):
        raise Http404


def _post_only(request):
    if request.method != "POST":
        raise Http404


def _context(request, community: Community, tab: str, **extra) -> dict:
    """What every page of a community shows: its name, its tabs and what the reader may do."""
    user = request.user
    return {
        "community": community,
        "tab": tab,
        "viewer": community.viewer,
        "can_see_inside": rules.can_see_inside(user, community),
        "can_see_members": rules.can_see_members(user, community),
        "can_moderate": rules.can_moderate(user, community),
        "can_post": rules.can_post(user, community),
        **extra,
    }


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
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "communities/index.html",
        {
            "form": form,
            "page": page,
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
            can_decide=rules.is_steward(user, community) and community.status == Community.Status.PROPOSED,
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


@login_required
def decide(request, pk: int):
    """A steward approves a teacher's proposal, or declines it saying why."""
    _post_only(request)
    community = rules.get_community_for_steward(request.user, pk)
    try:
        if request.POST.get("action") == "approve":
            services.approve_community(community=community, by=request.user)
            messages.success(request, _("Approved: the community is open."))
        else:
            form = DeclineForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.decline_community(community=community, by=request.user, reason=reason)
            messages.success(request, _("Declined. The teacher has been told why."))
    except ServiceError as problem:
        messages.error(request, problem.message)
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


# Discussions ------------------------------------------------------------------------------------


@login_required
def threads(request, pk: int):
    write = request.method == "POST"
    community = rules.get_community_inside(request.user, pk, write=write)
    form = ThreadForm(request.POST or None)
    if write and form.is_valid():
        try:
            thread = services.start_thread(
                community=community, by=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
            )
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            return redirect("communities:thread", pk=community.pk, thread_pk=thread.pk)
    moderator = rules.can_moderate(request.user, community)
    page = Paginator(queries.threads_of(community, request.user, moderator=moderator), THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "communities/threads.html", _context(request, community, "threads", page=page, form=form))


def _thread_of(community: Community, thread_pk: int, user) -> Thread:
    """A thread of the community; a hidden one only for its moderators."""
    thread = get_object_or_404(Thread, pk=thread_pk, community=community)
    if thread.hidden_at is not None and not rules.can_moderate(user, community):
        raise Http404
    thread.community = community
    return thread


@login_required
def thread(request, pk: int, thread_pk: int):
    write = request.method == "POST"
    community = rules.get_community_inside(request.user, pk, write=write)
    topic = _thread_of(community, thread_pk, request.user)
    form = ReplyForm(request.POST or None)
    if write and form.is_valid():
        try:
            post = services.reply(thread=topic, by=request.user, body=form.cleaned_data["body"])
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("Your reply is posted."))
            return redirect(f"{request.path}?page=last#post-{post.pk}")
    paginator = Paginator(queries.posts_of(topic), POSTS_PER_PAGE)
    number = request.GET.get("page")
    page = paginator.get_page(paginator.num_pages if number == "last" else number)
    if request.method == "GET" and community.viewer is not None:
        services.mark_read(thread=topic, user=request.user)
    return render(
        request,
        "communities/thread.html",
        _context(
            request,
            community,
            "threads",
            thread=topic,
            page=page,
            form=form,
            moderator_ids=queries.moderator_ids(community),
            hide_form=HideForm(),
        ),
    )


@login_required
def pin(request, pk: int, thread_pk: int):
    _post_only(request)
    community = rules.get_community_for_moderator(request.user, pk)
    topic = _thread_of(community, thread_pk, request.user)
    try:
        services.pin_thread(thread=topic, by=request.user, pinned=topic.pinned_at is None)
    except ServiceError as problem:
        messages.error(request, problem.message)
    return redirect("communities:thread", pk=community.pk, thread_pk=topic.pk)


@login_required
def hide(request, pk: int, post_pk: int):
    """A moderator hides a message (saying why) or shows it again."""
    _post_only(request)
    community = rules.get_community_for_moderator(request.user, pk)
    post = get_object_or_404(Post.objects.select_related("thread", "author"), pk=post_pk, thread__community=community)
    post.thread.community = community
    try:
        if post.hidden_at is None:
            form = HideForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.hide_post(post=post, by=request.user, reason=reason)
            messages.success(request, _("The message is hidden."))
        else:
            services.show_post(post=post, by=request.user)
            messages.success(request, _("The message is shown again."))
    except ServiceError as problem:
        messages.error(request, problem.message)
    return redirect("communities:thread", pk=community.pk, thread_pk=post.thread_id)


# Resources --------------------------------------------------------------------------------------


@login_required
def resources(request, pk: int):
    write = request.method == "POST"
    community = rules.get_community_inside(request.user, pk, write=write)
    what = request.POST.get("what")
    file_form = FileForm(request.POST if what == "file" else None, request.FILES if what == "file" else None)
    link_form = LinkForm(request.POST if what == "link" else None)
    if write:
        form = file_form if what == "file" else link_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if what == "file":
                    services.share_file(
                        community=community,
                        by=request.user,
                        upload=data["file"],
                        title=data["title"],
                        description=data["description"],
                    )
                else:
                    services.share_link(
                        community=community,
                        by=request.user,
                        url=data["url"],
                        title=data["title"],
                        description=data["description"],
                    )
            except UploadRefused as refused:
                form.add_error("file", str(refused))
            except ServiceError as problem:
                form.add_error("url" if what == "link" else None, problem.message)
            else:
                messages.success(request, _("Shared with the community."))
                return redirect("communities:resources", pk=community.pk)
    page = Paginator(queries.resources_of(community), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "communities/resources.html",
        _context(request, community, "resources", page=page, file_form=file_form, link_form=link_form, what=what),
        status=400 if write else 200,
    )


@login_required
def resource_file(request, pk: int, resource_pk: int):
    """The file itself, only for those who see inside the community, with the type found on upload."""
    community = rules.get_community_inside(request.user, pk)
    item = get_object_or_404(Resource, pk=resource_pk, community=community, kind=Resource.Kind.FILE)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        content_type=item.content_type,
        as_attachment=not item.content_type.startswith("image/"),
        filename=item.original_name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    # A document opened in the browser runs nothing and reaches nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
def remove_resource(request, pk: int, resource_pk: int):
    """Moderators remove any resource; members remove what they shared themselves."""
    _post_only(request)
    community = rules.get_community_inside(request.user, pk, write=True)
    item = get_object_or_404(Resource, pk=resource_pk, community=community)
    if not (rules.can_moderate(request.user, community) or item.added_by_id == request.user.pk):
        raise Http404
    item.community = community
    try:
        services.remove_resource(resource=item, by=request.user)
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("The resource is removed."))
    return redirect("communities:resources", pk=community.pk)


# Members ----------------------------------------------------------------------------------------


@login_required
def members(request, pk: int):
    community = rules.get_community_for_members(request.user, pk)
    text = request.GET.get("q", "")[:100]
    page = Paginator(queries.members_of(community, text=text), MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "communities/members.html", _context(request, community, "members", page=page, q=text))


@login_required
def member(request, pk: int, member_pk: int):
    """A moderator makes a member a moderator (or a member again), or removes them."""
    _post_only(request)
    community = rules.get_community_for_moderator(request.user, pk)
    person = get_object_or_404(Membership.objects.select_related("user"), pk=member_pk, community=community)
    person.community = community
    action = request.POST.get("action")
    try:
        if action == "remove":
            services.remove_member(member=person, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("%(name)s is no longer a member.") % {"name": person.user.full_name})
        elif action in (Membership.Role.MODERATOR, Membership.Role.MEMBER):
            services.set_role(member=person, role=action, by=request.user)
            messages.success(request, _("Saved."))
        else:
            raise Http404
    except ServiceError as problem:
        messages.error(request, problem.message)
    # Back to the members' page the moderator was on, its search and page number kept.
    return redirect_back(request, request.POST.get("next", ""), reverse("communities:members", args=[community.pk]))


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


@login_required
def answer_request(request, pk: int, request_pk: int):
    _post_only(request)
    community = rules.get_community_for_moderator(request.user, pk)
    asked = get_object_or_404(
        JoinRequest.objects.select_related("user"), pk=request_pk, community=community, status=Answer.PENDING
    )
    asked.community = community
    accept = request.POST.get("action") == "accept"
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
def withdraw_invitation(request, pk: int, invitation_pk: int):
    _post_only(request)
    community = rules.get_community_for_moderator(request.user, pk)
    invitation = get_object_or_404(
        Invitation.objects.select_related("user"), pk=invitation_pk, community=community, status=Answer.PENDING
    )
    services.withdraw_invitation(invitation=invitation, by=request.user)
    messages.success(request, _("The invitation to %(name)s is withdrawn.") % {"name": invitation.user.full_name})
    return redirect("communities:invitations", pk=community.pk)


@login_required
def answer_invitation(request, pk: int, invitation_pk: int):
    """Only the person invited can accept or decline: for anyone else the invitation does not exist."""
    _post_only(request)
    _reader(request)
    invitation = get_object_or_404(
        Invitation.objects.select_related("community"),
        pk=invitation_pk,
        community_id=pk,
        user=request.user,
        status=Answer.PENDING,
    )
    accept = request.POST.get("action") == "accept"
    try:
        services.answer_invitation(invitation=invitation, user=request.user, accept=accept)
    except ServiceError as problem:
        messages.error(request, problem.message)
        return redirect("communities:index")
    if accept:
        messages.success(request, _("Welcome! You are a member of this community."))
        return redirect("communities:community", pk=pk)
    messages.success(request, _("Invitation declined."))
    return redirect("communities:index")
