"""Pupils: accounts made by their teacher, a login sheet, and only their own twinnings."""

import re

import pytest

from twinning import testing
from twinning.accounts.models import Pupil
from twinning.testing import as_
from twinning.twinnings import services as twinning_services
from twinning.twinnings.models import Membership
from twinning.workspace import services
from twinning.workspace.models import Post

pytestmark = pytest.mark.django_db


def create(client, teacher, names):
    response = testing.create_pupils_on_the_page(client, teacher, names)
    cards = re.findall(
        r'<code class="ltr">([^<]+)</code>\s*</span>\s*<span>[^<]*<code class="ltr" data-testid="password">'
        r"([^<]+)</code>",
        response.content.decode(),
    )
    return response, cards


def test_teacher_creates_pupils_and_prints_their_login_sheet(client, cast):
    response, cards = create(client, cast.teacher_a, ["Maya K.", "Yoni B.", "  "])
    assert response.status_code == 200
    assert [p.display_name for p in Pupil.objects.order_by("pk")] == ["Maya K.", "Yoni B."]
    assert len(cards) == 2
    username, password = cards[0]
    pupil = Pupil.objects.get(user__username=username)
    assert (pupil.school, pupil.user.email, pupil.user.check_password(password)) == (cast.school_a, None, True)
    # The password is stored only as a hash.
    assert password not in pupil.user.password


def test_pupil_signs_in_with_the_username_from_the_sheet(client, cast):
    _response, [(username, password)] = create(client, cast.teacher_a, ["Maya K."])
    client.logout()
    response = client.post("/accounts/sign-in/", {"username": username, "password": password})
    assert response.status_code == 302
    assert client.get("/dashboard/").context["user"].username == username


def test_reset_gives_a_new_password_and_the_old_one_stops_working(client, cast):
    _response, [(username, old)] = create(client, cast.teacher_a, ["Maya K."])
    pupil = Pupil.objects.get()
    response = client.post("/accounts/pupils/passwords/", {"pupil": [pupil.pk]})
    [new] = re.findall(r'data-testid="password">([^<]+)<', response.content.decode())
    pupil.user.refresh_from_db()
    assert (new != old, pupil.user.check_password(new), pupil.user.check_password(old)) == (True, True, False)


def test_other_schools_teachers_cannot_manage_these_pupils(client, cast):
    create(client, cast.teacher_a, ["Maya K."])
    pupil = Pupil.objects.get()
    other = as_(client, cast.teacher_b.user)
    assert other.get(f"/accounts/pupils/{pupil.pk}/").status_code == 404
    response = other.post("/accounts/pupils/passwords/", {"pupil": [pupil.pk]})
    assert 'data-testid="password"' not in response.content.decode()
    assert as_(client, cast.pending_il.user).get("/accounts/pupils/").status_code == 404


def test_teacher_cannot_tick_consent_and_the_full_name_is_kept_only_with_the_familys(client, cast):
    from twinning.consent import services as consent_services
    from twinning.consent.models import Use

    create(client, cast.teacher_a, ["Maya K."])
    pupil = Pupil.objects.get()
    client.post(
        f"/accounts/pupils/{pupil.pk}/", {"display_name": "Maya K.", "consent_face": "on", "full_name": "Maya Katz"}
    )
    pupil.refresh_from_db()
    # Only the family's recorded answers set what may be shared: the pupil's form has no such boxes.
    assert (pupil.consent_face, pupil.consent_video, pupil.full_name, pupil.user.full_name) == (
        False,
        False,
        "",
        "Maya K.",
    )
    answers = {use: use in (Use.PHOTOS, Use.FULL_NAME) for use in Use.values}
    consent_services.record_paper_answers(pupil=pupil, by=cast.teacher_a.user, answers=answers, language="en")
    client.post(f"/accounts/pupils/{pupil.pk}/", {"display_name": "Maya K.", "full_name": "Maya Katz"})
    pupil.refresh_from_db()
    assert (pupil.consent_face, pupil.full_name, pupil.user.full_name) == (True, "Maya Katz", "Maya Katz")


def test_teacher_adds_own_pupils_but_not_the_partners(client, cast, twinning, pupils):
    ours, theirs = pupils
    assert Membership.objects.get(twinning=twinning, user=ours.user).role == "pupil"
    as_(client, cast.teacher_a.user).post(f"/twinnings/{twinning.pk}/members/", {"pupil": [theirs.pk]})
    assert not Membership.objects.filter(user=theirs.user).exists()


