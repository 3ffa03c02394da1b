"""The comprehensive assessment: a draft keeps everything typed, a "Yes" under Safety reaches the client
header at once, signing locks it (corrections become addenda), and the form works on the tablet.

The scenario: Anna's intake assessment of Mikkel Sørensen. He has had no home since the winter, his mood is
low, and what he wants most is to see his daughter every other weekend. His sister Louise, his nominated
person, took part with his consent.
"""

import os
import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Assessment, AssessmentAddendum, AssessmentItem, DomainEntry, Participant, RiskFlag
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.browser

MENTAL_STATE = {
    "Appearance": "Unshaven, clothes worn for several days; sat in his coat throughout.",
    "Behaviour": "Restless at first, settled after ten minutes; good eye contact.",
    "Speech": "Quiet and slow, normal in form.",
}
MOOD = "Low and flat; tearful when he talks about his daughter. Says he sleeps four hours a night."
NEED = "Somewhere stable to live"
GOAL = "I want to see my daughter every other weekend"
HARM_TO_OTHERS = "Current thoughts or plans of harming others"
GOALS = "The client's goals, in their own words"


def domain(page: Page, title: str):
    """One domain card of the form or the read view, found by its heading."""
    return page.get_by_role("region", name=title)


def person(page: Page, number: int):
    """One row of "Who took part" (a fieldset whose legend reads "Person <number>")."""
    return page.get_by_role("group", name=f"Person {number}", exact=True)


def fields_hidden_behind_the_action_bar(page: Page) -> list[str]:
    """Tab from the first question to the action bar and name every field that takes focus entirely behind it."""
    page.emulate_media(reduced_motion="reduce")  # no smooth scrolling: measure where focus has landed
    page.evaluate("() => window.scrollTo(0, 0)")
    page.locator("section.domain-card textarea").first.focus()
    hidden = []
    for _field in range(200):
        name, top, bar_top = page.evaluate(
            """() => {
                const el = document.activeElement;
                const bar = document.querySelector('.sticky-actions');
                return [bar.contains(el) ? null : el.name, el.getBoundingClientRect().top, bar.getBoundingClientRect().top];
            }"""
        )
        if name is None:
            return hidden
        if top >= bar_top:
            hidden.append(name)
        page.keyboard.press("Tab")
    pytest.fail("Tab never reached the form's buttons")


def edit_url(assessment) -> re.Pattern:
    return re.compile(rf"/assessments/assessments/{assessment.pk}/edit/$")


def read_url(assessment) -> re.Pattern:
    return re.compile(rf"/assessments/assessments/{assessment.pk}/$")


@pytest.fixture
def draft(client_a, case_manager):
    """An intake assessment of Mikkel that Anna has started and not touched yet."""
    return AssessmentFactory(client=client_a, assessor=case_manager, updated_by=case_manager)


def test_a_saved_draft_keeps_everything_typed(
    live_server, page, signed_in, assert_accessible, screenshot, case_manager, client_a
):
    signed_in(page, case_manager)
    page.goto(f"/clients/{client_a.pk}/")
    page.get_by_role("region", name="Assessments").get_by_role("link", name="Comprehensive assessments").click()
    expect(page).to_have_url(re.compile(rf"/assessments/clients/{client_a.pk}/assessments/$"))
    expect(page.get_by_role("cell", name="No assessment yet.")).to_be_visible()
    page.get_by_role("link", name="Start an assessment").click()

    expect(page.get_by_role("heading", name="Start an assessment")).to_be_visible()
    page.get_by_label("Occasion").select_option(label="Intake")
    expect(page.get_by_label("Date of the assessment")).not_to_have_value("")
    page.get_by_role("button", name="Start").click()

    assessment = Assessment.objects.get(client=client_a)
    expect(page).to_have_url(edit_url(assessment))
    expect(page.get_by_role("heading", name="Intake assessment")).to_contain_text("Draft")
    expect(page.locator("section.domain-card")).to_have_count(13)
    assert_accessible(page)

    mental_state = domain(page, "Mental state examination")
    for label, observed in MENTAL_STATE.items():
        mental_state.get_by_label(label).fill(observed)
    mental_state.get_by_label("Mood and affect").fill(MOOD)
    housing = domain(page, "Income, benefits and housing")
    housing.get_by_label("Housing").select_option(label="No home")
    housing.get_by_label("Needs").fill(NEED)
    domain(page, "Friendships, family and relationships").get_by_label(GOALS).fill(GOAL)
    louise = person(page, 1)
    louise.get_by_label("Name").fill("Louise Sørensen")
    louise.get_by_label("Role").select_option(label="Nominated person")
    louise.get_by_label("Client consented to their involvement").check()
    page.get_by_role("button", name="Save draft").click()

    expect(page).to_have_url(edit_url(assessment))
    expect(page.get_by_role("status")).to_contain_text("Draft saved.")
    page.reload()

    mental_state = domain(page, "Mental state examination")
    for label, observed in MENTAL_STATE.items():
        expect(mental_state.get_by_label(label)).to_have_value(observed)
    expect(mental_state.get_by_label("Mood and affect")).to_have_value(MOOD)
    housing = domain(page, "Income, benefits and housing")
    expect(housing.get_by_label("Housing")).to_have_value("homeless")
    expect(housing.get_by_label("Housing").locator("option:checked")).to_have_text("No home")
    expect(housing.get_by_label("Needs")).to_have_value(NEED)
    relationships = domain(page, "Friendships, family and relationships")
    expect(relationships.get_by_label(GOALS)).to_have_value(GOAL)
    louise = person(page, 1)
    expect(louise.get_by_label("Name")).to_have_value("Louise Sørensen")
    expect(louise.get_by_label("Role")).to_have_value("nominated_person")
    expect(louise.get_by_label("Client consented to their involvement")).to_be_checked()
    expect(person(page, 2).get_by_label("Name")).to_have_value("")
    expect(person(page, 3).get_by_label("Name")).to_have_value("")

    assert DomainEntry.objects.get(assessment=assessment, domain="mental_state").answers == {
        "appearance": MENTAL_STATE["Appearance"],
        "behaviour": MENTAL_STATE["Behaviour"],
        "speech": MENTAL_STATE["Speech"],
        "mood_affect": MOOD,
    }
    assert DomainEntry.objects.get(assessment=assessment, domain="income_housing").answers == {"housing": "homeless"}
    assert list(AssessmentItem.objects.filter(assessment=assessment).values_list("domain", "kind", "text")) == [
        ("income_housing", "need", NEED),
        ("relationships", "goal", GOAL),
    ]
    assert list(Participant.objects.filter(assessment=assessment).values_list("role", "name", "client_consented")) == [
        ("client", "Mikkel Sørensen", True),
        ("nominated_person", "Louise Sørensen", True),
    ]
    assert not RiskFlag.objects.filter(client=client_a).exists()
    assert_accessible(page)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        screenshot(page, "assessment-form")
    assert fields_hidden_behind_the_action_bar(page) == []


