"""Faults lose nothing: against real PostgreSQL, Redis and Celery workers, nothing is lost and nothing happens twice.

- Redis stopped while users save notes and sign plans: pages keep working, the work waits in the
  outbox and is delivered, once, when Redis is back.
- A task queued in a transaction that rolls back never reaches the worker.
- The database connection dropped in the middle of a request: the transaction rolls back whole.
- Two users saving the same record at once, in two real transactions: one wins, the other is told.
"""

import threading
import time
from unittest import mock

import psycopg
import pytest
from django.db import connection, transaction
from django.test import Client as WebClient
from django.urls import reverse
from django.utils import timezone

from careplans.models import PlanDocument
from caseload import audit_chain
from caseload.models import Assignment, AuditChainHead, AuditEvent, OutboxMessage, ProgressNote
from caseload.services import client_assign
from caseload.tasks import relay_outbox
from tests.careplans import test_pdf_worker
from tests.careplans.test_pdf import files_under, make_signed_plan
from tests.careplans.test_pdf_worker import assert_one_pdf_that_matches, broker_unreachable, status_of
from tests.caseload.test_worker import TASK_TIMEOUT, _wait_until
from tests.factories import verify_second_factor

pdf_workers = test_pdf_worker.pdf_workers  # workers on a queue of this run, PDFs in a folder of this run


def _note_form(text: str) -> dict:
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return {"contact_at": when, "duration_minutes": "30", "contact_type": "phone", "format": "free",
            "free_text": text, "sign": "1"}


@pytest.mark.worker
def test_redis_down_pages_keep_working_and_the_outbox_delivers_once_when_it_is_back(
    pdf_workers, client_a, case_manager, teammate, supervisor
):
    worker = pdf_workers.start()
    web = WebClient()
    web.force_login(case_manager)

    with broker_unreachable():
        response = web.post(reverse("notes:new", args=[client_a.pk]), _note_form("Talked about the move."))
        assert response.status_code == 302  # the page answered; the note is saved and signed
        plan = make_signed_plan(client=client_a, case_manager=case_manager, supervisor=supervisor)
        assignment = client_assign(client=client_a, case_manager=teammate, by=supervisor, reason="Closer to home")

    assert ProgressNote.objects.get(client=client_a).is_signed
    document = PlanDocument.objects.get(plan=plan)
    waiting = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert sorted(waiting.values_list("task_name", flat=True)) == [
        "careplans.tasks.render_plan_pdf", "caseload.tasks.notify_assignment",
    ]
    assert all(message.attempts == 1 and message.last_error for message in waiting)  # tried after commit, refused
    assert status_of(document) == PlanDocument.Status.QUEUED
    assert "render_plan_pdf[" not in worker.log() and "notify_assignment[" not in worker.log()

    # Redis is back: beat's relay runs on a worker and sends what waited.
    relay = relay_outbox.apply_async(kwargs={"grace_seconds": 0}, queue=pdf_workers.queue)
    assert _wait_until(lambda: status_of(document) == PlanDocument.Status.READY, TASK_TIMEOUT), worker.log()
    assert _wait_until(
        lambda: Assignment.objects.filter(pk=assignment.pk, notified_at__isnull=False).exists(), TASK_TIMEOUT
    ), worker.log()
    assert worker.results(relay.id) == ["2"]
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()

    # A second relay finds nothing to send: one PDF, one pair of emails.
    again = relay_outbox.apply_async(kwargs={"grace_seconds": 0}, queue=pdf_workers.queue)
    assert _wait_until(lambda: worker.results(again.id), TASK_TIMEOUT) == ["0"], worker.log()
    assert_one_pdf_that_matches(document, pdf_workers.media)
    assert document.attempts == 1
    assert len(worker.mail()) == 2
    assert files_under(pdf_workers.media) == [document.file.name]


