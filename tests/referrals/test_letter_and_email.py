"""The referral letter: a PDF made by the worker and an email sent once, both only under a consent in force."""

import subprocess

import pytest
from django.core import mail
from django.db import OperationalError

from referrals import services, tasks
from referrals.models import Disclosure, ReferralEmail, ReferralLetter


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


@pytest.mark.pdftotext
def test_the_letter_pdf_carries_what_was_shared_and_is_downloaded_as_a_disclosure(
    login, case_manager, sent_referral, results, django_capture_on_commit_callbacks, tmp_path, client_a,
):
    browser = login(case_manager)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(f"/referrals/{sent_referral.pk}/letter/")
    letter = ReferralLetter.objects.get()
    assert letter.status == "ready" and len(letter.sha256) == 64
    response = browser.get(f"/referrals/{sent_referral.pk}/letter.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content), tmp_path)
    assert "Referral to Bostøtte for voksne" in text and client_a.full_name in text and "PHQ9 16" in text
    assert "AUDITC" not in text and "redisclosure" not in text.lower()
    assert Disclosure.objects.filter(channel="letter", disclosed_by=case_manager).count() == 1


@pytest.mark.pdftotext
def test_with_substance_use_covered_the_letter_carries_the_notice(
    client_a, housing, case_manager, draft_referral, results, tmp_path,
):
    from tests.factories import ConsentFactory

    consent = ConsentFactory(client=client_a, organization=housing.organization, covers_substance_use=True,
                             created_by=case_manager, items=["contact", "reason", "assessments"])
    referral = services.referral_send(referral=draft_referral, by=case_manager)
    from referrals.pdf import render_letter_pdf_bytes

    text = " ".join(pdf_text(render_letter_pdf_bytes(services.shared_record(referral, consent)), tmp_path).split())
    assert "AUDITC 5" in text and "42 CFR part 2" in text


def test_no_letter_is_made_without_a_consent(login, case_manager, sent_referral, consent):
    services.consent_revoke(consent=consent, by=case_manager, reason="withdrawn")
    page = login(case_manager).post(f"/referrals/{sent_referral.pk}/letter/", follow=True)
    assert "No consent in force covers Bolig Nord" in page.content.decode()
    assert not ReferralLetter.objects.exists()


def test_a_letter_queued_before_the_consent_ended_is_not_rendered(case_manager, sent_referral, consent):
    letter = ReferralLetter.objects.create(referral=sent_referral)
    services.consent_revoke(consent=consent, by=case_manager, reason="withdrawn")
    assert tasks.render_referral_letter(letter.pk) is False
    letter.refresh_from_db()
    assert letter.status == "failed" and letter.error == "no consent in force" and not letter.file


def test_a_ready_letter_is_not_handed_out_after_the_consent_ends(login, case_manager, sent_referral, consent,
                                                                django_capture_on_commit_callbacks):
    browser = login(case_manager)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(f"/referrals/{sent_referral.pk}/letter/")
    services.consent_revoke(consent=consent, by=case_manager, reason="withdrawn")
    response = browser.get(f"/referrals/{sent_referral.pk}/letter.pdf", follow=True)
    assert "No consent in force" in response.content.decode()
    assert not Disclosure.objects.filter(channel="letter").exists()


def test_the_email_is_sent_once_with_the_letter_attached(login, case_manager, sent_referral,
                                                         django_capture_on_commit_callbacks):
    browser = login(case_manager)
    form = {"to": "visitation@bolig.example", "request_key": "k1"}
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(f"/referrals/{sent_referral.pk}/email/", form)
        browser.post(f"/referrals/{sent_referral.pk}/email/", form)  # a double click
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["visitation@bolig.example"] and message.attachments[0][2] == "application/pdf"
    email = ReferralEmail.objects.get()
    assert email.status == "sent" and email.attempts == 1
    assert tasks.send_referral_email(email.pk) is False  # a message delivered twice does nothing
    assert len(mail.outbox) == 1
    assert Disclosure.objects.filter(channel="email", recipient="Bolig Nord <visitation@bolig.example>").count() == 1


def test_a_failed_send_is_retried_and_sent_once(case_manager, sent_referral, monkeypatch):
    email = ReferralEmail.objects.create(key="x", referral=sent_referral, to="a@b.example", queued_by=case_manager)
    calls = []

    def flaky(self, fail_silently=False):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("mail server away")
        return 1

    monkeypatch.setattr("django.core.mail.EmailMessage.send", flaky)
    with pytest.raises(OperationalError):
        tasks.send_referral_email.run(email.pk)
    assert ReferralEmail.objects.get(pk=email.pk).status == "failed"
    assert tasks.send_referral_email.run(email.pk) is True
    assert ReferralEmail.objects.get(pk=email.pk).status == "sent" and len(calls) == 2


def test_an_email_queued_before_the_consent_was_revoked_is_not_sent(case_manager, sent_referral, consent):
    email = ReferralEmail.objects.create(key="y", referral=sent_referral, to="a@b.example", queued_by=case_manager)
    services.consent_revoke(consent=consent, by=case_manager, reason="withdrawn")
    assert tasks.send_referral_email(email.pk) is False
    assert ReferralEmail.objects.get(pk=email.pk).status == "refused" and mail.outbox == []
    assert not Disclosure.objects.filter(channel="email").exists()


def test_no_email_is_queued_without_a_consent(login, case_manager, sent_referral, consent):
    services.consent_revoke(consent=consent, by=case_manager, reason="withdrawn")
    page = login(case_manager).post(f"/referrals/{sent_referral.pk}/email/", {"to": "a@b.example", "request_key": "z"},
                                    follow=True)
    assert "No consent in force" in page.content.decode() and not ReferralEmail.objects.exists()


def test_a_bad_address_is_refused_beside_the_field(login, case_manager, sent_referral):
    page = login(case_manager).post(f"/referrals/{sent_referral.pk}/email/", {"to": "not-an-address", "request_key": "k"})
    assert page.status_code == 400 and "Enter a valid email address." in page.content.decode()
    assert 'value="not-an-address"' in page.content.decode()


def test_letters_and_emails_the_broker_lost_are_sent_again(case_manager, sent_referral):
    from datetime import timedelta

    from django.utils import timezone

    long_ago = timezone.now() - timedelta(minutes=5)
    letter = ReferralLetter.objects.create(referral=sent_referral, queued_at=long_ago)
    email = ReferralEmail.objects.create(key="lost", referral=sent_referral, to="a@b.example", queued_by=case_manager,
                                         queued_at=long_ago)
    fresh = ReferralEmail.objects.create(key="fresh", referral=sent_referral, to="c@d.example", queued_by=case_manager)
    assert tasks.requeue_stale_referral_work() == 2
    assert ReferralLetter.objects.get(pk=letter.pk).status == "ready"
    assert ReferralEmail.objects.get(pk=email.pk).status == "sent" and len(mail.outbox) == 1
    assert ReferralEmail.objects.get(pk=fresh.pk).status == "queued"
    assert tasks.requeue_stale_referral_work() == 0
