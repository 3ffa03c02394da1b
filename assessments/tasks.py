from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import RiskFlag
from assessments.services import team_supervisors


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=900, max_retries=8)
def notify_risk_flag(self, flag_id: str) -> bool:
    """Email the supervisors of the client's team about a new risk flag, once."""
    with transaction.atomic():
        flag = RiskFlag.objects.select_for_update(of=("self",)).select_related("client").get(pk=flag_id)
        if flag.supervisor_notified_at is not None:
            return False
        link = settings.SITE_URL.rstrip("/") + reverse("clients:detail", args=[flag.client_id])
        # The email names no one: the number and the link lead to the scoped, audited record.
        body = "\n\n".join(
            [
                _("A risk flag was raised for client %(number)s.") % {"number": flag.client.client_number},
                _("Kind: %(kind)s") % {"kind": flag.get_kind_display()},
                link,
            ]
        )
        recipients = [person.email for person in team_supervisors(flag.client) if person.email]
        if recipients:
            send_mail(_("Risk flag raised"), body, settings.DEFAULT_FROM_EMAIL, recipients)
        flag.supervisor_notified_at = timezone.now()
        flag.save(update_fields=["supervisor_notified_at"])
    return True
