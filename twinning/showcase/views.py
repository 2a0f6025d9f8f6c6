"""The programme's public page and showcase (no sign-in), and the pages that feed them: the page's
settings, a twinning's story, the coordinators' queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twinning.common.errors import ServiceError
from twinning.common.http import stored_file_response
from twinning.common.i18n import pick
from twinning.common.keyset import keyset_page
from twinning.common.uploads import UploadRefused
from twinning.showcase import colours, queries, rules, services
from twinning.showcase.forms import PublicPageForm, RejectForm, StoryForm
from twinning.showcase.models import Story


def _no_cache(response):
    # What a public page shows follows families' consent: a copy is never kept for long.
    response["Cache-Control"] = "private, no-cache"
    return response


def programme(request, slug: str):
    """The programme's public page: what it is, its figures, how to join, and its stories."""
    programme = rules.get_public_programme(request.user, slug)
    page = keyset_page(
        request, queries.published_stories_of(programme), keys=queries.STORY_KEYS, size=queries.STORIES_PER_PAGE
    )
    context = {
        "programme": programme,
        "description": pick(programme.descriptions),
        "countries": sorted((pick(country.names) for country in programme.countries.all()), key=str.casefold),
        "figures": queries.figures_of(programme),
        "page": page,
        "may_edit": rules.may_edit_public_page(request.user, programme),
        "may_approve": rules.may_approve_stories(request.user, programme),
    }
    return _no_cache(render(request, "showcase/programme.html", context))


def story(request, slug: str, pk: int):
    """One story of the showcase, with its photos."""
    found = rules.get_story_for_viewer(request.user, slug, pk)
    context = {
        "programme": found.programme,
        "story": queries.story_for_page(found),
        "may_remove": rules.may_remove_story(request.user, found),
    }
    return _no_cache(render(request, "showcase/story.html", context))


def photo(request, slug: str, pk: int, photo_pk: int):
    """A story's photo, only while the story may be seen and every pupil in it has public-use consent."""
    found = rules.get_story_for_viewer(request.user, slug, pk)
    chosen = get_object_or_404(queries.shown_photos(), story=found, pk=photo_pk)
    # Its screen-size copy when the workspace made one (public readers are often on a phone), else the photo.
    screen = chosen.media.variants.filter(name="screen").first()
    shown, content_type = (
        (screen.file, screen.content_type) if screen else (chosen.media.file, chosen.media.content_type)
    )
    extension = shown.name.rsplit(".", 1)[-1]
    response = stored_file_response(
        shown,
        content_type=content_type,
        # Never the uploader's file name: it may name a child.
        filename=f"photo-{chosen.pk}.{extension}",
        inline=True,
    )
    return _no_cache(response)


def logo(request, slug: str):
    programme = rules.get_public_programme(request.user, slug)
    if not programme.logo:
        raise Http404
    extension = programme.logo.name.rsplit(".", 1)[-1]
    return stored_file_response(
        programme.logo, content_type=programme.logo_type, filename=f"logo.{extension}", inline=True
    )


def accent(request, slug: str):
    """The page's accent colour as a style sheet (the site's policy allows no inline style)."""
    programme = rules.get_public_programme(request.user, slug)
    # Checked when it was saved (services.check_accent_colour), and again here: a value written some other
    # way (the admin site) never reaches the style sheet unless it is a colour.
    colour = colours.normalise(programme.accent_colour) or "#0b5c8c"
    response = HttpResponse(f".programme-page {{ --accent: {colour}; }}\n", content_type="text/css")
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_required
def edit_page(request, slug: str):
    """The programme's administrators set its public page."""
    programme = rules.get_programme_for_page_editor(request.user, slug)
    initial = {
        "descriptions": programme.descriptions,
        "accent_colour": programme.accent_colour,
        "public": programme.public,
    }
    form = PublicPageForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_public_page(
                programme=programme,
                by=request.user,
                descriptions=data["descriptions"] or {},
                accent_colour=data["accent_colour"],
                public=data["public"],
                logo=data["logo"] or None,
                remove_logo=data["remove_logo"],
            )
        except (ServiceError, UploadRefused) as problem:
            form.add_error(None, getattr(problem, "message", str(problem)))
        else:
            messages.success(request, _("The public page is saved."))
            return redirect("showcase:edit_page", slug=programme.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "showcase/edit_page.html", {"programme": programme, "form": form}, status=status)


@login_required
def mine(request):
    """A teacher's finished twinnings of a programme and their stories; the programmes whose public page
    the person sets or whose stories they approve."""
    twinnings = rules.finished_twinnings_of(request.user).select_related("programme").order_by("-closed_at", "-pk")
    stories = list(queries.stories_of_teacher(request.user))
    current = {s.twinning_id for s in stories if s.status in Story.CURRENT}
    run = rules.programmes_run_by(request.user).annotate(
        waiting=Count("stories", filter=Q(stories__status=Story.Status.PENDING))
    )
    programmes = [
        (
            programme,
            rules.may_edit_public_page(request.user, programme),
            rules.may_approve_stories(request.user, programme),
        )
        for programme in run.order_by("slug")
    ]
    context = {"twinnings": list(twinnings), "stories": stories, "current": current, "programmes": programmes}
    return render(request, "showcase/mine.html", context)


@login_required
def write(request, pk: int):
    """A teacher of a finished twinning writes its story and chooses its photos."""
    twinning = rules.get_twinning_for_story(request.user, pk)
    photos = queries.choosable_photos(twinning)
    form = StoryForm(request.POST or None, photos=photos, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            found = services.write_story(
                twinning=twinning,
                by=request.user,
                title=data["title"],
                body=data["body"],
                language=data["language"],
                photos=list(data["photos"]),
                everyone_tagged=data["everyone_tagged"],
            )
        except ServiceError as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(
                request, _("The story is sent: the programme's coordinators approve it before it is published.")
            )
            return redirect("showcase:story", slug=found.programme.slug, pk=found.pk)
    context = {
        "twinning": twinning,
        "form": form,
        "photos": list(photos),
        "without_consent": queries.photos_without_consent(twinning),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "showcase/write.html", context, status=status)


@login_required
def queue(request, slug: str):
    """The stories waiting for the programme's coordinators."""
    programme = rules.get_programme_for_story_queue(request.user, slug)
    context = {"programme": programme, "stories": list(queries.stories_waiting_for(programme))}
    return render(request, "showcase/queue.html", context)


@login_required
@require_POST
def approve(request, slug: str, pk: int):
    found = rules.get_story_for_decision(request.user, slug, pk)
    try:
        services.approve_story(story=found, by=request.user)
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("The story is published."))
    return redirect("showcase:queue", slug=slug)


@login_required
@require_POST
def reject(request, slug: str, pk: int):
    found = rules.get_story_for_decision(request.user, slug, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why, so that the teachers can write it again."))
        return redirect("showcase:queue", slug=slug)
    try:
        services.reject_story(story=found, by=request.user, feedback=form.cleaned_data["feedback"])
    except ServiceError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("The teachers are told why the story was not approved."))
    return redirect("showcase:queue", slug=slug)


@login_required
@require_POST
def remove(request, pk: int):
    found = rules.get_story_for_removal(request.user, pk)
    services.remove_story(story=found, by=request.user)
    messages.success(request, _("The story is taken off the public page."))
    if rules.may_approve_stories(request.user, found.programme):
        return redirect("showcase:queue", slug=found.programme.slug)
    return redirect("showcase:mine")
