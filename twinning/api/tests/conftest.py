"""The API's test helpers: tokens for the cast, and a client whose every answer is checked against
the published OpenAPI schema (its status declared for the operation, its body valid for it)."""

import json
import re
from functools import cache

import pytest
from django.test import Client
from django.urls import resolve
from jsonschema import Draft202012Validator

from twinning.api import scopes, services
from twinning.api.v1 import api

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


@cache
def published_schema() -> dict:
    # What /api/v1/openapi.json serves, read as a client would.
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def operation_of(path: str, method: str) -> dict:
    """The schema's operation serving ``path`` (a real URL), found through Django's own routing."""
    route = "/" + _PARAM.sub(r"{\1}", resolve(path.split("?")[0]).route)
    paths = published_schema()["paths"]
    assert route in paths, f"{route} is served but not in the schema"
    operation = paths[route].get(method.lower())
    assert operation is not None, f"{method} {route} is served but not in the schema"
    return operation


def check_against_schema(response, path: str, method: str) -> None:
    """Fail unless the answer is one the schema declares for this operation, with a valid body."""
    operation = operation_of(path, method)
    declared = operation["responses"]
    status = str(response.status_code)
    assert status in declared, f"{method} {path} answered {status}, not declared ({sorted(declared)})"
    content = declared[status].get("content", {})
    kind = response["Content-Type"].split(";")[0]
    assert not content or kind in content, f"{method} {path} answered {kind}, declared {sorted(content)}"
    if kind != "application/json":
        return
    schema = {**content["application/json"]["schema"], "components": published_schema().get("components", {})}
    Draft202012Validator(schema).validate(json.loads(response.content))


class ApiClient:
    """Calls the API with a token and the caller's language; checks every answer against the schema."""

    def __init__(self, token: str | None = None, language: str = "en"):
        self.client = Client()
        self.token = token
        self.language = language

    def _headers(self) -> dict:
        headers = {"HTTP_ACCEPT_LANGUAGE": self.language}
        if self.token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        return headers

    def get(self, path: str):
        response = self.client.get(path, **self._headers())
        check_against_schema(response, path, "GET")
        return response

    def post(self, path: str, body=None, *, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        response = self.client.post(path, data, content_type="application/json", **self._headers())
        check_against_schema(response, path, "POST")
        return response

    def patch(self, path: str, body=None, *, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        response = self.client.patch(path, data, content_type="application/json", **self._headers())
        check_against_schema(response, path, "PATCH")
        return response


def token_for(user, *, scopes_wanted: list[str] | None = None, name: str = "Tests", days: int = 30) -> str:
    return services.create_token(
        user=user, name=name, scopes_wanted=scopes_wanted or scopes.all_scopes(), days=days
    ).value


@pytest.fixture
def api_as():
    """``api_as(user)``: an API client with a token of all scopes for ``user`` (or ``scopes_wanted``)."""

    def make(user, *, scopes_wanted: list[str] | None = None, language: str = "en") -> ApiClient:
        return ApiClient(token_for(user, scopes_wanted=scopes_wanted), language=language)

    return make


__all__ = ["ApiClient", "api", "check_against_schema", "token_for"]
