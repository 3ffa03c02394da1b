"""Configuration from the environment: production refuses to start half-configured, bad values fail loudly.

Settings are read once per process, so start-up is checked in a fresh `manage.py` process with an
environment built here, not the one the tests run in.
"""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from caseload.settings import database_from_url

# Variables that would leak the test run's own configuration into the checked process.
_CONFIG_VARIABLES = (
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL", "REDIS_URL",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "EMAIL_BACKEND", "SESSION_IDLE_MINUTES", "DB_CONN_MAX_AGE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)  # fmt: skip

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "caseload.agency.example",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return python("manage.py", *args, **env)


def python(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {key: value for key, value in os.environ.items() if key not in _CONFIG_VARIABLES}
    environ.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


START_UP = {
    "manage.py check": ("manage.py", "check"),
    "wsgi import": ("-c", "import caseload.wsgi"),
}


@pytest.mark.parametrize("command", START_UP.values(), ids=START_UP.keys())
@pytest.mark.parametrize("secret_key", [None, ""], ids=["unset", "empty"])
def test_it_refuses_to_start_in_production_without_a_secret_key(secret_key, command):
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key

    result = python(*command, DJANGO_SETTINGS_MODULE="caseload.settings", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_passes_the_deployment_checks_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_it_warns_in_production_about_a_weak_secret_key():
    """The deployment check above has teeth: a short key is reported, and fails the run."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "SECRET_KEY": "too-short"})

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false, not 'maybe'"),
        ("EMAIL_USE_TLS", "sometimes", "EMAIL_USE_TLS must be true or false, not 'sometimes'"),
        ("SESSION_IDLE_MINUTES", "ten", "SESSION_IDLE_MINUTES must be a whole number, not 'ten'"),
    ],
)
def test_it_fails_loudly_on_a_bad_value(variable, value, message):
    result = manage("check", **{**PRODUCTION, variable: value})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr


def test_it_reads_a_postgres_url():
    db = database_from_url("postgres://caseload:s3cr%40t@db.internal:5433/caseload_prod?sslmode=require")

    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["NAME"] == "caseload_prod"
    assert db["USER"] == "caseload"
    assert db["PASSWORD"] == "s3cr@t"
    assert db["HOST"] == "db.internal"
    assert db["PORT"] == "5433"
    assert db["OPTIONS"] == {"sslmode": "require", "server_side_binding": True, "prepare_threshold": 5}


def test_it_reads_a_postgres_url_without_password_or_port():
    db = database_from_url("postgresql://postgres@127.0.0.1/caseload")

    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "caseload", "postgres", "", "127.0.0.1", ""
    )  # fmt: skip


def test_it_reads_a_sqlite_url():
    assert database_from_url("sqlite:////var/lib/caseload/db.sqlite3") == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "/var/lib/caseload/db.sqlite3",
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/caseload", "scheme must be postgres or sqlite, not 'mysql'"),
        ("postgres://postgres@127.0.0.1:5432/", "must name a database"),
    ],
)
def test_it_refuses_a_database_url_it_cannot_use(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(url)


def test_it_uses_the_database_named_in_the_url():
    url = "postgres://caseload:pw@db:5432/caseload"
    result = python(
        "-c", "import django; django.setup(); from django.db import connection; d = connection.settings_dict; "
        "print(d['ENGINE'], d['NAME'], d['USER'], d['HOST'], d['PORT'])",
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="caseload.settings",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "caseload", "caseload", "db", "5432"]


def test_it_prepares_statements_a_connection_runs_again_and_again(monkeypatch):
    assert database_from_url("postgres://postgres@db/caseload")["OPTIONS"] == {
        "server_side_binding": True, "prepare_threshold": 5,
    }
    monkeypatch.setenv("DB_PREPARE_THRESHOLD", "2")
    assert database_from_url("postgres://postgres@db/caseload")["OPTIONS"]["prepare_threshold"] == 2
    assert database_from_url("postgres://postgres@db/caseload?prepare_threshold=9")["OPTIONS"]["prepare_threshold"] == 9


def test_it_turns_server_side_binding_off_behind_a_transaction_pooler(monkeypatch):
    monkeypatch.setenv("DB_SERVER_SIDE_BINDING", "false")
    assert database_from_url("postgres://postgres@pgbouncer/caseload")["OPTIONS"] == {"server_side_binding": False}


def test_it_keeps_the_cache_apart_from_the_task_queue():
    result = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'caseload.settings'; "
         "django.setup(); from django.conf import settings as s; "
         "print(s.CELERY_BROKER_URL, s.CACHES['default']['LOCATION'])"],
        env={**os.environ, "REDIS_URL": "redis://redis:6379/0", "DEBUG": "true"},
        capture_output=True, text=True, check=True,
    )
    assert result.stdout.split() == ["redis://redis:6379/0", "redis://redis:6379/1"]
