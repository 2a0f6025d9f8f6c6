import html

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from twinning.accounts.models import Pupil
from twinning.common import idempotency
from twinning.common.addresses import address
from twinning.common.errors import ServiceError
from twinning.common.http import posted_id, posted_ids, redirect_back, stored_file_response
from twinning.common.keyset import END, keyset_page
from twinning.common.offline import is_prefetch, offline_readable
from twinning.common.ordering import seen_order
from twinning.common.uploads import KINDS, UploadRefused
from twinning.twinnings import services as twinning_services
from twinning.twinnings.models import Membership, TwinningSchool
from twinning.workspace import queries, rules, services
from twinning.workspace.forms import (
    ActivityForm,
    AlbumForm,
    FileInAlbumForm,
    PageForm,
    ReplyForm,
    ThreadForm,
    UploadForm,
)
from twinning.workspace.models import Activity, Album, MediaItem, MediaVariant, Page, Thread

PAGE_SIZE = 30


# What each kind of event says, in the reader's language; `%(name)s` is the person (escaped below).
FEED_SENTENCES = {
    "thread": gettext_lazy("<bdi>%(name)s</bdi> started a thread:"),
    "post": gettext_lazy("<bdi>%(name)s</bdi> replied in:"),
    "media": gettext_lazy("<bdi>%(name)s</bdi> shared:"),
    "activity": gettext_lazy("<bdi>%(name)s</bdi> added to the plan:"),
}


def feed_lines(events: list[dict], *, twinning, seen, thumbs: dict | None = None) -> tuple[str, int]:
    """The feed's lines as HTML, and how many are new to the reader.

    The workspace's busiest page builds its lines here in one pass of Python rather than with
    template tags per line (see bench/page_costs.py). Every user-written value is escaped;
    the sentences come from our own catalogue. A shared photo shows its thumbnail (`thumbs`, from
    `queries.feed_thumbnails`) inside its link, served through the file's access check.
    """
    thumbs = thumbs or {}
    # Python's own escaping, as Django's escape() does (html.escape of the text), without its check
    # for lazy arguments on each of the page's some 250 values.
    quote = html.escape
    kinds = {kind: str(label) for kind, label in MediaItem.Kind.choices}
    forum_url = address("workspace:forum", twinning.pk)
    media_url = address("workspace:media", twinning.pk)
    plan_url = address("workspace:plan", twinning.pk)
    album_urls: dict[int, str] = {}
    sentences = {kind: str(text) for kind, text in FEED_SENTENCES.items()}
    removed_topic = _("A removed topic")  # a thread whose author was removed has no title (Thread.shown_title)
    badge = f'<span class="badge badge-warn" data-testid="new">{quote(_("New"))}</span> '
    stamps: dict = {}
    lines, new = [], 0
    for event in events:
        kind = event["kind"]
        picture = ""
        if kind == "media":
            album = event["media__album_id"]
            if album and album not in album_urls:
                album_urls[album] = address("workspace:album", twinning.pk, album)
            base = album_urls[album] if album else media_url
            url = f"{base}#media-{event['media_id']}"
            title = event["media__title"] or kinds.get(event["media__kind"], "")
            if thumb := thumbs.get(event["media_id"]):
                source = f"{media_url}{event['media_id']}/copy/thumb/?v={thumb['pk']}"
                picture = (
                    f'<img class="feed-thumb" src="{quote(source)}" width="{int(thumb["width"])}" '
                    f'height="{int(thumb["height"])}" alt="" loading="lazy" decoding="async">'
                )
        elif kind == "activity":
            url, title = f"{plan_url}#activity-{event['activity_id']}", event["activity__title"]
        else:
            url, title = f"{forum_url}{event['thread_id']}/", event["thread__title"] or removed_topic
        # The format shows minutes: events of the same minute share one formatting.
        minute = localtime(event["at"]).replace(second=0, microsecond=0)
        stamp = stamps.get(minute)
        if stamp is None:
            stamp = stamps[minute] = quote(date_format(minute, "SHORT_DATETIME_FORMAT"))
        fresh = seen is None or event["at"] > seen
        new += fresh
        sentence = sentences[kind] % {"name": quote(event["actor__full_name"] or "")}
        lines.append(
            f'<li data-testid="event">{badge if fresh else ""}{stamp} · {sentence} '
            f'<a href="{quote(url)}" dir="auto">{picture}{quote(str(title))}</a></li>'
        )
    # Safe: every user-written value above went through html.escape(); the rest is our own markup and catalogue.
    text = "\n".join(lines)
    return mark_safe(text), new  # noqa: S308  # nosec B308, B703  # every user-written value is escaped above


