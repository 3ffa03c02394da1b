"""Consents: recorded by staff, signed by the client on the handed-over tablet, revocable at any time."""

import base64
import io
from datetime import timedelta

from django.utils import timezone
from PIL import Image

from caseload.models import AuditEvent
from clients.models import Client, Consent
from referrals import services
from referrals.models import PartnerLink
from tests.careplans.conftest import SIGNATURE_SVG
from tests.factories import ConsentFactory


def png_data_url() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), "white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def consent_values(organization, **changes):
    return {
        "organization": str(organization.pk), "items": ["contact", "reason"], "purpose": "Referral for housing",
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": (timezone.localdate() + timedelta(days=365)).isoformat(), **changes,
    }


def test_the_form_starts_from_the_organization_of_the_refused_referral(login, case_manager, client_a, housing):
    page = login(case_manager).get(f"/clients/{client_a.pk}/consents/new/?organization={housing.organization_id}")
    text = page.content.decode()
    assert f'<option value="{housing.organization_id}" selected>' in text and "Referral to Bolig Nord" in text


def test_bad_input_gets_a_message_beside_the_field_and_keeps_what_was_typed(login, case_manager, client_a, housing):
    values = consent_values(housing.organization, purpose="Housing", valid_until="2020-01-01", items=[])
    page = login(case_manager).post(f"/clients/{client_a.pk}/consents/new/", values)
    text = page.content.decode()
    assert "The end date is before the start date." in text and "Tick at least one kind of information." in text
    assert 'value="Housing"' in text
    assert not Consent.objects.exists()


def test_a_consent_needs_an_organization_or_a_person(login, case_manager, client_a, housing):
    page = login(case_manager).post(f"/clients/{client_a.pk}/consents/new/",
                                    {**consent_values(housing.organization), "organization": ""})
    assert "Choose an organization, or name a person." in page.content.decode()


def test_the_client_signs_on_the_tablet_and_staff_take_it_back(login, case_manager, client_a, housing, password):
    Client.objects.filter(pk=client_a.pk).update(preferred_language="en")  # the tablet speaks the client's language
    browser = login(case_manager)
    response = browser.post(f"/clients/{client_a.pk}/consents/new/", consent_values(housing.organization))
    consent = Consent.objects.get()
    assert response.url == f"/clients/consents/{consent.pk}/" and consent.state == "unsigned"
    response = browser.post(f"/clients/consents/{consent.pk}/hand-over/")
    tablet = f"/clients/consents/{consent.pk}/tablet/"
    assert response.url == tablet
    assert browser.get(f"/clients/{client_a.pk}/").url == tablet  # nothing else opens while handed over
    page = browser.post(tablet, {"action": "sign", "printed_name": "Mikkel Sørensen",
                                 "signature_svg": SIGNATURE_SVG, "signature_png": png_data_url()}, follow=True)
    assert "Signed by Mikkel Sørensen" in page.content.decode()
    consent.refresh_from_db()
    assert consent.is_in_force and consent.witnessed_by == case_manager and len(consent.content_hash) == 64
    assert "<path" in consent.image_svg
    wrong = browser.post(tablet, {"action": "return", "password": "not it"})
    assert "That is not the password" in wrong.content.decode()
    assert browser.post(tablet, {"action": "return", "password": password}).url == f"/clients/consents/{consent.pk}/"
    assert browser.get(f"/clients/{client_a.pk}/").status_code == 200
    assert AuditEvent.objects.filter(summary="tablet handed to the client", object_type="clients.Consent").exists()


def test_an_empty_pad_is_not_a_signature(login, case_manager, client_a, housing):
    consent = ConsentFactory(client=client_a, organization=housing.organization, signed_at=None, created_by=case_manager)
    browser = login(case_manager)
    browser.post(f"/clients/consents/{consent.pk}/hand-over/")
    page = browser.post(f"/clients/consents/{consent.pk}/tablet/",
                        {"action": "sign", "printed_name": "M", "signature_svg": "", "signature_png": ""})
    assert page.status_code == 200 and 'id="pad-error"' in page.content.decode()
    assert Consent.objects.get(pk=consent.pk).signed_at is None


def test_revoking_stops_sharing_and_the_partner_links(login, case_manager, sent_referral, consent):
    _link, token = services.partner_link_create(referral=sent_referral, by=case_manager)
    page = login(case_manager).post(f"/clients/consents/{consent.pk}/revoke/", {"revoke_reason": "Changed my mind"},
                                    follow=True)
    assert "The consent is revoked" in page.content.decode() and "Changed my mind" in page.content.decode()
    consent.refresh_from_db()
    assert consent.state == "revoked" and consent.revoked_by == case_manager
    assert PartnerLink.objects.get().revoked_at is not None
    assert services.consent_for(sent_referral) is None


def test_revoking_needs_a_reason(login, case_manager, consent):
    page = login(case_manager).post(f"/clients/consents/{consent.pk}/revoke/", {"revoke_reason": ""})
    assert page.status_code == 400 and Consent.objects.get(pk=consent.pk).revoked_at is None


def test_the_accounting_lists_every_disclosure_with_its_consent(login, case_manager, client, sent_referral, consent):
    _link, token = services.partner_link_create(referral=sent_referral, by=case_manager)
    client.get(f"/partner/{token}/")
    page = login(case_manager).get(f"/clients/{sent_referral.client_id}/disclosures/").content.decode()
    assert page.count("Bolig Nord") >= 2
    assert "Referral sent" in page and "Partner link opened" in page and "the partner, through its link" in page
    assert f"/clients/consents/{consent.pk}/" in page
