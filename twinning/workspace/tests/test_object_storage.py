"""Media on object storage (TWINNING_MEDIA_STORAGE=s3), tried against a real S3 API on loopback.

The test starts moto's S3 server on a spare port in a process of its own and points the default
storage at a bucket there, as settings does from the environment. A teacher shares a phone photo
through the workspace's page: the cleaned original and its light copies (made by the background
job) are objects in the bucket, nothing is written to the local media folder, the partner reads
them back through the access-checked views, an outsider gets 404, no object is readable without
credentials or carries a public grant, and the file sweep and removal work on the bucket.
"""

import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from twinning import testing
from twinning.common.files import sweep
from twinning.common.privacy import delete_rows
from twinning.common.storage import PrivateS3Storage
from twinning.common.uploads.tests import corpus
from twinning.common.uploads.tests.corpus import stored_files
from twinning.testing import as_
from twinning.workspace.models import MediaItem, MediaVariant

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("object_storage")]

BUCKET = "twinning-media"
KEYS = {"aws_access_key_id": "twinning-test", "aws_secret_access_key": "twinning-test-secret"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on loopback, stopped when the module's tests are done."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603  # our own fixed command
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "false"},
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, settings, media_root):
    """A fresh private bucket as the default storage (the settings TWINNING_MEDIA_STORAGE=s3 makes)."""
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **KEYS)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "twinning.common.storage.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": None,
                "file_overwrite": False,
                "max_memory_size": 2_621_440,
                "object_parameters": {"CacheControl": "private, no-store"},
            },
        },
    }
    yield s3
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for entry in listed:
        s3.delete_object(Bucket=BUCKET, Key=entry["Key"])
    s3.delete_bucket(Bucket=BUCKET)


def keys(s3) -> set[str]:
    return {entry["Key"] for entry in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_shared_photo_lives_in_the_bucket_and_is_served_only_through_the_access_check(
    client, cast, twinning, bucket, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(client, cast.teacher_a.user).post(
            f"/twinnings/{twinning.pk}/media/",
            {"file": SimpleUploadedFile("IMG_0042.JPG", corpus.phone_photo()), "title": "Our playground"},
        )
    assert response.status_code == 302
    assert type(default_storage._wrapped) is PrivateS3Storage
    item = MediaItem.objects.get()
    variants = {variant.name: variant for variant in MediaVariant.objects.filter(item=item)}
    assert (item.preparation, sorted(variants)) == ("ready", ["screen", "thumb"])
    # The original and both copies are objects in the bucket; nothing was kept on the local disk.
    assert keys(bucket) == {item.file.name, variants["thumb"].file.name, variants["screen"].file.name}
    assert stored_files(media_root) == []

    partner = as_(client, cast.teacher_b.user)
    served = partner.get(f"/twinnings/{twinning.pk}/media/{item.pk}/file/")
    stored = bucket.get_object(Bucket=BUCKET, Key=item.file.name)
    body = body_of(served)
    assert (served.status_code, served["Content-Type"], served["Content-Length"]) == (
        200,
        "image/jpeg",
        str(stored["ContentLength"]),
    )
    assert body == stored["Body"].read()
    photo = Image.open(io.BytesIO(body))
    assert (photo.format, len(photo.getexif()), b"Exif" in body) == ("JPEG", 0, False)
    assert "sandbox" in served["Content-Security-Policy"]
    thumb = partner.get(f"/twinnings/{twinning.pk}/media/{item.pk}/copy/thumb/")
    assert body_of(thumb) == bucket.get_object(Bucket=BUCKET, Key=variants["thumb"].file.name)["Body"].read()
    # Asked again with its ETag: 304, after the same access check.
    again = partner.get(f"/twinnings/{twinning.pk}/media/{item.pk}/file/", HTTP_IF_NONE_MATCH=served["ETag"])
    assert again.status_code == 304

    outsider = testing.make_teacher(school=testing.make_school(country=cast.uk, name="Other School"), name="Out")
    stranger = as_(client, outsider.user)
    assert stranger.get(f"/twinnings/{twinning.pk}/media/{item.pk}/file/").status_code == 404
    assert stranger.get(f"/twinnings/{twinning.pk}/media/{item.pk}/copy/thumb/").status_code == 404


def test_no_object_is_public_by_url(client, cast, twinning, bucket, s3_endpoint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_(client, cast.teacher_a.user).post(
            f"/twinnings/{twinning.pk}/media/",
            {"file": SimpleUploadedFile("IMG_0042.JPG", corpus.phone_photo()), "title": ""},
        )
    stored = keys(bucket)
    assert len(stored) == 3
    for key in stored:
        grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
        assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
        assert {grant["Grantee"]["Type"] for grant in grants} == {"CanonicalUser"}
        assert bucket.head_object(Bucket=BUCKET, Key=key)["CacheControl"] == "private, no-store"
    # Even knowing an object's name, a request without the bucket's credentials gets nothing.
    name = next(iter(stored))
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{BUCKET}/{name}", timeout=5)  # noqa: S310  # loopback test server
    assert refused.value.code == 403


def test_removal_and_the_sweep_work_on_the_bucket(client, cast, twinning, bucket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_(client, cast.teacher_a.user).post(
            f"/twinnings/{twinning.pk}/media/",
            {"file": SimpleUploadedFile("IMG_0042.JPG", corpus.phone_photo()), "title": ""},
        )
    # A file no row names (a process died between storing it and committing its row).
    orphan = default_storage.save("workspace/orphan.jpg", ContentFile(b"left behind"))
    report = sweep(grace=timedelta(0))
    assert (report.files, report.removed, report.missing) == (4, [orphan], [])
    assert orphan not in keys(bucket)
    with django_capture_on_commit_callbacks(execute=True):
        delete_rows(MediaItem.objects.all())
    assert keys(bucket) == set()


def _settings_with(**env) -> subprocess.CompletedProcess:
    script = (
        "from twinning import settings as s; o = s.STORAGES['default'].get('OPTIONS', {}); "
        "print(s.STORAGES['default']['BACKEND'], o.get('bucket_name'), o.get('endpoint_url'), o.get('default_acl'), "
        "o.get('file_overwrite'))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TWINNING_MEDIA", "TWINNING_S3"))}
    return subprocess.run(  # noqa: S603  # our own fixed command
        [sys.executable, "-c", script], env={**clean, **env}, capture_output=True, text=True
    )


def test_the_environment_chooses_the_storage_and_refuses_half_a_choice():
    assert _settings_with().stdout == "django.core.files.storage.FileSystemStorage None None None None\n"
    chosen = _settings_with(
        TWINNING_MEDIA_STORAGE="s3", TWINNING_S3_BUCKET="media", TWINNING_S3_ENDPOINT_URL="https://s3.example.org"
    )
    assert chosen.stdout == "twinning.common.storage.PrivateS3Storage media https://s3.example.org None False\n"
    no_bucket = _settings_with(TWINNING_MEDIA_STORAGE="s3")
    assert no_bucket.returncode == 1
    assert "Set TWINNING_S3_BUCKET when TWINNING_MEDIA_STORAGE=s3." in no_bucket.stderr
    unknown = _settings_with(TWINNING_MEDIA_STORAGE="ftp")
    assert "TWINNING_MEDIA_STORAGE is either filesystem (the default) or s3." in unknown.stderr
