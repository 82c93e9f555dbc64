"""Production settings from the environment: headers, HTTPS, check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k7#Qz!9vR2@mW5xL8pT3^nB6yF1&hJ4cD0sG-eU*aV+oI=rK%Lw7!Xe2$Pq",
    "DJANGO_ALLOWED_HOSTS": "frontoffice.example.it",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "1",
    "DJANGO_SSL_REDIRECT": "1",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_HSTS_SUBDOMAINS": "1",
    "DJANGO_HSTS_PRELOAD": "1",
    "DJANGO_SECURE_COOKIES": "1",
}


def test_check_deploy_is_clean_with_production_variables():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    env.update(PRODUCTION)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get("/accesso/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_an_inline_script_or_handler():
    # The policy allows scripts from files only: an inline one would not run.
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for marker in ("<script>", " onclick=", " onchange=", " onsubmit=", " onload="):
            if marker in text:
                offenders.append(f"{path.relative_to(ROOT)}: {marker.strip()}")
    assert offenders == []


def test_sessions_last_a_working_day(settings):
    assert settings.SESSION_COOKIE_AGE == 9 * 3600


def test_passwords_are_hashed_with_argon2():
    # The tests themselves hash fast (conftest): read the project's setting.
    from frontoffice import settings as project

    assert project.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
