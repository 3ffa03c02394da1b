"""Reminders from a real beat and a real worker, through Redis, against the test database.

Beat runs as production runs it (`celery -A caseload beat`), with REMINDERS_EVERY_SECONDS set so that
the sweep and the digests fire every few seconds instead of at 05:30 and 06:30. Both processes use
a queue of their own, so nothing left in Redis by another run is picked up.
"""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from caseload.models import DigestDelivery, Reminder
from clients.models import Client
from tests.caseload.test_worker import BASE_DIR, START_TIMEOUT, Worker, _test_database_url, _wait_until

pytestmark = pytest.mark.worker

EVERY_SECONDS = 2
TASK_TIMEOUT = 30


class Beat:
    def __init__(self, *, queue: str, directory, every: int):
        self.queue = queue
        self.directory = directory
        self.every = every
        self.log_path = directory / "beat.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": os.environ["REDIS_URL"],
            "CELERY_QUEUE": self.queue,
            "REMINDERS_EVERY_SECONDS": str(self.every),
            "DB_CONN_MAX_AGE": "0",
        }
        command = [
            sys.executable, "-m", "celery", "-A", "caseload", "beat", "--loglevel", "INFO",
            "--schedule", str(self.directory / "beat-schedule"), "--pidfile", str(self.directory / "beat.pid"),
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        started = _wait_until(lambda: "beat: Starting..." in self.log() or self.process.poll() is not None, START_TIMEOUT)
        if not started or self.process.poll() is not None:
            raise AssertionError(f"beat did not start:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def worker_and_beat(transactional_db, tmp_path):
    assert connection.vendor == "postgresql", "worker tests need PostgreSQL: a worker cannot see this test database"
    queue = f"caseload-test-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = Worker(queue=queue, mail_dir=mail_dir, log_path=tmp_path / "worker.log")
    beat = Beat(queue=queue, directory=tmp_path, every=EVERY_SECONDS)
    try:
        worker.start()
        beat.start()
        yield worker, beat
    finally:
        beat.stop()
        worker.stop()
        worker.forget_queue()


@pytest.fixture
def overdue_client(client_a):
    """Anna's client, assigned 20 days ago and never seen: the no-contact reminder is due."""
    long_ago = timezone.now() - timedelta(days=20)
    Client.objects.filter(pk=client_a.pk).update(created_at=long_ago)
    client_a.assignments.update(started_at=long_ago)
    return client_a


@pytest.mark.usefixtures("overdue_client")
def test_a_due_reminder_becomes_a_row_and_an_email(worker_and_beat, case_manager, client_a):
    worker, beat = worker_and_beat

    reminder = _wait_until(
        lambda: Reminder.objects.filter(client=client_a, kind=Reminder.Kind.NO_CONTACT).first(), TASK_TIMEOUT
    )
    assert reminder, f"no reminder within {TASK_TIMEOUT}s\nbeat:\n{beat.log()}\nworker:\n{worker.log()}"
    assert reminder.assignee == case_manager and reminder.status == Reminder.Status.OPEN

    sent = _wait_until(
        lambda: DigestDelivery.objects.filter(recipient=case_manager, status=DigestDelivery.Status.SENT).first(),
        TASK_TIMEOUT,
    )
    assert sent, f"no digest sent within {TASK_TIMEOUT}s\nbeat:\n{beat.log()}\nworker:\n{worker.log()}"
    assert "daily_sweep" in worker.log() and "send_digests" in worker.log() and "send_digest[" in worker.log()

    mail = _wait_until(worker.mail, TASK_TIMEOUT)
    assert len(mail) == 1
    [message] = mail
    assert f"To: {case_manager.email}" in message
    assert client_a.client_number in message
    assert "Mikkel" not in message and "S=C3=B8rensen" not in message and "Sørensen" not in message
    assert django_settings.SITE_URL in message

    # Beat keeps firing: several more sweeps and digest runs add no row and no email.
    time.sleep(4 * EVERY_SECONDS)
    assert Reminder.objects.filter(client=client_a).count() == 1
    assert DigestDelivery.objects.filter(recipient=case_manager).count() == 1
    assert len(worker.mail()) == 1
    assert beat.log().count("Sending due task") >= 6, beat.log()