@login_required
@offline_readable
def home(request, pk: int):
    """The workspace's front page: the latest events, those since your last visit marked new."""
    twinning = rules.get_workspace_for_user(request.user, pk)
    events, seen = queries.feed_for(request.user, twinning)
    # In data-saver mode the feed is text first: no thumbnails (common/data_saver.py).
    thumbs = None if getattr(request, "data_saver", False) else queries.feed_thumbnails(events)
    lines, new = feed_lines(events, twinning=twinning, seen=seen, thumbs=thumbs)
    if new and not is_prefetch(request):
        # Only a visit that brings news moves the mark: reading the page again writes nothing, and
        # the service worker fetching it ahead of time for offline reading is nobody's visit.
        services.mark_seen(twinning=twinning, user=request.user)
    return render(
        request,
        "workspace/home.html",
        {
            "twinning": twinning,
            "lines": lines,
            "events": events,
            "seen": seen,
            "can_write": rules.can_write(request.user, twinning),
            "can_export": rules.can_export(request.user, twinning),
        },
    )


@login_required
@offline_readable
def forum(request, pk: int):
    # Teachers open threads; pupils take part by replying (their replies can be moderated).
    if idempotency.from_outbox(request):
        return _start_from_outbox(request, pk)
    twinning = (
        rules.get_plan_for_editor(request.user, pk)
        if request.method == "POST"
        else rules.get_workspace_for_user(request.user, pk)
    )
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = _start(request, twinning, form)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            return redirect(outcome.url)
    page = keyset_page(request, queries.threads_of(twinning), keys=queries.THREAD_KEYS, size=PAGE_SIZE)
    return render(
        request,
        "workspace/forum.html",
        {
            "twinning": twinning,
            "page": page,
            "form": form,
            "can_write": rules.can_write(request.user, twinning),
            "can_start": rules.can_edit_plan(request.user, twinning),
        },
    )


def _start(request, twinning, form) -> idempotency.Outcome:
    """Open the thread once for the message's key (see common.idempotency)."""

    def write() -> str:
        thread = services.start_thread(
            twinning=twinning, by=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
        )
        return reverse("workspace:thread", kwargs={"pk": twinning.pk, "thread_pk": thread.pk})

    return idempotency.once(
        user=request.user, key=idempotency.key_of(request), scope=f"workspace.thread:{twinning.pk}", write=write
    )


def _start_from_outbox(request, pk: int):
    """A new thread written offline, sent by the page's outbox: a JSON answer it keeps by the message.

    Someone who may not read the workspace (any more) gets the 404 everyone else gets.
    """
    twinning = rules.get_workspace_for_user(request.user, pk)
    refusal = rules.write_refusal(request.user, twinning, start=True)
    if refusal:
        return idempotency.refused(refusal)
    form = ThreadForm(request.POST)
    if not form.is_valid():
        return idempotency.refused(idempotency.form_refusal(form))
    try:
        return idempotency.sent(_start(request, twinning, form))
    except ServiceError as error:
        return idempotency.refused(error.message)