def test_a_yes_under_safety_shows_the_risk_flag_in_the_header_at_once(
    live_server, page, signed_in, assert_accessible, case_manager, client_a, draft
):
    signed_in(page, case_manager)
    page.goto(f"/assessments/assessments/{draft.pk}/edit/")
    header = page.locator("section.client-header")
    expect(header.locator(".risk-flags")).to_have_count(0)

    question = domain(page, "Safety of the client and of others").get_by_role("group", name=HARM_TO_OTHERS)
    expect(question.get_by_role("radio", name="Not asked")).to_be_checked()
    question.get_by_role("radio", name="Yes", exact=True).check()
    page.get_by_role("button", name="Save draft").click()

    expect(page).to_have_url(edit_url(draft))
    flags = header.get_by_role("alert")
    expect(flags).to_be_visible()
    expect(flags).to_contain_text("Risk to others")
    expect(flags).to_contain_text(f"Assessment: Safety of the client and of others: {HARM_TO_OTHERS}")
    expect(flags).to_contain_text("raised by Anna Lindqvist")
    expect(flags).to_have_css("background-color", "rgb(139, 26, 26)")
    expect(flags).to_have_css("color", "rgb(255, 255, 255)")
    question = domain(page, "Safety of the client and of others").get_by_role("group", name=HARM_TO_OTHERS)
    expect(question.get_by_role("radio", name="Yes", exact=True)).to_be_checked()
    assert list(RiskFlag.objects.filter(client=client_a).values_list("kind", flat=True)) == ["harm_to_others"]
    assert_accessible(page)

    # Saving again with the same answer raises no second flag.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved.")
    expect(flags.locator(".risk-flag")).to_have_count(1)
    assert RiskFlag.objects.filter(client=client_a).count() == 1


