"""One rule for what a person reads of a workspace's moderated posts and files, used everywhere:
the forum and its quotes, the reply box, the gallery, the pages, the ZIP export. Each test has a
pupil's post that waits for approval or was turned down, which the partner school must not read.
"""

import io
import json
import zipfile
from itertools import product
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from twinning import testing
from twinning.accounts.models import Pupil, Role
from twinning.common.errors import ServiceError
from twinning.common.uploads.tests.corpus import jpeg_with_gps
from twinning.testing import as_
from twinning.twinnings.models import Membership
from twinning.workspace import queries, rules, services
from twinning.workspace.models import MediaItem, Moderation, Post
from twinning.workspace.pages import render

pytestmark = pytest.mark.django_db


def add_pupil(twinning, school, name):
    user = testing.make_person(name=name, email="", username=name.lower().replace(" ", "").replace(".", ""))
    pupil = Pupil.objects.create(user=user, school=school, display_name=name)
    Membership.objects.create(twinning=twinning, user=user, school=school, role=Membership.Role.PUPIL)
    return pupil


def add_teacher(twinning, school, name):
    teacher = testing.make_teacher(school=school, name=name)
    Membership.objects.create(twinning=twinning, user=teacher.user, school=school, role=Membership.Role.TEACHER)
    return teacher


@pytest.fixture
def forum(cast, twinning):
    """A thread with a published post, a pupil's post waiting for approval and one turned down."""
    maya = add_pupil(twinning, cast.school_a, "Maya K.")
    tom = add_pupil(twinning, cast.school_b, "Tom W.")
    thread = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Hello", body="Hi all")
    pending = services.reply(thread=thread, by=maya.user, body="My address is 4 Herzl Street")
    turned_down = services.reply(thread=thread, by=maya.user, body="Something unkind")
    services.moderate(item=turned_down, by=cast.teacher_a.user, approve=False)
    return SimpleNamespace(
        thread=thread, first=thread.posts.earliest("pk"), pending=pending, turned_down=turned_down, maya=maya, tom=tom
    )


def thread_url(twinning, forum, **query):
    tail = "".join(f"?{key}={value}" for key, value in query.items())
    return f"/twinnings/{twinning.pk}/forum/{forum.thread.pk}/{tail}"


@pytest.mark.parametrize("who", ["tom", "teacher_b"])
@pytest.mark.parametrize("which", ["pending", "turned_down"])
def test_quote_link_never_shows_a_post_the_reader_may_not_read(client, cast, twinning, forum, who, which):
    reader = forum.tom.user if who == "tom" else cast.teacher_b.user
    hidden = getattr(forum, which)
    response = as_(client, reader).get(thread_url(twinning, forum, quote=hidden.pk))
    assert response.status_code == 200
    assert response.context["quoting"] is None
    assert hidden.body not in response.content.decode()


@pytest.mark.parametrize("which", ["pending", "turned_down"])
def test_replying_with_a_hidden_post_as_quote_republishes_nothing(client, cast, twinning, forum, which):
    hidden = getattr(forum, which)
    before = Post.objects.count()
    as_(client, cast.teacher_b.user).post(thread_url(twinning, forum), {"body": "Replying", "quote": hidden.pk})
    reply = Post.objects.filter(author=cast.teacher_b.user).get()
    # The reply is posted, without the quote the writer could not read.
    assert (Post.objects.count(), reply.quote_id) == (before + 1, None)
    with pytest.raises(ServiceError):
        services.reply(thread=forum.thread, by=cast.teacher_b.user, body="Again", quote=hidden)


def test_the_pupils_own_teacher_may_quote_a_waiting_post_but_partners_do_not_see_the_quote(
    client, cast, twinning, forum
):
    response = as_(client, cast.teacher_a.user).get(thread_url(twinning, forum, quote=forum.pending.pk))
    assert response.context["quoting"] == forum.pending
    reply = services.reply(thread=forum.thread, by=cast.teacher_a.user, body="Please not here", quote=forum.pending)
    assert reply.status == Moderation.PUBLISHED
    # The published reply does not carry the waiting post to the partner school...
    partner = as_(client, cast.teacher_b.user).get(thread_url(twinning, forum)).content.decode()
    assert ("Please not here" in partner, "4 Herzl Street" in partner) == (True, False)
    assert 'data-testid="quote-unavailable"' in partner
    # ...nor, once it is turned down, to anyone.
    services.moderate(item=forum.pending, by=cast.teacher_a.user, approve=False)
    own = as_(client, cast.teacher_a.user).get(thread_url(twinning, forum)).content.decode()
    assert "4 Herzl Street" not in own


