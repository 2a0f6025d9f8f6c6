"""The API's error bodies: one shape for every refusal, a code for programs and a sentence for people.

``{"code": "not_found", "message": "…"}``, the message in the caller's ``Accept-Language``. Codes
are stable; messages may be reworded.
"""

from django.utils.translation import gettext as _


class ApiError(Exception):
    """A refusal: its HTTP status, a stable code, a translated message and extra headers."""

    def __init__(self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None, **extra):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict:
        return {"code": self.code, "message": self.message, **self.extra}


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Nothing is there, or it is not yours to see."))


def scope_missing(area: str, access: str) -> ApiError:
    return ApiError(
        403,
        "scope_missing",
        _("This token may not do that: it needs the “%(scope)s” scope.") % {"scope": f"{area}:{access}"},
    )
