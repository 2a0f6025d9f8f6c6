"""A community's threads, one thread with its replies, pinning threads and hiding messages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from twinning.common.errors import ServiceError
from twinning.common.keyset import END, keyset_page
from twinning.communities import queries, rules, services
from twinning.communities.forms import HideForm, ReplyForm, ThreadForm
from twinning.communities.models import Community, Post, Thread

from ._common import _context, _post_only

THREADS_PER_PAGE = 30
POSTS_PER_PAGE = 30


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
    page = keyset_page(
        request,
        queries.threads_of(community, request.user, moderator=moderator),
        keys=queries.THREAD_KEYS,
        size=THREADS_PER_PAGE,
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
            return redirect(f"{request.path}?before={END}#post-{post.pk}")
    if request.GET.get("page") == "last":
        # Notifications sent before the thread paged by key link to "?page=last".
        return redirect(f"{request.path}?before={END}")
    page = keyset_page(request, queries.posts_of(topic), keys=queries.POST_KEYS, size=POSTS_PER_PAGE)
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
