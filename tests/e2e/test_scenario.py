"""A month in the agency, as far as the product carries it today: one story, walked in the browser.

Mads Jensen, a Danish-speaking man discharged two years ago, is referred again by the community mental
health team. Anna, the North team's duty case manager, registers him and re-opens his earlier record
instead of creating a second one, and records his sister Sofie (nominated person, with his consent) and
his daughter Ellen, who lives with her mother. At the first home visit she starts the intake assessment on
her laptop, then gives him the PHQ-9, the C-SSRS screen and the AUDIT-C on the tablet. The PHQ-9 puts a
risk flag on his header before she leaves the page, and Helle, her supervisor, has a notice. Bo, a case
manager of the South team, guesses the record's address and gets "Not found"; the record's access history
lists everyone who opened it, and not him.
"""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.instruments import get_instrument
from clients.models import Client, ClientStatusChange
from tests.factories import ClientFactory

pytestmark = pytest.mark.browser

GOAL = "I want to see my daughter every other weekend"
GOALS = "The client's goals, in their own words"
PHQ9_ANSWERS = {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2, "6": 2, "7": 2, "8": 1, "9": 1}  # 16, item 9 "Several days"
CSSRS_ANSWERS = {"1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0}  # thoughts with a method, no intent; 6b not asked
AUDITC_ANSWERS = {"1": 3, "2": 1, "3": 1}  # 5


@pytest.fixture
def mads_two_years_ago(team_north):
    """Mads Jensen's earlier record: discharged about two years ago, held by nobody in North since."""
    discharged_at = timezone.now() - timedelta(days=730)
    mads = ClientFactory(
        legal_given_name="Mads",
        legal_family_name="Jensen",
        date_of_birth=date(1991, 3, 14),
        sex=Client.Sex.MALE,
        preferred_language="da",
        status=Client.Status.DISCHARGED,
        team=team_north,
    )
    ClientStatusChange.objects.create(
        client=mads,
        from_status=Client.Status.ACTIVE,
        to_status=Client.Status.DISCHARGED,
        effective_date=discharged_at.date(),
        changed_at=discharged_at,
        discharge_reason=ClientStatusChange.DischargeReason.MOVED,
        discharge_summary="Moved to Aarhus; care handed over to the local community team.",
    )
    mads.refresh_from_db()
    return mads


# --- what the people in the story do ------------------------------------------------------------------


def client_header(page: Page):
    return page.locator("section.client-header")


def header_fact(page: Page, name: str):
    facts = client_header(page).locator("dl.header-facts")
    return facts.locator("div", has=page.locator("dt", has_text=name)).locator("dd")


def register_the_referral(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Register a client").click()
    expect(page.get_by_role("heading", name="Register a client", level=1)).to_be_visible()
    page.get_by_label("Legal given name").fill("Mads")
    page.get_by_label("Legal family name").fill("Jensen")
    page.get_by_label("Date of birth").fill("1991-03-14")
    page.get_by_label("Sex", exact=False).select_option(label="Male")
    page.get_by_label("Preferred language").select_option(label="Danish")
    page.get_by_label("Referred by").fill("Community mental health team")
    page.get_by_role("button", name="Register client").click()


def add_the_nominated_person(page: Page) -> None:
    people = page.get_by_role("region", name="People around the client")
    people.get_by_role("link", name="Add a person around the client").click()
    expect(page.get_by_role("heading", name="Add a person around the client")).to_be_visible()
    page.get_by_label("Role").select_option(label="Nominated person")
    page.get_by_label("Name").fill("Sofie Jensen")
    page.get_by_label("Relationship to the client").fill("Sister")
    page.get_by_label("The client consents to this person's involvement").check()
    page.get_by_role("button", name="Save").click()


def add_his_daughter(page: Page) -> None:
    dependants = page.get_by_role("region", name="Dependants")
    dependants.get_by_role("link", name="Add a dependant").click()
    expect(page.get_by_role("heading", name="Add a dependant")).to_be_visible()
    page.get_by_label("Name").fill("Ellen")
    page.get_by_label("Relationship").fill("Daughter")
    page.get_by_label("Date of birth").fill("2019-06-01")
    page.get_by_label("Lives").select_option(label="With the other parent")
    page.get_by_role("button", name="Save").click()


def start_the_intake_assessment(page: Page) -> None:
    page.get_by_role("region", name="Assessments").get_by_role("link", name="Comprehensive assessments").click()
    page.get_by_role("link", name="Start an assessment").click()
    page.get_by_label("Occasion").select_option(label="Intake")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Intake assessment")).to_contain_text("Draft")


def domain(page: Page, title: str):
    return page.get_by_role("region", name=title)


def question(page: Page, code: str, key: str):
    """One question of an instrument, found by its number as the legend reads it ("9. Thoughts …")."""
    number = next(n for n, item in enumerate(get_instrument(code).items, start=1) if item.key == key)
    return page.get_by_role("group", name=re.compile(rf"^{number}\. "))


def give_by_tapping(page: Page, code: str, answers: dict[str, int]) -> None:
    """Start an instrument from the record's screening list and tap each answer, then score it."""
    instrument = get_instrument(code)
    client_header(page).get_by_role("link", name="Screening instruments").tap()
    page.get_by_role("link", name=f"Start {instrument.short_name}").tap()
    expect(page.get_by_role("heading", name=instrument.name)).to_be_visible()
    for key, value in answers.items():
        label = instrument.item(key).label(value)
        choice = question(page, code, key).locator(".answer-option")
        choice.filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).tap()
        expect(question(page, code, key).get_by_role("radio", name=label, exact=True)).to_be_checked()
    page.get_by_role("button", name="Score and save").tap()
    expect(page).to_have_url(re.compile(r"/assessments/results/[0-9a-f-]{36}/$"))


def result(page: Page):
    return page.locator(".result-card")


def risk_found(page: Page):
    return page.locator("section.alert", has=page.get_by_role("heading", name="Risk found"))


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def read_the_whole_access_history(page: Page) -> list[tuple[str, str, str]]:
    """Every row of the access history, page after page, as (who, action, part of the record)."""
    rows = []
    while True:
        table = page.get_by_role("table", name="Access history")
        expect(table).to_be_visible()
        rows += [
            tuple(cells[1:4])
            for cells in table.locator("tbody tr").evaluate_all(
                "rows => rows.map(row => [...row.cells].map(cell => cell.innerText.trim()))"
            )
        ]
        following = page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next")
        if not following.count():
            return rows
        following.click()


# --- the story ----------------------------------------------------------------------------------------


def test_a_referral_is_carried_from_registration_through_intake(
    live_server, context, tablet, desk, signed_in, assert_accessible, supervisor, case_manager, outsider,
    mads_two_years_ago,
):
    mads = mads_two_years_ago
    record = f"/clients/{mads.pk}/"

    # 1. Referral in: Anna registers him, is told about the earlier record and re-opens it.
    laptop = context.new_page()
    signed_in(laptop, case_manager)
    register_the_referral(laptop)

    warning = laptop.locator("section.duplicate-warning")
    expect(warning.get_by_role("heading", name="This person may already have a record")).to_be_visible()
    earlier = warning.locator("li.duplicate-match")
    expect(earlier).to_have_count(1)
    expect(earlier).to_contain_text(mads.client_number)
    expect(earlier).to_contain_text("Discharged")
    discharged_on = ClientStatusChange.objects.get(client=mads, to_status="discharged").effective_date
    expect(earlier).to_contain_text(f"since {discharged_on:%-d %b %Y}")
    earlier.get_by_role("button", name="Re-open this record").click()

    expect(laptop).to_have_url(re.compile(rf"{record}$"))
    expect(laptop.get_by_role("status")).to_contain_text(f"The earlier record {mads.client_number} is re-opened.")
    expect(client_header(laptop).get_by_role("heading", level=1)).to_have_text("Mads Jensen")
    expect(header_fact(laptop, "Status")).to_have_text("Referred")
    expect(header_fact(laptop, "Case manager")).to_contain_text("Anna Lindqvist")
    expect(header_fact(laptop, "Preferred language")).to_have_text("Danish")
    assert Client.objects.filter(legal_given_name="Mads", legal_family_name="Jensen").count() == 1
    expect(laptop.locator("dl.details-list")).to_contain_text("Community mental health team")  # the new referral

    add_the_nominated_person(laptop)
    expect(laptop).to_have_url(re.compile(rf"{record}$"))
    sofie = laptop.get_by_role("region", name="People around the client").get_by_role("listitem")
    expect(sofie.filter(has_text="Sofie Jensen")).to_contain_text("Nominated person · Sister")
    expect(sofie.filter(has_text="Sofie Jensen")).to_contain_text("Client consents to involvement")

    add_his_daughter(laptop)
    expect(laptop).to_have_url(re.compile(rf"{record}$"))
    ellen = laptop.get_by_role("region", name="Dependants").get_by_role("listitem").filter(has_text="Ellen")
    expect(ellen).to_contain_text(f"Daughter · {age_on(date(2019, 6, 1), timezone.localdate())} years")
    expect(ellen).to_contain_text("With the other parent")
    assert_accessible(laptop)

    # 9. Bo, of the South team, guesses the record's address.
    bo = desk()
    signed_in(bo, outsider)
    response = bo.goto(record)
    assert response.status == 404
    expect(bo.get_by_role("heading", name="Not found", level=1)).to_be_visible()
    for trace in ("Mads Jensen", "Jensen", mads.client_number):  # "Mads" alone is in Bo Madsen's own name
        expect(bo.locator("body")).not_to_contain_text(trace)
    expect(bo.get_by_role("main")).not_to_contain_text("Mads")
    assert_accessible(bo)

    # 2. Intake: the comprehensive assessment on the laptop, saved as a draft.
    start_the_intake_assessment(laptop)
    domain(laptop, "Income, benefits and housing").get_by_label("Housing").select_option(label="No home")
    domain(laptop, "Friendships, family and relationships").get_by_label(GOALS).fill(GOAL)
    laptop.get_by_role("button", name="Save draft").click()
    expect(laptop.get_by_role("status")).to_contain_text("Draft saved.")
    housing = domain(laptop, "Income, benefits and housing").get_by_label("Housing")
    expect(housing.locator("option:checked")).to_have_text("No home")
    expect(domain(laptop, "Friendships, family and relationships").get_by_label(GOALS)).to_have_value(GOAL)

    # ... and the screening instruments on the tablet, with him.
    with_him = tablet.new_page()
    signed_in(with_him, case_manager)
    with_him.goto(record)

    give_by_tapping(with_him, "phq9", PHQ9_ANSWERS)
    expect(result(with_him)).to_contain_text("16 — Moderately severe")
    expect(risk_found(with_him)).to_contain_text("PHQ-9 item 9")
    expect(risk_found(with_him)).to_contain_text("Several days")
    flags = client_header(with_him).locator(".risk-flags")
    expect(flags).to_contain_text("Suicide risk: PHQ-9 item 9")
    expect(flags).to_contain_text("raised by Anna Lindqvist")
    assert_accessible(with_him)

    give_by_tapping(with_him, "cssrs", CSSRS_ANSWERS)
    expect(result(with_him)).to_contain_text("Moderate risk")
    expect(risk_found(with_him)).to_contain_text("Q3 Yes: suicidal thoughts with method")
    assert_accessible(with_him)

    give_by_tapping(with_him, "auditc", AUDITC_ANSWERS)
    expect(result(with_him)).to_contain_text("5 — Positive screen")
    expect(result(with_him)).to_contain_text("Scored with the cut-offs for sex: male")
    expect(risk_found(with_him)).to_have_count(0)
    assert_accessible(with_him)

    # Helle, at her desk, has the notice and follows it to the record, then reads who has opened it.
    helle = desk()
    signed_in(helle, supervisor)
    notices = helle.get_by_role("region", name="Notices")
    phq9_notice = re.compile(rf"^Risk flag raised for client {mads.client_number}: PHQ-9 item 9")
    notice = notices.get_by_role("link", name=phq9_notice)
    expect(notice).to_be_visible()
    assert_accessible(helle)
    notice.click()
    expect(helle).to_have_url(re.compile(rf"{record}$"))
    expect(client_header(helle).locator(".risk-flags")).to_contain_text("Suicide risk")
    assert_accessible(helle)

    client_header(helle).get_by_role("link", name="Access history").click()
    expect(helle.get_by_role("heading", name="Access history")).to_be_visible()
    assert_accessible(helle)
    history = read_the_whole_access_history(helle)
    assert ("Anna Lindqvist", "Viewed", "client record") in history
    assert ("Helle Nørgaard", "Viewed", "client record") in history
    assert ("Helle Nørgaard", "Viewed", "access history") == history[0]
    assert {who for who, action, _part in history if action == "Viewed"} == {"Anna Lindqvist", "Helle Nørgaard"}
    assert not [row for row in history if "Bo Madsen" in row], "Bo opened nothing, so he is not listed"
