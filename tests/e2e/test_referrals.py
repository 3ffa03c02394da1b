"""Referrals: a housing service found in the directory, refused without consent, consent signed on the
tablet by touch, the referral sent, the partner's answer through its one-time link, the status on the client.

The scenario's step 5: Anna refers Mikkel Sørensen to Bolig Nord's supported housing. His AUDIT-C is on
record; his consent does not cover substance-use information, so it never reaches the partner.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from referrals.models import Referral
from tests.e2e.test_careplan import photograph_the_tablet, press_sign, sign_with_a_finger, touch_targets_under_44px
from tests.factories import TEST_PASSWORD, InstrumentResponseFactory, OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.browser

REASON = "Recently discharged, no stable housing. Wants a flat of his own near his daughter's school."


@pytest.fixture
def directory(db):
    bolig = OrganizationFactory(name="Bolig Nord", hsds_id="bolig-nord", email="visitation@bolig.example")
    housing = ServiceFactory(organization=bolig, name="Bostøtte for voksne", category="housing", languages=",da,en,",
                             description="Help to find and keep a home", eligibility="Adults 18+",
                             opening_hours="Mon-Fri 9-15", phone="+45 70 10 20 30",
                             search_text="BOSTØTTE FOR VOKSNE HELP TO FIND AND KEEP A HOME BOLIG NORD")
    ServiceFactory(name="IPS employment support", category="employment", languages=",da,",
                   search_text="IPS EMPLOYMENT SUPPORT")
    ServiceFactory(name="Shelter beds", category="housing", languages=",pl,", search_text="SHELTER BEDS")
    return housing


def find_the_housing_service(page: Page, client) -> None:
    page.goto(f"/clients/{client.pk}/")
    page.get_by_role("link", name="Find a service").click()
    expect(page.get_by_role("heading", name=f"Find a service for {client.full_name}")).to_be_visible()
    page.get_by_label("Category").select_option(label="Housing")
    page.get_by_label("Language").select_option(label="Danish")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text("1 service")
    expect(page.get_by_role("heading", name="Bostøtte for voksne")).to_be_visible()


def sign_the_consent_on_the_tablet(page: Page, cdp, client) -> None:
    expect(page).to_have_url(re.compile(r"/clients/consents/[0-9a-f-]+/tablet/$"))
    expect(page.get_by_role("navigation")).to_have_count(0)
    # The client reads the consent in his own language (Danish).
    expect(page.get_by_role("heading", name=f"{client.full_name}, giver du samtykke til, at disse oplysninger deles?")).to_be_visible()
    expect(page.locator(".tablet-plan")).to_contain_text("Deles ikke")  # substance use
    sign = page.get_by_role("button", name="Underskriv", exact=True)
    expect(sign).to_be_disabled()
    sign_with_a_finger(cdp, page, loops=3)
    expect(sign).to_be_enabled()
    press_sign(page, sign)
    expect(page.get_by_text(f"Underskrevet af {client.full_name}. Tak.")).to_be_visible()
    assert touch_targets_under_44px(page) == []


def test_a_housing_referral_goes_out_under_a_signed_consent_and_the_partner_accepts(
    live_server, tablet, desk, signed_in, assert_accessible, screenshot, case_manager, client_a, directory,
):
    InstrumentResponseFactory(client=client_a, instrument="auditc", total=5, band_label="Positive screen",
                              protected_substance_use=True, administered_by=case_manager)
    InstrumentResponseFactory(client=client_a, instrument="phq9", total=16, band_label="Moderately severe",
                              administered_by=case_manager)
    page = tablet.new_page()
    cdp = tablet.new_cdp_session(page)
    signed_in(page, case_manager)

    find_the_housing_service(page, client_a)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"Refer Mikkel Sørensen")).tap()
    expect(page.get_by_role("heading", name="Refer to Bostøtte for voksne")).to_be_visible()
    page.get_by_role("button", name="Save the referral").tap()
    expect(page.get_by_text("This field is required.")).to_be_visible()  # no reason: refused beside the field
    page.get_by_role("textbox", name=re.compile("Reason for referral")).fill(REASON)
    page.get_by_label("Screening results").check()
    page.get_by_label("Substance-use information (specially protected)").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save the referral").tap()

    # No consent covers Bolig Nord: sending is refused, with the way to record one.
    expect(page.get_by_role("heading", name=re.compile("Referral to Bostøtte for voksne"))).to_contain_text("Draft")
    page.get_by_role("button", name="Send").tap()
    expect(page.get_by_role("status").filter(has_text="No consent in force covers Bolig Nord")).to_be_visible()
    referral = Referral.objects.get()
    assert referral.status == "draft"
    assert_accessible(page)
    page.get_by_role("link", name="Record a consent").tap()

    expect(page.get_by_label("With which organization")).to_have_value(str(directory.organization_id))
    expect(page.get_by_label("For what purpose")).to_have_value("Referral to Bolig Nord")
    page.get_by_label("Name, date of birth and contact details").check()
    page.get_by_label("Reason for referral").check()
    page.get_by_label("Screening results").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save and ask the client to sign").tap()
    expect(page.get_by_text("Waiting for the client's signature").first).to_be_visible()
    page.get_by_role("button", name="Hand the tablet to the client").tap()

    sign_the_consent_on_the_tablet(page, cdp, client_a)
    assert_accessible(page)
    photograph_the_tablet(page, "consent-tablet")
    page.get_by_label("Din adgangskode").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Tag tilbage").tap()
    expect(page.get_by_role("heading", name=re.compile("Release of information to Bolig Nord"))).to_contain_text("In force")

    # Now it goes, without the AUDIT-C.
    page.goto(f"/referrals/{referral.pk}/")
    expect(page.get_by_text("It does not cover substance-use information: that is left out.")).to_be_visible()
    page.get_by_role("button", name="Send").tap()
    expect(page.get_by_text("The referral is sent.")).to_be_visible()
    page.get_by_role("button", name="Make a new link").tap()
    link = page.get_by_label("Copy this link now: it is shown only once").input_value()
    assert "/partner/" in link
    assert_accessible(page)

    # The housing service opens the link in its own browser, with no account.
    partner = desk()  # a fresh browser context: no session, no cookies
    partner.goto(link)
    expect(partner.get_by_role("heading", name="Referral to Bostøtte for voksne")).to_be_visible()
    shared = partner.locator("#shared-heading").locator("xpath=../..")
    expect(shared).to_contain_text("Mikkel Sørensen")
    expect(shared).to_contain_text(REASON)
    expect(shared).to_contain_text("PHQ9 16")
    expect(shared).not_to_contain_text("AUDITC")
    expect(partner.get_by_text("Notice of prohibition on redisclosure")).to_have_count(0)
    assert_accessible(partner)
    screenshot(partner, "referral-partner")
    partner.get_by_label("Accepted").check()
    partner.get_by_label("Appointment date and time").fill("2030-03-04T10:30")
    partner.get_by_label("Your name").fill("Lene")
    partner.get_by_role("button", name="Send the answer").click()
    expect(partner.get_by_role("status")).to_contain_text("Your answer is recorded: Accepted")
    partner.goto(link)
    expect(partner.get_by_role("heading", name="This link no longer works")).to_be_visible()
    expect(partner.locator("main")).not_to_contain_text("Mikkel")

    # Back with the case manager: each step, and the status on the client's referrals.
    page.goto(f"/referrals/{referral.pk}/")
    history = page.locator(".referral-history")
    expect(history).to_contain_text("Draft")
    expect(history).to_contain_text("Sent")
    expect(history).to_contain_text("Lene (Bolig Nord)")
    expect(page.get_by_role("heading", name=re.compile("Referral to Bostøtte for voksne"))).to_contain_text("Accepted")
    screenshot(page, "referral-detail")
    page.goto(f"/clients/{client_a.pk}/")
    page.get_by_role("link", name="Referrals", exact=True).click()
    row = page.get_by_role("row", name=re.compile("Bostøtte for voksne"))
    expect(row).to_contain_text("Accepted")
    expect(row).to_contain_text("Bolig Nord")
    assert_accessible(page)
    page.get_by_role("link", name="Accounting of disclosures").click()
    expect(page.get_by_role("row", name=re.compile("Referral sent"))).to_contain_text("Bolig Nord")
    expect(page.get_by_role("row", name=re.compile("Partner link opened")).first).to_be_visible()
    assert_accessible(page)


def test_the_directory_page_for_the_readme(live_server, context, signed_in, assert_accessible, screenshot,
                                          case_manager, client_a, directory):
    page = context.new_page()
    signed_in(page, case_manager)
    find_the_housing_service(page, client_a)
    assert_accessible(page)
    screenshot(page, "directory")
