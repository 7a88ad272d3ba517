"""Django's deployment checklist passes on the production settings (what `make check-deploy`
runs), and the production settings behave like a deployment behind an HTTPS proxy."""

import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from tests.config.conftest import REPO, clean_environment

PRODUCTION = "jiedan.config.settings.production"


def _production_environment(tmp_path, **overrides):
    variables = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "jiedan.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    variables.update(overrides)
    return clean_environment(tmp_path, PRODUCTION, **variables)


def _check_deploy(tmp_path, **overrides):
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [
            sys.executable,
            str(REPO / "manage.py"),
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=_production_environment(tmp_path, **overrides),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    # when Django's deployment checks run on the production settings with a strong key
    completed = _check_deploy(tmp_path)
    # then they pass, with no warning at all
    assert completed.returncode == 0, completed.stderr
    assert "System check identified no issues" in completed.stdout


@pytest.mark.parametrize(
    ("overrides", "issue"),
    [
        ({"SECRET_KEY": "too-short"}, "security.W009"),
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
    ],
)
def test_a_weakened_deployment_fails_the_checklist(tmp_path, overrides, issue):
    # given the production settings weakened through the environment
    completed = _check_deploy(tmp_path, **overrides)
    # then the checklist fails and names the problem
    assert completed.returncode != 0
    assert issue in completed.stderr + completed.stdout


PROBE = """
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="jiedan.example.org")
for path, extra in [
    ("/healthz", {}),
    ("/en/", {}),
    ("/healthz", {"HTTP_X_FORWARDED_PROTO": "https"}),
]:
    response = client.get(path, **extra)
    print(path, extra.get("HTTP_X_FORWARDED_PROTO", "http"), response.status_code,
          response.get("Location", "-"), response.get("Strict-Transport-Security", "-"))
"""


def test_production_redirects_pages_to_https_but_not_the_probes(tmp_path):
    # given the production settings behind a proxy that terminates HTTPS
    completed = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", PROBE],
        env=_production_environment(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    # then the load balancer's plain-HTTP liveness probe is answered in place
    assert lines[0] == "/healthz http 200 - -"
    # while a page over plain HTTP is sent to HTTPS
    assert lines[1] == "/en/ http 301 https://jiedan.example.org/en/ -"
    # and HTTPS responses tell browsers to stay on HTTPS for a year, subdomains included
    path, scheme, status, _location, hsts = lines[2].split(" ", 4)
    assert (path, scheme, status) == ("/healthz", "https", "200")
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts
    assert "preload" in hsts