def test_export_holds_what_the_exporting_school_may_read(client, cast, twinning, forum, media_root):
    maya_photo = services.upload_media(
        twinning=twinning, by=forum.maya.user, upload=SimpleUploadedFile("m.jpg", jpeg_with_gps())
    )
    tom_photo = services.upload_media(
        twinning=twinning, by=forum.tom.user, upload=SimpleUploadedFile("t.jpg", jpeg_with_gps())
    )
    tom_post = services.reply(thread=forum.thread, by=forum.tom.user, body="Tom's waiting post")
    assert (maya_photo.status, tom_photo.status, tom_post.status) == ("pending",) * 3

    def exported(user):
        response = as_(client, user).get(f"/twinnings/{twinning.pk}/export/")
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        data = json.loads(archive.read("workspace.json"))
        bodies = [p["body"] for t in data["threads"] for p in t["posts"]]
        return bodies, sorted(m["id"] for m in data["media"]), sorted(archive.namelist())

    bodies, media, names = exported(cast.teacher_a.user)
    assert bodies == ["Hi all", "My address is 4 Herzl Street"]
    assert (media, names) == ([maya_photo.pk], [f"media/{maya_photo.pk}.jpg", "workspace.json"])
    bodies, media, names = exported(cast.teacher_b.user)
    assert bodies == ["Hi all", "Tom's waiting post"]
    assert (media, names) == ([tom_photo.pk], [f"media/{tom_photo.pk}.jpg", "workspace.json"])


def test_only_a_teacher_of_the_pupils_school_decides(client, cast, twinning, forum):
    colleague = testing.make_teacher(school=cast.school_a, name="Colleague A")
    Membership.objects.create(
        twinning=twinning, user=colleague.user, school=cast.school_a, role=Membership.Role.TEACHER
    )
    base = f"/twinnings/{twinning.pk}/moderation/posts/{forum.pending.pk}"
    for outsider in (cast.teacher_b.user, forum.tom.user, forum.maya.user, cast.coordinator, cast.principal_a):
        for action in ("approve", "reject"):
            assert as_(client, outsider).post(f"{base}/{action}/").status_code == 404
    with pytest.raises(ServiceError):
        services.moderate(item=forum.pending, by=cast.teacher_b.user, approve=True)
    forum.pending.refresh_from_db()
    assert forum.pending.status == Moderation.PENDING
    # Approving and turning down are each a POST of their own: a GET changes nothing.
    assert as_(client, colleague.user).get(f"{base}/approve/").status_code == 405
    forum.pending.refresh_from_db()
    assert forum.pending.status == Moderation.PENDING
    assert as_(client, colleague.user).post(f"{base}/approve/").status_code == 302
    forum.pending.refresh_from_db()
    assert forum.pending.status == Moderation.PUBLISHED
    # Once decided, it is no longer waiting: turning it down afterwards finds nothing.
    assert as_(client, colleague.user).post(f"{base}/reject/").status_code == 404
    forum.pending.refresh_from_db()
    assert forum.pending.status == Moderation.PUBLISHED


@pytest.mark.parametrize(("action", "status"), [("approve", Moderation.PUBLISHED), ("reject", Moderation.REJECTED)])
def test_each_button_of_the_moderation_page_does_its_own_action(
    client, cast, twinning, forum, media_root, action, status
):
    photo = services.upload_media(
        twinning=twinning, by=forum.maya.user, upload=SimpleUploadedFile("m.jpg", jpeg_with_gps())
    )
    page = as_(client, cast.teacher_a.user).get(f"/twinnings/{twinning.pk}/moderation/").content.decode()
    for what, item in (("posts", forum.pending), ("media", photo)):
        url = f"/twinnings/{twinning.pk}/moderation/{what}/{item.pk}/{action}/"
        assert url in page  # the form's address, or the second button's formaction
        response = client.post(url, follow=True)
        assert response.redirect_chain[-1][0] == f"/twinnings/{twinning.pk}/moderation/"
        item.refresh_from_db()
        assert item.status == status
    assert 'name="decision"' not in page


def test_the_moderation_page_shows_a_waiting_photo_only_on_tap_in_data_saver_mode(
    client, cast, twinning, forum, media_root
):
    photo = services.upload_media(
        twinning=twinning, by=forum.maya.user, upload=SimpleUploadedFile("m.jpg", jpeg_with_gps()), title="Our class"
    )
    url = f"/twinnings/{twinning.pk}/media/{photo.pk}/file/"
    teacher = as_(client, cast.teacher_a.user)
    page = f"/twinnings/{twinning.pk}/moderation/"

    plain = teacher.get(page).content.decode()
    light = teacher.get(page, HTTP_SAVE_DATA="on").content.decode()

    assert f'<p class="preview"><img src="{url}"' in plain
    assert "<img" not in light.split("<main", 1)[1]
    assert (
        f'<p class="preview"><a class="tap-image" href="{url}" data-src="{url}" data-alt="Our class" '
        'data-testid="tap-image"><span>Show the photo <bdi>Our class</bdi></span></a>'
    ) in light


