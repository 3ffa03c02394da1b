"""The transactional outbox: work for the workers is written with the change, sent after commit, kept while the broker is down."""

import socket
from contextlib import contextmanager

import pytest
from django.core import mail
from django.db import transaction

from caseload import outbox
from caseload.celery import app as celery_app
from caseload.models import Assignment, OutboxMessage
from caseload.services import client_assign
from caseload.tasks import relay_outbox

pytestmark = pytest.mark.django_db

NOTIFY = "caseload.tasks.notify_assignment"


@contextmanager
def broker(url: str):
    """This process sends through `url` instead of running tasks in process (no worker needed: memory or a closed port)."""
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url=url)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_the_message_is_written_with_the_change_and_sent_after_commit(client_a, teammate, supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = client_assign(client=client_a, case_manager=teammate, by=supervisor, reason="Closer to home")
        message = OutboxMessage.objects.get()
        assert (message.task_name, message.args, message.sent_at) == (NOTIFY, [assignment.pk], None)
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1
    assert Assignment.objects.get(pk=assignment.pk).notified_at is not None  # ran in process
    assert len(mail.outbox) == 2


def test_a_task_queued_in_a_transaction_that_rolls_back_never_runs(client_a, teammate, supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            client_assign(client=client_a, case_manager=teammate, by=supervisor, reason="Closer to home")
            raise RuntimeError("the rest of the change failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists() and not Assignment.objects.filter(case_manager=teammate).exists()
    assert outbox.relay(grace=outbox.RELAY_GRACE * 0) == 0
    assert mail.outbox == []


def test_while_the_broker_is_down_the_message_waits_and_goes_once_it_is_back(
    client_a, teammate, supervisor, django_capture_on_commit_callbacks
):
    with broker(closed_port_url()), django_capture_on_commit_callbacks(execute=True):
        client_assign(client=client_a, case_manager=teammate, by=supervisor, reason="Closer to home")
    message = OutboxMessage.objects.get()
    assert message.sent_at is None and message.attempts == 1 and message.last_error  # the relay after commit tried

    with broker("memory://"):
        assert relay_outbox.apply(kwargs={"grace_seconds": 0}).get() == 1
        assert relay_outbox.apply(kwargs={"grace_seconds": 0}).get() == 0  # nothing goes twice
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 2


def test_beats_relay_leaves_a_fresh_message_to_the_relay_after_commit(client_a, teammate, supervisor):
    client_assign(client=client_a, case_manager=teammate, by=supervisor, reason="Closer to home")
    assert outbox.relay() == 0  # written a moment ago: its own relay is on the way
    assert OutboxMessage.objects.get().sent_at is None


def test_the_pdf_of_a_signed_plan_and_a_supervision_report_go_through_the_outbox(supervisor, monkeypatch):
    from caseload.supervision_tasks import report_queue

    monkeypatch.setattr("caseload.supervision_tasks.render_supervision_report.delay", lambda report_id: None)
    report = report_queue(requested_by=supervisor)
    message = OutboxMessage.objects.get()
    assert (message.task_name, message.args) == ("caseload.supervision_tasks.render_supervision_report", [str(report.pk)])


def test_sent_messages_are_forgotten_after_a_week(client_a, teammate, supervisor):
    from datetime import timedelta

    from django.utils import timezone

    client_assign(client=client_a, case_manager=teammate, by=supervisor, reason="Closer to home")
    OutboxMessage.objects.update(sent_at=timezone.now() - timedelta(days=8))
    assert outbox.forget_sent() == 1


def test_an_administrator_sees_what_waits_in_the_admin_and_cannot_change_it(login, administrator, client_a, teammate, supervisor):
    client_assign(client=client_a, case_manager=teammate, by=supervisor, reason="Closer to home")
    message = OutboxMessage.objects.get()
    browser = login(administrator)
    listing = browser.get("/admin/caseload/outboxmessage/?sent_at__isempty=1").content.decode()
    assert NOTIFY in listing
    assert browser.get(f"/admin/caseload/outboxmessage/{message.pk}/delete/").status_code == 403
    assert browser.get("/admin/caseload/outboxmessage/add/").status_code == 403
