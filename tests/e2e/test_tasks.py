"""My tasks: what the sweep found due, done, snoozed or dismissed with a reason, on a laptop and a tablet."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caseload.models import Assignment, Reminder
from caseload.reminders import sweep
from tests.factories import ClientFactory, ProgressNoteFactory, RiskFlagFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def due_work(case_manager, client_a):
    """Mikkel has not been seen for three weeks; Line has a risk flag and was last seen ten days ago."""
    ProgressNoteFactory(client=client_a, author=case_manager, status="signed",
                        contact_at=timezone.now() - timedelta(days=21))
    line = ClientFactory(legal_given_name="Line", legal_family_name="Andersen", case_manager=case_manager)
    RiskFlagFactory(client=line)
    ProgressNoteFactory(client=line, author=case_manager, status="signed", contact_at=timezone.now() - timedelta(days=10))
    pau = ClientFactory(legal_given_name="Pau", legal_family_name="Garcia", case_manager=case_manager)
    Assignment.objects.filter(client=pau).update(started_at=timezone.now() - timedelta(days=30))  # never seen since
    assert sweep() == 3
    return line


def task(page, name: str):
    return page.locator("li.list-group-item").filter(has_text=name)


def test_a_case_manager_works_through_her_tasks(live_server, page, signed_in, assert_accessible, screenshot,
                                                case_manager, client_a, due_work):
    signed_in(page, case_manager)
    page.get_by_role("link", name="My tasks").click()
    expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
    overdue = page.get_by_role("region", name="Overdue")
    # The client with a risk flag comes first, marked as such (7 days is the limit with a flag).
    expect(overdue.locator("li").first).to_contain_text("Line Andersen")
    expect(overdue.locator("li").first).to_contain_text("Risk flag")
    expect(task(page, "Mikkel Sørensen")).to_contain_text("No contact")
    assert_accessible(page)
    screenshot(page, "my-tasks")

    # Dismissing needs a reason: the message is beside the field and nothing changes.
    task(page, "Pau Garcia").get_by_role("button", name="Dismiss").click()
    expect(page.get_by_text("Say why", exact=False).first).to_be_visible()
    assert Reminder.objects.get(client__legal_family_name="Garcia").status == "open"
    assert_accessible(page)
    task(page, "Pau Garcia").get_by_placeholder("Why it does not need doing").fill("Moved to Aarhus; transfer in progress")
    task(page, "Pau Garcia").get_by_role("button", name="Dismiss").click()
    expect(task(page, "Pau Garcia")).to_have_count(0)
    dismissed = Reminder.objects.get(client__legal_family_name="Garcia")
    assert (dismissed.status, dismissed.dismiss_reason) == ("dismissed", "Moved to Aarhus; transfer in progress")

    # Snoozing moves Mikkel out of the list until the chosen day.
    in_three_days = timezone.localdate() + timedelta(days=3)
    task(page, "Mikkel Sørensen").locator("input[type=date]").fill(in_three_days.isoformat())
    task(page, "Mikkel Sørensen").get_by_role("button", name="Snooze").click()
    expect(task(page, "Mikkel Sørensen")).to_have_count(0)
    assert Reminder.objects.get(client=client_a).snoozed_until == in_three_days

    # Done closes it.
    task(page, "Line Andersen").get_by_role("button", name="Done").click()
    expect(task(page, "Line Andersen")).to_have_count(0)
    assert Reminder.objects.get(client=due_work).status == "done"
    expect(page.get_by_text("Nothing overdue.")).to_be_visible()


def test_tasks_work_by_touch_on_the_tablet(live_server, tablet, signed_in, assert_accessible, case_manager, due_work):
    page = tablet.new_page()
    signed_in(page, case_manager)
    page.goto("/tasks/")
    assert_accessible(page)
    task(page, "Line Andersen").get_by_role("button", name="Done").tap()
    # The page after the redirect says what was done; only then are its buttons counted.
    expect(page.get_by_text("Done: ", exact=False).first).to_be_visible()
    page.wait_for_load_state("load")
    expect(task(page, "Line Andersen")).to_have_count(0)
    for button in page.get_by_role("button").all():
        box = button.bounding_box()
        if box and button.is_visible():
            assert box["height"] >= 44, button.inner_text()
