import hashlib
from collections.abc import Callable
from functools import wraps

from django.http import FileResponse, Http404, HttpResponseNotModified
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, candidate: str) -> str:
    """``candidate`` if it is a page of this site (fit for a link or a redirect), else ""."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def redirect_back(request, candidate: str, default: str):
    """Redirect to ``candidate`` if it is a page of this site, else to ``default`` (a URL name or path)."""
    return redirect(safe_next(request, candidate) or default)


def posted_ids(request, name: str) -> list[int]:
    """The whole numbers posted under `name`; anything else (a tampered form) is ignored."""
    return [int(value) for value in request.POST.getlist(name) if value.isascii() and value.isdigit()]


def posted_id(request, name: str) -> int:
    """The one id posted under `name`, or 0 (which matches nothing) when it is missing or not a number."""
    ids = posted_ids(request, name)
    return ids[0] if ids else 0


class _FileResponseThen(FileResponse):
    """A file response that runs `then()` once it has been sent and closed."""

    def __init__(self, *args, then: Callable[[], None], **kwargs):
        super().__init__(*args, **kwargs)
        self._then = then

    def close(self):
        super().close()
        self._then()


def stored_file_response(
    file,
    *,
    content_type: str,
    filename: str,
    inline: bool,
    then: Callable[[], None] | None = None,
    request=None,
) -> FileResponse | HttpResponseNotModified:
    """A stored upload, sent after the caller has checked who may have it.

    Sent with the type found when it was uploaded (never guessed from the name); the browser keeps
    it private, and a document opened in the browser runs nothing and reaches nothing. A file
    missing from storage is a 404. `then` runs once the file has been sent (a copy of someone's data
    is removed then); such a response is kept by no cache at all.

    Given the `request`, the file is sent with an ETag (its stored name: a stored file is never
    rewritten under the same name), and a browser that already holds it is answered 304 with no
    body, after the caller's access check like any other answer.
    """
    etag = f'"{hashlib.sha256(file.name.encode()).hexdigest()[:32]}"' if then is None else None
    if etag is not None and request is not None:
        asked = [tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")]
        if etag in asked:
            unchanged = HttpResponseNotModified()
            unchanged["ETag"], unchanged["Cache-Control"] = etag, "private, max-age=3600"
            return unchanged
    # Object storage streams the file as it arrives (common/storage.py); a local file is opened.
    stream = getattr(file.storage, "open_stream", None)
    try:
        handle = stream(file.name) if stream is not None else file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    if then is None:
        response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
        response["Cache-Control"] = "private, max-age=3600"
        if etag is not None:
            response["ETag"] = etag
    else:
        response = _FileResponseThen(
            handle, content_type=content_type, as_attachment=not inline, filename=filename, then=then
        )
        response["Cache-Control"] = "no-store"
    if stream is not None:
        response["Content-Length"] = str(handle.size)
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    return response


def no_store(view):
    """For pages that show a secret (a new password, a reset link's form, an authenticator secret,
    recovery codes): no browser or proxy keeps a copy, so the Back button on a shared classroom
    computer cannot bring one back. ``Pragma`` is for old HTTP/1.0 caches.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response

    return wrapped
