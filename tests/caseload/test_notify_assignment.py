from unittest import mock

import pytest
from django.core import mail
from django.core.mail import send_mail as real_send_mail
from django.utils import timezone

from caseload.models import Assignment
from caseload.tasks import notify_assignment


def hand_over(client, case_manager):
    """An assignment row as client_assign writes it, without queueing the notice."""
    Assignment.objects.filter(client=client).update(ended_at=timezone.now())
    return Assignment.objects.create(client=client, case_manager=case_manager, reason="Leave cover")


def test_it_retries_when_mail_fails_and_sends_once_it_works(supervisor, teammate, client_a):
    assignment = hand_over(client_a, teammate)
    attempts = []

    def flaky_send_mail(*args, **kwargs):
        attempts.append(args)
        if len(attempts) == 1:
            raise ConnectionRefusedError("mail server down")
        return real_send_mail(*args, **kwargs)

    with mock.patch("caseload.tasks.send_mail", side_effect=flaky_send_mail):
        result = notify_assignment.apply(args=[assignment.pk], throw=False)
    assert result.successful() and result.get() is True
    assert len(attempts) == 3  # the failure, then one mail to each case manager
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@agency.example", "anton@agency.example"]
    assignment.refresh_from_db()
    assert assignment.notified_at is not None


def test_it_leaves_the_assignment_unmarked_while_mail_keeps_failing(teammate, client_a):
    assignment = hand_over(client_a, teammate)
    with (
        mock.patch("caseload.tasks.send_mail", side_effect=ConnectionRefusedError("down")),
        mock.patch.object(notify_assignment, "max_retries", 1),
        pytest.raises(ConnectionRefusedError),
    ):
        notify_assignment.apply(args=[assignment.pk], throw=False)
    assignment.refresh_from_db()
    assert assignment.notified_at is None and mail.outbox == []


def test_a_move_of_many_clients_tells_each_person_once_and_never_twice(case_manager, teammate, client_a):
    from caseload.tasks import notify_assignments
    from tests.factories import ClientFactory

    second = ClientFactory(case_manager=case_manager)
    moves = [hand_over(client, teammate).pk for client in (client_a, second)]
    assert notify_assignments.apply(args=[moves]).get() == 2
    assert notify_assignments.apply(args=[moves]).get() == 0  # a second delivery of the task finds them told
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@agency.example", "anton@agency.example"]
    to_anton = next(m for m in mail.outbox if m.to == ["anton@agency.example"])
    assert client_a.client_number in to_anton.body and second.client_number in to_anton.body
