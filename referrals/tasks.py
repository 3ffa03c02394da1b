"""Background work of referrals: the letter PDF and its email. Tasks take ids and are safe to run twice.

Both ask for the consent again when they run: a consent revoked or expired between the click and the
worker stops the letter and the email (the row says why), and nothing leaves the agency.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import InterfaceError, OperationalError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from caseload import audit
from caseload.files import save_through_storage
from referrals import services
from referrals.models import Disclosure, Referral, ReferralEmail, ReferralLetter
from referrals.pdf import render_letter_pdf_bytes

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)
SEND_TIMEOUT_SECONDS = 30


def letter_file_name(referral: Referral) -> str:
    return f"referrals/{referral.client_id}/{referral.pk}-letter.pdf"


def _referral(referral_id) -> Referral:
    return Referral.objects.select_related("client", "service__organization", "goal").get(pk=referral_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=10,
             retry_backoff_max=90, retry_jitter=True, max_retries=ReferralLetter.MAX_ATTEMPTS - 1)
def render_referral_letter(letter_id: int) -> bool:
    """Render and store one letter. Returns False when there was nothing to do (ready, spent or no consent)."""
    with transaction.atomic():
        letter = ReferralLetter.objects.select_for_update().filter(pk=letter_id).first()
        if letter is None or letter.status == ReferralLetter.Status.READY:
            return False
        if letter.attempts >= ReferralLetter.MAX_ATTEMPTS:
            return False
        letter.status = ReferralLetter.Status.RENDERING
        letter.attempts += 1
        letter.save(update_fields=["status", "attempts"])
    referral = _referral(letter.referral_id)
    consent = services.consent_for(referral)
    if consent is None:
        ReferralLetter.objects.filter(pk=letter_id).update(
            status=ReferralLetter.Status.FAILED, error="no consent in force", finished_at=timezone.now())
        return False
    try:
        content = render_letter_pdf_bytes(services.shared_record(referral, consent))
        name = letter_file_name(referral)
        save_through_storage(name, content)
    except Exception as exc:
        status = ReferralLetter.Status.QUEUED if isinstance(exc, TRANSIENT_ERRORS) else ReferralLetter.Status.FAILED
        ReferralLetter.objects.filter(pk=letter_id).update(status=status, error=type(exc).__name__)
        raise
    ReferralLetter.objects.filter(pk=letter_id).exclude(status=ReferralLetter.Status.READY).update(
        status=ReferralLetter.Status.READY, file=name, sha256=hashlib.sha256(content).hexdigest(), error="",
        finished_at=timezone.now(),
    )
    return True


@shared_task(autoretry_for=TRANSIENT_ERRORS, retry_backoff=30, retry_backoff_max=300, retry_jitter=True,
             max_retries=ReferralEmail.MAX_ATTEMPTS - 1)
def send_referral_email(email_id: int) -> bool:
    """Send one email once: claimed by ONE conditional UPDATE (queued/failed → sending), marked sent after.

    A second message for the same row finds it sending or sent and does nothing. As with the digests,
    only a worker that dies between the mail server's acceptance and the UPDATE can leave it to send again.
    """
    claimed = ReferralEmail.objects.filter(
        pk=email_id, status__in=[ReferralEmail.Status.QUEUED, ReferralEmail.Status.FAILED],
        attempts__lt=ReferralEmail.MAX_ATTEMPTS,
    ).update(status=ReferralEmail.Status.SENDING, attempts=F("attempts") + 1, error="")
    if not claimed:
        return False
    email = ReferralEmail.objects.get(pk=email_id)
    referral = _referral(email.referral_id)
    consent = services.consent_for(referral)
    if consent is None:
        ReferralEmail.objects.filter(pk=email_id).update(status=ReferralEmail.Status.REFUSED)
        return False
    try:
        shared = services.shared_record(referral, consent)
        content = render_letter_pdf_bytes(shared)
        message = EmailMessage(
            subject=_("Referral from %(agency)s to %(service)s") % {
                "agency": settings.AGENCY_NAME, "service": referral.service.name},
            body=_("Please find the referral letter attached. Reply to the referring case manager to arrange the next step."),
            from_email=settings.DEFAULT_FROM_EMAIL, to=[email.to],
            connection=get_connection(timeout=SEND_TIMEOUT_SECONDS),
        )
        message.attach(f"referral-{referral.client.client_number}.pdf", content, "application/pdf")
        message.send()
    except Exception as exc:
        ReferralEmail.objects.filter(pk=email_id, status=ReferralEmail.Status.SENDING).update(
            status=ReferralEmail.Status.FAILED, error=type(exc).__name__)
        raise
    with transaction.atomic():
        ReferralEmail.objects.filter(pk=email_id, status=ReferralEmail.Status.SENDING).update(
            status=ReferralEmail.Status.SENT, sent_at=timezone.now())
        services.disclosure_record(referral=referral, consent=consent, channel=Disclosure.Channel.EMAIL,
                                   by=email.queued_by, recipient=f"{referral.service.organization.name} <{email.to}>")
        audit.record(action="update", client_id=referral.client_id, obj=referral, summary="referral letter emailed")
    return True




QUEUED_STALE_SECONDS = 2 * 60
RENDERING_STALE_SECONDS = 10 * 60


@shared_task
def requeue_stale_referral_work(queued_for_seconds: int = QUEUED_STALE_SECONDS,
                                rendering_for_seconds: int = RENDERING_STALE_SECONDS) -> int:
    """Send again the letters and emails whose message the broker lost (or never got). Beat, every minute.

    The rows are the jobs: a letter still queued (or rendering, its worker gone) and an email still
    queued after a while are sent to the worker again, and counted as freshly queued so that a broker
    that keeps losing messages gets one per job per two minutes. The tasks' own claims make a
    duplicate message harmless. Returns how many jobs were sent again.
    """
    now = timezone.now()
    queued_before = now - timedelta(seconds=queued_for_seconds)
    letters = list(
        ReferralLetter.objects.filter(attempts__lt=ReferralLetter.MAX_ATTEMPTS).filter(
            models.Q(status=ReferralLetter.Status.QUEUED, queued_at__lt=queued_before)
            | models.Q(status=ReferralLetter.Status.RENDERING,
                       queued_at__lt=now - timedelta(seconds=rendering_for_seconds))
        ).values_list("pk", flat=True)
    )
    emails = list(
        ReferralEmail.objects.filter(status=ReferralEmail.Status.QUEUED, queued_at__lt=queued_before)
        .values_list("pk", flat=True)
    )
    ReferralLetter.objects.filter(pk__in=letters).update(status=ReferralLetter.Status.QUEUED, queued_at=now)
    ReferralEmail.objects.filter(pk__in=emails).update(queued_at=now)
    for letter_id in letters:
        render_referral_letter.delay(letter_id)
    for email_id in emails:
        send_referral_email.delay(email_id)
    return len(letters) + len(emails)
