"""Removing a pupil, and closing one's own account, as the privacy register says: nothing that names
the person is left in any table, file or cache entry, and the partner school sees nothing of them."""

import json
import pickle

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from twinning import testing
from twinning.accounts import pupils as pupil_service
from twinning.accounts.models import Pupil, User
from twinning.accounts.tests.photos import png, upload
from twinning.common import privacy
from twinning.common.models import AuditEntry, DataExport, Email, Notification
from twinning.common.uploads.tests.corpus import stored_files
from twinning.consent import services as consent
from twinning.consent.models import ConsentRequest, ConsentText, Use
from twinning.testing import as_
from twinning.twinnings import services as twinning_services
from twinning.workspace import services as workspace
from twinning.workspace.models import MediaItem, Post

pytestmark = pytest.mark.django_db

FULL_NAME = "Mayaleh Katzenberg"
PARENT_EMAIL = "ruti.katzenberg@example.org"


@pytest.fixture
def maya_everywhere(client, cast, twinning, pupils, media_root):
    """Maya (school A) with her full name shown, who wrote, uploaded, appears in a photo, was quoted,
    signed in, is named in a notification, an e-mail and the admin site's history."""
    maya, tom = pupils
    # Her family was e-mailed a link, then signed the paper form (every use agreed), kept with its scan.
    consent.send_consent_link(pupil=maya, by=cast.teacher_a.user, email=PARENT_EMAIL, language="he")
    consent.record_paper_answers(
        pupil=maya,
        by=cast.teacher_a.user,
        answers=dict.fromkeys(Use.values, True),
        language="he",
        scan=SimpleUploadedFile("signed-form.png", png((20, 20, 200))),
    )
    # Her full name is kept now that her family agreed to show it.
    pupil_service.set_names(pupil=maya, by=cast.teacher_a.user, display_name=maya.display_name, full_name=FULL_NAME)
    maya.refresh_from_db()
    assert (
        maya.full_name == FULL_NAME
        and maya.consent_full_name
        and ConsentText.objects.filter(body__contains=maya.display_name).exists()
    )
    thread = workspace.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Our towns", body="Hello all")
    hers = workspace.reply(thread=thread, by=maya.user, body="My town has a river called Yarkon.")
    workspace.moderate(item=hers, by=cast.teacher_a.user, approve=True)  # pupils' posts wait for a teacher
    workspace.reply(thread=thread, by=cast.teacher_b.user, body="Lovely!", quote=hers)
    own_thread = workspace.start_thread(twinning=twinning, by=maya.user, title="Football", body="Who plays?")
    uploaded = upload(twinning, maya.user, title="My drawing")
    workspace.moderate(item=uploaded, by=cast.teacher_a.user, approve=True)
    tagged = upload(twinning, cast.teacher_a.user, title="Class photo", pupils=[maya])
    other = upload(twinning, cast.teacher_a.user, title="The school garden")
    Notification.objects.create(
        recipient=cast.teacher_b.user, kind="workspace_post_held", params={"name": maya.display_name}
    )
    Email.objects.create(
        message_id="<1@x>", from_email="site@x", to=[cast.teacher_a.user.email], subject="Hi", body=f"{FULL_NAME} wrote"
    )
    LogEntry.objects.create(
        user=cast.admin,
        content_type=ContentType.objects.get_for_model(Pupil),
        object_id=str(maya.pk),
        object_repr=maya.display_name,
        action_flag=ADDITION,
    )
    pupil_client = testing.Client()
    pupil_client.force_login(maya.user)
    assert pupil_client.get(f"/twinnings/{twinning.pk}/forum/").status_code == 200
    files = [item.file.name for item in (uploaded, tagged)] + [
        form.scan.name for form in ConsentRequest.objects.filter(pupil=maya).exclude(scan="")
    ]
    return maya, thread, hers, own_thread, files, other


def _identifiers(maya: Pupil) -> set[str]:
    return {maya.user.username, maya.display_name, FULL_NAME, PARENT_EMAIL}


def _rows_naming(values: set[str]) -> list[str]:
    """Every char, text and JSON value of every table, searched for the values."""
    found = []
    for model in apps.get_models():
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField | models.FileField)
        ]
        if not columns:
            continue
        for row in model._default_manager.values_list("pk", *columns).iterator():
            text = json.dumps(row[1:], ensure_ascii=False, default=str).casefold()
            found += [f"{model._meta.label}#{row[0]}: {v}" for v in values if v.casefold() in text]
    return found


def _files_naming(root, values: set[str], names: list[str]) -> list[str]:
    found = []
    for path in stored_files(root):
        relative = path.relative_to(root).as_posix()
        content = path.read_bytes()
        if relative in names or any(v.encode() in content or v in relative for v in values):
            found.append(relative)
    return found


