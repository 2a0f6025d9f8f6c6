"""Version 1 of the JSON API, at ``/api/v1/``; its OpenAPI schema at ``/api/v1/openapi.json`` and its
documentation page at ``/api/v1/docs``, both written by Django Ninja from this package
(one module per area, joined in ``__init__.py``).

Every operation asks the apps' own access functions (``rules.py``) which objects the token's person
may see, and writes through their services, so a page and the API never disagree on who may do
what: an object that is not yours is a 404 here as it is there. Long lists are paged by a cursor
(the last id seen, signed and tied to its list), so a page costs the same at the 500th as at the
first.
"""

import copy
from datetime import datetime
from typing import Annotated, Any

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path, Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

from twinning.api.auth import TokenAuth
from twinning.api.errors import ApiError, not_found
from twinning.common.errors import ServiceError


class TwinningAPI(NinjaAPI):
    """Django Ninja's API, whose OpenAPI schema is written once per address and language.

    Ninja writes the schema afresh from every operation's types at each request for
    ``openapi.json`` (about a third of a second of processor time); the operations are all
    registered when the URLs are loaded, so the schema of an address and a language never changes
    while the process lives. Each caller gets its own copy.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[tuple[str, str | None], dict] = {}

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, get_language())
        if key not in self._schemas:
            self._schemas[key] = dict(super().get_openapi_schema(path_prefix=path_prefix))
        return copy.deepcopy(self._schemas[key])


api = TwinningAPI(
    title="Twinning API",
    version="1",
    description=(
        "Read and change the platform's data on a person's behalf with a personal access token "
        "(`Authorization: Bearer tw_…`), made on the tokens page. Errors are "
        '`{"code": "…", "message": "…"}`, the message in the language of `Accept-Language`.'
    ),
    urls_namespace="api-v1",
    auth=TokenAuth(),
    docs=Swagger(settings={"persistAuthorization": False}),
)


# --- Errors -------------------------------------------------------------------------------------


class ErrorOut(Schema):
    code: str = Field(description="Stable, for programs: not_found, invalid, unauthenticated, …")
    message: str = Field(description="For people, in the language of Accept-Language.")


class FieldProblem(Schema):
    where: list[str | int]
    problem: str


class InvalidOut(ErrorOut):
    problems: list[FieldProblem]


def _respond(request, error: ApiError):
    response = api.create_response(request, error.body(), status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return _respond(request, exc)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _respond(request, not_found())


@api.exception_handler(ServiceError)
def _refused(request, exc: ServiceError):
    return _respond(request, ApiError(409, "refused", str(exc)))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _respond(request, ApiError(401, "unauthenticated", _("Send a personal access token.")))


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    problems = [
        {"where": [str(part) for part in error.get("loc", ())], "problem": error.get("type", "invalid")}
        for error in exc.errors
    ]
    return _respond(
        request,
        ApiError(
            422, "invalid", _("Some of what you sent is missing or not valid: see “problems”."), problems=problems
        ),
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # Django Ninja raises these itself, e.g. for a body that is not JSON.
    if exc.status_code == 400:
        return _respond(request, ApiError(400, "malformed", _("The body is not valid JSON.")))
    return _respond(request, ApiError(exc.status_code, "error", str(exc)))


REFUSALS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: InvalidOut,
    429: ErrorOut,
}


# Ids are the database's 64-bit keys: a larger number cannot name anything, and is refused as invalid.
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


# --- Paging -------------------------------------------------------------------------------------

CURSOR_SALT = "twinning.api.cursor"


class PageQuery(Schema):
    cursor: str | None = Field(None, description="The `next` of the previous page; leave out for the first.")
    limit: int = Field(50, ge=1, le=settings.API_PAGE_MAX, description="Items per page.")


def paged(queryset, *, list_key: str, paging: PageQuery):
    """One page of ``queryset`` in id order after the cursor, and the cursor of the next page."""
    after = 0
    if paging.cursor:
        try:
            data = signing.loads(paging.cursor, salt=CURSOR_SALT)
        except signing.BadSignature:
            raise ApiError(
                400, "bad_cursor", _("This page cursor is not valid: send the “next” of the previous page.")
            ) from None
        if not isinstance(data, dict) or data.get("list") != list_key or not isinstance(data.get("after"), int):
            raise ApiError(400, "bad_cursor", _("This page cursor belongs to another list or other filters."))
        after = data["after"]
    rows = list(queryset.filter(pk__gt=after).order_by("pk")[: paging.limit + 1])
    following = None
    if len(rows) > paging.limit:
        rows = rows[: paging.limit]
        following = signing.dumps({"list": list_key, "after": rows[-1].pk}, salt=CURSOR_SALT)
    return rows, following


# --- Who am I -----------------------------------------------------------------------------------


class MeOut(Schema):
    id: int
    name: str
    email: str | None = Field(description="None for an NSO's system (an OAuth client), which has no address.")
    token: str = Field(description="The name of the token used.")
    scopes: list[str]
    token_expires_at: datetime


me_router = Router(tags=["you"])


@me_router.get("/me", response={200: MeOut, **REFUSALS}, summary="Who the token acts for")
def me(request):
    token = request.api_token
    return {
        "id": request.user.pk,
        "name": request.user.full_name,
        "email": request.user.email,
        "token": token.name,
        "scopes": token.scopes,
        "token_expires_at": token.expires_at,
    }
