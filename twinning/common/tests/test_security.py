import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)


def run_manage(*args, env_overrides, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TWINNING_", "DATABASE_URL"))}
    env.update({"TWINNING_VAR_DIR": str(tmp_path), **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        env_overrides={
            "TWINNING_ENV": "production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "twinning.example.org",
        },
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage(
        "check",
        tmp_path=tmp_path,
        env_overrides={
            "TWINNING_ENV": "production",
            "DJANGO_ALLOWED_HOSTS": "twinning.example.org",
        },
    )

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_pages_load_nothing_from_outside(client, cast):
    client.force_login(cast.teacher_a.user)

    response = client.get(reverse("dashboard"))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    body = response.content.decode()
    assert "http://" not in body.replace("http://127.0.0.1", "")
    assert "https://" not in body


def test_forms_need_csrf(cast):
    from twinning.testing import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.nso_il)

    response = strict.post(reverse("schools:approve_teacher", args=[cast.pending_il.pk]))

    assert response.status_code == 403
    cast.pending_il.refresh_from_db()
    assert cast.pending_il.status == "pending"


def test_other_peoples_objects_are_404_whatever_the_id(client, cast):
    client.force_login(cast.teacher_b.user)
    for pk in [cast.pending_il.pk, cast.pending_uk.pk, 10**9]:
        assert client.get(reverse("schools:teacher_validation", args=[pk])).status_code == 404
        assert client.post(reverse("schools:vouch", args=[pk])).status_code == 404