@login_required
@offline_readable
def thread(request, pk: int, thread_pk: int):
    if idempotency.from_outbox(request):
        return _reply_from_outbox(request, pk, thread_pk)
    twinning = rules.get_workspace_for_user(request.user, pk, write=request.method == "POST")
    topic = get_object_or_404(Thread, pk=thread_pk, twinning=twinning)
    member = twinning.viewer_membership
    # Only a post this person may read can be quoted: never a pupil's post still waiting for
    # approval at the partner school, nor one that was turned down.
    quoting = queries.readable_post(
        topic, request.POST.get("quote") or request.GET.get("quote"), member=member, user=request.user
    )
    form = ReplyForm(request.POST or None, initial={"quote": quoting.pk if quoting else None})
    if request.method == "POST" and form.is_valid():
        try:
            outcome = _reply(request, topic, form, quoting)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            if not outcome.replayed:
                messages.success(request, _("Your reply is posted."))
            return redirect(outcome.url)
    page = keyset_page(
        request, queries.posts_of(topic, member=member, user=request.user), keys=queries.POST_KEYS, size=PAGE_SIZE
    )
    queries.shown_quotes(page, member=member, user=request.user)
    return render(
        request,
        "workspace/thread.html",
        {
            "twinning": twinning,
            "thread": topic,
            "page": page,
            "form": form,
            "quoting": quoting,
            "can_write": rules.can_write(request.user, twinning),
        },
    )


def _reply(request, topic: Thread, form, quoting) -> idempotency.Outcome:
    """Post the reply once for the message's key (see common.idempotency)."""

    def write() -> str:
        post = services.reply(thread=topic, by=request.user, body=form.cleaned_data["body"], quote=quoting)
        thread_url = reverse("workspace:thread", kwargs={"pk": topic.twinning_id, "thread_pk": topic.pk})
        return f"{thread_url}?before={END}#post-{post.pk}"  # the last page, where the reply is

    return idempotency.once(
        user=request.user, key=idempotency.key_of(request), scope=f"workspace.reply:{topic.pk}", write=write
    )


def _reply_from_outbox(request, pk: int, thread_pk: int):
    """A reply written offline, sent by the page's outbox: a JSON answer it keeps by the message.

    Someone who may not read the thread (any more) gets the 404 everyone else gets; a reader who
    may no longer write (the twinning closed meanwhile) is told why.
    """
    twinning = rules.get_workspace_for_user(request.user, pk)
    topic = get_object_or_404(Thread, pk=thread_pk, twinning=twinning)
    refusal = rules.write_refusal(request.user, twinning)
    if refusal:
        return idempotency.refused(refusal)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return idempotency.refused(idempotency.form_refusal(form))
    quoting = queries.readable_post(
        topic, request.POST.get("quote"), member=twinning.viewer_membership, user=request.user
    )
    try:
        return idempotency.sent(_reply(request, topic, form, quoting))
    except ServiceError as error:
        return idempotency.refused(error.message)


@login_required
def media(request, pk: int):
    twinning = rules.get_workspace_for_user(request.user, pk, write=request.method == "POST")
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        pupils=_taggable_pupils(twinning),
        albums=Album.objects.filter(twinning=twinning) if rules.can_arrange_albums(request.user, twinning) else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.upload_media(
                twinning=twinning,
                by=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                pupils=form.cleaned_data["pupils"],
                album=form.cleaned_data.get("album"),
            )
        except UploadRefused as refused:
            form.add_error("file", str(refused))
        else:
            messages.success(request, _("Shared with the twinning."))
            return redirect("workspace:media", pk=twinning.pk)
    member = twinning.viewer_membership
    # One twinning's photos and files outside its albums keep Paginator: two or three classes' year of sharing is a
    # few hundred at most, whatever the size of the network.
    page = Paginator(
        queries.media_of(twinning, member=member, user=request.user).filter(album__isnull=True), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    queries.with_variants(page)
    response = render(
        request,
        "workspace/media.html",
        {
            "twinning": twinning,
            "page": page,
            "form": form,
            "can_write": rules.can_write(request.user, twinning),
            "albums": queries.albums_for(twinning, member=member, user=request.user),
            **_filing(request, twinning),
            "teaches": rules.can_see_moderation(request.user, twinning),
            "save_data": request.headers.get("Save-Data", "").lower() == "on",
        },
    )
    # The clip each player starts with follows the browser's Save-Data: no cache may mix the two pages.
    patch_vary_headers(response, ["Save-Data"])
    return response


def _filing(request, twinning) -> dict:
    """What a page of files needs for its "move to an album" forms (nothing for who may not)."""
    if not rules.can_arrange_albums(request.user, twinning):
        return {"can_arrange": False}
    return {
        "can_arrange": True,
        "album_choices": list(Album.objects.filter(twinning=twinning).values_list("pk", "name")),
    }


@login_required
def albums(request, pk: int):
    """The teachers make albums, rename, order and delete them here; the gallery shows them."""
    twinning = rules.get_workspace_for_user(request.user, pk, write=request.method == "POST")
    if not rules.can_arrange_albums(request.user, twinning):
        raise Http404
    form = AlbumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            album = services.create_album(twinning=twinning, by=request.user, name=form.cleaned_data["name"])
        except ServiceError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("The album “%(name)s” is ready.") % {"name": album.name})
            return redirect("workspace:albums", pk=twinning.pk)
    return _albums_page(request, twinning, form=form)


