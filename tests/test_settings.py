"""Settings by environment: production refuses to start without its secrets, passes check --deploy, and
every HTML page carries the security headers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings.base import mailer_from_env

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_VARIABLES = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "audit.example.com",
    "DATABASE_URL": "postgres://app:secret@db.example.com:5432/app",
}


def clean_environment():
    """This process's environment minus what tests set for themselves (browser tests allow async-unsafe ORM)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_with_production_settings(code_or_args, **variables):
    """Run Python with production settings and exactly the given variables (no inherited secrets)."""
    env = {k: v for k, v in clean_environment().items() if k not in PRODUCTION_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", **variables)
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("missing", sorted(PRODUCTION_VARIABLES))
def test_production_settings_refuse_to_start_without(missing):
    variables = {k: v for k, v in PRODUCTION_VARIABLES.items() if k != missing}
    result = run_with_production_settings("import django; django.setup()", **variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_settings_start_with_every_variable_set():
    result = run_with_production_settings(
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        **PRODUCTION_VARIABLES,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_check_deploy_reports_no_warnings():
    result = run_with_production_settings(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_VARIABLES
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_html_page_sends_a_strict_content_security_policy(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


def test_html_page_sends_nosniff_referrer_policy_and_frame_denial(client, db):
    response = client.get("/accounts/login/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_smtp_mailer_is_built_from_the_email_variables(monkeypatch):
    for name, value in {"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "mail.example.com", "EMAIL_PORT": "587",
                        "EMAIL_HOST_USER": "robot", "EMAIL_HOST_PASSWORD": "pw", "EMAIL_USE_TLS": "true"}.items():
        monkeypatch.setenv(name, value)
    mailer = mailer_from_env("console")
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    monkeypatch.delenv("EMAIL_TIMEOUT", raising=False)
    assert mailer_from_env("console")["OPTIONS"] == {
        "host": "mail.example.com", "port": 587, "username": "robot", "password": "pw",
        "use_tls": True, "use_ssl": False, "timeout": 10,
    }


def test_file_mailer_writes_where_email_file_path_says(monkeypatch, tmp_path):
    monkeypatch.setenv("EMAIL_BACKEND", "file")
    monkeypatch.setenv("EMAIL_FILE_PATH", str(tmp_path))
    assert mailer_from_env("smtp") == {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend", "OPTIONS": {"file_path": str(tmp_path)},
    }


def test_console_mailer_takes_no_options(monkeypatch):
    monkeypatch.delenv("EMAIL_BACKEND", raising=False)
    assert mailer_from_env("console") == {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}


def test_local_settings_write_emails_to_var_emails():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.core.mail import mailers; "
                               "print(mailers.default.file_path)"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env=clean_environment() | {"DJANGO_SETTINGS_MODULE": "config.settings.local"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(ROOT / "var" / "emails")
