"""A case manager gives a PHQ-9 on the tablet; the risk it finds reaches the record and the supervisor.

The scenario: Mikkel answers "More than half the days" to items 1–7, "Several days" to item 8 and
"Several days" to item 9 — 16, moderately severe, with thoughts of being better off dead. The flag
must be on his header before the case manager leaves the result, and on the supervisor's home page.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.instruments import get_instrument
from assessments.models import InstrumentResponse, RiskFlag
from tests.factories import InstrumentResponseFactory, RiskFlagFactory

pytestmark = pytest.mark.browser

PHQ9 = get_instrument("phq9")
SCENARIO = {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2, "6": 2, "7": 2, "8": 1, "9": 1}


def item(page: Page, key: str):
    """The radio group of one PHQ-9 item, found by its number as the legend reads it ("9. Thoughts …")."""
    number = next(index for index, each in enumerate(PHQ9.items, start=1) if each.key == key)
    return page.get_by_role("group", name=re.compile(rf"^{number}\. "))


def answer(page: Page, key: str, value: int, *, by_touch: bool = False) -> None:
    label = PHQ9.item(key).label(value)
    option = item(page, key).locator(".answer-option").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    option.tap() if by_touch else option.click()
    expect(item(page, key).get_by_role("radio", name=label, exact=True)).to_be_checked()


def phq9_result(client, days_ago: int, answers: dict[str, int]) -> InstrumentResponse:
    result = PHQ9.score(answers, sex=client.sex)
    return InstrumentResponseFactory(
        client=client, instrument="phq9", answers=answers, administered_on=timezone.localdate() - timedelta(days=days_ago),
        total=result.total, band_label=result.band_label, severity=result.severity, summary=result.summary,
    )


def test_it_scores_a_phq9_tapped_on_the_tablet_and_flags_the_risk(
    live_server, tablet, context, signed_in, assert_accessible, case_manager, supervisor, client_a
):
    page = tablet.new_page()
    signed_in(page, case_manager)
    page.goto(f"/assessments/clients/{client_a.pk}/instruments/")
    expect(page.get_by_role("heading", name="Screening instruments")).to_be_visible()
    page.get_by_role("link", name="Start PHQ-9").tap()

    expect(page).to_have_url(re.compile(rf"/assessments/clients/{client_a.pk}/instruments/phq9/$"))
    expect(page.get_by_role("heading", name="Patient Health Questionnaire-9")).to_be_visible()
    expect(page.get_by_label("Date")).to_have_value(timezone.localdate().isoformat())
    for key, value in SCENARIO.items():
        answer(page, key, value, by_touch=True)
    expect(page.locator(".answer-option input:checked")).to_have_count(len(SCENARIO))
    assert_accessible(page)
    page.get_by_role("button", name="Score and save").tap()

    expect(page).to_have_url(re.compile(r"/assessments/results/[0-9a-f-]{36}/$"))
    saved = InstrumentResponse.objects.get(client=client_a)
    assert page.url.endswith(f"/assessments/results/{saved.pk}/")
    expect(page.locator(".result-card")).to_contain_text("16 — Moderately severe")
    alert = page.locator("section.alert", has=page.get_by_role("heading", name="Risk found"))
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("PHQ-9 item 9")
    expect(alert).to_contain_text("Several days")
    # Before the case manager goes anywhere, the flag is already on the client's header.
    flag = page.locator(".client-header .risk-flags")
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("Suicide risk: PHQ-9 item 9")
    expect(flag).to_contain_text("raised by Anna Lindqvist")
    assert (saved.total, saved.band_label, saved.answers) == (16, "Moderately severe", SCENARIO)
    assert_accessible(page)

    home = context.new_page()
    signed_in(home, supervisor)
    notices = home.locator("section", has=home.get_by_role("heading", name="Notices"))
    expect(notices).to_be_visible()
    notice = notices.get_by_role("link", name=re.compile(rf"^Risk flag raised for client {client_a.client_number}: PHQ-9 item 9"))
    expect(notice).to_be_visible()
    assert_accessible(home)
    notice.click()
    expect(home).to_have_url(re.compile(rf"/clients/{client_a.pk}/$"))
    expect(home.locator(".client-header .risk-flags")).to_contain_text("Suicide risk")


def test_it_keeps_the_answers_and_scores_nothing_when_items_are_unanswered(
    live_server, page, signed_in, assert_accessible, case_manager, client_a
):
    signed_in(page, case_manager)
    page.goto(f"/assessments/clients/{client_a.pk}/instruments/phq9/")
    unanswered = ("3", "7")
    for key, value in SCENARIO.items():
        if key not in unanswered:
            answer(page, key, value)
    page.get_by_role("button", name="Score and save").click()

    expect(page.get_by_role("alert")).to_contain_text("Not scored yet: 2 question(s) have no answer")
    for key, value in SCENARIO.items():
        radio = item(page, key).get_by_role("radio", name=PHQ9.item(key).label(value), exact=True)
        if key in unanswered:
            expect(item(page, key)).to_contain_text("Not answered yet.")
            expect(item(page, key).get_by_role("radio", checked=True)).to_have_count(0)
        else:
            expect(radio).to_be_checked()
            expect(item(page, key)).not_to_contain_text("Not answered yet.")
    expect(page.get_by_label("Date")).to_have_value(timezone.localdate().isoformat())
    assert not InstrumentResponse.objects.exists() and not RiskFlag.objects.exists()
    assert_accessible(page)


def test_it_shows_the_history_as_a_chart_and_a_table(live_server, page, signed_in, assert_accessible, case_manager, client_a):
    phq9_result(client_a, 60, {"1": 3, "2": 3, "3": 2, "4": 3, "5": 2, "6": 2, "7": 2, "8": 1, "9": 0})
    phq9_result(client_a, 5, {"1": 1, "2": 1, "3": 2, "4": 1, "5": 1, "6": 1, "7": 1, "8": 0, "9": 0})
    signed_in(page, case_manager)
    page.goto(f"/assessments/clients/{client_a.pk}/instruments/")
    page.get_by_role("link", name="History PHQ-9").click()

    expect(page).to_have_url(re.compile(rf"/assessments/clients/{client_a.pk}/instruments/phq9/history/$"))
    chart = page.get_by_role("img", name="PHQ-9")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.trend-point")).to_have_count(2)
    expect(chart.locator("path.trend-line")).to_have_attribute("d", re.compile(r"^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+$"))
    expect(chart.locator("text.point-label")).to_have_text(["18", "8"])
    table = page.get_by_role("table", name="Every PHQ-9 result, newest first")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("8 — Mild")
    expect(rows.nth(1)).to_contain_text("18 — Moderately severe")
    expect(rows.nth(0)).to_contain_text("Anna Lindqvist")
    assert_accessible(page)


def test_it_clears_a_flag_only_with_a_reason(live_server, page, signed_in, assert_accessible, case_manager, client_a):
    flag = RiskFlagFactory(client=client_a, reason="PHQ-9 item 9 answered 'Several days'")
    signed_in(page, case_manager)
    page.goto(f"/clients/{client_a.pk}/")
    header = page.locator(".client-header")
    expect(header.locator(".risk-flags")).to_contain_text("Suicide risk: PHQ-9 item 9 answered 'Several days'")
    header.get_by_role("link", name="Clear Suicide risk").click()

    expect(page.get_by_role("heading", name="Clear a risk flag")).to_be_visible()
    page.get_by_role("button", name="Clear the flag").click()
    expect(page.get_by_role("heading", name="Clear a risk flag")).to_be_visible()
    reason = page.get_by_label("Why the risk no longer applies")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".invalid-feedback")).to_contain_text("This field is required.")
    flag.refresh_from_db()
    assert flag.is_active
    expect(page.locator(".client-header .risk-flags")).to_contain_text("Suicide risk")
    assert_accessible(page)

    reason.fill("Seen with the crisis team today: no current thoughts of self-harm; safety plan agreed.")
    page.get_by_role("button", name="Clear the flag").click()

    expect(page).to_have_url(re.compile(rf"/clients/{client_a.pk}/$"))
    expect(page.get_by_text("Risk flag cleared; it stays in the client's history.")).to_be_visible()
    expect(page.locator(".client-header .risk-flags")).to_have_count(0)
    expect(page.locator(".client-header")).not_to_contain_text("Suicide risk")
    flag.refresh_from_db()
    assert (flag.is_active, flag.cleared_by, flag.clear_reason) == (
        False, case_manager, "Seen with the crisis team today: no current thoughts of self-harm; safety plan agreed."
    )
    assert_accessible(page)
