"""A copy of one's data (or of a pupil's, for their parent): built by a job from the privacy register,
downloaded once by whoever asked, audited, and never naming another child."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from twinning import testing
from twinning.accounts.models import Pupil
from twinning.common.models import AuditEntry, DataExport
from twinning.common.uploads.tests.corpus import stored_files
from twinning.testing import as_
from twinning.workspace import services as workspace

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (10, 120, 40)).save(out, "PNG")
    return out.getvalue()


def _ask_and_download(client, url, django_capture_on_commit_callbacks) -> tuple[zipfile.ZipFile, DataExport]:
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    export = DataExport.objects.latest("pk")
    assert export.status == DataExport.Status.READY
    response = client.post(f"/accounts/profile/data/{export.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    # Reading the stream to its end closes the response, as a server does once it is sent (which
    # runs the step that removes the file). Closing it again here would fire request_finished a
    # second time, outside the test client's care, and close the test's database connection.
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return archive, export


@pytest.fixture
def classmates(client, cast, twinning, pupils, media_root):
    """Maya and her classmate Noam in the twinning, in one thread and one photo."""
    maya, _tom = pupils
    testing.create_pupils_on_the_page(client, cast.teacher_a, ["Noam R."])
    noam = Pupil.objects.get(display_name="Noam R.")
    as_(client, cast.teacher_a.user).post(f"/twinnings/{twinning.pk}/members/", {"pupil": [noam.pk]})
    for pupil in (maya, noam):
        pupil.consent_face = True
        pupil.save(update_fields=["consent_face"])
    twinning.moderate_pupils = False
    twinning.save(update_fields=["moderate_pupils"])
    thread = workspace.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Rivers", body="Tell us")
    workspace.reply(thread=thread, by=maya.user, body="We swim in the Yarkon.")
    workspace.reply(thread=thread, by=noam.user, body="I prefer the sea.")
    workspace.upload_media(
        twinning=twinning,
        by=cast.teacher_a.user,
        upload=SimpleUploadedFile("class.png", _png()),
        title="Our class",
        pupils=[maya, noam],
    )
    return maya, noam


def test_teacher_downloads_a_pupils_data_for_the_parent(
    client, cast, classmates, media_root, django_capture_on_commit_callbacks
):
    maya, noam = classmates
    teacher = as_(client, cast.teacher_a.user, "en")
    archive, export = _ask_and_download(client, f"/accounts/pupils/{maya.pk}/data/", django_capture_on_commit_callbacks)
    names = archive.namelist()
    everything = "".join(archive.read(name).decode() for name in names if name.endswith(".json"))
    workspace_data = json.loads(archive.read("workspace.json"))
    assert [post["body"] for post in workspace_data["workspace.Post"]] == ["We swim in the Yarkon."]
    (photo,) = workspace_data["workspace.MediaItem"]
    assert (photo["title"], photo["uploader"]) == ("Our class", "another participant")
    assert photo["file"] in names
    assert json.loads(archive.read("accounts.json"))["accounts.Pupil"][0]["display_name"] == "Maya K."
    # Nothing of the classmate: neither her name nor what she wrote.
    assert "Noam" not in everything and "sea" not in everything
    assert "Dana Levi" not in everything  # the teacher is "another participant"
    # Downloaded once: the file is gone and the link answers 404.
    export.refresh_from_db()
    assert export.status == DataExport.Status.DOWNLOADED
    assert not any(path.name.endswith(".zip") for path in stored_files(media_root))
    assert teacher.post(f"/accounts/profile/data/{export.pk}/").status_code == 404
    actions = list(AuditEntry.objects.filter(action__startswith="privacy.export").values_list("action", "actor"))
    assert actions == [
        ("privacy.export_downloaded", cast.teacher_a.user.pk),
        ("privacy.export_requested", cast.teacher_a.user.pk),
    ]


def test_anyone_signed_in_downloads_their_own_data(client, cast, classmates, django_capture_on_commit_callbacks):
    maya, _noam = classmates
    as_(client, maya.user, "en")
    archive, export = _ask_and_download(client, "/accounts/profile/data/", django_capture_on_commit_callbacks)
    assert export.subject == maya.user
    assert json.loads(archive.read("accounts.json"))["accounts.User"][0]["username"] == maya.user.username
    as_(client, cast.teacher_b.user, "en")
    archive, _ = _ask_and_download(client, "/accounts/profile/data/", django_capture_on_commit_callbacks)
    assert json.loads(archive.read("accounts.json"))["accounts.User"][0]["email"] == cast.teacher_b.user.email
    assert "workspace.json" not in archive.namelist()  # Sarah wrote nothing in the workspace


def test_the_profile_page_offers_the_copy_and_lists_it(client, cast, django_capture_on_commit_callbacks):
    teacher = as_(client, cast.teacher_b.user, "en")
    page = teacher.get("/accounts/profile/")
    assert b'data-testid="request-export"' in page.content and b"/accounts/profile/close/" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post("/accounts/profile/data/")
    again = teacher.post("/accounts/profile/data/", follow=True)
    assert "already being prepared" in again.content.decode()
    assert DataExport.objects.count() == 1
    assert b'data-testid="download-export"' in teacher.get("/accounts/profile/").content


def test_nobody_else_asks_for_or_downloads_a_copy(client, cast, classmates, django_capture_on_commit_callbacks):
    maya, _noam = classmates
    for outsider in (cast.teacher_b.user, cast.pending_il.user, cast.coordinator, maya.user):
        assert as_(client, outsider).post(f"/accounts/pupils/{maya.pk}/data/").status_code == 404
    assert not DataExport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        as_(client, cast.teacher_a.user).post(f"/accounts/pupils/{maya.pk}/data/")
    export = DataExport.objects.get()
    for outsider in (cast.teacher_b.user, maya.user, cast.principal_a):
        assert as_(client, outsider).post(f"/accounts/profile/data/{export.pk}/").status_code == 404
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
