"""Writes: a programme's public page settings, and the showcase's stories from writing to removal.

Every story is checked for pupils' names (those of its twinning's pupils and its schools' pupils:
display name, each word of it, full name and username) when written and again when approved, and
every photo for its pupils' public-use consent when chosen; the public views check that consent
again on every request, and a family withdrawing it removes the photo (`remove_photos_after_withdrawal`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.accounts.models import Role, User
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.i18n import clean_texts, language_codes
from twinning.common.notifications import notify
from twinning.common.uploads import examine, kept_file
from twinning.consent.models import Use
from twinning.schools.models import Programme
from twinning.showcase import colours, queries, rules
from twinning.showcase.models import Story, StoryPhoto
from twinning.twinnings.models import Twinning
from twinning.workspace.models import MediaItem

# --- The public page's settings -------------------------------------------------------------------


def check_accent_colour(colour: str) -> str:
    """The colour as '#rrggbb', or '' for none; refused when it is not one, or reads poorly."""
    if not colour.strip():
        return ""
    normal = colours.normalise(colour)
    if normal is None:
        raise ServiceError(_("Write the colour as # and six hexadecimal digits, such as #0b5c8c."))
    ratio = colours.weakest_contrast(normal)
    if ratio < colours.AA:
        raise ServiceError(
            _(
                "This colour is too light to read: its contrast with the page and with white text is "
                "%(ratio)s:1, and it must be at least 4.5:1. Choose a darker shade."
            )
            % {"ratio": f"{ratio:.1f}"}
        )
    return normal


def set_public_page(
    *,
    programme: Programme,
    by,
    descriptions: dict[str, str],
    accent_colour: str,
    public: bool,
    logo=None,
    remove_logo: bool = False,
) -> Programme:
    """An administrator sets the programme's public page: description per language, accent colour,
    logo, and whether it is published.

    The logo is a photo cleaned of its metadata (`common.uploads`); the one it replaces is deleted
    once the change is saved. Side effect: an audit entry.
    """
    if not rules.may_edit_public_page(by, programme):
        raise ServiceError(_("Only the programme's administrators set its public page."))
    colour = check_accent_colour(accent_colour)
    texts = clean_texts(descriptions)
    if public and not texts:
        raise ServiceError(_("Write the programme's description before publishing its page."))
    old_logo = programme.logo.name if programme.logo else ""
    fields = ["descriptions", "accent_colour", "public", "logo", "logo_type"]
    if logo is not None:
        # A refused file raises UploadRefused (its message for the person), before anything is saved.
        with (
            examine(logo, accept=("photo",)) as checked,
            kept_file(f"programmes/{programme.pk}", checked) as stored,
        ):
            programme.logo, programme.logo_type = stored, checked.kind.content_type
            _save_page(programme, by, texts, colour, public, fields)
    else:
        with transaction.atomic():
            if remove_logo:
                programme.logo, programme.logo_type = "", ""
            _save_page(programme, by, texts, colour, public, fields)
    new_logo = programme.logo.name if programme.logo else ""
    if old_logo and old_logo != new_logo and default_storage.exists(old_logo):
        default_storage.delete(old_logo)
    return programme


def _save_page(programme: Programme, by, texts: dict[str, str], colour: str, public: bool, fields: list[str]) -> None:
    programme.descriptions, programme.accent_colour, programme.public = texts, colour, public
    programme.save(update_fields=fields)
    audit.record(
        actor=by,
        action="showcase.page_set",
        target=programme,
        public=public,
        accent_colour=colour,
        logo=bool(programme.logo),
    )


# --- Pupils' names ----------------------------------------------------------------------------------


def _names_of(display_name: str, full_name: str, username: str | None) -> set[str]:
    names = {display_name.strip(), full_name.strip(), (username or "").strip()}
    for name in (display_name, full_name):
        # A first name alone ("Dana" of "Dana K.") names a child too; an initial does not.
        names.update(word for word in name.split() if len(word.rstrip(".")) > 1)
    return {name for name in names if name}


def pupil_named_in(twinning: Twinning, texts: Iterable[str]) -> str | None:
    """The first pupil's name or username found, as a word, in ``texts``; None when there is none."""
    text = "\n".join(texts)
    for display_name, full_name, username in queries.pupils_named_in_twinning(twinning).values_list(
        "display_name", "full_name", "user__username"
    ):
        for name in sorted(_names_of(display_name, full_name, username), key=len, reverse=True):
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags=re.IGNORECASE):
                return name
    return None


def _refuse_pupil_names(twinning: Twinning, title: str, body: str) -> None:
    name = pupil_named_in(twinning, (title, body))
    if name is not None:
        raise ServiceError(
            _(
                "The story names a pupil (“%(name)s”). Pupils' names never appear on the public page: "
                "write “the pupils” or “the class” instead."
            )
            % {"name": name}
        )


# --- Stories ----------------------------------------------------------------------------------------


def _deciders(programme: Programme) -> list[User]:
    return list(
        User.objects.filter(
            roles__programme=programme, roles__kind__in=(Role.Kind.COORDINATOR, Role.Kind.PROGRAMME_ADMIN)
        ).distinct()
    )


