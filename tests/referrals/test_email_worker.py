"""The referral letter's email from a real Celery worker, through Redis, against the PostgreSQL test database."""

import pytest
from django.db import transaction

from referrals import services
from referrals.models import Disclosure, ReferralEmail
from tests.caseload.test_worker import TASK_TIMEOUT, _wait_until, worker  # noqa: F401  (the worker fixture)

pytestmark = pytest.mark.worker


def test_a_real_worker_emails_the_letter_once_under_the_consent(worker, sent_referral, case_manager):  # noqa: F811
    with transaction.atomic():  # queued when the transaction commits, as in a request
        email, created = services.email_queue(referral=sent_referral, by=case_manager, to="visitation@bolig.example",
                                              request_key="worker-1")
        services.email_queue(referral=sent_referral, by=case_manager, to="visitation@bolig.example",
                             request_key="worker-1")
    assert created
    sent = _wait_until(lambda: ReferralEmail.objects.get(pk=email.pk).status == "sent", TASK_TIMEOUT)
    assert sent, worker.log()
    messages = worker.mail()
    assert len(messages) == 1 and "To: visitation@bolig.example" in messages[0] and "application/pdf" in messages[0]
    assert Disclosure.objects.filter(channel="email", referral=sent_referral).count() == 1
