"""Every uploaded file, in one place: what it really is, whether it may be kept, and a clean copy.

    from twinning.common.uploads import UploadRefused, examine, kept_file, safe_name

    with examine(upload, accept=("photo", "document")) as checked, kept_file("app/42", checked) as stored:
        Row.objects.create(file=stored, content_type=checked.kind.content_type, size=checked.size)

The file name and the browser's declared type are never trusted: the first bytes decide the
type, each type has its own size limit checked before anything is decoded, and then:
- photos are decoded and encoded again (no EXIF, GPS, XMP, comments, thumbnails), within pixel,
  canvas and frame limits read from their headers (engine/photos.py);
- video and sound are remuxed by ffmpeg with only their audio and video streams, no metadata,
  chapters, data or cover pictures, then read back to prove it (audiovideo.py);
- PDFs lose their document information, XMP and scripts; Office and OpenDocument files their
  authors and company, with ZIP members judged by their header sizes (engine/pdfs.py, zips.py);
- text must be UTF-8.
Photos and documents are read in a capped child process (processes.py); the request itself is
bounded by RequestSizeLimitMiddleware (middleware.py).
"""

from twinning.common.uploads.keeping import Checked, examine, kept_file, safe_name
from twinning.common.uploads.kinds import KINDS, LARGEST, Kind, UploadRefused

__all__ = ["KINDS", "LARGEST", "Checked", "Kind", "UploadRefused", "examine", "kept_file", "safe_name"]