def test_only_teacher_admins_choose_whether_pupils_wait_for_approval(client, cast, twinning):
    colleague = testing.make_teacher(school=cast.school_a, name="Colleague A")
    Membership.objects.create(
        twinning=twinning, user=colleague.user, school=cast.school_a, role=Membership.Role.TEACHER
    )
    url = f"/twinnings/{twinning.pk}/moderation/setting/"
    assert as_(client, colleague.user).post(url, {"moderation": ""}).status_code == 404
    page = as_(client, colleague.user).get(f"/twinnings/{twinning.pk}/moderation/").content.decode()
    assert "moderation/setting/" not in page
    twinning.refresh_from_db()
    assert twinning.moderate_pupils is True
    with pytest.raises(ServiceError):
        services.set_moderation(twinning=twinning, on=False, by=colleague.user)


def test_principal_of_a_school_taking_part_reads_as_a_visitor(client, cast, twinning, forum):
    principal = as_(client, cast.principal_a)
    response = principal.get(thread_url(twinning, forum))
    assert [p.body for p in response.context["page"]] == ["Hi all"]
    assert response.context["can_write"] is False
    assert principal.post(thread_url(twinning, forum), {"body": "x"}).status_code == 404
    assert principal.get(f"/twinnings/{twinning.pk}/moderation/").status_code == 404
    elsewhere = testing.make_person(name="Other Principal")
    testing.grant(elsewhere, Role.Kind.PRINCIPAL, school=testing.make_school(country=cast.israel, name="Elsewhere"))
    assert as_(client, elsewhere).get(thread_url(twinning, forum)).status_code == 404


def test_readable_and_may_read_agree_for_every_reader_and_state(cast, twinning, forum, media_root):
    """The query form and the one-object form of the rule give the same answer everywhere."""
    colleague_b = add_teacher(twinning, cast.school_b, "Colleague B")
    for author, status in product((forum.maya, forum.tom), Moderation.values):
        item = services.upload_media(
            twinning=twinning, by=author.user, upload=SimpleUploadedFile("p.txt", f"{author} {status}".encode())
        )
        MediaItem.objects.filter(pk=item.pk).update(status=status)
    readers = [cast.teacher_a.user, cast.teacher_b.user, colleague_b.user, forum.maya.user, forum.tom.user]
    readers += [cast.coordinator, cast.principal_a]
    for user in readers:
        member = twinning.memberships.filter(user=user, active=True).first()
        by_query = set(
            MediaItem.objects.filter(twinning=twinning)
            .filter(rules.readable(member, user, author_field="uploader"))
            .values_list("pk", flat=True)
        )
        one_by_one = {
            m.pk for m in MediaItem.objects.filter(twinning=twinning) if rules.may_read(m, member=member, user=user)
        }
        assert by_query == one_by_one, user
        posts = set(queries.posts_of(forum.thread, member=member, user=user).values_list("pk", flat=True))
        assert posts == {p.pk for p in forum.thread.posts.all() if rules.may_read(p, member=member, user=user)}


def test_page_images_only_by_the_exact_address_of_a_published_photo(cast, twinning):
    own = f"/twinnings/{twinning.pk}/media/7/file/"
    html = render(
        f"![a]({own}) ![b](/twinnings/{twinning.pk}/media/../../../notifications/) "
        f"![c](/twinnings/{twinning.pk}/media/8/file/) [away](//elsewhere.example/) [home](/dashboard/)",
        twinning_id=twinning.pk,
        photo_ids={7},
    )
    assert html.count("<img") == 3
    assert f'src="{own}"' in html
    assert "notifications" not in html
    assert "/media/8/" not in html  # not a published photo of this twinning
    assert "elsewhere.example" not in html
    assert 'href="/dashboard/"' in html


def test_stored_pages_are_cleaned_again_by_the_migration(cast, twinning):
    from importlib import import_module

    from django.apps import apps

    page = services.save_page(twinning=twinning, by=cast.teacher_a.user, title="T", source="Hello")
    bad = f'<p><img src="/twinnings/{twinning.pk}/media/../../../notifications/"></p>'
    type(page).objects.filter(pk=page.pk).update(html=bad)
    import_module("twinning.workspace.migrations.0002_rerender_pages").rerender(apps, None)
    page.refresh_from_db()
    assert page.html == "<p>Hello</p>"


def test_pupils_name_is_set_by_their_teacher_only(client, cast, twinning):
    maya = add_pupil(twinning, cast.school_a, "Maya K.")
    response = as_(client, maya.user).post(
        "/accounts/profile/",
        {
            "person-full_name": "Maya (Mrs Levi, teacher)",
            "person-preferred_language": "he",
            "person-time_zone": "Asia/Jerusalem",
        },
    )
    assert response.status_code == 302
    maya.user.refresh_from_db()
    assert (maya.user.full_name, maya.user.preferred_language) == ("Maya K.", "he")
    page = as_(client, maya.user).get("/accounts/profile/").content.decode()
    assert 'name="person-full_name"' not in page
    assert 'data-testid="name-set-by-teacher"' in page
    # A teacher still names themselves.
    as_(client, cast.teacher_a.user).post(
        "/accounts/profile/",
        {"person-full_name": "Dana Levi-Katz", "person-preferred_language": "en", "person-time_zone": "UTC"},
    )
    cast.teacher_a.user.refresh_from_db()
    assert cast.teacher_a.user.full_name == "Dana Levi-Katz"