def _albums_page(request, twinning, *, form=None, renaming=None, rename_form=None):
    member = twinning.viewer_membership
    shown = queries.albums_for(twinning, member=member, user=request.user)
    for album in shown:
        album.rename_form = (
            rename_form
            if renaming is not None and album.pk == renaming.pk
            else AlbumForm(initial={"name": album.name}, auto_id=f"id_album_{album.pk}_%s")
        )
    return render(
        request,
        "workspace/albums.html",
        {
            "twinning": twinning,
            "albums": shown,
            "form": form or AlbumForm(),
            "seen": ",".join(str(album.pk) for album in shown),
        },
        status=400 if rename_form is not None else 200,
    )


def _album_to_change(request, pk: int, album_pk: int):
    """(twinning, album) for a teacher's change; album None when another teacher deleted it meanwhile
    (a page open since is stale, not wrong: the teacher is told rather than sent a 404)."""
    twinning = rules.get_workspace_for_user(request.user, pk, write=True)
    if not rules.can_arrange_albums(request.user, twinning):
        raise Http404
    try:
        album = rules.get_album_for_user(request.user, pk, album_pk, write=True)
    except Http404:
        messages.error(request, _("This album was deleted meanwhile."))
        return twinning, None
    return twinning, album


@login_required
@require_POST
def rename_album(request, pk: int, album_pk: int):
    twinning, album = _album_to_change(request, pk, album_pk)
    if album is None:
        # What was typed is kept, in the form that makes an album.
        return _albums_page(request, twinning, form=AlbumForm(initial={"name": request.POST.get("name", "")}))
    form = AlbumForm(request.POST, auto_id=f"id_album_{album.pk}_%s")
    if form.is_valid():
        try:
            services.rename_album(album=album, by=request.user, name=form.cleaned_data["name"])
        except ServiceError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("Renamed."))
            return redirect("workspace:albums", pk=pk)
    # Shown again with what was typed, on the albums page, and its name as it is stored.
    album.refresh_from_db(fields=["name"])
    return _albums_page(request, album.twinning, renaming=album, rename_form=form)


def _move(request, pk: int, album_pk: int, *, offset: int):
    _twinning, album = _album_to_change(request, pk, album_pk)
    if album is None:
        return redirect("workspace:albums", pk=pk)
    seen = seen_order(request)
    try:
        services.move_album(album=album, by=request.user, offset=offset, seen=seen)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(f"{reverse('workspace:albums', args=[pk])}#album-{album.pk}")


@login_required
@require_POST
def move_album_up(request, pk: int, album_pk: int):
    return _move(request, pk, album_pk, offset=-1)


@login_required
@require_POST
def move_album_down(request, pk: int, album_pk: int):
    return _move(request, pk, album_pk, offset=1)


@login_required
@require_POST
def delete_album(request, pk: int, album_pk: int):
    """Deleting an album keeps its files: they return to the gallery, not in an album."""
    _twinning, album = _album_to_change(request, pk, album_pk)
    if album is None:
        return redirect("workspace:albums", pk=pk)
    name = album.name
    try:
        count = services.delete_album(album=album, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "The album “%(name)s” is deleted; its %(count)d file is in the gallery, not in an album.",
                "The album “%(name)s” is deleted; its %(count)d files are in the gallery, not in an album.",
                count,
            )
            % {"name": name, "count": count},
        )
    return redirect("workspace:albums", pk=pk)


