"""Consent scope (organization), expiry and revocation, on every path that shares data.

Each case starts from a referral sent under a consent, then ends that consent's cover one way, and
tries each path: sending again after re-opening, the partner link, the letter PDF (made and
downloaded), and the email (queued and sent). Nothing is shared, and no disclosure is logged.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from clients.models import Consent
from referrals import services, tasks
from referrals.models import Disclosure, Referral, ReferralEmail, ReferralLetter
from tests.factories import OrganizationFactory

CASES = ["revoked", "expired", "other organization"]


def end_the_cover(case: str, consent: Consent, by) -> None:
    if case == "revoked":
        services.consent_revoke(consent=consent, by=by, reason="The client withdrew it")
    elif case == "expired":
        Consent.objects.filter(pk=consent.pk).update(
            valid_from=timezone.localdate() - timedelta(days=60), valid_until=timezone.localdate() - timedelta(days=1))
    else:  # the consent names another organization than the referral's
        Consent.objects.filter(pk=consent.pk).update(organization=OrganizationFactory())


@pytest.fixture
def shared_once(sent_referral, case_manager):
    """What the referral disclosed when it was sent, and a letter and an email row queued before the end."""
    letter = ReferralLetter.objects.create(referral=sent_referral)
    email = ReferralEmail.objects.create(key="before", referral=sent_referral, to="a@b.example", queued_by=case_manager)
    _link, token = services.partner_link_create(referral=sent_referral, by=case_manager)
    return letter, email, token


@pytest.mark.parametrize("case", CASES)
def test_nothing_is_shared_once_the_consent_does_not_cover_it(case, shared_once, sent_referral, consent, case_manager,
                                                             login, client):
    letter, email, token = shared_once
    end_the_cover(case, consent, case_manager)
    before = Disclosure.objects.count()
    browser = login(case_manager)

    # the partner link
    assert client.get(f"/partner/{token}/").status_code == 404
    # the letter: not made by the worker, not queued again, not handed out
    assert tasks.render_referral_letter(letter.pk) is False
    assert "No consent in force" in browser.post(f"/referrals/{sent_referral.pk}/letter/", follow=True).content.decode()
    assert "not ready" in browser.get(f"/referrals/{sent_referral.pk}/letter.pdf", follow=True).content.decode()
    # the email: not sent by the worker, not queued
    assert tasks.send_referral_email(email.pk) is False and mail.outbox == []
    page = browser.post(f"/referrals/{sent_referral.pk}/email/", {"to": "x@y.example", "request_key": "k"}, follow=True)
    assert "No consent in force" in page.content.decode()
    # a new link
    with pytest.raises(services.ConsentRequired):
        services.partner_link_create(referral=sent_referral, by=case_manager)
    # sending again after re-opening
    referral = services.referral_set_status(referral=sent_referral, to_status="closed", by=case_manager,
                                            close_reason="no_response")
    referral = services.referral_reopen(referral=referral, by=case_manager)
    with pytest.raises(services.ConsentRequired):
        services.referral_send(referral=referral, by=case_manager)
    assert Referral.objects.get(pk=referral.pk).status == "draft"
    assert Disclosure.objects.count() == before