def test_signing_locks_the_assessment_and_corrections_become_addenda(
    live_server, page, signed_in, assert_accessible, case_manager, client_a, draft
):
    signed_in(page, case_manager)
    page.goto(f"/assessments/assessments/{draft.pk}/edit/")
    domain(page, "Friendships, family and relationships").get_by_label(GOALS).fill(GOAL)
    page.get_by_role("button", name="Save and go to signing").click()

    expect(page).to_have_url(re.compile(rf"/assessments/assessments/{draft.pk}/sign/$"))
    expect(page.get_by_role("heading", name="Sign the assessment")).to_be_visible()
    expect(page.locator("blockquote")).to_contain_text(
        "I carried out this assessment and this record is accurate and complete."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Sign as Anna Lindqvist").click()

    expect(page).to_have_url(read_url(draft))
    expect(page.get_by_role("status")).to_contain_text("Assessment signed.")
    signature = page.get_by_role("region", name="Signed")
    expect(signature).to_contain_text("Anna Lindqvist")
    expect(signature).to_contain_text("“I carried out this assessment and this record is accurate and complete.”")
    expect(signature).to_contain_text(re.compile(r"SHA-256 [0-9a-f]{64}"))
    expect(signature).to_contain_text("content intact")
    relationships = domain(page, "Friendships, family and relationships")
    expect(relationships.get_by_role("listitem")).to_have_text([GOAL])
    expect(page.get_by_role("link", name="Continue the draft")).to_have_count(0)
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.COMPLETED
    assert len(draft.content_hash) == 64
    assert_accessible(page)

    addenda = page.get_by_role("region", name="Addenda")
    expect(addenda).to_contain_text("No addenda.")
    correction = "Mikkel's daughter lives with her mother in Roskilde; contact is arranged through the family court."
    addenda.get_by_label("Addendum").fill(correction)
    addenda.get_by_role("button", name="Add the addendum").click()

    expect(page).to_have_url(read_url(draft))
    expect(page.get_by_role("status")).to_contain_text("Addendum added.")
    addenda = page.get_by_role("region", name="Addenda")
    added = addenda.locator(".card").filter(has_text=correction)
    expect(added).to_have_count(1)
    expect(added).to_contain_text("Anna Lindqvist")
    expect(addenda).not_to_contain_text("No addenda.")
    expect(page.get_by_role("region", name="Signed")).to_contain_text("content intact")
    assert AssessmentAddendum.objects.get(assessment=draft).author == case_manager
    assert_accessible(page)

    page.goto(f"/assessments/assessments/{draft.pk}/edit/")
    expect(page).to_have_url(read_url(draft))
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    expect(page.get_by_role("region", name="Signed")).to_be_visible()


def test_the_form_works_by_touch_on_the_tablet(
    live_server, tablet, signed_in, assert_accessible, case_manager, client_a, draft
):
    page = tablet.new_page()
    signed_in(page, case_manager)
    page.goto(f"/assessments/assessments/{draft.pk}/edit/")
    expect(page.get_by_role("heading", name="Intake assessment")).to_be_visible()
    assert page.evaluate("() => matchMedia('(pointer: coarse)').matches"), "the tablet should report a touch pointer"

    housing = domain(page, "Income, benefits and housing")
    debts = housing.get_by_role("group", name="Debts or money worries")
    debts.get_by_text("Yes", exact=True).tap()
    expect(debts.get_by_role("radio", name="Yes", exact=True)).to_be_checked()
    strengths = domain(page, "Daily living skills").get_by_label("Strengths")
    strengths.tap()
    expect(strengths).to_be_focused()
    page.keyboard.type("Cooks for himself most days\nKeeps his appointments")
    page.get_by_role("button", name="Save draft").tap()

    expect(page).to_have_url(edit_url(draft))
    expect(page.get_by_role("status")).to_contain_text("Draft saved.")
    debts = domain(page, "Income, benefits and housing").get_by_role("group", name="Debts or money worries")
    expect(debts.get_by_role("radio", name="Yes", exact=True)).to_be_checked()
    expect(domain(page, "Daily living skills").get_by_label("Strengths")).to_have_value(
        "Cooks for himself most days\nKeeps his appointments"
    )
    assert list(
        AssessmentItem.objects.filter(assessment=draft, domain="daily_living").values_list("text", flat=True)
    ) == ["Cooks for himself most days", "Keeps his appointments"]
    assert not RiskFlag.objects.filter(client=client_a).exists()  # debts are not a safety question

    assert_accessible(page)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), "the form scrolls sideways"
    small = page.evaluate(
        """() => [...document.querySelectorAll('main .btn, main .form-control, main .form-select')]
            .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
            .map(el => el.outerHTML.slice(0, 80))"""
    )
    assert not small, f"touch targets under 44px on the assessment form: {small}"
    small_choices = page.evaluate(
        """() => [...document.querySelectorAll('.assessment-form .form-check-label')]
            .filter(el => el.getBoundingClientRect().height < 44)
            .map(el => el.htmlFor)"""
    )
    assert not small_choices, f"radio buttons and checkboxes under 44px on the tablet: {small_choices}"
    assert fields_hidden_behind_the_action_bar(page) == []


def test_what_is_typed_is_saved_without_pressing_save(live_server, page, signed_in, case_manager, draft):
    signed_in(page, case_manager)
    page.goto(f"/assessments/assessments/{draft.pk}/edit/")
    coping = domain(page, "Coping with stress and illness")
    coping.get_by_label("Narrative").fill("Walks by the lake when the voices get loud")
    expect(page.locator(".autosave-status")).to_contain_text("Draft saved automatically at", timeout=15000)

    page.goto(f"/assessments/assessments/{draft.pk}/edit/")  # as after the laptop slept: a fresh page
    expect(domain(page, "Coping with stress and illness").get_by_label("Narrative")).to_have_value(
        "Walks by the lake when the voices get loud"
    )
    # A save by hand after an automatic one carries the newest version: no conflict.
    domain(page, "Coping with stress and illness").get_by_label("Narrative").fill("Walks by the lake")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved.")
    assert DomainEntry.objects.get(assessment=draft, domain="coping").narrative == "Walks by the lake"
