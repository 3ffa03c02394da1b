"""The transactional outbox: work for the workers waits in a table until the broker has it.

`enqueue(task, *args)` writes an OutboxMessage in the current transaction. If the transaction rolls
back, the message is gone with it and the task never runs. Once it commits, the message is relayed
to the broker at once; if the broker cannot be reached (Redis down), the page still answers and
the row waits. Beat runs `caseload.tasks.relay_outbox` every few seconds, which sends what is
waiting as soon as the broker is back.

Sending is at least once: a relay that dies between the broker's acknowledgement and marking the
row sent sends it again later. The tasks routed here are safe to run twice (each checks its own row
before acting), so a second delivery changes nothing a user can see.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# The relay right after commit gets a message first; beat's relay leaves it this long to do so.
RELAY_GRACE = timedelta(seconds=5)
BATCH_SIZE = 200
KEEP_SENT_FOR = timedelta(days=7)


def enqueue(task, *args, **kwargs):
    """Record `task(*args, **kwargs)` for the workers in the current transaction; relay it after commit."""
    from caseload.models import OutboxMessage

    message = OutboxMessage.objects.create(task_name=task.name, args=list(args), kwargs=kwargs)
    message_id = message.pk
    transaction.on_commit(lambda: relay(message_ids=[message_id]), robust=True)
    return message


def relay(*, message_ids=None, grace: timedelta = RELAY_GRACE) -> int:
    """Send waiting messages to the broker, oldest first. Returns how many were sent.

    Stops at the first message the broker refuses: it is down, and the rest would fail the same way.
    """
    from caseload.models import OutboxMessage

    sent = 0
    with transaction.atomic():
        waiting = OutboxMessage.objects.select_for_update(skip_locked=True).filter(sent_at__isnull=True)
        if message_ids is not None:
            waiting = waiting.filter(pk__in=message_ids)
        else:
            waiting = waiting.filter(created_at__lte=timezone.now() - grace)
        for message in waiting.order_by("created_at")[:BATCH_SIZE]:
            try:
                _publish(message)
            except Exception as error:  # the broker's errors differ by transport: any of them means "not sent"
                message.attempts += 1
                message.last_error = type(error).__name__[:300]
                message.save(update_fields=["attempts", "last_error"])
                logger.warning("Outbox: the broker refused %s; it waits for the next relay", message.task_name)
                break
            message.sent_at = timezone.now()
            message.attempts += 1
            message.save(update_fields=["sent_at", "attempts"])
            sent += 1
    return sent


def _publish(message) -> None:
    from caseload.celery import app

    task = app.tasks[message.task_name]
    if not app.conf.task_always_eager:
        task.delay(*message.args, **message.kwargs)
        return
    # In-process (no broker): the task runs here and now; its failure is its own, not the relay's.
    try:
        task.delay(*message.args, **message.kwargs)
    except Exception:
        logger.exception("Outbox: %s failed in process", message.task_name)


def forget_sent() -> int:
    """Drop messages delivered more than a week ago: the rows they were about keep their own state."""
    from caseload.models import OutboxMessage

    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT_FOR).delete()
    return deleted
