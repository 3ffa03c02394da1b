"""The closed loop: each step with who, when and a note; declined and closed need a reason; re-opening."""

import pytest
from django.core.exceptions import ValidationError

from referrals import services
from referrals.models import Referral


def step(browser, referral, **values):
    return browser.post(f"/referrals/{referral.pk}/status/", {"version": referral.version, **values}, follow=True)


def test_the_case_manager_walks_a_referral_to_completion(login, case_manager, sent_referral):
    browser = login(case_manager)
    referral = sent_referral
    for status, extra in [("acknowledged", {}), ("accepted", {}),
                          ("appointment_set", {"appointment_at": "2030-03-04T10:30"}),
                          ("service_started", {}), ("completed", {"note": "Moved in"})]:
        step(browser, referral, to_status=status, **extra)
        referral = Referral.objects.get(pk=referral.pk)
        assert referral.status == status
    page = browser.get(f"/referrals/{referral.pk}/").content.decode()
    for label in ["Sent", "Acknowledged", "Accepted", "Appointment set", "Service started", "Completed", "Moved in"]:
        assert label in page
    assert case_manager.display_name in page
    events = list(referral.events.values_list("from_status", "to_status"))
    assert events[-1] == ("service_started", "completed") and len(events) == 7


def test_a_decline_without_a_reason_is_refused_beside_the_field(login, case_manager, sent_referral):
    page = step(login(case_manager), sent_referral, to_status="declined")
    assert "Say why the referral is declined." in page.content.decode()
    assert Referral.objects.get(pk=sent_referral.pk).status == "sent"


def test_closing_needs_a_reason_and_other_needs_words(case_manager, sent_referral):
    with pytest.raises(ValidationError):
        services.referral_set_status(referral=sent_referral, to_status="closed", by=case_manager)
    with pytest.raises(ValidationError):
        services.referral_set_status(referral=sent_referral, to_status="closed", by=case_manager, close_reason="other")
    referral = services.referral_set_status(referral=sent_referral, to_status="closed", by=case_manager,
                                            close_reason="no_response")
    assert referral.events.last().get_close_reason_display() == "No response"


def test_a_step_that_does_not_follow_is_refused(case_manager, sent_referral):
    with pytest.raises(services.NotAllowed):
        services.referral_set_status(referral=sent_referral, to_status="completed", by=case_manager)


def test_a_step_from_a_page_opened_before_another_change_is_refused(login, case_manager, sent_referral):
    browser = login(case_manager)
    services.referral_set_status(referral=sent_referral, to_status="acknowledged", by=case_manager)
    page = browser.post(f"/referrals/{sent_referral.pk}/status/",
                        {"version": sent_referral.version, "to_status": "accepted"}, follow=True)
    assert "Someone else updated this referral" in page.content.decode()
    assert Referral.objects.get(pk=sent_referral.pk).status == "acknowledged"


def test_re_opening_goes_back_to_draft_and_must_be_sent_again(login, case_manager, sent_referral, consent):
    referral = services.referral_set_status(referral=sent_referral, to_status="declined", by=case_manager,
                                            note="Full until spring")
    page = login(case_manager).post(f"/referrals/{referral.pk}/reopen/",
                                    {"version": referral.version, "note": "Spring now"}, follow=True)
    assert "re-opened" in page.content.decode()
    referral = Referral.objects.get(pk=referral.pk)
    assert referral.status == "draft" and referral.events.last().note == "Spring now"
    assert services.referral_send(referral=referral, by=case_manager).status == "sent"


def test_the_clients_referral_list_shows_the_status(login, case_manager, sent_referral):
    page = login(case_manager).get(f"/referrals/clients/{sent_referral.client_id}/").content.decode()
    assert "Bostøtte for voksne" in page and "Sent" in page and "Bolig Nord" in page
