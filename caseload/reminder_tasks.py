"""Background work of reminders: the morning sweep and the daily digest email. Safe to run twice.

Beat (CELERY_BEAT_SCHEDULE in settings) runs `daily_sweep` at 05:30 and `send_digests` at 06:30
agency time, and `retry_digests` every 15 minutes until noon. The rows are the jobs: the sweep's
reminders and the digests' DigestDelivery rows live in the database first, the broker only carries
the news, and no task waits in the broker with a long countdown.

A digest goes once per person per day:

- `send_digests` makes at most one DigestDelivery row per person and day (unique; INSERT … ON
  CONFLICT DO NOTHING) and queues `send_digest` for each row still pending or failed.
- `send_digest` claims its row with ONE conditional UPDATE (pending/failed → sending, attempts + 1).
  A second message for the same row, a task run twice, two `send_digests` at once, or a message
  redelivered after its worker died all find the row no longer pending or failed and do nothing.
- A failure to send (the mail server refused, the network dropped) marks the row failed before the
  task is retried; the retry claims it again. Attempts are capped in the row (MAX_ATTEMPTS).
- A row left in "sending" for STUCK_AFTER (its worker died mid-send) is marked failed by the next
  `send_digests`/`retry_digests` run and sent again.

The one residual window, which no database row can close: a worker that dies (or loses the database)
after the mail server has accepted the message but before the row is marked sent leaves a row in
"sending"; after STUCK_AFTER it is retried and that person gets the digest a second time. The
window is the few milliseconds between the SMTP hand-off and one UPDATE. A send is bounded by
SEND_TIMEOUT_SECONDS, far below STUCK_AFTER, so a slow mail server cannot open a second window.
"""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import InterfaceError, OperationalError
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from caseload import audit
from caseload.language import staff_language
from caseload.models import DigestDelivery
from caseload.reminders import due_reminders, group_reminders, open_reminders_for, sweep

MAX_ATTEMPTS = 5
STUCK_AFTER = timedelta(minutes=15)
SEND_TIMEOUT_SECONDS = 60
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)  # smtplib's errors are OSErrors

Status = DigestDelivery.Status


def _day(day) -> date:
    """Tasks travel as JSON: a day may arrive as an ISO string."""
    if day is None:
        return timezone.localdate()
    return day if isinstance(day, date) else date.fromisoformat(day)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def daily_sweep(day=None) -> int:
    """Make today's reminders and close those whose cause has gone; returns how many were made."""
    return sweep(_day(day))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_digests(day=None) -> int:
    """One digest row per person with a task due or overdue, then a send for each row not yet sent.

    Returns how many sends were queued.
    """
    day = _day(day)
    people = (
        due_reminders(day)
        .filter(due_on__lte=day)  # something due or overdue; what is coming up rides along
        .filter(assignee__is_active=True)
        .exclude(assignee__email="")
        .values("assignee_id")
        .annotate(items=Count("pk"))
    )
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(recipient_id=row["assignee_id"], day=day, items=row["items"]) for row in people],
        ignore_conflicts=True,
    )
    return _queue_unsent(day)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def retry_digests(day=None) -> int:
    """Send again the day's digests that failed or lost their worker (makes no new rows)."""
    return _queue_unsent(_day(day))


def _queue_unsent(day: date) -> int:
    DigestDelivery.objects.filter(
        day=day, status=Status.SENDING, started_at__lt=timezone.now() - STUCK_AFTER
    ).update(status=Status.FAILED, error="still sending after 15 minutes: the worker stopped")
    ids = list(
        DigestDelivery.objects.filter(day=day, status__in=[Status.PENDING, Status.FAILED], attempts__lt=MAX_ATTEMPTS)
        .values_list("pk", flat=True)
    )
    for delivery_id in ids:
        send_digest.delay(delivery_id)
    return len(ids)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=300,  # short countdowns only: the row, not the broker, remembers the job
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS - 1,
)
def send_digest(delivery_id: int) -> bool:
    """Send one person's digest once. Returns False if the row was not pending or failed (nothing done)."""
    claimed = DigestDelivery.objects.filter(
        pk=delivery_id, status__in=[Status.PENDING, Status.FAILED], attempts__lt=MAX_ATTEMPTS
    ).update(status=Status.SENDING, attempts=F("attempts") + 1, started_at=timezone.now(), error="")
    if not claimed:
        return False
    delivery = DigestDelivery.objects.select_related("recipient").get(pk=delivery_id)
    recipient = delivery.recipient
    try:
        reminders = open_reminders_for(recipient, delivery.day) if recipient.is_active else []
        if reminders and recipient.email:
            message = digest_message(recipient, delivery.day, reminders)
            message.connection = get_connection(timeout=SEND_TIMEOUT_SECONDS)
            message.send()
    except Exception as exc:
        DigestDelivery.objects.filter(pk=delivery_id, status=Status.SENDING).update(
            status=Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:300]
        )
        raise
    DigestDelivery.objects.filter(pk=delivery_id, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), items=len(reminders)
    )
    if reminders:
        audit.record(
            action="list", actor=recipient,
            summary=f"daily task digest for {delivery.day.isoformat()} emailed: {len(reminders)} tasks, client numbers only",
        )
    return True


def digest_message(recipient, day: date, reminders) -> EmailMultiAlternatives:
    """The digest, as text and HTML, in the recipient's language. No client names: client numbers, and links."""
    with translation.override(staff_language(recipient)):
        return _digest_message(recipient, day, reminders)


def _digest_message(recipient, day: date, reminders) -> EmailMultiAlternatives:
    site = settings.SITE_URL.rstrip("/")
    for reminder in reminders:
        reminder.client_url = site + reverse("clients:detail", args=[reminder.client_id])
    context = {
        "recipient": recipient,
        "day": day,
        "count": len(reminders),
        "groups": [group for group in group_reminders(reminders, day) if group[2]],
        "tasks_url": site + reverse("caseload:tasks"),
        "agency": settings.AGENCY_NAME,
    }
    subject = ngettext(
        "Your tasks for %(day)s: %(count)s to do", "Your tasks for %(day)s: %(count)s to do", len(reminders)
    ) % {"day": day.isoformat(), "count": len(reminders)}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("caseload/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string("caseload/email/digest.html", context), "text/html")
    return message

