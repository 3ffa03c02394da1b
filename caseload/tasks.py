"""Background work of the caseload app. Tasks take ids, call a service, and are safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseload.language import staff_language
from caseload.models import Assignment


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=900, max_retries=8)
def notify_assignment(self, assignment_id: int) -> bool:
    """Tell the new case manager (and the previous one) about a move. Returns False if already told."""
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("client", "case_manager", "assigned_by")
            .get(pk=assignment_id)
        )
        if assignment.notified_at is not None:
            return False
        previous = (
            Assignment.objects.filter(client_id=assignment.client_id, started_at__lt=assignment.started_at)
            .select_related("case_manager")
            .order_by("-started_at")
            .first()
        )
        link = settings.SITE_URL.rstrip("/") + reverse("clients:detail", args=[assignment.client_id])
        # No names in email: the number and an opaque link lead back to the scoped, audited record.
        number = assignment.client.client_number
        # Each line is translated in the recipient's own language, so it is kept lazy until then.
        recipients = [(assignment.case_manager, gettext_lazy("Client %(number)s has been assigned to you."), {"number": number})]
        if previous and previous.case_manager_id != assignment.case_manager_id:
            recipients.append(
                (previous.case_manager, gettext_lazy("Client %(number)s has moved to %(name)s."),
                 {"number": number, "name": assignment.case_manager.display_name})
            )
        for person, line, values in recipients:
            if person.email:
                with translation.override(staff_language(person)):
                    body = "\n\n".join(
                        [str(line) % values, _("Reason: %(reason)s") % {"reason": assignment.reason or "—"}, link]
                    )
                    send_mail(_("Caseload change"), body, settings.DEFAULT_FROM_EMAIL, [person.email])
        assignment.notified_at = timezone.now()
        assignment.save(update_fields=["notified_at"])
    return True


from caseload import reminder_tasks, supervision_tasks  # noqa: E402, F401  (autodiscovery reads caseload.tasks only)
