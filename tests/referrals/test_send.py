"""Sending a referral: refused unless a consent in force covers the organization; only what it covers goes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from caseload.models import AuditEvent
from referrals import services
from referrals.models import Disclosure, Referral
from tests.factories import ConsentFactory, OrganizationFactory


def send(browser, referral):
    return browser.post(f"/referrals/{referral.pk}/send/", {"version": referral.version}, follow=True)


def test_it_refuses_to_send_without_a_consent_and_links_to_record_one(login, case_manager, draft_referral):
    page = send(login(case_manager), draft_referral).content.decode()
    assert "No consent in force covers Bolig Nord" in page
    assert f"/clients/{draft_referral.client_id}/consents/new/?organization={draft_referral.service.organization_id}" in page
    assert Referral.objects.get(pk=draft_referral.pk).status == "draft"
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("case", ["other organization", "expired", "revoked", "unsigned", "not yet", "other client"])
def test_it_refuses_a_consent_that_does_not_cover_the_organization_now(
    case, client_a, case_manager, draft_referral, housing,
):
    today = timezone.localdate()
    values = {"client": client_a, "organization": housing.organization, "created_by": case_manager}
    if case == "other organization":
        values["organization"] = OrganizationFactory()
    elif case == "expired":
        values |= {"valid_from": today - timedelta(days=400), "valid_until": today - timedelta(days=1)}
    elif case == "revoked":
        values |= {"revoked_at": timezone.now(), "revoke_reason": "changed my mind"}
    elif case == "unsigned":
        values["signed_at"] = None
    elif case == "not yet":
        values |= {"valid_from": today + timedelta(days=3)}
    elif case == "other client":
        values["client"] = ConsentFactory().client
    ConsentFactory(**values)
    with pytest.raises(services.ConsentRequired):
        services.referral_send(referral=draft_referral, by=case_manager)
    assert Referral.objects.get(pk=draft_referral.pk).status == "draft"


def test_it_sends_under_the_consent_and_logs_the_disclosure(login, case_manager, draft_referral, consent):
    page = send(login(case_manager), draft_referral).content.decode()
    assert "The referral is sent" in page
    referral = Referral.objects.get(pk=draft_referral.pk)
    assert referral.status == "sent" and referral.consent == consent
    disclosure = Disclosure.objects.get()
    assert disclosure.consent == consent and disclosure.recipient == "Bolig Nord" and disclosure.channel == "referral"
    assert disclosure.disclosed_by == case_manager
    # Asked to share substance use, but the consent does not cover it: left out, and no notice needed.
    assert disclosure.items == ["contact", "reason", "assessments"]
    assert not disclosure.redisclosure_notice
    assert list(referral.events.values_list("to_status", flat=True)) == ["draft", "sent"]
    assert AuditEvent.objects.filter(object_type="referrals.Disclosure", action="create").exists()


def test_a_consent_covering_substance_use_lets_it_go_with_the_redisclosure_notice(
    client_a, case_manager, draft_referral, housing, results,
):
    consent = ConsentFactory(client=client_a, organization=housing.organization, covers_substance_use=True,
                             created_by=case_manager, items=["contact", "reason", "assessments"])
    referral = services.referral_send(referral=draft_referral, by=case_manager)
    disclosure = Disclosure.objects.get()
    assert "substance_use" in disclosure.items and disclosure.redisclosure_notice
    shared = services.shared_record(referral, consent)
    assert [r.instrument for r in shared.substance_use_results] == ["auditc"]
    assert [r.instrument for r in shared.results] == ["phq9"]


def test_what_is_shared_leaves_out_the_audit_c_without_a_consent_for_substance_use(
    case_manager, draft_referral, consent, results,
):
    referral = services.referral_send(referral=draft_referral, by=case_manager)
    shared = services.shared_record(referral, consent)
    assert [r.instrument for r in shared.results] == ["phq9"]
    assert shared.substance_use_results == [] and not shared.redisclosure_notice


def test_a_second_send_is_refused(case_manager, sent_referral):
    with pytest.raises(services.NotAllowed):
        services.referral_send(referral=sent_referral, by=case_manager)
    assert Disclosure.objects.count() == 1


def test_a_service_that_takes_no_referrals_now_is_refused(case_manager, draft_referral, consent, housing):
    housing.accepts_referrals = False
    housing.save()
    with pytest.raises(services.NotAllowed):
        services.referral_send(referral=draft_referral, by=case_manager)


def test_a_send_from_a_page_opened_before_someone_elses_change_is_refused(login, case_manager, draft_referral, consent):
    page = login(case_manager).post(f"/referrals/{draft_referral.pk}/send/", {"version": 0}, follow=True)
    assert "Someone else updated this referral" in page.content.decode()
    assert Referral.objects.get(pk=draft_referral.pk).status == "draft"