@pytest.mark.worker
def test_a_task_queued_in_a_transaction_that_rolls_back_never_runs(pdf_workers, client_a, teammate, supervisor):
    worker = pdf_workers.start()
    with pytest.raises(RuntimeError), transaction.atomic():
        client_assign(client=client_a, case_manager=teammate, by=supervisor, reason="Rolled back")
        raise RuntimeError("the rest of the change failed")
    assert not Assignment.objects.filter(reason="Rolled back").exists()
    assert not OutboxMessage.objects.exists()

    # A change that commits, after it, reaches the worker: the only notification the worker ever sees.
    kept = client_assign(client=client_a, case_manager=teammate, by=supervisor, reason="Kept")
    assert _wait_until(
        lambda: Assignment.objects.filter(pk=kept.pk, notified_at__isnull=False).exists(), TASK_TIMEOUT
    ), worker.log()
    relay = relay_outbox.apply_async(kwargs={"grace_seconds": 0}, queue=pdf_workers.queue)
    assert _wait_until(lambda: worker.results(relay.id), TASK_TIMEOUT) == ["0"], worker.log()
    received = [line for line in worker.log().splitlines() if "caseload.tasks.notify_assignment[" in line and "received" in line]
    assert len(received) == 1
    assert all("Rolled back" not in message for message in worker.mail())
    assert len(worker.mail()) == 2  # to the new case manager and the previous one, for the kept change only


def _terminate_backend(pid: int) -> None:
    """Another session kills this one's connection, as a database failover or a network cut would."""
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"],
        password=settings["PASSWORD"] or None, dbname=settings["NAME"], autocommit=True,
    ) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_mid_request_rolls_back_the_whole_change(client_a, case_manager):
    web = WebClient(raise_request_exception=False)
    web.force_login(case_manager)
    form = web.get(reverse("clients:edit", args=[client_a.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(version=client_a.version, city="Aarhus", date_of_birth="1989-04-02")
    entries_before = AuditEvent.objects.count()
    link = audit_chain.link

    def drop_connection_then_continue(event, insert):
        if event.action == "update":  # the client's row is written; its audit entry is next
            _terminate_backend(connection.connection.info.backend_pid)
        return link(event, insert)

    with mock.patch.object(audit_chain, "link", side_effect=drop_connection_then_continue):
        response = web.post(reverse("clients:edit", args=[client_a.pk]), data)

    assert response.status_code == 500
    assert "Mikkel" not in response.content.decode()
    connection.close()  # this process's connection died with the request's
    client_a.refresh_from_db()
    assert (client_a.city, client_a.version) == ("", 1)  # the UPDATE that reached the server was rolled back
    assert not AuditEvent.objects.filter(action="update", object_type="clients.Client").exists()
    head = AuditChainHead.objects.get()
    assert head.sequence == AuditEvent.objects.count() >= entries_before
    assert audit_chain.verify_chain().intact


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_saving_the_same_record_at_once_one_wins_the_other_is_told(client_a, case_manager, supervisor):
    forms = {}
    for person, city in ((case_manager, "Aarhus"), (supervisor, "Odense")):
        web = WebClient()
        web.force_login(person)
        verify_second_factor(web, person)  # the supervisor has given the code too
        initial = web.get(reverse("clients:edit", args=[client_a.pk])).context["form"].initial
        data = {name: value for name, value in initial.items() if value is not None}
        data.update(version=1, city=city, date_of_birth="1989-04-02")
        forms[city] = (web, data)

    start = threading.Barrier(2)
    responses = {}
    link = audit_chain.link

    def hold_the_row(event, insert):
        if event.action == "update":
            time.sleep(0.5)  # the winner keeps its transaction open: the other waits on the row's lock
        return link(event, insert)

    def save(city):
        web, data = forms[city]
        start.wait()
        responses[city] = web.post(reverse("clients:edit", args=[client_a.pk]), data)
        connection.close()

    with mock.patch.object(audit_chain, "link", side_effect=hold_the_row):
        threads = [threading.Thread(target=save, args=(city,)) for city in forms]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    statuses = sorted(response.status_code for response in responses.values())
    assert statuses == [200, 302]
    winner = next(city for city, response in responses.items() if response.status_code == 302)
    loser = next(city for city, response in responses.items() if response.status_code == 200)
    client_a.refresh_from_db()
    assert (client_a.city, client_a.version) == (winner, 2)
    page = responses[loser].content.decode()
    other = "Anna Lindqvist" if winner == "Aarhus" else "Helle Nørgaard"
    assert f"{other} saved changes to this record at" in page and "Nothing of yours was saved" in page
    assert f'value="{loser}"' in page  # what the loser typed stays on the form
    assert AuditEvent.objects.filter(action="update", object_type="clients.Client").count() == 1