def _cache_naming(values: set[str]) -> list[str]:
    store = getattr(cache, "_cache", {})  # the local-memory cache of the tests
    return [
        key
        for key, value in store.items()
        if any(v.encode() in key.encode() or v.encode() in pickle.dumps(pickle.loads(value)) for v in values)  # noqa: S301  # nosec B301
    ]


def test_teacher_sees_what_removal_will_do_before_removing(client, cast, maya_everywhere):
    maya = maya_everywhere[0]
    page = as_(client, cast.teacher_a.user).get(f"/accounts/pupils/{maya.pk}/remove/")
    assert page.status_code == 200
    summary = {kind: count for kind, count, _what in page.context["summary"]}
    assert summary["Messages"] == 2 and summary["Photos, clips and documents"] == 2
    assert page.context["refusals"] == []


def test_removed_pupil_leaves_no_trace_in_any_table_file_or_cache(
    client, cast, twinning, maya_everywhere, media_root, django_capture_on_commit_callbacks
):
    maya, thread, hers, own_thread, files, other = maya_everywhere
    values = _identifiers(maya)
    # Each search finds what is there before (the cache keeps nothing about people: sessions are in
    # the database; an entry is put there only to show that the search would find one).
    assert _rows_naming(values) and len(_files_naming(media_root, values, files)) == 3
    cache.set("probe", {"name": maya.display_name})
    assert _cache_naming(values) == [":1:probe"]
    cache.delete("probe")

    with django_capture_on_commit_callbacks(execute=True):  # the files go once the erasure commits
        response = as_(client, cast.teacher_a.user).post(f"/accounts/pupils/{maya.pk}/remove/")

    assert response.status_code == 302
    assert _rows_naming(values) == []
    assert _files_naming(media_root, values, files) == []
    assert _cache_naming(values) == []
    assert not User.objects.filter(pk=maya.user_id).exists()
    hers.refresh_from_db()
    assert (hers.author_id, hers.body) == (None, "")
    own_thread.refresh_from_db()
    assert (own_thread.author_id, own_thread.title, own_thread.shown_title) == (None, "", "A removed topic")
    assert list(MediaItem.objects.values_list("pk", flat=True)) == [other.pk]
    entry = AuditEntry.objects.get(action="privacy.pupil_erased")
    assert (entry.actor, entry.target_id) == (cast.teacher_a.user, None)
    assert entry.data["rows"]["workspace.Post"] == 2 and entry.data["rows"]["workspace.MediaItem"] == 2


def test_partner_school_sees_nothing_of_a_removed_pupil(client, cast, twinning, maya_everywhere):
    maya, thread, hers, _own, _files, other = maya_everywhere
    tagged = MediaItem.objects.get(title="Class photo")
    as_(client, cast.teacher_a.user).post(f"/accounts/pupils/{maya.pk}/remove/")
    partner = as_(client, cast.teacher_b.user, "en")
    page = partner.get(f"/twinnings/{twinning.pk}/forum/{thread.pk}/").content.decode()
    assert maya.display_name not in page and "Yarkon" not in page
    assert page.count("This message was removed.") == 2  # her post, and the reply quoting it
    assert partner.get(f"/twinnings/{twinning.pk}/media/{tagged.pk}/file/").status_code == 404
    media = partner.get(f"/twinnings/{twinning.pk}/media/").content.decode()
    assert "Class photo" not in media and "My drawing" not in media and "The school garden" in media
    notifications = partner.get("/notifications/").content.decode()
    assert maya.display_name not in notifications
    # The thread she started stays for the others' messages in it; its title, hers, does not.
    forum = partner.get(f"/twinnings/{twinning.pk}/forum/").content.decode()
    assert "Football" not in forum and "A removed topic" in forum
    assert "Football" not in partner.get(f"/twinnings/{twinning.pk}/workspace/").content.decode()
    # The partner school's pupil, in the twinning too, reads the same thread and media without her.
    tom = Pupil.objects.get(display_name="Tom W.")
    as_(client, cast.teacher_b.user).post(f"/twinnings/{twinning.pk}/members/", {"pupil": [tom.pk]})
    pupil = as_(client, tom.user, "en")
    page = pupil.get(f"/twinnings/{twinning.pk}/forum/{thread.pk}/").content.decode()
    assert pupil.get(f"/twinnings/{twinning.pk}/forum/{thread.pk}/").status_code == 200
    assert maya.display_name not in page and "Yarkon" not in page and "This message was removed." in page
    media = pupil.get(f"/twinnings/{twinning.pk}/media/").content.decode()
    assert "Class photo" not in media and "My drawing" not in media


