"""A real Celery worker, through Redis, against the test database.

The worker runs as a separate process, as it does in production: it sees only what has been
committed to PostgreSQL and sends mail with its own settings (here: files in a temporary folder).
Each run uses its own queue, so nothing left in Redis by another run is picked up.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection

from caseload.celery import app as celery_app
from caseload.models import Assignment
from caseload.services import client_assign
from caseload.tasks import notify_assignment

pytestmark = pytest.mark.worker

BASE_DIR = Path(django_settings.BASE_DIR)
START_TIMEOUT = 30
TASK_TIMEOUT = 20


def _test_database_url() -> str:
    """The URL of the database this test runs against (test_<name>, created by pytest-django)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def _wait_until(condition, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    return condition()


class Worker:
    def __init__(self, *, queue: str, mail_dir: Path, log_path: Path):
        self.queue = queue
        self.mail_dir = mail_dir
        self.log_path = log_path
        self.nodename = f"{queue}@localhost"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": os.environ["REDIS_URL"],
            "CELERY_QUEUE": self.queue,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "DB_CONN_MAX_AGE": "0",
        }
        command = [
            sys.executable, "-m", "celery", "-A", "caseload", "worker",
            "--pool", "solo", "--concurrency", "1",
            "-Q", self.queue, "-n", self.nodename,
            "--loglevel", "INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        if not _wait_until(self._answers_ping, START_TIMEOUT, interval=0.5):
            raise AssertionError(f"the worker did not become ready within {START_TIMEOUT}s:\n{self.log()}")

    def _answers_ping(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited with {self.process.returncode}:\n{self.log()}")
        replies = celery_app.control.ping(destination=[self.nodename], timeout=0.5)
        return any(self.nodename in reply for reply in replies)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # warm shutdown: the current task finishes first
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def forget_queue(self) -> None:
        """Remove this run's queue and its bindings from Redis; the name is unique to the run."""
        import redis

        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        for key in client.scan_iter(match=f"*{self.queue}*"):
            client.delete(key)
        client.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def results(self, task_id: str) -> list[str]:
        """What the worker logged as the result of one task ("True", "False"), if it has run."""
        marker = f"[{task_id}] succeeded in "
        return [line.rsplit(": ", 1)[-1].strip() for line in self.log().splitlines() if marker in line]

    def mail(self) -> list[str]:
        """Every message the worker sent. The file backend may append several to one file."""
        messages = []
        for path in sorted(self.mail_dir.iterdir()):
            messages += [text.strip() for text in path.read_text().split("-" * 79) if text.strip()]
        return messages


@pytest.fixture
def worker(transactional_db, tmp_path, settings):
    # tests/conftest.py keeps worker tests off SQLite; this guards a direct run.
    assert connection.vendor == "postgresql", "worker tests need PostgreSQL: a worker cannot see this test database"

    queue = f"caseload-test-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = Worker(queue=queue, mail_dir=mail_dir, log_path=tmp_path / "worker.log")

    # This process sends real messages to the worker's queue instead of running tasks itself.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, task_default_queue=queue)
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        worker.forget_queue()
        celery_app.conf.update(saved)


def test_it_notifies_both_case_managers_from_a_real_worker(worker, client_a, case_manager, teammate, supervisor):
    assignment = client_assign(client=client_a, case_manager=teammate, by=supervisor, reason="Closer to home")

    notified = _wait_until(
        lambda: Assignment.objects.filter(pk=assignment.pk, notified_at__isnull=False).exists(), TASK_TIMEOUT
    )
    assert notified, f"notified_at was not set within {TASK_TIMEOUT}s:\n{worker.log()}"
    assert "notify_assignment" in worker.log()

    mail = worker.mail()
    assert len(mail) == 2, f"expected two messages in {worker.mail_dir}, found {len(mail)}"
    to_new = next(message for message in mail if f"To: {teammate.email}" in message)
    to_previous = next(message for message in mail if f"To: {case_manager.email}" in message)
    assert f"Client {client_a.client_number} has been assigned to you." in to_new
    assert f"Client {client_a.client_number} has moved to Anton Berg." in to_previous
    assert "Closer to home" in to_new
    # No names in email: the client number and an opaque link only.
    assert "Sørensen" not in to_new and "Sørensen" not in to_previous


def test_it_sends_no_second_email_when_the_task_runs_again(worker, client_a, teammate, supervisor):
    assignment = client_assign(client=client_a, case_manager=teammate, by=supervisor, reason="Closer to home")
    assert _wait_until(
        lambda: Assignment.objects.filter(pk=assignment.pk, notified_at__isnull=False).exists(), TASK_TIMEOUT
    ), worker.log()
    notified_at = Assignment.objects.get(pk=assignment.pk).notified_at
    assert len(worker.mail()) == 2

    again = notify_assignment.apply_async(args=[assignment.pk], queue=worker.queue)

    results = _wait_until(lambda: worker.results(again.id), TASK_TIMEOUT)
    assert results == ["False"], f"the repeated task did not report 'already notified':\n{worker.log()}"
    assert len(worker.mail()) == 2
    assert Assignment.objects.get(pk=assignment.pk).notified_at == notified_at