def write_story(
    *,
    twinning: Twinning,
    by,
    title: str,
    body: str,
    language: str,
    photos: list[MediaItem],
    everyone_tagged: bool = False,
) -> Story:
    """A teacher of a finished twinning writes its story for the programme's public page, with photos
    from its workspace. It waits for the programme's coordinators.

    Refused: a twinning still under way or of no programme; a story already waiting or published; a
    pupil's name or username in the text; a photo not of this twinning, not published there, or
    showing a pupil without public-use consent; photos without the teacher's word that every pupil
    in them is tagged. Side effects: the programme's coordinators and administrators are notified;
    an audit entry on the twinning.
    """
    if not rules.may_write_story(by, twinning):
        raise ServiceError(_("Only the teachers of a finished twinning of a programme tell its story."))
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise ServiceError(_("A story needs a title and its text."))
    if language not in language_codes():
        raise ServiceError(_("Choose one of the site's languages."))
    _refuse_pupil_names(twinning, title, body)
    if len(photos) > queries.MOST_PHOTOS:
        raise ServiceError(_("Choose at most %(count)s photos.") % {"count": queries.MOST_PHOTOS})
    allowed_ids = set(queries.choosable_photos(twinning).values_list("pk", flat=True))
    if any(item.pk not in allowed_ids for item in photos):
        raise ServiceError(
            _("A photo can be chosen only if the family of every pupil in it agreed to the programme's public page.")
        )
    if photos and not everyone_tagged:
        raise ServiceError(_("Confirm that every pupil who can be seen in the chosen photos is tagged in them."))
    programme = twinning.programme
    if programme is None:  # may_write_story has refused it already: a story is a programme's
        raise ServiceError(_("Only the teachers of a finished twinning of a programme tell its story."))
    already = _("This twinning's story is already waiting for approval or published.")
    with transaction.atomic():
        if Story.objects.filter(twinning=twinning, status__in=Story.CURRENT).exists():
            raise ServiceError(already)
        try:
            # Two teachers sending at once: the database's one-current-story constraint decides.
            with transaction.atomic():
                story = Story.objects.create(
                    twinning=twinning, programme=programme, title=title, body=body, language=language, written_by=by
                )
        except IntegrityError:
            raise ServiceError(already) from None
        StoryPhoto.objects.bulk_create(
            [StoryPhoto(story=story, media=item, position=number) for number, item in enumerate(photos)]
        )
        url = reverse("showcase:queue", kwargs={"slug": programme.slug})
        for person in _deciders(programme):
            notify(user=person, kind="story_waiting", url=url, title=title)
        audit.record(actor=by, action="showcase.story_written", target=twinning, story=story.pk)
    return story


def approve_story(*, story: Story, by) -> None:
    """A coordinator publishes a waiting story on the programme's page (its text is checked for
    pupils' names once more). Side effects: its writer is notified; an audit entry on the twinning."""
    if not rules.may_approve_stories(by, story.programme):
        raise ServiceError(_("Only the programme's coordinators approve its stories."))
    _refuse_pupil_names(story.twinning, story.title, story.body)
    now = timezone.now()
    with transaction.atomic():
        changed = Story.objects.filter(pk=story.pk, status=Story.Status.PENDING).update(
            status=Story.Status.PUBLISHED, decided_by=by, decided_at=now, published_at=now
        )
        if not changed:
            raise ServiceError(_("This story is no longer waiting for approval."))
        story.refresh_from_db()
        if story.written_by is not None:
            url = reverse("showcase:story", kwargs={"slug": story.programme.slug, "pk": story.pk})
            notify(user=story.written_by, kind="story_published", url=url, title=story.title)
        audit.record(actor=by, action="showcase.story_published", target=story.twinning, story=story.pk)


def reject_story(*, story: Story, by, feedback: str) -> None:
    """A coordinator turns a waiting story down, saying why; its teachers may write it again.
    Side effects: its writer is notified; an audit entry on the twinning."""
    if not rules.may_approve_stories(by, story.programme):
        raise ServiceError(_("Only the programme's coordinators approve its stories."))
    feedback = feedback.strip()
    if not feedback:
        raise ServiceError(_("Say why, so that the teachers can write it again."))
    with transaction.atomic():
        changed = Story.objects.filter(pk=story.pk, status=Story.Status.PENDING).update(
            status=Story.Status.REJECTED, decided_by=by, decided_at=timezone.now(), feedback=feedback
        )
        if not changed:
            raise ServiceError(_("This story is no longer waiting for approval."))
        story.refresh_from_db()
        if story.written_by is not None:
            notify(user=story.written_by, kind="story_rejected", url=reverse("showcase:mine"), title=story.title)
        audit.record(actor=by, action="showcase.story_rejected", target=story.twinning, story=story.pk)


def remove_story(*, story: Story, by) -> None:
    """A teacher of the twinning or a coordinator takes a story down, at once. Side effect: an audit
    entry on the twinning."""
    if not rules.may_remove_story(by, story):
        raise ServiceError(_("This story cannot be taken down by you."))
    with transaction.atomic():
        Story.objects.filter(pk=story.pk, status__in=Story.CURRENT).update(
            status=Story.Status.REMOVED, removed_by=by, removed_at=timezone.now()
        )
        audit.record(actor=by, action="showcase.story_removed", target=story.twinning, story=story.pk)


def remove_photos_after_withdrawal(*, pupil, uses: frozenset[str]) -> int:
    """A family took back consents (see `consent.services.add_withdrawal_step`): without public-use
    consent, every story photo showing the pupil is removed, at once. Returns how many.

    Side effect: an audit entry per twinning (naming the pupil by number only).
    """
    if Use.PUBLIC not in uses:
        return 0
    photos = list(StoryPhoto.objects.filter(media__pupils=pupil).select_related("story__twinning"))
    if not photos:
        return 0
    with transaction.atomic():
        StoryPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
        by_twinning: dict[int, list[StoryPhoto]] = {}
        for photo in photos:
            by_twinning.setdefault(photo.story.twinning_id, []).append(photo)
        for removed in by_twinning.values():
            audit.record(
                actor=None,
                action="showcase.photos_removed",
                target=removed[0].story.twinning,
                pupil=pupil.pk,
                stories=sorted({photo.story_id for photo in removed}),
            )
    return len(photos)
