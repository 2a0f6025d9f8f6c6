"""Albums in a workspace's gallery: teachers make, name, order and delete them and file things in
them; moving a file never changes who may see it, in the album's cover and count too; bad input is
told in the person's language and loses nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twinning.common.audit import AuditEntry
from twinning.common.errors import ServiceError
from twinning.common.tests.access_network import png
from twinning.testing import as_
from twinning.twinnings.models import Twinning
from twinning.workspace import queries, rules, services
from twinning.workspace.models import Album, MediaItem, Moderation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files_under_tmp(media_root):
    """Uploads land in a temporary folder."""


def share(twinning, by, title, *, pupils=()):
    return services.upload_media(
        twinning=twinning, by=by, upload=SimpleUploadedFile(f"{title}.png", png()), title=title, pupils=pupils
    )


def albums_url(twinning, rest=""):
    return f"/twinnings/{twinning.pk}/media/albums/{rest}"


def names(twinning):
    return list(Album.objects.filter(twinning=twinning).values_list("name", flat=True))


def test_teacher_makes_albums_in_order_and_the_gallery_shows_them(client, cast, twinning):
    teacher = as_(client, cast.teacher_a.user)
    assert teacher.post(albums_url(twinning), {"name": "  Our   town "}).status_code == 302
    assert teacher.post(albums_url(twinning), {"name": "Festivals"}).status_code == 302
    assert names(twinning) == ["Our town", "Festivals"]
    page = as_(client, cast.teacher_b.user).get(f"/twinnings/{twinning.pk}/media/")
    assert [album.name for album in page.context["albums"]] == ["Our town", "Festivals"]
    assert AuditEntry.objects.filter(action="workspace.album_created").count() == 2


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "An album needs a name."),
        ("our TOWN", "This twinning already has an album called “our TOWN”."),
    ],
)
def test_empty_or_duplicate_name_is_refused_with_what_was_typed_kept(client, cast, twinning, name, message):
    services.create_album(twinning=twinning, by=cast.teacher_a.user, name="Our town")
    response = as_(client, cast.teacher_b.user).post(albums_url(twinning), {"name": name})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [message]
    assert response.context["form"]["name"].value() == name
    assert names(twinning) == ["Our town"]


def test_duplicate_name_is_refused_in_arabic(client, cast, twinning):
    services.create_album(twinning=twinning, by=cast.teacher_a.user, name="Our town")
    response = as_(client, cast.teacher_a.user, "ar").post(albums_url(twinning), {"name": "OUR town"})
    error = response.context["form"].errors["name"][0]
    assert "OUR town" in error and error != "This twinning already has an album called “OUR town”."


def test_rename_keeps_the_typed_name_on_refusal_and_renames_otherwise(client, cast, twinning):
    first = services.create_album(twinning=twinning, by=cast.teacher_a.user, name="Our town")
    services.create_album(twinning=twinning, by=cast.teacher_a.user, name="Festivals")
    teacher = as_(client, cast.teacher_a.user)
    refused = teacher.post(albums_url(twinning, f"{first.pk}/rename/"), {"name": "festivals"})
    assert refused.status_code == 400
    form = next(album.rename_form for album in refused.context["albums"] if album.pk == first.pk)
    assert (form["name"].value(), form.errors["name"]) == (
        "festivals",
        ["This twinning already has an album called “festivals”."],
    )
    assert teacher.post(albums_url(twinning, f"{first.pk}/rename/"), {"name": "Our towns"}).status_code == 302
    assert names(twinning) == ["Our towns", "Festivals"]


def test_move_up_and_down_without_javascript(client, cast, twinning):
    a, b, c = (services.create_album(twinning=twinning, by=cast.teacher_a.user, name=n) for n in "ABC")
    teacher = as_(client, cast.teacher_b.user)
    seen = f"{a.pk},{b.pk},{c.pk}"
    assert teacher.post(albums_url(twinning, f"{c.pk}/up/"), {"seen": seen}).status_code == 302
    assert names(twinning) == ["A", "C", "B"]
    teacher.post(albums_url(twinning, f"{a.pk}/down/"), {"seen": f"{a.pk},{c.pk},{b.pk}"})
    assert names(twinning) == ["C", "A", "B"]
    assert AuditEntry.objects.filter(action="workspace.album_moved").count() == 2


def test_a_stale_order_moves_nothing_and_says_so(client, cast, twinning):
    a, b, c = (services.create_album(twinning=twinning, by=cast.teacher_a.user, name=n) for n in "ABC")
    stale = f"{a.pk},{b.pk},{c.pk}"
    services.move_album(album=c, by=cast.teacher_a.user, offset=-1, seen=[a.pk, b.pk, c.pk])  # now A C B
    response = as_(client, cast.teacher_b.user).post(albums_url(twinning, f"{b.pk}/up/"), {"seen": stale}, follow=True)
    assert names(twinning) == ["A", "C", "B"]
    assert [str(m) for m in response.context["messages"]] == [
        "The albums were rearranged by someone else meanwhile. Here is their order now: move again if you wish."
    ]


def test_the_first_album_cannot_move_up(cast, twinning):
    a = services.create_album(twinning=twinning, by=cast.teacher_a.user, name="A")
    with pytest.raises(ServiceError):
        services.move_album(album=a, by=cast.teacher_a.user, offset=-1, seen=[a.pk])


def test_deleting_an_album_keeps_its_files_not_in_an_album(client, cast, twinning):
    album = services.create_album(twinning=twinning, by=cast.teacher_a.user, name="Trip")
    photo = share(twinning, cast.teacher_a.user, "bridge")
    services.file_media(item=photo, album=album, by=cast.teacher_a.user)
    response = as_(client, cast.teacher_b.user).post(albums_url(twinning, f"{album.pk}/delete/"), follow=True)
    assert Album.objects.count() == 0
    photo.refresh_from_db()
    assert (photo.album_id, MediaItem.objects.count()) == (None, 1)
    assert [str(m) for m in response.context["messages"]] == [
        "The album “Trip” is deleted; its 1 file is in the gallery, not in an album."
    ]
    gallery = as_(client, cast.teacher_b.user).get(f"/twinnings/{twinning.pk}/media/")
    assert [item.pk for item in gallery.context["page"]] == [photo.pk]


def test_files_move_between_albums_and_the_gallery_shows_each_where_it_is(client, cast, twinning):
    trip, town = (services.create_album(twinning=twinning, by=cast.teacher_a.user, name=n) for n in ("Trip", "Town"))
    photo, loose = share(twinning, cast.teacher_a.user, "bridge"), share(twinning, cast.teacher_a.user, "sky")
    teacher = as_(client, cast.teacher_b.user)  # the partner school's teacher arranges too
    move = f"/twinnings/{twinning.pk}/media/{photo.pk}/album/"
    assert teacher.post(move, {"album": trip.pk}).status_code == 302
    assert teacher.post(move, {"album": town.pk}).status_code == 302
    photo.refresh_from_db()
    assert photo.album_id == town.pk
    gallery = teacher.get(f"/twinnings/{twinning.pk}/media/")
    assert [item.pk for item in gallery.context["page"]] == [loose.pk]
    assert [(a.name, a.shown_count, a.cover_id) for a in gallery.context["albums"]] == [
        ("Trip", 0, None),
        ("Town", 1, photo.pk),
    ]
    inside = as_(client, cast.teacher_a.user).get(albums_url(twinning, f"{town.pk}/"))
    assert [item.pk for item in inside.context["page"]] == [photo.pk]
    teacher.post(move, {"album": ""})
    photo.refresh_from_db()
    assert photo.album_id is None
    assert AuditEntry.objects.filter(action="workspace.media_filed").count() == 3


def test_moving_into_an_album_of_another_twinning_is_refused_with_a_message(client, cast, twinning):
    other = Twinning.objects.create(school_year=2026, status=Twinning.Status.ACTIVE)
    theirs = Album.objects.create(twinning=other, name="Elsewhere", position=1)
    ours = services.create_album(twinning=twinning, by=cast.teacher_a.user, name="Ours")
    photo = share(twinning, cast.teacher_a.user, "bridge")
    services.file_media(item=photo, album=ours, by=cast.teacher_a.user)
    response = as_(client, cast.teacher_a.user).post(
        f"/twinnings/{twinning.pk}/media/{photo.pk}/album/", {"album": theirs.pk}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["Choose one of this twinning's albums."]
    photo.refresh_from_db()
    assert photo.album_id == ours.pk
    with pytest.raises(ServiceError):
        services.file_media(item=photo, album=theirs, by=cast.teacher_a.user)


def test_a_file_hidden_after_consent_was_withdrawn_stays_hidden_in_its_album(client, cast, twinning, pupils):
    ours, _theirs = pupils
    ours.consent_face = True
    ours.save()
    album = services.create_album(twinning=twinning, by=cast.teacher_a.user, name="Class")
    plain = share(twinning, cast.teacher_a.user, "sky")
    with_maya = share(twinning, cast.teacher_a.user, "maya", pupils=[ours])
    for item in (plain, with_maya):
        services.file_media(item=item, album=album, by=cast.teacher_b.user)
    assert services.hide_media_after_withdrawal(pupil=ours, uses=frozenset({"photos"})) == 1
    # Moving it again (by its school's teacher, who still sees it) changes nothing of who sees it.
    with_maya.refresh_from_db()
    services.file_media(item=with_maya, album=None, by=cast.teacher_a.user)
    services.file_media(item=with_maya, album=album, by=cast.teacher_a.user)
    with_maya.refresh_from_db()
    assert with_maya.status == Moderation.WITHDRAWN

    def seen_by(user):
        gallery = as_(client, user).get(f"/twinnings/{twinning.pk}/media/")
        (shown,) = gallery.context["albums"]
        inside = as_(client, user).get(albums_url(twinning, f"{album.pk}/"))
        return shown.shown_count, shown.cover_id, [item.pk for item in inside.context["page"]]

    assert seen_by(cast.teacher_b.user) == (1, plain.pk, [plain.pk])
    assert seen_by(ours.user) == (1, plain.pk, [plain.pk])
    assert seen_by(cast.teacher_a.user) == (2, with_maya.pk, [with_maya.pk, plain.pk])
    # The partner's teacher cannot reach the hidden file to move it, either.
    response = as_(client, cast.teacher_b.user).post(
        f"/twinnings/{twinning.pk}/media/{with_maya.pk}/album/", {"album": ""}
    )
    assert response.status_code == 404


def test_pupils_see_albums_read_only(client, cast, twinning, pupils):
    ours, _theirs = pupils
    album = services.create_album(twinning=twinning, by=cast.teacher_a.user, name="Class")
    pupil = as_(client, ours.user)
    assert pupil.get(albums_url(twinning, f"{album.pk}/")).status_code == 200
    assert pupil.get(f"/twinnings/{twinning.pk}/media/").context["can_arrange"] is False
    assert pupil.get(albums_url(twinning)).status_code == 404
    assert pupil.post(albums_url(twinning), {"name": "Mine"}).status_code == 404
    assert pupil.post(albums_url(twinning, f"{album.pk}/delete/")).status_code == 404
    assert names(twinning) == ["Class"]
    assert not rules.can_arrange_albums(ours.user, twinning)
    with pytest.raises(ServiceError):
        services.create_album(twinning=twinning, by=ours.user, name="Mine")


def test_a_closed_twinning_keeps_its_albums_but_nobody_arranges_them(cast, twinning):
    album = services.create_album(twinning=twinning, by=cast.teacher_a.user, name="Class")
    twinning.status = Twinning.Status.CLOSED
    twinning.save(update_fields=["status"])
    assert not rules.can_arrange_albums(cast.teacher_a.user, twinning)
    with pytest.raises(ServiceError):
        services.rename_album(album=album, by=cast.teacher_a.user, name="Other")


def test_the_feed_links_a_filed_photo_to_its_album(client, cast, twinning):
    album = services.create_album(twinning=twinning, by=cast.teacher_a.user, name="Trip")
    photo = share(twinning, cast.teacher_a.user, "bridge")
    services.file_media(item=photo, album=album, by=cast.teacher_a.user)
    home = as_(client, cast.teacher_b.user).get(f"/twinnings/{twinning.pk}/workspace/")
    assert f'href="/twinnings/{twinning.pk}/media/albums/{album.pk}/#media-{photo.pk}"' in home.content.decode()


def test_albums_page_shows_pages_in_hebrew_and_arabic(client, cast, twinning):
    services.create_album(twinning=twinning, by=cast.teacher_a.user, name="Trip")
    for language in ("he", "ar"):
        page = as_(client, cast.teacher_a.user, language).get(albums_url(twinning))
        assert page.status_code == 200
        assert "Make the album" not in page.content.decode()


def test_gallery_and_albums_page_make_no_query_per_album(client, cast, twinning):
    teacher = as_(client, cast.teacher_b.user)

    def queries_with(count):
        for n in range(Album.objects.count(), count):
            album = services.create_album(twinning=twinning, by=cast.teacher_a.user, name=f"Album {n}")
            services.file_media(item=share(twinning, cast.teacher_a.user, f"p{n}"), album=album, by=cast.teacher_a.user)
        with CaptureQueriesContext(connection) as gallery, CaptureQueriesContext(connection) as arranged:
            teacher.get(f"/twinnings/{twinning.pk}/media/")
            teacher.get(albums_url(twinning))
        return len(gallery), len(arranged)

    assert queries_with(1) == queries_with(3)


def test_albums_for_counts_only_what_the_reader_may_see(cast, twinning):
    album = services.create_album(twinning=twinning, by=cast.teacher_a.user, name="Trip")
    photo = share(twinning, cast.teacher_a.user, "bridge")
    services.file_media(item=photo, album=album, by=cast.teacher_a.user)
    MediaItem.objects.filter(pk=photo.pk).update(status=Moderation.REJECTED)
    (shown,) = queries.albums_for(twinning, member=None, user=cast.teacher_b.user)
    assert (shown.shown_count, shown.cover_id) == (0, None)


def test_a_teacher_shares_a_file_straight_into_an_album(client, cast, twinning, pupils):
    album = services.create_album(twinning=twinning, by=cast.teacher_a.user, name="Trip")
    media = f"/twinnings/{twinning.pk}/media/"
    teacher = as_(client, cast.teacher_b.user)
    response = teacher.post(media, {"file": SimpleUploadedFile("a.png", png()), "title": "Sea", "album": album.pk})
    assert response.status_code == 302
    assert MediaItem.objects.get().album_id == album.pk
    other = Album.objects.create(
        twinning=Twinning.objects.create(school_year=2026, status=Twinning.Status.ACTIVE), name="Elsewhere"
    )
    refused = teacher.post(media, {"file": SimpleUploadedFile("b.png", png()), "title": "Kept", "album": other.pk})
    assert refused.context["form"].errors["album"] == ["Choose one of this twinning's albums."]
    assert refused.context["form"]["title"].value() == "Kept"
    # A pupil has no album to choose: what they post about one is ignored.
    ours, _theirs = pupils
    pupil = as_(client, ours.user)
    assert "album" not in pupil.get(media).context["form"].fields
    pupil.post(media, {"file": SimpleUploadedFile("c.png", png()), "album": album.pk})
    assert list(MediaItem.objects.order_by("pk").values_list("album_id", flat=True)) == [album.pk, None]


def test_a_page_open_on_an_album_deleted_meanwhile_says_so_and_keeps_the_typed_name(client, cast, twinning):
    album = services.create_album(twinning=twinning, by=cast.teacher_a.user, name="Trip")
    gone = album.pk
    services.delete_album(album=album, by=cast.teacher_b.user)
    teacher = as_(client, cast.teacher_a.user)
    response = teacher.post(albums_url(twinning, f"{gone}/rename/"), {"name": "Sea trip"})
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["This album was deleted meanwhile."]
    assert response.context["form"]["name"].value() == "Sea trip"
    moved = teacher.post(albums_url(twinning, f"{gone}/up/"), {"seen": str(gone)}, follow=True)
    assert [str(m) for m in moved.context["messages"]] == ["This album was deleted meanwhile."]
    # Who may not arrange albums still gets a 404, deleted or not.
    assert as_(client, cast.coordinator).post(albums_url(twinning, f"{gone}/delete/")).status_code == 404
