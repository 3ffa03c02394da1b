"""The receiving organization's one-time link: shows only what was shared, works once, expires, is revocable."""

from datetime import timedelta

import pytest
from django.utils import timezone

from caseload.models import AuditEvent
from referrals import services
from referrals.models import Disclosure, PartnerLink, Referral, hash_token


@pytest.fixture
def link(sent_referral, case_manager):
    link, token = services.partner_link_create(referral=sent_referral, by=case_manager)
    return link, token


def test_it_stores_only_the_hash_of_an_unguessable_token(link):
    row, token = link
    assert len(token) >= 40
    assert row.token_hash == hash_token(token) and token not in row.token_hash


def test_the_case_manager_sees_the_link_once(login, case_manager, sent_referral):
    browser = login(case_manager)
    page = browser.post(f"/referrals/{sent_referral.pk}/link/", follow=True).content.decode()
    assert "/partner/" in page and "shown only once" in page
    assert "/partner/" not in browser.get(f"/referrals/{sent_referral.pk}/").content.decode()


def test_it_opens_without_signing_in_and_shows_only_what_was_shared(client, link, client_a, results):
    row, token = link
    page = client.get(f"/partner/{token}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert client_a.full_name in text and "Needs a stable home after discharge." in text
    assert "PHQ9 16" in text
    assert "AUDITC" not in text and "redisclosure" not in text  # not covered by the consent
    assert "no-store" in page["Cache-Control"] and page["Referrer-Policy"] == "same-origin"
    disclosure = Disclosure.objects.get(channel="partner_link")
    assert disclosure.disclosed_by is None and disclosure.consent_id == row.referral.consent_id
    assert AuditEvent.objects.filter(summary="referral (partner link)", client_id=client_a.pk,
                                     actor_name="Bolig Nord (partner link)").exists()


def test_it_leaves_out_what_the_consent_does_not_name(client, client_a, housing, case_manager, consent):
    consent.items = ["reason"]
    consent.save()
    referral = services.referral_create(client=client_a, service=housing, by=case_manager, reason="Housing",
                                        urgency="routine", shared_items=["contact", "reason"])
    referral = services.referral_send(referral=referral, by=case_manager)
    _row, token = services.partner_link_create(referral=referral, by=case_manager)
    text = client.get(f"/partner/{token}/").content.decode()
    assert client_a.full_name not in text and client_a.phone not in text


def test_the_partner_accepts_and_sets_an_appointment_once(client, link):
    row, token = link
    appointment = (timezone.localtime() + timedelta(days=5)).replace(second=0, microsecond=0)
    page = client.post(f"/partner/{token}/", {
        "to_status": "accepted", "name": "Lene", "appointment_at": appointment.strftime("%Y-%m-%dT%H:%M"),
    })
    assert "Your answer is recorded: Accepted" in page.content.decode()
    referral = Referral.objects.get(pk=row.referral_id)
    assert referral.status == "accepted" and referral.appointment_at == appointment
    event = referral.events.last()
    assert event.by_partner == "Lene (Bolig Nord)" and event.by_user is None
    assert PartnerLink.objects.get(pk=row.pk).used_at is not None
    # Used up: a second visit sees nothing of the client, and cannot post.
    again = client.get(f"/partner/{token}/")
    assert again.status_code == 404 and "no longer works" in again.content.decode()
    assert client.post(f"/partner/{token}/", {"to_status": "declined", "note": "x"}).status_code == 404
    assert Referral.objects.get(pk=row.referral_id).status == "accepted"


def test_a_decline_needs_a_reason_and_keeps_the_form(client, link):
    _row, token = link
    page = client.post(f"/partner/{token}/", {"to_status": "declined", "name": "Lene"})
    text = page.content.decode()
    assert page.status_code == 400 and "Say why the referral is declined." in text and 'value="Lene"' in text
    assert PartnerLink.objects.get(token_hash=hash_token(token)).used_at is None


@pytest.mark.parametrize("how", ["expired", "revoked", "consent revoked", "consent expired", "unknown"])
def test_it_stops_working(how, client, link, case_manager, consent, client_a):
    row, token = link
    if how == "expired":
        PartnerLink.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif how == "revoked":
        services.partner_link_revoke(link=row)
    elif how == "consent revoked":
        services.consent_revoke(consent=consent, by=case_manager, reason="The client withdrew it")
    elif how == "consent expired":
        type(consent).objects.filter(pk=consent.pk).update(
            valid_from=timezone.localdate() - timedelta(days=30), valid_until=timezone.localdate() - timedelta(days=1))
    elif how == "unknown":
        token = token[:-2] + "xx"
    page = client.get(f"/partner/{token}/")
    assert page.status_code == 404 and client_a.full_name not in page.content.decode()
    assert client.post(f"/partner/{token}/", {"to_status": "accepted"}).status_code == 404
    assert Referral.objects.get(pk=row.referral_id).status == "sent"
    assert not Disclosure.objects.filter(channel="partner_link").exists()


def test_no_link_is_made_without_a_consent(case_manager, sent_referral, consent):
    services.consent_revoke(consent=consent, by=case_manager, reason="withdrawn")
    with pytest.raises(services.ConsentRequired):
        services.partner_link_create(referral=sent_referral, by=case_manager)


def test_a_new_link_revokes_the_unused_one(link, case_manager):
    row, old_token = link
    services.partner_link_create(referral=row.referral, by=case_manager)
    assert services.partner_link_for_token(old_token) == (None, None)


def test_the_handed_over_tablet_does_not_capture_the_partner_page(client, login, case_manager, link, consent):
    """A partner page opened in a browser whose session has a tablet hand-over is not redirected."""
    _row, token = link
    browser = login(case_manager)
    browser.post(f"/clients/consents/{consent.pk}/hand-over/")
    assert browser.get(f"/partner/{token}/").status_code == 200
