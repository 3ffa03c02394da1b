"""Background work of the caseload app. Tasks take ids, call a service, and are safe to run twice."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseload import outbox
from caseload.language import staff_language
from caseload.models import Assignment

RETRY = {"autoretry_for": (OSError,), "retry_backoff": 30, "retry_backoff_max": 900, "max_retries": 8}


@shared_task(bind=True, **RETRY)
def notify_assignment(self, assignment_id: int) -> bool:
    """Tell the new case manager (and the previous one) about a move. Returns False if already told."""
    return assignments_notify([assignment_id]) > 0


@shared_task(bind=True, **RETRY)
def notify_assignments(self, assignment_ids: list[int]) -> int:
    """Tell each case manager once about a move of many clients. Returns how many moves were told now."""
    return assignments_notify(assignment_ids)


def assignments_notify(assignment_ids: list[int]) -> int:
    """One mail per person for all the moves that concern them, then mark the moves as told.

    The rows are locked, so two workers never tell the same move twice; a move already told is
    skipped, so a retry after a mail failure sends only what was not marked.
    """
    with transaction.atomic():
        moves = list(
            Assignment.objects.select_for_update(of=("self",))
            .select_related("client", "case_manager")
            .filter(pk__in=assignment_ids, notified_at__isnull=True)
            .order_by("client__client_number")
        )
        if not moves:
            return 0
        for person, lines in _mail_lines(moves).items():
            if person.email:
                with translation.override(staff_language(person)):  # in the recipient's own language
                    body = "\n\n".join(
                        "\n".join([str(line) % values, _("Reason: %(reason)s") % {"reason": reason}, link])
                        for line, values, reason, link in lines
                    )
                    send_mail(_("Caseload change"), body, settings.DEFAULT_FROM_EMAIL, [person.email])
        Assignment.objects.filter(pk__in=[move.pk for move in moves]).update(notified_at=timezone.now())
    return len(moves)


def _mail_lines(moves: list[Assignment]) -> dict:
    """Each person's lines: one per client moved to or away from them, with the reason and a link, to be
    put in words in that person's language.

    No names of clients in email: the number and an opaque link lead back to the scoped, audited record.
    """
    move_of_client = {move.client_id: move for move in moves}
    previous_of = {}  # move id → the case manager who carried the client just before it
    for earlier in (
        Assignment.objects.filter(client_id__in=move_of_client)
        .select_related("case_manager")
        .order_by("client_id", "-started_at")
    ):
        move = move_of_client[earlier.client_id]
        if earlier.started_at < move.started_at and move.pk not in previous_of:
            previous_of[move.pk] = earlier.case_manager
    lines: dict = {}  # person → [(line to translate, its values, reason, link)]
    site = settings.SITE_URL.rstrip("/")
    for move in moves:
        number = move.client.client_number
        link = site + reverse("clients:detail", args=[move.client_id])
        reason = move.reason or "—"
        lines.setdefault(move.case_manager, []).append(
            (gettext_lazy("Client %(number)s has been assigned to you."), {"number": number}, reason, link)
        )
        previous = previous_of.get(move.pk)
        if previous and previous.pk != move.case_manager_id:
            lines.setdefault(previous, []).append((
                gettext_lazy("Client %(number)s has moved to %(name)s."),
                {"number": number, "name": move.case_manager.display_name}, reason, link,
            ))
    return lines


@shared_task
def relay_outbox(grace_seconds: float | None = None) -> int:
    """Beat's relay of the outbox: send what waited for the broker (caseload.outbox). Safe to run twice."""
    grace = outbox.RELAY_GRACE if grace_seconds is None else timedelta(seconds=grace_seconds)
    sent = outbox.relay(grace=grace)
    outbox.forget_sent()
    return sent


from caseload import reminder_tasks, supervision_tasks  # noqa: E402, F401  (autodiscovery reads caseload.tasks only)
