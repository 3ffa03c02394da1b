"""The care-plan PDF from real Celery workers, through Redis, against the PostgreSQL test database.

Two ways the broker's copy of the job goes missing, and the PlanDocument row brings it back:
a worker killed in the middle of a render, and a broker that cannot be reached when the plan is
signed. Either way the plan ends with one PDF file and a READY row whose SHA-256 is the file's.
Workers and their queue come from tests/caseload/test_worker.py (one queue per run).
"""

import hashlib
import os
import signal
import socket
import uuid
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.db import connection

from careplans import tasks
from careplans.models import CarePlan, PlanDocument
from careplans.pdf import TEST_RENDER_DELAY_ENV
from caseload.celery import app as celery_app
from tests.careplans.test_pdf import files_under, make_signed_plan
from tests.caseload.test_worker import TASK_TIMEOUT, Worker, _wait_until

pytestmark = pytest.mark.worker

# Long enough to see the row RENDERING and kill the worker; the test never waits for it to pass.
KILLED_RENDER_DELAY = 60


@pytest.fixture
def pdf_workers(transactional_db, tmp_path, settings, monkeypatch):
    """Start workers on a queue of this run, writing PDFs to a private-files folder of this run."""
    assert connection.vendor == "postgresql", "worker tests need PostgreSQL: a worker cannot see this test database"

    media = tmp_path / "private-files"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    monkeypatch.setenv("MEDIA_ROOT", str(media))  # read by the workers' settings
    queue = f"caseload-test-{uuid.uuid4().hex[:12]}"
    started: list[Worker] = []

    def start(*, render_delay: float = 0) -> Worker:
        monkeypatch.setenv(TEST_RENDER_DELAY_ENV, str(render_delay))
        number = len(started)
        mail_dir = tmp_path / f"mail-{number}"
        mail_dir.mkdir()
        worker = Worker(queue=queue, mail_dir=mail_dir, log_path=tmp_path / f"worker-{number}.log")
        started.append(worker)
        worker.start()
        return worker

    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, task_default_queue=queue)
    try:
        yield SimpleNamespace(start=start, media=media, queue=queue)
    finally:
        for worker in started:
            worker.stop()
        if started:
            started[0].forget_queue()
            _forget_unacked(queue)
        celery_app.conf.update(saved)


def _forget_unacked(queue: str) -> None:
    """A killed worker's message waits in Redis's `unacked` hash for the visibility timeout; drop it."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    for tag, payload in client.hscan_iter("unacked"):
        if queue.encode() in payload:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    client.close()


@contextmanager
def broker_unreachable():
    """This process (the web tier) sends to a port where nothing listens; the workers keep Redis."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    _drop_broker_connections()
    try:
        yield
    finally:
        celery_app.conf.broker_url = saved
        _drop_broker_connections()


def _drop_broker_connections() -> None:
    # Celery keeps a connection pool per process: without it, the next message connects to the URL set now.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def status_of(document: PlanDocument) -> str:
    return PlanDocument.objects.values_list("status", flat=True).get(pk=document.pk)


def assert_one_pdf_that_matches(document: PlanDocument, media) -> None:
    document.refresh_from_db()
    assert document.status == PlanDocument.Status.READY
    plan = document.plan
    assert document.file.name == f"careplans/{plan.client_id}/{plan.pk}-v{plan.number}.pdf"
    assert files_under(media) == [document.file.name]  # no second copy, no temporary file left behind
    stored = (media / document.file.name).read_bytes()
    assert stored.startswith(b"%PDF-")
    assert hashlib.sha256(stored).hexdigest() == document.sha256
    assert len(stored) == document.size


def test_a_worker_killed_mid_render_leaves_one_pdf_after_the_sweep(pdf_workers, client_a, case_manager, supervisor):
    first = pdf_workers.start(render_delay=KILLED_RENDER_DELAY)
    plan = make_signed_plan(client=client_a, case_manager=case_manager, supervisor=supervisor)
    document = PlanDocument.objects.get(plan=plan)

    assert _wait_until(lambda: status_of(document) == PlanDocument.Status.RENDERING, TASK_TIMEOUT), first.log()
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)

    document.refresh_from_db()
    assert (document.status, document.attempts) == (PlanDocument.Status.RENDERING, 1)
    assert files_under(pdf_workers.media) == []

    second = pdf_workers.start()
    # Redis hands the killed worker's message back only after the visibility timeout (an hour); the
    # sweep, told that the render is stale already, does not wait that long.
    assert tasks.requeue_stale_documents(rendering_for_seconds=0) == 1

    assert _wait_until(lambda: status_of(document) == PlanDocument.Status.READY, TASK_TIMEOUT), second.log()
    assert_one_pdf_that_matches(document, pdf_workers.media)
    assert document.attempts == 2
    first_sha256 = document.sha256

    # The killed worker's message, when Redis hands it back at last, finds the PDF made.
    late = tasks.render_plan_pdf.apply_async(args=[str(document.pk)], queue=pdf_workers.queue)
    assert _wait_until(lambda: second.results(late.id), TASK_TIMEOUT) == ["False"], second.log()
    assert_one_pdf_that_matches(document, pdf_workers.media)
    assert document.sha256 == first_sha256


def test_signing_works_while_the_broker_is_down_and_the_pdf_follows(pdf_workers, client_a, case_manager, supervisor):
    worker = pdf_workers.start()

    with broker_unreachable():
        plan = make_signed_plan(client=client_a, case_manager=case_manager, supervisor=supervisor)

    plan.refresh_from_db()
    assert plan.status == CarePlan.Status.ACTIVE
    document = PlanDocument.objects.get(plan=plan)
    assert (document.status, document.attempts) == (PlanDocument.Status.QUEUED, 0)
    assert "careplans.tasks.render_plan_pdf[" not in worker.log()  # nothing reached the worker

    # The broker is back. Beat's next sweep runs on a worker and sends the render again.
    sweep = tasks.requeue_stale_documents.apply_async(kwargs={"queued_for_seconds": 0}, queue=pdf_workers.queue)

    assert _wait_until(lambda: status_of(document) == PlanDocument.Status.READY, TASK_TIMEOUT), worker.log()
    assert worker.results(sweep.id) == ["1"]
    assert_one_pdf_that_matches(document, pdf_workers.media)
    assert document.attempts == 1
