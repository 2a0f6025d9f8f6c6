"""Media on object storage (``TWINNING_MEDIA_STORAGE=s3``): a private S3-compatible bucket.

Every stored file is private: no object is written with a public ACL, no page links to the
bucket, and nothing is handed out as a signed URL. A file reaches a browser only through the
app's access-checked view (`common.http.stored_file_response`), which streams it from the bucket.
A signed URL would stay valid for its whole lifetime after a family took back their consent, a
teacher removed the photo, or moderation hid it, and anyone it was forwarded to could use it; the
view checks each time, sends the file's checked type with a sandboxing Content-Security-Policy,
and answers a browser that already holds it with 304. The price is that the web machines carry
the bytes (see docs/scaling.md).

The rest of the code uses Django's storage API only (save, open, delete, exists, size, listdir,
get_modified_time); uploads are checked and cleaned in a local temporary folder before they are
saved, and the workers copy an original to a local temporary folder before ffmpeg or Pillow read it.
"""

from __future__ import annotations

from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class Streamed:
    """A stored object read from the start to the end as it arrives, never held whole in memory
    or on disk: what a file response needs. Its length is known from the bucket's answer."""

    def __init__(self, body, *, name: str, size: int):
        self._body, self.name, self.size = body, name, size

    def read(self, amount: int = -1) -> bytes:
        return self._body.read(None if amount is None or amount < 0 else amount)

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self._body.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class PrivateS3Storage(S3Storage):
    """django-storages' S3 backend with a streaming read for sending files (`open_stream`).

    Its `open` (used by backups, exports and the workers) keeps django-storages' behaviour: the
    object is downloaded into a temporary file that may be read again and sought.
    """

    def open_stream(self, name: str) -> Streamed:
        key = self._normalize_name(clean_name(name))
        try:
            answer = self.bucket.Object(key).get()
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from error
            raise
        return Streamed(answer["Body"], name=name, size=int(answer["ContentLength"]))
