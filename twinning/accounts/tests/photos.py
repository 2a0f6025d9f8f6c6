"""Small real images for the erasure tests: a PNG, and a photo shared in a twinning's workspace."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from twinning.workspace import services as workspace


def png(colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(out, "PNG")
    return out.getvalue()


def upload(twinning, by, *, title, pupils=()):
    """A photo shared in the twinning's workspace by `by`, showing `pupils`."""
    return workspace.upload_media(
        twinning=twinning, by=by, upload=SimpleUploadedFile("photo.png", png()), title=title, pupils=pupils
    )
