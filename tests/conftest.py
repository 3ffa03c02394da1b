"""Shared users of every role, and the switches for tests that need a real service.

Two teams: North (supervisor Helle, case managers Anna and Anton) and South (supervisor Sam, case
manager Bo). An administrator sees everything. `client_a` is Anna's; `client_b` is Bo's.

Tests marked `browser` need Debian's Chromium; tests marked `worker` need Redis (REDIS_URL);
tests marked `postgres` need PostgreSQL (DATABASE_URL) for real concurrent transactions; `gettext`
and `pdftotext` need those Debian tools. On a
laptop without them they are skipped with a reason; under .ci/run (REQUIRE_SERVICES=1) a missing
service fails the run instead, so CI can never pass by skipping them.
"""

import os
import shutil

import pytest

from caseload.models import Role
from tests.factories import TEST_PASSWORD, ClientFactory, TeamFactory, UserFactory, verify_second_factor

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls beside Playwright's event loop; tests only

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing_service(marker: str) -> str | None:
    if marker == "browser" and not shutil.which(CHROMIUM):
        return f"Chromium not found at {CHROMIUM}"
    if marker == "worker" and not os.environ.get("REDIS_URL"):
        return "REDIS_URL is not set"
    if marker == "worker" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "a worker process cannot see an SQLite test database: DATABASE_URL must be PostgreSQL"
    if marker == "postgres" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "DATABASE_URL is not set to PostgreSQL"
    if marker == "gettext" and not (shutil.which("xgettext") and shutil.which("msgfmt")):
        return "xgettext and msgfmt not found (Debian package gettext)"
    if marker == "pdftotext" and not shutil.which("pdftotext"):
        return "pdftotext not found (Debian package poppler-utils)"
    return None


def pytest_collection_modifyitems(config, items):
    required = os.environ.get("REQUIRE_SERVICES") == "1"
    for item in items:
        for marker in ("browser", "worker", "postgres", "gettext", "pdftotext"):
            if item.get_closest_marker(marker) is None:
                continue
            missing = _missing_service(marker)
            if missing is None:
                continue
            if required:
                raise pytest.UsageError(f"{item.nodeid} needs {marker}: {missing} (REQUIRE_SERVICES=1)")
            item.add_marker(pytest.mark.skip(reason=f"needs {marker}: {missing}; .ci/run provides it"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Tasks run inside the test unless the test starts a real worker (marker `worker`).

    Celery reads its configuration once, so the app's own conf is switched, not Django's settings.
    """
    if request.node.get_closest_marker("worker"):
        yield
        return
    from caseload.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _agency_language():
    """Each test starts in the agency's language: a request signed in as Danish staff, or a tablet in the
    client's language, leaves its language active in the thread, as a worker process would be left."""
    from django.utils import translation

    translation.activate(settings_language())
    yield
    translation.activate(settings_language())


def settings_language() -> str:
    from django.conf import settings

    return settings.LANGUAGE_CODE


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_files_in_a_temporary_directory(settings, tmp_path_factory):
    """PDFs made during tests go to a temporary directory, never into the work tree."""
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "private-files")


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def team_north(db):
    return TeamFactory(name="North Community Team", target_ratio=50)


@pytest.fixture
def team_south(db):
    return TeamFactory(name="South Community Team", target_ratio=20)


@pytest.fixture
def supervisor(team_north):
    return UserFactory(username="helle", first_name="Helle", last_name="Nørgaard", role=Role.SUPERVISOR, teams=[team_north])


@pytest.fixture
def case_manager(team_north):
    return UserFactory(username="anna", first_name="Anna", last_name="Lindqvist", teams=[team_north])


@pytest.fixture
def teammate(team_north):
    return UserFactory(username="anton", first_name="Anton", last_name="Berg", teams=[team_north])


@pytest.fixture
def other_supervisor(team_south):
    return UserFactory(username="sam", first_name="Sam", last_name="Reid", role=Role.SUPERVISOR, teams=[team_south])


@pytest.fixture
def outsider(team_south):
    """A case manager of another team."""
    return UserFactory(username="bo", first_name="Bo", last_name="Madsen", teams=[team_south])


@pytest.fixture
def administrator(db):
    return UserFactory(
        username="alex", first_name="Alex", last_name="Admin", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )


@pytest.fixture
def client_a(case_manager):
    return ClientFactory(
        legal_given_name="Mikkel", legal_family_name="Sørensen", date_of_birth="1989-04-02", case_manager=case_manager
    )


@pytest.fixture
def client_b(outsider):
    return ClientFactory(legal_given_name="Jordi", legal_family_name="Puig", preferred_language="ca", case_manager=outsider)


@pytest.fixture
def login(client):
    """Sign `user` in on Django's test client, second factor given, and return it.

    `login(user, second_factor=False)` stops after the password, as a user who has not yet typed a code.
    """

    def _login(user, *, second_factor: bool = True):
        client.force_login(user)
        if second_factor:
            verify_second_factor(client, user)
        return client

    return _login

