"""Supervision in the browser: Helle sees that Anna is over target, opens her caseload, previews moving four
of her heaviest clients to Anton, confirms, and the numbers change; Anna sets a client's acuity by hand.

Anna works half time (0.50 FTE) in the North team (target 50) with 18 active clients: 8 low, 6 high and
4 in crisis, a weighted load of (8 × 1 + 6 × 2 + 4 × 3) / 0.5 = 64.0. Anton works full time with 10 low.
Moving two high and two crisis clients takes Anna to (32 − 4 − 6) / 0.5 = 44.0 and Anton to 20.0.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from caseload.models import Assignment
from clients.models import Client
from tests.factories import ClientFactory, InstrumentResponseFactory

pytestmark = pytest.mark.browser

REASON = "Anna is half time and over target; Anton has room for four more"


@pytest.fixture
def anna_over_target(case_manager, teammate):
    case_manager.fte = Decimal("0.50")
    case_manager.save()
    names = {"low": ["Holm", "Lund", "Bak", "Dahl", "Krog", "Vang", "Juhl", "Friis"],
             "high": ["Mortensen", "Nygaard", "Olsen", "Poulsen", "Quist", "Rask"],
             "crisis": ["Sørensen", "Thomsen", "Ulriksen", "Winther"]}
    clients = {level: [ClientFactory(case_manager=case_manager, legal_given_name="Kim", legal_family_name=name,
                                     acuity=level, acuity_derived=level) for name in family]
               for level, family in names.items()}
    for number in range(10):
        ClientFactory(case_manager=teammate, legal_family_name=f"Anton{number:02d}")
    return clients


def figure(page: Page, card_id: str):
    return page.locator(f"#{card_id} .count")


def preview_cells(page: Page, user, row: str):
    return page.locator(f"#figures-{user.pk} tr.figure-{row} td")


def dashboard_row(page: Page, name: str):
    return page.locator("table.supervision-table tbody tr", has=page.get_by_role("link", name=name))


def test_a_supervisor_moves_clients_from_an_over_target_case_manager_after_a_preview(
    live_server, page, signed_in, assert_accessible, screenshot, supervisor, case_manager, teammate, anna_over_target
):
    signed_in(page, supervisor)
    page.goto("/supervision/")
    expect(page.get_by_role("heading", name="Supervision", level=1)).to_be_visible()
    anna = dashboard_row(page, "Anna Lindqvist")
    expect(anna.locator("td.weighted")).to_contain_text("64.0")
    expect(anna).to_contain_text("over target")
    expect(dashboard_row(page, "Anton Berg").locator("td.weighted")).not_to_contain_text("over target")
    assert_accessible(page)

    anna.get_by_role("link", name="Anna Lindqvist").click()
    expect(page.get_by_role("heading", name="Caseload of Anna Lindqvist", level=1)).to_be_visible()
    expect(figure(page, "figure-active")).to_have_text("18")
    expect(figure(page, "figure-fte")).to_have_text("0.50")
    expect(figure(page, "figure-ratio")).to_have_text("36.0")
    expect(figure(page, "figure-weighted")).to_have_text("64.0")
    expect(page.locator("#figure-weighted")).to_contain_text("over target")
    assert_accessible(page)

    moving = anna_over_target["crisis"][:2] + anna_over_target["high"][:2]
    for client in moving:
        page.get_by_label(f"Select {client.full_name}").check()
    page.get_by_label("Move to").select_option(str(teammate.pk))
    page.get_by_role("button", name="Preview the move").click()

    # Forgot the reason: said beside the field, and the ticks are still there.
    expect(page.get_by_text("Say why the clients are moving.")).to_be_visible()
    for client in moving:
        expect(page.get_by_label(f"Select {client.full_name}")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Preview the move").click()

    expect(page.get_by_role("heading", name="Move 4 clients from Anna Lindqvist to Anton Berg", level=1)).to_be_visible()
    assert not any(str(client.pk) in page.url for client in moving), "the ticked clients travel in the form body"
    for user, rows in (
        (case_manager, {"active": ["18", "14"], "ratio": ["36.0", "28.0"], "weighted": ["64.0 over target", "44.0"]}),
        (teammate, {"active": ["10", "14"], "ratio": ["10.0", "14.0"], "weighted": ["10.0", "20.0"]}),
    ):
        for row, cells in rows.items():
            expect(preview_cells(page, user, row)).to_have_text(cells)
    moving_table = page.locator("section", has=page.get_by_role("heading", name="Clients moving"))
    for client in moving:
        expect(moving_table).to_contain_text(client.full_name)
    expect(moving_table).to_contain_text(REASON)
    assert Client.objects.filter(case_manager=teammate).count() == 10, "a preview moves nothing"
    assert_accessible(page)
    screenshot(page, "reassign-preview")

    # Back to change the selection, and forward again: everything kept.
    page.get_by_role("button", name="Change the selection").click()
    for client in moving:
        expect(page.get_by_label(f"Select {client.full_name}")).to_be_checked()
    expect(page.get_by_label("Reason")).to_have_value(REASON)
    page.get_by_role("button", name="Preview the move").click()

    page.get_by_role("button", name="Confirm the move").click()
    expect(page.get_by_text("4 clients moved from Anna Lindqvist to Anton Berg. Both have been told.")).to_be_visible()
    expect(figure(page, "figure-active")).to_have_text("14")
    expect(figure(page, "figure-ratio")).to_have_text("28.0")
    expect(figure(page, "figure-weighted")).to_have_text("44.0")
    expect(page.locator("#figure-weighted")).not_to_contain_text("over target")
    for client in moving:
        expect(page.get_by_label(f"Select {client.full_name}")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Supervision", exact=True).last.click()
    expect(dashboard_row(page, "Anna Lindqvist").locator("td.weighted")).to_contain_text("44.0")
    expect(dashboard_row(page, "Anna Lindqvist")).not_to_contain_text("over target")
    expect(dashboard_row(page, "Anton Berg").locator("td.weighted")).to_contain_text("20.0")

    for client in moving:
        assignment = Assignment.objects.get(client=client, ended_at__isnull=True)
        assert (assignment.case_manager, assignment.assigned_by, assignment.reason) == (teammate, supervisor, REASON)


def test_a_case_manager_sets_a_clients_acuity_with_a_reason_and_withdraws_it(
    live_server, page, signed_in, assert_accessible, case_manager, client_a
):
    InstrumentResponseFactory(client=client_a, instrument="phq9", total=12, band_label="Moderate", severity="moderate")
    signed_in(page, case_manager)
    page.goto(f"/clients/{client_a.pk}/")
    page.get_by_role("link", name=re.compile(r"^Acuity: ")).click()
    expect(page.get_by_role("heading", name="What the record shows: Moderate")).to_be_visible()
    expect(page.locator("#findings")).to_contain_text("Latest PHQ-9")
    expect(page.locator("#findings")).to_contain_text("decides the level")
    assert_accessible(page)

    page.get_by_label("High").check()
    page.get_by_role("button", name="Set the level").click()
    expect(page.get_by_text("Say why the level differs from what the record shows.")).to_be_visible()
    expect(page.get_by_label("High")).to_be_checked()
    assert_accessible(page)

    page.get_by_label("Why").fill("Evicted last week; calling the crisis line daily")
    page.get_by_role("button", name="Set the level").click()
    expect(page.get_by_role("heading", name="Level in force: High")).to_be_visible()
    expect(page.locator("#acuity-history")).to_contain_text("Evicted last week")
    expect(page.get_by_text("Acuity set to high.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name=re.compile(r"^Withdraw")).click()
    expect(page.get_by_role("heading", name="Level in force: Moderate")).to_be_visible()
    expect(page.locator("#acuity-history")).to_contain_text("Withdrawn by Anna Lindqvist")
    page.goto(f"/clients/{client_a.pk}/")
    expect(page.get_by_role("link", name="Acuity: Moderate")).to_be_visible()