def test_pupil_sees_and_posts_in_their_twinning_only(client, cast, twinning, pupils):
    ours, theirs = pupils
    thread = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Hello", body="Hi all")
    pupil = as_(client, ours.user)
    assert [t.pk for t in pupil.get("/twinnings/").context["page"]] == [twinning.pk]
    assert pupil.post(f"/twinnings/{twinning.pk}/forum/{thread.pk}/", {"body": "Hi from Maya"}).status_code == 302
    assert Post.objects.filter(author=ours.user).count() == 1
    # A pupil may not act on the twinning itself.
    assert pupil.post(f"/twinnings/{twinning.pk}/close/", {"reason": "x"}).status_code == 404


def test_pupil_of_the_partner_school_gets_404_on_every_workspace_url_until_added(client, cast, twinning, pupils):
    _ours, theirs = pupils
    thread = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Hello", body="Hi all")
    urls = [
        f"/twinnings/{twinning.pk}/{tail}"
        for tail in (
            "",
            "workspace/",
            "forum/",
            f"forum/{thread.pk}/",
            "media/",
            "plan/",
            "members/",
            "export/",
            "contacts/",
        )
    ]
    client = as_(client, theirs.user)
    for url in urls:
        assert (url, client.get(url).status_code) == (url, 404)
        assert (url, client.post(url, {"body": "x", "title": "y"}).status_code) == (url, 404)
    assert list(client.get("/twinnings/").context["page"]) == []
    # Another twinning's pupil is no better off.
    stranger_school = testing.make_school(country=cast.uk, name="Elsewhere")
    stranger_teacher = testing.make_teacher(school=stranger_school, name="T")
    create(client, stranger_teacher, ["Zed Q."])
    stranger = Pupil.objects.get(school=stranger_school)
    client = as_(client, stranger.user)
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)


def test_removed_pupil_loses_the_workspace(client, cast, twinning, pupils):
    ours, _theirs = pupils
    as_(client, cast.teacher_a.user).post(f"/twinnings/{twinning.pk}/members/remove/", {"pupil": ours.pk})
    assert as_(client, ours.user).get(f"/twinnings/{twinning.pk}/workspace/").status_code == 404


def test_pupils_join_only_while_their_school_takes_part(cast, twinning, pupils):
    ours, _theirs = pupils
    row = twinning.schools.get(school=cast.school_a)
    twinning_services.close_twinning(twinning=twinning, by=cast.teacher_a.user, reason="Done")
    twinning.refresh_from_db()
    from twinning.common.errors import ServiceError

    with pytest.raises(ServiceError):
        twinning_services.add_pupils(twinning=twinning, row=row, pupils=[ours], by=cast.teacher_a.user)


def test_upload_showing_a_pupil_without_consent_is_refused_with_their_name(client, cast, twinning, pupils, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from twinning.common.uploads.tests.corpus import jpeg_with_gps
    from twinning.workspace.models import MediaItem

    ours, _theirs = pupils
    teacher = as_(client, cast.teacher_a.user)

    def share(name, data):
        return teacher.post(
            f"/twinnings/{twinning.pk}/media/", {"file": SimpleUploadedFile(name, data), "pupils": [ours.pk]}
        )

    response = share("class.jpg", jpeg_with_gps())
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Maya K. may not appear in photos. Take them out of the file, or ask their teacher to record their "
        "family's consent."
    ]
    assert MediaItem.objects.count() == 0
    ours.consent_face = True
    ours.save()
    assert share("class.jpg", jpeg_with_gps()).status_code == 302
    assert list(MediaItem.objects.get().pupils.all()) == [ours]