@login_required
def album(request, pk: int, album_pk: int):
    """One album's files, as the gallery shows them: pupils and visitors read it, teachers arrange."""
    if request.method == "POST":
        raise Http404  # each change is posted to its own address
    shown = rules.get_album_for_user(request.user, pk, album_pk)
    twinning = shown.twinning
    member = twinning.viewer_membership
    # One album of one twinning keeps Paginator: a few dozen photos.
    page = Paginator(
        queries.media_of(twinning, member=member, user=request.user).filter(album=shown), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    queries.with_variants(page)
    return render(
        request,
        "workspace/album.html",
        {
            "twinning": twinning,
            "album": shown,
            "page": page,
            "teaches": rules.can_see_moderation(request.user, twinning),
            "save_data": request.headers.get("Save-Data", "").lower() == "on",
            **_filing(request, twinning),
        },
    )


@login_required
@require_POST
def file_media(request, pk: int, item_pk: int):
    """A teacher puts a shared file in an album of the twinning, moves it to another, or takes it out."""
    twinning = rules.get_workspace_for_user(request.user, pk, write=True)
    if not rules.can_arrange_albums(request.user, twinning):
        raise Http404
    item = get_object_or_404(
        queries.media_of(twinning, member=twinning.viewer_membership, user=request.user), pk=item_pk
    )
    form = FileInAlbumForm(request.POST, albums=Album.objects.filter(twinning=twinning))
    if not form.is_valid():
        for error in form.errors.get("album", []):
            messages.error(request, error)
    else:
        target = form.cleaned_data["album"]
        try:
            services.file_media(item=item, album=target, by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            if target is None:
                messages.success(request, _("The file is now in the gallery, not in an album."))
            else:
                messages.success(request, _("The file is now in the album “%(name)s”.") % {"name": target.name})
    return redirect_back(request, request.POST.get("next", ""), reverse("workspace:media", args=[pk]))


def _taggable_pupils(twinning):
    """Pupils of the uploader's school who are in the twinning: the ones a file can show."""
    member = twinning.viewer_membership
    return queries.taggable_pupils(twinning, member.school_id if member is not None else None)


INLINE = {kind.content_type for kind in KINDS.values() if kind.inline}


@login_required
def media_file(request, pk: int, item_pk: int):
    """The file itself, only for those who may read the workspace, with the type found on upload."""
    twinning = rules.get_workspace_for_user(request.user, pk)
    item = get_object_or_404(
        queries.media_of(twinning, member=twinning.viewer_membership, user=request.user), pk=item_pk
    )
    return stored_file_response(
        item.file,
        content_type=item.content_type,
        filename=item.original_name or item.file.name.rsplit("/", 1)[-1],
        inline=item.content_type in INLINE,
        request=request,
    )


@login_required
def media_variant(request, pk: int, item_pk: int, name: str):
    """A light copy of a file (thumbnail, screen size, 360p or 720p clip, poster, compact sound),
    for exactly those who may have the file itself: the same access function and the same rule."""
    twinning = rules.get_workspace_for_user(request.user, pk)
    item = get_object_or_404(
        queries.media_of(twinning, member=twinning.viewer_membership, user=request.user), pk=item_pk
    )
    variant = get_object_or_404(MediaVariant, item=item, name=name)
    stem = (item.original_name or "file").rsplit(".", 1)[0]
    return stored_file_response(
        variant.file,
        content_type=variant.content_type,
        filename=f"{stem}-{variant.name}.{variant.file.name.rsplit('.', 1)[-1]}",
        inline=True,
        request=request,
    )


def _members(twinning):

    return (
        get_user_model()
        .objects.filter(twinning_memberships__twinning=twinning, twinning_memberships__active=True)
        .order_by("full_name")
    )


@login_required
@offline_readable
def plan(request, pk: int):
    twinning = (
        rules.get_plan_for_editor(request.user, pk)
        if request.method == "POST"
        else rules.get_workspace_for_user(request.user, pk)
    )
    form = ActivityForm(request.POST or None, members=_members(twinning))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_activity(
                twinning=twinning,
                by=request.user,
                title=data["title"],
                starts_on=data["starts_on"],
                due_on=data["due_on"],
                description=data["description"],
                owner=data["owner"],
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The activity is in the plan."))
            return redirect("workspace:plan", pk=twinning.pk)
    activities = Activity.objects.filter(twinning=twinning).select_related("owner", "library_use")
    return render(
        request,
        "workspace/plan.html",
        {
            "twinning": twinning,
            "activities": activities,
            "form": form,
            "can_edit": rules.can_edit_plan(request.user, twinning),
            "statuses": Activity.Status.choices,
        },
    )


@login_required
def activity_status(request, pk: int, activity_pk: int):
    if request.method != "POST":
        raise Http404
    twinning = rules.get_plan_for_editor(request.user, pk)
    activity = get_object_or_404(Activity, pk=activity_pk, twinning=twinning)
    try:
        services.set_activity_status(activity=activity, status=request.POST.get("status", ""), by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("workspace:plan", pk=twinning.pk)


@login_required
def export(request, pk: int):
    """The whole workspace as a ZIP, for the twinning's teacher-administrators."""
    twinning = rules.get_workspace_for_user(request.user, pk)
    if not rules.can_export(request.user, twinning):
        raise Http404
    archive = services.export_workspace(twinning=twinning, by=request.user)
    stamp = timezone.localdate().isoformat()
    return FileResponse(
        archive, content_type="application/zip", as_attachment=True, filename=f"twinning-{twinning.pk}-{stamp}.zip"
    )


def _own_school_row(request, twinning) -> TwinningSchool | None:
    """The school whose pupils this person adds and removes: their own, when they teach in the twinning."""
    if not rules.can_manage_pupils(request.user, twinning):
        return None
    school_id = twinning.viewer_membership.school_id
    return TwinningSchool.objects.filter(twinning=twinning, school_id=school_id).first()


@login_required
@require_POST
def remove_pupil(request, pk: int):
    """A teacher takes one of their own school's pupils out of the twinning."""
    twinning = rules.get_workspace_for_user(request.user, pk)
    row = _own_school_row(request, twinning)
    if row is None:
        raise Http404
    pupil = get_object_or_404(Pupil, pk=posted_id(request, "pupil"), school_id=row.school_id)
    try:
        twinning_services.remove_pupil(twinning=twinning, row=row, pupil_user=pupil.user, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("workspace:members", pk=twinning.pk)


@login_required
def members(request, pk: int):
    """Who is in the twinning; a school's teachers add their own pupils here (and remove them)."""

    twinning = rules.get_workspace_for_user(request.user, pk)
    row = _own_school_row(request, twinning)
    if request.method == "POST":
        if row is None:
            raise Http404
        chosen = Pupil.objects.filter(school_id=row.school_id, pk__in=posted_ids(request, "pupil"))
        try:
            count = twinning_services.add_pupils(twinning=twinning, row=row, pupils=list(chosen), by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Pupils added: %(count)d.") % {"count": count})
        return redirect("workspace:members", pk=twinning.pk)
    people = (
        Membership.objects.filter(twinning=twinning, active=True)
        .select_related("user", "school")
        .order_by("school__name", "role", "user__full_name")
    )
    addable = []
    if row is not None:
        inside = {m.user_id for m in people}
        addable = [
            p for p in Pupil.objects.filter(school_id=row.school_id).select_related("user") if p.user_id not in inside
        ]
    pupil_of = dict(Pupil.objects.filter(user__in=[m.user_id for m in people]).values_list("user_id", "pk"))
    rows = [(m, pupil_of.get(m.user_id) if row and m.school_id == row.school_id else None) for m in people]
    return render(
        request,
        "workspace/members.html",
        {
            "twinning": twinning,
            "rows": rows,
            "row": row,
            "addable": addable,
        },
    )


@login_required
def moderation(request, pk: int):
    """A school's teachers see their pupils' posts and uploads that wait before the partners see them."""
    if request.method == "POST":
        raise Http404  # each decision, and the setting, is posted to its own address
    twinning = rules.get_workspace_for_user(request.user, pk)
    if not rules.can_see_moderation(request.user, twinning):
        raise Http404
    posts, media = queries.pending_for(twinning, twinning.viewer_membership)
    return render(
        request,
        "workspace/moderation.html",
        {
            "twinning": twinning,
            "posts": posts,
            "media": media,
            "can_decide": twinning.status in rules.WORKING,
            "can_set_moderation": rules.can_set_moderation(request.user, twinning),
        },
    )


def _decide(request, pk: int, item_pk: int, *, what: str, approve: bool):
    twinning = rules.get_workspace_for_user(request.user, pk, write=True)
    posts, media = queries.pending_for(twinning, twinning.viewer_membership)
    item = get_object_or_404(posts if what == "post" else media, pk=item_pk)
    if not rules.can_moderate(request.user, twinning, item):
        raise Http404
    try:
        services.moderate(item=item, by=request.user, approve=approve)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("workspace:moderation", pk=twinning.pk)


@login_required
@require_POST
def approve_post(request, pk: int, item_pk: int):
    """A teacher of the pupil's school approves a pupil's post."""
    return _decide(request, pk, item_pk, what="post", approve=True)


@login_required
@require_POST
def reject_post(request, pk: int, item_pk: int):
    """A teacher of the pupil's school turns down a pupil's post."""
    return _decide(request, pk, item_pk, what="post", approve=False)


@login_required
@require_POST
def approve_media(request, pk: int, item_pk: int):
    """A teacher of the pupil's school approves a pupil's upload."""
    return _decide(request, pk, item_pk, what="media", approve=True)


@login_required
@require_POST
def reject_media(request, pk: int, item_pk: int):
    """A teacher of the pupil's school turns down a pupil's upload."""
    return _decide(request, pk, item_pk, what="media", approve=False)


@login_required
@require_POST
def moderation_setting(request, pk: int):
    """A teacher-administrator chooses whether pupils' posts and uploads wait for approval."""
    twinning = rules.get_workspace_for_user(request.user, pk, write=True)
    if not rules.can_set_moderation(request.user, twinning):
        raise Http404
    services.set_moderation(twinning=twinning, on=request.POST.get("moderation") == "on", by=request.user)
    messages.success(request, _("Saved."))
    return redirect("workspace:moderation", pk=twinning.pk)


@login_required
@offline_readable
def pages(request, pk: int):
    twinning = rules.get_workspace_for_user(request.user, pk)
    return render(
        request,
        "workspace/pages.html",
        {
            "twinning": twinning,
            "pages": Page.objects.filter(twinning=twinning).select_related("updated_by"),
            "can_edit": rules.can_edit_plan(request.user, twinning),
        },
    )


@login_required
@offline_readable
def page(request, pk: int, page_pk: int):
    twinning = rules.get_workspace_for_user(request.user, pk)
    shown = get_object_or_404(Page.objects.select_related("updated_by"), pk=page_pk, twinning=twinning)
    return render(
        request,
        "workspace/page.html",
        {
            "twinning": twinning,
            "page": shown,
            "can_edit": rules.can_edit_plan(request.user, twinning),
        },
    )


@login_required
def edit_page(request, pk: int, page_pk: int | None = None):
    """Teachers write the pages; everyone in the twinning reads them."""
    twinning = rules.get_plan_for_editor(request.user, pk)
    existing = get_object_or_404(Page, pk=page_pk, twinning=twinning) if page_pk else None
    initial = {"title": existing.title, "source": existing.source} if existing else None
    form = PageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_page(
                twinning=twinning,
                by=request.user,
                title=form.cleaned_data["title"],
                source=form.cleaned_data["source"],
                page=existing,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            return redirect("workspace:page", pk=twinning.pk, page_pk=saved.pk)
    return render(request, "workspace/page_form.html", {"twinning": twinning, "form": form, "page": existing})
