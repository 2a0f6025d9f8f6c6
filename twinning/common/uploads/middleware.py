"""No request body larger than the largest upload is read, whatever the server in front does.

A body that declares a larger Content-Length is answered 413 before a byte of it is read. A
chunked body (no Content-Length; gunicorn passes it on and marks the stream as terminated) is
spooled to a temporary file, counting as it goes, and refused as soon as it passes the limit; a
body within the limit is then handed to Django as if it had declared its length. A chunked body
from a server that cannot end the stream (runserver) is answered 411.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.shortcuts import render
from django.utils.translation import gettext as _

from twinning.common.uploads.engine.limits import MIB
from twinning.common.uploads.kinds import LARGEST

SPOOL_CHUNK = 64 * 1024


def request_limit() -> int:
    """The largest upload plus room for the form's other fields (UPLOAD_MAX_REQUEST_SIZE overrides it)."""
    return getattr(settings, "UPLOAD_MAX_REQUEST_SIZE", None) or LARGEST + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = request_limit()
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.strip():
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0:
                return _refuse(request, 400, _("This request could not be read. Send it again from the page."))
            if length > limit:
                return _too_large(request, limit)
            return self.get_response(request)
        if "chunked" not in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self.get_response(request)
        if not request.META.get("wsgi.input_terminated"):
            return _refuse(request, 411, _("This request could not be read. Send it again from the page."))
        # Not a `with`: the spooled body lives until the response is closed (see below).
        spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        stream, length = request.META["wsgi.input"], 0
        while chunk := stream.read(SPOOL_CHUNK):
            length += len(chunk)
            if length > limit:
                spool.close()
                return _too_large(request, limit)
            spool.write(chunk)
        spool.seek(0)
        request.META["CONTENT_LENGTH"] = str(length)
        # Django read the missing length as an empty body; it reads the spooled one instead.
        request._stream = LimitedStream(spool, length)
        try:
            response = self.get_response(request)
        except BaseException:
            spool.close()
            raise
        response._resource_closers.append(spool.close)
        return response


def _too_large(request, limit: int):
    largest = min(limit, LARGEST) // MIB
    message = _("This file is too large to send: at most %(limit)d MB at a time.") % {"limit": largest}
    return _refuse(request, 413, message)


def _refuse(request, status: int, message: str):
    # The rest of the body is never read; the server closes the connection (no WSGI application
    # may set the hop-by-hop Connection header itself).
    return render(request, "common/request_refused.html", {"message": message}, status=status)
