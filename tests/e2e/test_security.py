"""Security in the browser: a supervisor sets up two-step sign-in and signs in with a code; a case
manager opens a client of another team in an emergency and that team's supervisor reviews it; an
export asks for the password again."""

import re

import pytest
from playwright.sync_api import expect

from caseload.models import AuditEvent
from clients.models import EmergencyAccess
from tests.factories import TEST_PASSWORD, authenticator, totp_code

pytestmark = pytest.mark.browser

REASON = "Jordi came to the North office in crisis; the South team is not answering"


def type_password(page, user):
    page.goto("/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("screen", ["desktop", "tablet"])
def test_a_supervisor_sets_up_two_step_sign_in(request, live_server, supervisor, assert_accessible, screenshot, screen):
    page = request.getfixturevalue("tablet" if screen == "tablet" else "context").new_page()
    type_password(page, supervisor)

    expect(page).to_have_url(re.compile(r"/login/enrol/"))
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    expect(page.get_by_test_id("otp-secret")).to_have_text(re.compile(r"^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$"))
    assert_accessible(page)
    if screen == "desktop":
        screenshot(page, "two-step-enrol")

    page.get_by_role("textbox", name="Code").fill(totp_code(supervisor.totpdevice_set.get()))
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()


@pytest.mark.parametrize("screen", ["desktop", "tablet"])
def test_a_supervisor_signs_in_with_a_code_and_a_used_code_is_refused(
    request, live_server, supervisor, desk, assert_accessible, screenshot, screen
):
    device = authenticator(supervisor)
    page = request.getfixturevalue("tablet" if screen == "tablet" else "context").new_page()
    type_password(page, supervisor)
    expect(page).to_have_url(re.compile(r"/login/verify/"))
    assert_accessible(page)
    if screen == "desktop":
        screenshot(page, "two-step-code")
    code = totp_code(device)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()

    other = desk()  # someone who watched the code being typed tries it on another screen
    type_password(other, supervisor)
    other.get_by_label("Code").fill(code)
    other.get_by_role("button", name="Verify").click()
    expect(other.get_by_text("has been used already")).to_be_visible()
    expect(other).to_have_url(re.compile(r"/login/verify/"))


def test_a_case_manager_opens_a_client_of_another_team_in_an_emergency(
    live_server, context, desk, case_manager, client_b, other_supervisor, signed_in, assert_accessible, screenshot
):
    page = signed_in(context.new_page(), case_manager)
    page.goto("/clients/")
    page.get_by_label("Find a client").fill(client_b.client_number)
    page.get_by_label("Find a client").press("Enter")
    expect(page.get_by_text("No clients found.")).to_be_visible()
    assert client_b.client_number not in page.url

    page.get_by_role("link", name="Open the record in an emergency").click()
    expect(page.get_by_role("heading", name="Emergency access to a client")).to_be_visible()
    expect(page.get_by_label("Client number")).to_have_value(client_b.client_number)
    page.get_by_label("Reason").fill(REASON)
    assert_accessible(page)
    screenshot(page, "emergency-access")
    page.get_by_label("Reason").fill("urgent")
    page.get_by_role("button", name="Open the record in an emergency").click()
    expect(page.get_by_text("Say why in a sentence")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Open the record in an emergency").click()

    expect(page.get_by_role("heading", name="Jordi Puig")).to_be_visible()
    expect(page.get_by_text("Emergency access: this client is not in your caseload")).to_be_visible()
    assert_accessible(page)
    assert AuditEvent.objects.filter(client=client_b, actor=case_manager, action="emergency").count() == 2

    sam = signed_in(desk(), other_supervisor)
    sam.get_by_role("link", name=re.compile("Anna Lindqvist opened")).click()
    expect(sam.get_by_role("heading", name="Emergency access to review")).to_be_visible()
    expect(sam.get_by_role("cell", name=REASON)).to_be_visible()
    assert_accessible(sam)
    screenshot(sam, "emergency-review")
    sam.get_by_label("Note (optional)").fill("Spoke to Anna: justified")
    sam.get_by_role("button", name="Mark reviewed").click()
    expect(sam.get_by_text("Marked as reviewed.")).to_be_visible()
    expect(sam.get_by_text("Nothing to review.")).to_be_visible()
    assert EmergencyAccess.objects.get().reviewed_by == other_supervisor


def test_an_export_asks_for_the_password_again(live_server, context, supervisor, signed_in, settings, assert_accessible):
    settings.REAUTHENTICATE_MINUTES = 0  # as if the password was typed long ago
    page = signed_in(context.new_page(), supervisor)
    page.goto("/supervision/")
    page.get_by_role("link", name="Export as CSV").click()

    expect(page.get_by_role("heading", name="Confirm your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_text("That is not your password.")).to_be_visible()

    settings.REAUTHENTICATE_MINUTES = 5
    page.get_by_label("Password").fill(TEST_PASSWORD)
    with page.expect_download() as download:
        page.get_by_role("button", name="Confirm and continue").click()
    assert download.value.suggested_filename.startswith("supervision-")
