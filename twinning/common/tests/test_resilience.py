"""Pages under faults: the database away, the cache away, mail through the queue, errors people can act on."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.db import OperationalError
from django.test import override_settings
from django.urls import path

from twinning.common.models import Email, Job
from twinning.testing import PASSWORD

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "twinning.common.cache.ResilientRedisCache",
        # Nothing listens on port 1: every call fails at once, as when Redis is down.
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


def _database_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(SessionStore, "load", refuse)


def test_ready_reports_database_cache_and_queue(client):
    report = client.get("/ready/").json()

    assert report["status"] == "ok"
    assert (report["database"]["ok"], report["cache"]["ok"], report["queue"]["ok"]) == (True, True, True)
    assert (report["queue"]["waiting"], report["queue"]["oldest_waiting_seconds"]) == (0, 0)


def test_ready_is_503_when_the_database_is_down(client, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(self, *args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    response = client.get("/ready/")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_ready_counts_the_oldest_waiting_job(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.JOBS_IMMEDIATE = False
    Job.objects.create(name="common.prune_queue", run_at=timezone.now() - timedelta(minutes=20))

    report = client.get("/ready/").json()

    assert report["status"] == "degraded"
    assert (report["queue"]["waiting"], report["queue"]["late"]) == (1, True)
    assert report["queue"]["oldest_waiting_seconds"] >= 1200


@pytest.mark.parametrize(
    ("language", "direction", "words"),
    [("he", "rtl", "נחזור בעוד רגע"), ("ar", "rtl", "نعود بعد لحظة"), ("en", "ltr", "Back in a moment")],
)
def test_database_outage_is_a_translated_503_with_retry_after(client, cast, monkeypatch, language, direction, words):
    client.force_login(cast.teacher_a.user)
    client.raise_request_exception = False
    _database_down(monkeypatch)

    response = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE=language)

    html = response.content.decode()
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert words in html
    assert "data-drafts-keep" in html


def _boom(request):
    raise RuntimeError("a bug")


# This module is also the URLconf of the 500 test: one view that fails, and the project's handler.
urlpatterns = [path("boom/", _boom)]
handler500 = "twinning.common.views.server_error"


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_is_a_translated_500(client):
    client.raise_request_exception = False
    client.cookies["twinning_language"] = "ar"

    response = client.get("/boom/")

    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="ar" dir="rtl">' in html
    assert "حدث خطأ" in html
    assert "Server Error" not in html


def test_expired_form_keeps_the_text_and_says_so(cast, settings):
    from django.test import Client

    cast.teacher_a.user.preferred_language = "he"
    cast.teacher_a.user.save(update_fields=["preferred_language"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.teacher_a.user)

    response = client.post("/accounts/profile/", {"full_name": "x"})

    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="he" dir="rtl">' in html
    assert "data-drafts-keep" in html


@override_settings(CACHES=DEAD_REDIS)
def test_signed_in_pages_and_posts_work_with_the_cache_down(client, cast):
    from django.core.cache import cache

    response = client.post("/accounts/sign-in/", {"username": cast.teacher_a.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/twinnings/").status_code == 200
    assert client.get("/notifications/").status_code == 200
    assert client.get("/learning/verify/UNKNOWN1234/").status_code in (302, 404)
    assert cache.get("anything") is None
    assert client.get("/ready/").json()["cache"] == {"ok": False, "shared": True}


def test_password_reset_mail_goes_through_the_queue(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": cast.teacher_a.user.email})

    assert response.status_code == 302
    email = Email.objects.get()
    assert (email.status, email.to) == ("sent", [cast.teacher_a.user.email])
    assert [m.to for m in mail.outbox] == [[cast.teacher_a.user.email]]


def test_production_mail_has_a_timeout():
    from django.conf import settings

    assert settings.EMAIL_TIMEOUT == 20
    assert settings.EMAIL_BACKEND == "twinning.common.mail.QueuedEmailBackend"
