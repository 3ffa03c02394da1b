"""A month in the agency, as far as the product carries it today: one story, walked in the browser.

Not walked yet, because the product does not have them: step 7 (the day-30 task list and morning digest)
and step 8 (the supervision dashboard with acuity-weighted loads and moving clients). The other steps are walked here, in order of
the people's day rather than of their numbers (step 9's stranger comes while the record is new; the
access history is read at the end, after everything else).

Mads Jensen, a Danish-speaking man discharged two years ago, is referred again by the community mental
health team. Anna, the North team's duty case manager, registers him and re-opens his earlier record
instead of creating a second one, and records his sister Sofie (nominated person, with his consent) and
his daughter Ellen, who lives with her mother. At the first home visit she starts the intake assessment on
her laptop, then gives him the PHQ-9, the C-SSRS screen and the AUDIT-C on the tablet. The PHQ-9 puts a
risk flag on his header before she leaves the page, and Helle, her supervisor, has a notice.

Back at the office Anna starts his care plan from the assessment: his own goal about his daughter, a home,
and his medication with the psychiatrist; the flag asks for a safety plan and she makes it. At the next
visit she hands him the tablet: he reads the plan and signs with his finger, Sofie co-signs, Anna takes
the tablet back with her password and signs; the PDF carries the signed content's SHA-256, and the verify
page says the plan is intact. She refers him to Bolig Nord's supported housing: the first attempt is
refused, no consent covers Bolig Nord; on the tablet he signs a release of information for housing that
does not cover substance use, the referral goes out without his AUDIT-C, and Bolig Nord accepts through
its one-time link and sets an appointment; his referral shows each step. Over the month she records six contacts from My caseload, each tied to a
goal and signed, and corrects one with an addendum. (The test has minutes, not a month: the contacts are
back-dated by their date and time field, so those signed more than the agency's 72 hours after the
contact are rightly marked late entries.)

Bo, a case manager of the South team, guesses the record's address and gets "Not found"; the record's
access history lists everyone who opened it, and not him.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.instruments import get_instrument
from careplans import services
from careplans.models import CarePlan, PlanDocument
from caseload.models import AgencySettings, ProgressNote
from clients.models import Client, ClientStatusChange
from tests.e2e.test_careplan import (
    pdf_text,
    press_sign,
    region,
    row,
    sign_with_a_finger,
    touch_targets_under_44px,
)
from tests.factories import TEST_PASSWORD, ClientFactory, OrganizationFactory, RiskFlagFactory, ServiceFactory

pytestmark = pytest.mark.browser

GOAL = "I want to see my daughter every other weekend"
GOALS = "The client's goals, in their own words"
PHQ9_ANSWERS = {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2, "6": 2, "7": 2, "8": 1, "9": 1}  # 16, item 9 "Several days"
CSSRS_ANSWERS = {"1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0}  # thoughts with a method, no intent; 6b not asked
AUDITC_ANSWERS = {"1": 3, "2": 1, "3": 1}  # 5

# The plan: his goal from the assessment, a home, and his medication with the psychiatrist.
HOME = "A place of my own, not the shelter"
MEDICINE = "Keep taking my medicine and see the psychiatrist"
DAUGHTER_OBJECTIVE = "A contact arrangement agreed with Ellen's mother"
HOME_OBJECTIVE = "Housing application accepted by the municipality"
HOME_ACTION = "Fill in the housing application together"
MEDICINE_OBJECTIVE = "Medication reviewed by the psychiatrist"
MEDICINE_ACTION = "Book the psychiatrist together"
WHAT_MATTERS = "A home, my medicine sorted, and Ellen every other weekend."
WARNING_SIGNS = "Not sleeping\nHearing the voices more\nStaying in bed all day"
ON_MY_OWN = "A long walk by the harbour\nMusic in my headphones"
HELP_CONTACTS = "Sofie (sister) 20 11 22 33"
SAFE_SURROUNDINGS = "Sofie keeps the tablets and hands out a week at a time"
REASONS_FOR_LIVING = "Ellen"
REFERRAL_REASON = "Recently discharged from hospital, no stable housing. Wants a place of his own."
APPOINTMENT = datetime(2030, 3, 4, 10, 30)
RISK_PROMPT = "The client has a risk flag: make the safety plan with them. The plan cannot be signed without it."


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


# --- the plan, the tablet, the month's contacts ------------------------------------------------------


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def fill_the_goal(page: Page, *, area: str | None, words: str | None, objective: str, by: date, action: str,
                  who: str, due: date) -> None:
    """The goal form: its words (None keeps what the assessment brought), one objective and one action."""
    if area:
        page.get_by_label("Area of life").select_option(label=area)
    if words:
        page.get_by_label("The goal in the client's words").fill(words)
    first = row(page, "Measurable objectives", 1)
    first.get_by_label("Measurable objective").fill(objective)
    first.get_by_label("By when").fill(by.isoformat())
    step = row(page, "Actions and strategies", 1)
    step.get_by_label("Action or strategy").fill(action)
    step.get_by_label("Who does it").select_option(label=who)
    step.get_by_label("By when").fill(due.isoformat())
    page.get_by_role("button", name="Save the goal").click()
    expect(page.get_by_role("status")).to_contain_text("Goal saved.")


@dataclass(frozen=True)
class Contact:
    """One contact of the month, as Anna writes it up (data, assessment, plan) and ties it to a goal."""

    days_ago: int
    at: str  # time of day, HH:MM
    kind: str  # as the "Type of contact" list names it
    typed: str  # what she types on that list to choose it ("" keeps the form's own Home visit)
    goal: str
    data: str
    assessment: str
    plan: str
    participants: str = ""

    @property
    def contact_at(self) -> datetime:
        hour, minute = map(int, self.at.split(":"))
        day = timezone.localtime() - timedelta(days=self.days_ago)
        return day.replace(hour=hour, minute=minute, second=0, microsecond=0)

    @property
    def late(self) -> bool:
        return timezone.now() - self.contact_at > timedelta(hours=AgencySettings.load().late_entry_hours)


COLLATERAL = "Collateral contact (family or a provider)"
MONTH = [
    Contact(26, "10:00", "Home visit", "", HOME,
            "Filled in the housing application together at the shelter.",
            "Engaged and hopeful; sleeping badly.",
            "Anna sends the application; Mads brings his ID next time."),
    Contact(21, "14:30", "Phone call", "Ph", MEDICINE,
            "He rang: the letter from the outpatient clinic has not come.",
            "Anxious about seeing the psychiatrist but wants to go.",
            "Anna books the psychiatrist for the 4th and goes with him."),
    Contact(16, "11:00", "Home visit", "", GOAL,
            "Talked about Ellen: he has not seen her since the spring.",
            "Wants to see her badly; understands it has to go slowly.",
            "Anna asks the family counselling service for a meeting with Ellen's mother."),
    Contact(12, "16:00", COLLATERAL, "Col", GOAL,
            "Sofie can drive him to Ellen every other Saturday.",
            "Sofie is a steady support and glad to help.",
            "Tell Mads; bring Sofie's offer to the family counselling meeting.",
            participants="Sofie Jensen (sister), by phone"),
    Contact(7, "09:30", "Video call", "V", MEDICINE,
            "After the psychiatrist: the dose is lowered.",
            "Less drowsy; no voices this week.",
            "Ask about side effects at the next visit."),
    Contact(2, "13:00", "Home visit", "", GOAL,
            "The first Saturday with Ellen, at Sofie's flat, went well.",
            "Proud and calm; none of his warning signs.",
            "Next visit: the answer on the housing application."),
]
CORRECTED = MONTH[1]
ADDENDUM = "Correction: the psychiatrist appointment is on the 14th, not the 4th."


def record_a_contact(page: Page, contact: Contact, *, client: str, check=None) -> str:
    """From My caseload, three clicks: *Record a contact* on his row, his goal, *Save and sign*.

    Everything else is typed: the date and time, the type of contact (its first letters, on the focused
    list), what happened. Returns the signed note's address.
    """
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My caseload").click()
    clicks = []

    def click(locator) -> None:
        clicks.append(locator)
        locator.click()

    click(page.get_by_role("table", name="My clients").get_by_role("link", name=f"Record a contact {client}"))
    expect(page.get_by_role("heading", name="Record a contact")).to_be_visible()
    if check:
        check(page)
    page.get_by_label("Date and time of the contact").fill(f"{contact.contact_at:%Y-%m-%dT%H:%M}")
    kind = page.get_by_label("Type of contact")
    if contact.typed:
        kind.press_sequentially(contact.typed)
    expect(kind.locator("option:checked")).to_have_text(contact.kind)
    if contact.participants:
        page.get_by_label("Who took part").fill(contact.participants)
    page.get_by_label("Data", exact=True).fill(contact.data)
    page.get_by_label("Assessment", exact=True).fill(contact.assessment)
    page.get_by_label("Plan", exact=True).fill(contact.plan)
    click(page.get_by_role("checkbox", name=re.compile(rf"^\d+\. {re.escape(contact.goal)}$")))
    click(page.get_by_role("button", name="Save and sign"))

    expect(page).to_have_url(re.compile(r"/notes/[0-9a-f-]{36}/$"))
    signed = page.get_by_role("status")
    expect(signed).to_contain_text("Note signed. It can no longer be changed; corrections are addenda.")
    if contact.late:
        expect(signed).to_contain_text("It is marked as a late entry.")
    else:
        expect(signed).not_to_contain_text("late entry")
    expect(page.get_by_role("heading", name=re.compile(rf"^{re.escape(contact.kind)} · "))).to_contain_text("Signed")
    expect(page.locator(".note-card")).to_contain_text(f"“{contact.goal}”")
    expect(page.locator(".note-card .card-footer")).to_contain_text("Signed by Anna Lindqvist")
    assert len(clicks) <= 3, f"{len(clicks)} clicks from My caseload to a signed {contact.kind}"
    if check:
        check(page)
    return page.url


def timeline_entries(page: Page):
    return page.locator("ol.timeline li.timeline-note")


def refer_him_to_housing(laptop: Page, tablet_page: Page, cdp, partner: Page, mads, check) -> None:
    """Step 5: refused without consent, a release of information signed on the tablet, sent, accepted by the partner."""
    housing = ServiceFactory(
        organization=OrganizationFactory(name="Bolig Nord", hsds_id="bolig-nord"), name="Bostøtte for voksne",
        category="housing", languages=",da,en,", search_text="BOSTØTTE FOR VOKSNE BOLIG NORD",
    )
    ServiceFactory(name="IPS employment support", category="employment", search_text="IPS EMPLOYMENT SUPPORT")
    laptop.goto(f"/clients/{mads.pk}/")
    laptop.get_by_role("link", name="Find a service").click()
    laptop.get_by_label("Category").select_option(label="Housing")
    laptop.get_by_label("Language").select_option(label="Danish")
    laptop.get_by_role("button", name="Search").click()
    expect(laptop.get_by_role("heading", name="Bostøtte for voksne")).to_be_visible()
    laptop.get_by_role("link", name=re.compile(r"^Refer Mads Jensen")).click()
    laptop.get_by_role("textbox", name=re.compile("Reason for referral")).fill(REFERRAL_REASON)
    laptop.get_by_label("Screening results").check()
    laptop.get_by_label("Substance-use information (specially protected)").check()
    laptop.get_by_role("button", name="Save the referral").click()
    laptop.get_by_role("button", name="Send").click()
    expect(laptop.get_by_role("status").filter(has_text="No consent in force covers Bolig Nord")).to_be_visible()
    check(laptop)
    referral_url = laptop.url

    # He agrees to share with Bolig Nord for housing, but not his substance-use information.
    laptop.get_by_role("link", name="Record a consent").click()
    for item in ("Name, date of birth and contact details", "Reason for referral", "Screening results"):
        laptop.get_by_label(item).check()
    laptop.get_by_role("button", name="Save and ask the client to sign").click()
    consent_url = laptop.url
    tablet_page.goto(consent_url)
    tablet_page.get_by_role("button", name="Hand the tablet to the client").tap()
    # He reads it in Danish, his own language.
    expect(tablet_page.get_by_role("heading", name="Mads Jensen, giver du samtykke til, at disse oplysninger deles?")).to_be_visible()
    expect(tablet_page.locator(".tablet-plan")).to_contain_text("Deles ikke")
    sign = tablet_page.get_by_role("button", name="Underskriv", exact=True)
    sign_with_a_finger(cdp, tablet_page, loops=2)
    press_sign(tablet_page, sign)
    expect(tablet_page.get_by_text("Underskrevet af Mads Jensen. Tak.")).to_be_visible()
    check(tablet_page)
    tablet_page.get_by_label("Din adgangskode").fill(TEST_PASSWORD)
    tablet_page.get_by_role("button", name="Tag tilbage").tap()
    expect(tablet_page.get_by_role("heading", name=re.compile("Release of information to Bolig Nord"))).to_contain_text(
        "In force")

    # Now it goes, without the AUDIT-C, and Bolig Nord gets a one-time link.
    laptop.goto(referral_url)
    laptop.get_by_role("button", name="Send").click()
    expect(laptop.get_by_role("status").filter(has_text="The referral is sent.")).to_be_visible()
    laptop.get_by_role("button", name="Make a new link").click()
    link = laptop.get_by_label("Copy this link now: it is shown only once").input_value()

    partner.goto(link)
    shared = partner.locator("#shared-heading").locator("xpath=../..")
    expect(shared).to_contain_text("Mads Jensen")
    expect(shared).to_contain_text("PHQ9 16")
    expect(shared).not_to_contain_text("AUDITC")
    check(partner)
    partner.get_by_label("Accepted").check()
    partner.get_by_label("Appointment date and time").fill(APPOINTMENT.strftime("%Y-%m-%dT%H:%M"))
    partner.get_by_label("Your name").fill("Lene")
    partner.get_by_role("button", name="Send the answer").click()
    expect(partner.get_by_role("status")).to_contain_text("Your answer is recorded: Accepted")

    # His referral shows each step.
    laptop.goto(f"/clients/{mads.pk}/")
    laptop.get_by_role("link", name="Referrals", exact=True).click()
    expect(laptop.get_by_role("row", name=re.compile("Bostøtte for voksne"))).to_contain_text("Accepted")
    laptop.get_by_role("link", name="Bostøtte for voksne").click()
    history = laptop.locator(".referral-history li")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("Draft")
    expect(history.nth(1)).to_contain_text("Sent")
    expect(history.nth(1)).to_contain_text("Anna Lindqvist")
    expect(history.nth(2)).to_contain_text("Accepted")
    expect(history.nth(2)).to_contain_text("Lene (Bolig Nord)")
    expect(history.nth(2)).to_contain_text("Appointment: " + APPOINTMENT.strftime("%-d %b %Y"))
    check(laptop)
    referral = housing.referrals.get()
    assert referral.status == "accepted" and referral.consent.covers_substance_use is False
    assert referral.disclosures.filter(channel="referral").get().items == ["contact", "reason", "assessments"]


# --- the story ----------------------------------------------------------------------------------------


def test_a_referral_is_carried_from_registration_through_the_plan_and_a_month_of_visits(
    live_server, context, tablet, desk, signed_in, assert_accessible, supervisor, case_manager, outsider,
    mads_two_years_ago,
):
    # Steps 7 (reminders and the morning digest) and 8 (the supervision dashboard) are not walked: the
    # product does not have them yet. Steps 1, 2, 3, 4, 5, 6 and 9 are.
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

    # 3. The plan: back at the office Anna starts it from the assessment, on the laptop.
    laptop.get_by_role("navigation", name="Main").get_by_role("link", name="My caseload").click()
    laptop.get_by_role("table", name="My clients").get_by_role("link", name="Mads Jensen", exact=True).click()
    expect(laptop).to_have_url(re.compile(rf"{record}$"))
    plans = region(laptop, "Care plans")
    expect(plans).to_contain_text("No care plan yet.")
    plans.get_by_role("link", name="Start a care plan").click()
    expect(laptop.get_by_role("heading", name="Start a care plan")).to_be_visible()
    expect(laptop.get_by_role("main")).to_contain_text("From the Intake assessment of")
    expect(laptop.get_by_label(GOAL)).to_be_checked()  # his words, from the assessment
    assert_accessible(laptop)
    laptop.get_by_role("button", name="Start the plan").click()

    plan = CarePlan.objects.get(client=mads)
    plan_edit = re.compile(rf"/careplans/{plan.pk}/edit/(#goals)?$")
    expect(laptop).to_have_url(plan_edit)
    expect(laptop.get_by_role("status")).to_contain_text("Care plan started.")
    goals = region(laptop, "Goals").get_by_role("listitem")
    expect(goals).to_have_count(1)
    expect(goals.nth(0)).to_contain_text(f"“{GOAL}”")
    safety = region(laptop, "Safety plan")
    expect(safety).to_contain_text(RISK_PROMPT)  # the flag asks for it
    aside = laptop.get_by_role("complementary", name="While planning")
    expect(aside.get_by_role("listitem").filter(has_text="Sofie Jensen")).to_contain_text("may be involved")
    assert_accessible(laptop)

    goals.nth(0).get_by_role("link", name="Edit goal 1").click()
    expect(laptop.get_by_role("heading", name="Edit goal")).to_be_visible()
    expect(laptop.get_by_label("The goal in the client's words")).to_have_value(GOAL)
    assert_accessible(laptop)
    fill_the_goal(laptop, area=None, words=None, objective=DAUGHTER_OBJECTIVE, by=in_days(90),
                  action="Ask the family counselling service for a meeting with Ellen's mother",
                  who="Case manager", due=in_days(21))
    region(laptop, "Goals").get_by_role("link", name="Add a goal").click()
    expect(laptop.get_by_role("heading", name="Add a goal")).to_be_visible()
    assert_accessible(laptop)
    fill_the_goal(laptop, area="Housing", words=HOME, objective=HOME_OBJECTIVE, by=in_days(60),
                  action=HOME_ACTION, who="The client", due=in_days(14))
    region(laptop, "Goals").get_by_role("link", name="Add a goal").click()
    fill_the_goal(laptop, area="Medication", words=MEDICINE, objective=MEDICINE_OBJECTIVE, by=in_days(30),
                  action=MEDICINE_ACTION, who="Case manager", due=in_days(7))
    expect(goals).to_have_count(3)
    expect(goals.locator(".client-words")).to_have_text([f"“{GOAL}”", f"“{HOME}”", f"“{MEDICINE}”"])

    laptop.get_by_label("Title").fill("After the hospital")
    laptop.get_by_label("What matters to me").fill(WHAT_MATTERS)
    safety.get_by_label("Warning signs").fill(WARNING_SIGNS)
    safety.get_by_label("Things I can do on my own").fill(ON_MY_OWN)
    safety.get_by_label("People I can ask for help").fill(HELP_CONTACTS)
    safety.get_by_label("Making my surroundings safe").fill(SAFE_SURROUNDINGS)
    safety.get_by_label("Reasons for living").fill(REASONS_FOR_LIVING)
    laptop.get_by_role("button", name="Save", exact=True).click()
    expect(laptop.get_by_role("status")).to_contain_text("Plan saved.")
    expect(safety.get_by_label("Warning signs")).to_have_value(WARNING_SIGNS)
    expect(safety.get_by_label("Professionals and crisis lines")).to_have_value("Case manager: Anna Lindqvist")
    laptop.get_by_role("button", name="Ready: send for signatures").click()

    expect(laptop).to_have_url(re.compile(rf"/careplans/{plan.pk}/$"))
    expect(laptop.get_by_role("status")).to_contain_text("The plan is ready to sign.")
    expect(laptop.get_by_role("heading", name="Care plan, version 1")).to_contain_text("Awaiting signatures")
    expect(region(laptop, "Signatures").get_by_role("listitem")).to_have_text([
        "Waiting for Mads Jensen (Client)",
        "Waiting for Sofie Jensen (Nominated person)",
        "Waiting for Anna Lindqvist (Case manager)",
    ])
    expect(region(laptop, "Safety plan")).to_contain_text("Hearing the voices more")
    for words in (GOAL, HOME, MEDICINE):
        expect(laptop.get_by_role("article", name=f"“{words}”")).to_be_visible()
    assert_accessible(laptop)

    # 4. Signing: at the next visit Anna hands him the tablet.
    cdp = tablet.new_cdp_session(with_him)
    with_him.goto(record)
    region(with_him, "Care plans").get_by_role("link", name="Open the care plan").tap()
    expect(with_him).to_have_url(re.compile(rf"/careplans/{plan.pk}/$"))
    assert_accessible(with_him)
    with_him.get_by_role("button", name="Hand to client").tap()

    # He reads the plan in Danish, his preferred language, though Anna works in English.
    tablet_page = re.compile(rf"/careplans/{plan.pk}/tablet/$")
    expect(with_him).to_have_url(tablet_page)
    expect(with_him.locator("html")).to_have_attribute("lang", "da")
    expect(with_him.get_by_role("heading", name="Handleplan for Mads Jensen")).to_be_visible()
    for words in (GOAL, HOME, MEDICINE):
        expect(with_him.get_by_role("heading", name=f"“{words}”")).to_be_visible()
    expect(region(with_him, "Sikkerhedsplan")).to_contain_text(HELP_CONTACTS)
    expect(with_him.get_by_role("navigation")).to_have_count(0)
    his = region(with_him, "Mads Jensen, underskriver som Borger")
    expect(his.get_by_label("Dit navn med blokbogstaver eller som du skriver det")).to_have_value("Mads Jensen")
    assert touch_targets_under_44px(with_him) == []
    assert_accessible(with_him)
    sign = his.get_by_role("button", name="Underskriv", exact=True)
    expect(sign).to_be_disabled()
    sign_with_a_finger(cdp, with_him, loops=3)
    expect(sign).to_be_enabled()
    press_sign(with_him, sign)

    expect(with_him).to_have_url(tablet_page)
    expect(with_him.get_by_text("Underskrevet af Mads Jensen. Tak.")).to_be_visible()
    hers = region(with_him, "Sofie Jensen, underskriver som Udpeget pårørende")
    expect(hers).to_contain_text("Borgeren har bedt mig om at være involveret.")
    sign = hers.get_by_role("button", name="Underskriv", exact=True)
    sign_with_a_finger(cdp, with_him, loops=2)
    expect(sign).to_be_enabled()
    press_sign(with_him, sign)
    expect(with_him.get_by_text("Underskrevet af Sofie Jensen. Tak.")).to_be_visible()
    expect(with_him.get_by_text("Det var alt. Giv venligst tabletten tilbage.")).to_be_visible()
    assert_accessible(with_him)

    # She takes the tablet back with her password and signs as his case manager.
    region(with_him, "Til Anna Lindqvist: tag tabletten tilbage").get_by_label("Din adgangskode").fill(TEST_PASSWORD)
    with_him.get_by_role("button", name="Tag tilbage").tap()
    expect(with_him).to_have_url(re.compile(rf"/careplans/{plan.pk}/$"))
    expect(with_him.get_by_role("status")).to_contain_text("Welcome back. The tablet is yours again.")
    with_him.get_by_role("link", name="Sign as Case manager").tap()
    expect(with_him.get_by_role("heading", name="Sign care plan version 1 as Case manager")).to_be_visible()
    assert_accessible(with_him)
    with_him.get_by_label("Your password").fill(TEST_PASSWORD)
    with_him.get_by_role("button", name="Sign as Anna Lindqvist").tap()

    # The last signature queues the PDF; here the task runs in-process, in this request, so it takes a moment.
    expect(with_him).to_have_url(re.compile(rf"/careplans/{plan.pk}/$"), timeout=30_000)
    expect(with_him.get_by_role("status")).to_contain_text("Signed.")
    expect(with_him.get_by_role("heading", name="Care plan, version 1")).to_contain_text("Active")
    signatures = region(with_him, "Signatures")
    for signer in ("Mads Jensen · Client", "Sofie Jensen · Nominated person", "Anna Lindqvist · Case manager"):
        expect(signatures.get_by_role("listitem").filter(has_text=signer)).to_have_count(1)

    # A minute later (here the task runs in-process) the PDF is ready; its footer carries the content's hash.
    download = region(with_him, "PDF").get_by_role("link", name="Download the PDF")
    expect(download).to_be_visible(timeout=10_000)
    assert_accessible(with_him)
    with with_him.expect_download() as downloading:
        download.tap()
    text = pdf_text(downloading.value.path())
    for words in (GOAL, HOME, MEDICINE, HOME_ACTION, MEDICINE_ACTION, "Hearing the voices more",
                  "Mads Jensen", "Sofie Jensen", "Anna Lindqvist"):
        assert words in text, f"{words!r} is not in the PDF"
    footer_hash = re.search(r"indholdets SHA-256 ([0-9a-f]{64})", text)  # his PDF is in Danish too
    assert footer_hash, "the PDF's footer carries no content SHA-256"

    with_him.get_by_role("link", name="Verify the signed content").tap()
    expect(with_him).to_have_url(re.compile(rf"/careplans/{plan.pk}/verify/$"))
    expect(with_him.get_by_role("status")).to_have_text(
        re.compile(r"^Intact\. The stored content is exactly what was signed\.")
    )
    facts = with_him.locator("dl.verify-facts")
    signed_hash = facts.locator("dt", has_text="SHA-256 at the first signature").locator("xpath=following-sibling::dd[1]")
    hash_now = facts.locator("dt", has_text="SHA-256 of the content now").locator("xpath=following-sibling::dd[1]")
    expect(signed_hash).to_have_text(footer_hash.group(1))
    expect(hash_now).to_have_text(footer_hash.group(1))
    expect(with_him.get_by_text("the stored file matches its SHA-256")).to_be_visible()
    assert_accessible(with_him)
    plan.refresh_from_db()
    assert (plan.status, plan.content_hash, plan.document.status) == (
        CarePlan.Status.ACTIVE, footer_hash.group(1), PlanDocument.Status.READY
    )

    # 5. Referrals: to a housing service, under a release of information he signs on the tablet.
    partner = desk()  # Bolig Nord's own browser: no account, no session
    refer_him_to_housing(laptop, with_him, cdp, partner, mads, assert_accessible)

    # 6. Visits: over the month Anna records six contacts from My caseload, each tied to a goal and signed.
    notes = [
        record_a_contact(laptop, contact, client="Mads Jensen", check=assert_accessible if n == 0 else None)
        for n, contact in enumerate(MONTH)
    ]
    laptop.get_by_role("navigation", name="Main").get_by_role("link", name="My caseload").click()
    his_row = laptop.get_by_role("table", name="My clients").get_by_role("row").filter(has_text="Mads Jensen")
    expect(his_row).to_contain_text(f"{MONTH[-1].days_ago} days ago")  # his last contact: the latest home visit
    assert_accessible(laptop)

    # One is corrected afterwards: the note stays as signed, the addendum goes under it.
    laptop.goto(notes[MONTH.index(CORRECTED)])
    expect(laptop.locator(".note-card")).to_contain_text(CORRECTED.plan)
    laptop.get_by_label("Addendum").fill(ADDENDUM)
    laptop.get_by_role("button", name="Add the addendum").click()
    expect(laptop.get_by_role("status")).to_contain_text("Addendum added under the note.")
    addenda = region(laptop, "Addenda")
    expect(addenda).to_contain_text("Anna Lindqvist")
    expect(addenda).to_contain_text(ADDENDUM)
    expect(laptop.locator(".note-card")).to_contain_text(CORRECTED.plan)
    assert_accessible(laptop)

    # His timeline shows them all, newest first; the daughter goal's filter shows the ones tied to it.
    laptop.get_by_role("link", name="All notes").click()
    expect(laptop).to_have_url(re.compile(rf"/notes/clients/{mads.pk}/$"))
    expect(laptop.get_by_role("main")).to_contain_text(f"{len(MONTH)} notes")
    entries = timeline_entries(laptop)
    newest_first = list(reversed(MONTH))
    expect(entries.locator("a.fw-semibold")).to_have_text(
        [re.compile(rf"^{re.escape(contact.kind)} · ") for contact in newest_first]
    )
    expect(entries.locator(".client-words")).to_have_text([f"“{contact.goal}”" for contact in newest_first])
    expect(entries.filter(has_text="Signed")).to_have_count(len(MONTH))
    expect(entries.filter(has_text="Late entry")).to_have_count(sum(contact.late for contact in MONTH))
    expect(entries.filter(has_text="1 addendum")).to_have_count(1)
    expect(entries.filter(has_text="1 addendum")).to_contain_text(CORRECTED.kind)
    assert_accessible(laptop)

    laptop.get_by_label("Goal", exact=True).select_option(label=GOAL)
    laptop.get_by_role("button", name="Filter").click()
    daughter = [contact for contact in newest_first if contact.goal == GOAL]
    expect(laptop.get_by_role("main")).to_contain_text(f"{len(daughter)} notes")
    expect(entries.locator("a.fw-semibold")).to_have_text(
        [re.compile(rf"^{re.escape(contact.kind)} · ") for contact in daughter]
    )
    expect(entries.locator(".client-words")).to_have_text([f"“{GOAL}”"] * len(daughter))
    assert_accessible(laptop)
    signed = ProgressNote.objects.filter(client=mads, status=ProgressNote.Status.SIGNED)
    assert signed.count() == len(MONTH) and not ProgressNote.objects.filter(client=mads).drafts().exists()
    assert sorted(signed.values_list("goal_links__goal__client_words", flat=True)) == sorted(c.goal for c in MONTH)

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
    # Bolig Nord opened what he agreed to share, through its link: that is in his record's history too.
    assert ("Bolig Nord (partner link)", "Viewed", "referral (partner link)") in history
    assert {who for who, action, _part in history if action == "Viewed"} == {
        "Anna Lindqvist", "Helle Nørgaard", "Bolig Nord (partner link)"}
    assert not [row for row in history if "Bo Madsen" in row], "Bo opened nothing, so he is not listed"


# --- step 3's promise, on its own ---------------------------------------------------------------------


def test_with_a_risk_flag_a_plan_is_not_sent_for_signatures_without_a_safety_plan(
    live_server, context, signed_in, case_manager, client_a
):
    """Step 3's promise, on its own: "The plan cannot be signed without it." """
    RiskFlagFactory(client=client_a)
    plan = services.plan_start(client=client_a, by=case_manager)
    services.goal_save(
        plan=plan, by=case_manager, expected_version=plan.version, goal=None,
        values={"area": "relationships", "client_words": GOAL, "description": ""}, objectives=[], actions=[],
    )
    anna = context.new_page()
    signed_in(anna, case_manager)
    anna.goto(f"/careplans/{plan.pk}/edit/")
    expect(region(anna, "Safety plan")).to_contain_text(RISK_PROMPT)
    anna.get_by_role("button", name="Ready: send for signatures").click()
    expect(anna.get_by_role("status")).to_be_visible()
    assert CarePlan.objects.get(pk=plan.pk).status == CarePlan.Status.DRAFT, "sent for signatures without a safety plan"
    expect(anna.get_by_role("status")).to_contain_text(
        "The client has a risk flag: make the safety plan with them before the plan is signed."
    )