def test_audio_needs_voice_consent_and_video_needs_video_and_voice(cast, twinning, pupils, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from twinning.common.uploads import UploadRefused
    from twinning.common.uploads.tests import corpus

    ours, _theirs = pupils
    mp3, mp4 = corpus.mp3_with_tags(), corpus.phone_mp4()

    def share(name, data):
        return services.upload_media(
            twinning=twinning, by=cast.teacher_a.user, upload=SimpleUploadedFile(name, data), pupils=[ours]
        )

    with pytest.raises(UploadRefused, match="Maya K. may not be heard in clips"):
        share("a.mp3", mp3)
    ours.consent_video = True
    ours.save()
    # Video consent alone is not enough: a clip carries the pupil's voice too.
    with pytest.raises(UploadRefused) as refused:
        share("v.mp4", mp4)
    assert str(refused.value).startswith("Maya K. may not be heard in clips.")
    ours.consent_voice = True
    ours.save()
    item = share("v.mp4", mp4)
    assert (item.kind, list(item.pupils.all())) == ("video", [ours])


def test_pupils_reply_is_held_until_one_of_their_teachers_approves_it(client, cast, twinning, pupils):
    ours, _theirs = pupils
    thread = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Hello", body="Hi all")
    as_(client, ours.user).post(f"/twinnings/{twinning.pk}/forum/{thread.pk}/", {"body": "Hi from Maya"})
    post = Post.objects.get(author=ours.user)
    url = f"/twinnings/{twinning.pk}/forum/{thread.pk}/"

    def bodies(user):
        return [p.body for p in as_(client, user).get(url).context["page"]]

    assert post.status == "pending"
    assert bodies(ours.user) == ["Hi all", "Hi from Maya"]  # the pupil sees their own
    assert bodies(cast.teacher_a.user) == ["Hi all", "Hi from Maya"]  # and so do their teachers
    assert bodies(cast.teacher_b.user) == ["Hi all"]  # the partner school does not, yet
    feed = as_(client, cast.teacher_b.user).get(f"/twinnings/{twinning.pk}/workspace/").content.decode()
    assert "replied in" not in feed
    # The partner's teacher cannot approve it; the pupil's own teacher can.
    partner = as_(client, cast.teacher_b.user)
    assert partner.post(f"/twinnings/{twinning.pk}/moderation/posts/{post.pk}/approve/").status_code == 404
    queue = as_(client, cast.teacher_a.user).get(f"/twinnings/{twinning.pk}/moderation/")
    assert [p.pk for p in queue.context["posts"]] == [post.pk]
    client.post(f"/twinnings/{twinning.pk}/moderation/posts/{post.pk}/approve/")
    post.refresh_from_db()
    assert post.status == "published"
    assert bodies(cast.teacher_b.user) == ["Hi all", "Hi from Maya"]
    assert "replied in" in as_(client, cast.teacher_b.user).get(f"/twinnings/{twinning.pk}/workspace/").content.decode()


def test_turned_down_post_is_seen_by_nobody_else(client, cast, twinning, pupils):
    ours, _theirs = pupils
    thread = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Hello", body="Hi all")
    post = services.reply(thread=thread, by=ours.user, body="Something unkind")
    services.moderate(item=post, by=cast.teacher_a.user, approve=False)
    url = f"/twinnings/{twinning.pk}/forum/{thread.pk}/"
    assert [p.body for p in as_(client, cast.teacher_b.user).get(url).context["page"]] == ["Hi all"]
    assert [p.body for p in as_(client, cast.teacher_a.user).get(url).context["page"]] == ["Hi all"]


def test_pupils_upload_is_held_and_its_file_not_served_to_the_partner(
    client, cast, twinning, pupils, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    ours, _theirs = pupils
    item = services.upload_media(twinning=twinning, by=ours.user, upload=SimpleUploadedFile("p.txt", b"my poem"))
    url = f"/twinnings/{twinning.pk}/media/{item.pk}/file/"
    assert (item.status, as_(client, cast.teacher_b.user).get(url).status_code) == ("pending", 404)
    assert as_(client, cast.teacher_a.user).get(url).status_code == 200
    services.moderate(item=item, by=cast.teacher_a.user, approve=True)
    assert as_(client, cast.teacher_b.user).get(url).status_code == 200


def test_a_teacher_admin_can_relax_moderation_for_the_twinning(client, cast, twinning, pupils):
    ours, _theirs = pupils
    as_(client, cast.teacher_a.user).post(f"/twinnings/{twinning.pk}/moderation/setting/", {"moderation": ""})
    twinning.refresh_from_db()
    assert twinning.moderate_pupils is False
    thread = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Hello", body="Hi all")
    assert services.reply(thread=thread, by=ours.user, body="Straight through").status == "published"


def test_pupils_reply_but_do_not_open_threads(client, cast, twinning, pupils):
    ours, _theirs = pupils
    response = as_(client, ours.user).post(f"/twinnings/{twinning.pk}/forum/", {"title": "Mine", "body": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("members/remove/", {"pupil": "abc"}),
        ("members/", {"pupil": ["abc", "1 OR 1=1"]}),
        ("moderation/posts/999999/approve/", {}),
        ("moderation/posts/999999/reject/", {}),
        ("moderation/media/999999/approve/", {}),
        ("moderation/media/999999/reject/", {}),
    ],
)
def test_tampered_ids_are_ignored_not_a_server_error(client, cast, twinning, pupils, path, data):
    response = as_(client, cast.teacher_a.user).post(f"/twinnings/{twinning.pk}/{path}", data)
    assert response.status_code in (302, 404)


def test_tampered_pupil_ids_on_the_pupils_page_reset_nothing(client, cast, pupils):
    response = as_(client, cast.teacher_a.user).post("/accounts/pupils/passwords/", {"pupil": ["abc"]})
    assert (response.status_code, 'data-testid="password"' in response.content.decode()) == (200, False)


def test_tampered_school_id_on_invite_is_a_404(client, cast, twinning):
    response = as_(client, cast.coordinator).post(f"/twinnings/{twinning.pk}/invite/", {"school": "abc"})
    assert response.status_code == 404