def test_removal_is_refused_while_a_parents_copy_waits(
    client, cast, maya_everywhere, media_root, django_capture_on_commit_callbacks
):
    maya = maya_everywhere[0]
    teacher = as_(client, cast.teacher_a.user, "en")
    with django_capture_on_commit_callbacks(execute=True):  # the copy is built by a job once asked
        teacher.post(f"/accounts/pupils/{maya.pk}/data/")
    export = DataExport.objects.get(subject=maya.user)
    assert export.status == DataExport.Status.READY
    page = teacher.get(f"/accounts/pupils/{maya.pk}/remove/")
    assert page.context["refusals"] and "has not been downloaded yet" in page.context["refusals"][0]
    refused = teacher.post(f"/accounts/pupils/{maya.pk}/remove/", follow=True)
    assert Pupil.objects.filter(pk=maya.pk).exists()
    assert "has not been downloaded yet" in refused.content.decode()
    download = teacher.post(f"/accounts/profile/data/{export.pk}/")
    b"".join(download.streaming_content)  # read to its end: the response closes, as once sent
    assert teacher.post(f"/accounts/pupils/{maya.pk}/remove/").status_code == 302
    assert not Pupil.objects.filter(pk=maya.pk).exists()


def test_only_the_pupils_own_school_may_remove_them(client, cast, maya_everywhere):
    maya = maya_everywhere[0]
    for outsider in (cast.teacher_b.user, cast.pending_il.user, cast.nso_il, cast.coordinator):
        assert as_(client, outsider).get(f"/accounts/pupils/{maya.pk}/remove/").status_code == 404
        assert as_(client, outsider).post(f"/accounts/pupils/{maya.pk}/remove/").status_code == 404
    assert Pupil.objects.filter(pk=maya.pk).exists()
    # The principal of the pupil's school may.
    assert as_(client, cast.principal_a).post(f"/accounts/pupils/{maya.pk}/remove/").status_code == 302
    assert not Pupil.objects.filter(pk=maya.pk).exists()


def test_teacher_who_is_the_only_contact_cannot_close_their_account(client, cast, twinning):
    teacher = as_(client, cast.teacher_a.user, "en")
    page = teacher.get("/accounts/profile/close/")
    assert "only contact" in page.context["refusals"][0]
    teacher.post("/accounts/profile/close/")
    assert User.objects.filter(pk=cast.teacher_a.user.pk).exists()


def test_teacher_closes_their_account_and_their_twinning_passes_to_the_second_contact(client, cast, twinning):
    second = testing.make_teacher(school=cast.school_a, name="Second Teacher")
    row = twinning.schools.get(school=cast.school_a)
    twinning_services.set_contacts(
        row=row, contact=cast.teacher_a.user, second_contact=second.user, by=cast.teacher_a.user
    )
    thread = workspace.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Welcome", body="Dana writes")
    email = cast.teacher_a.user.email

    response = as_(client, cast.teacher_a.user).post("/accounts/profile/close/")

    assert response.status_code == 302
    assert not User.objects.filter(email=email).exists()
    row.refresh_from_db()
    assert (row.contact, row.second_contact) == (second.user, None)
    assert Post.objects.get(thread=thread).body == ""
    assert _rows_naming({email, "Dana Levi"}) == []
    assert client.get("/accounts/profile/").status_code == 302  # signed out
    page = as_(client, cast.teacher_b.user, "en").get(f"/twinnings/{twinning.pk}/forum/{thread.pk}/")
    assert "Dana" not in page.content.decode() and "A former participant" in page.content.decode()


def test_pupils_and_administrators_cannot_close_their_own_account(client, cast, pupils):
    maya = pupils[0]
    assert as_(client, maya.user).get("/accounts/profile/close/").status_code == 404
    assert as_(client, cast.admin).post("/accounts/profile/close/").status_code == 404
    assert User.objects.filter(pk=maya.user_id).exists() and User.objects.filter(pk=cast.admin.pk).exists()


def test_erasure_runs_every_registered_rule(cast, pupils):
    # The register is what erasure follows: the refusal rules of twinnings and exports are in it.
    person = privacy.person_for(pupils[0].user)
    assert privacy.erasure_refusals(person) == []
    assert {check.__module__ for check in privacy._refusals} >= {
        "twinning.twinnings.privacy",
        "twinning.common.personal_data",
    }


def test_a_closed_accounts_community_messages_read_as_removed(client, cast):
    from twinning.communities import services as communities
    from twinning.communities.models import Post as CommunityPost
    from twinning.communities.tests.conftest import make

    community = make(cast)
    for teacher in (cast.teacher_a, cast.teacher_b):
        communities.join(community=community, user=teacher.user)
    as_(client, cast.teacher_b.user).post(
        f"/communities/{community.pk}/threads/", {"title": "Reading clubs", "body": "Sarah's **reading** club"}
    )
    thread = CommunityPost.objects.get().thread
    as_(client, cast.teacher_a.user).post(f"/communities/{community.pk}/threads/{thread.pk}/", {"body": "Thanks!"})

    assert as_(client, cast.teacher_b.user).post("/accounts/profile/close/").status_code == 302

    page = as_(client, cast.teacher_a.user, "en").get(f"/communities/{community.pk}/threads/{thread.pk}/")
    text = page.content.decode()
    assert "Sarah" not in text and "reading" not in text
    assert "This message was removed." in text and "Thanks!" in text
