"""Care plans: made from the assessment with the client, signed on the tablet in the client's hands and
at the case manager's desk, printed to PDF, checked, and reviewed into a second version.

The scenario: Anna's plan with Mikkel Sørensen after his intake assessment. He wants a flat of his own
near his daughter Emma's school, and to see Emma every other weekend. His sister Sofie, his nominated
person, takes part with his consent, so she signs too.

The PDF is made by a Celery task that runs in-process here (tests/conftest.py). In the signing test the
task is held back until the plan's page is showing "Queued", then run: that is the only way to see the
PDF card change on a page that is already open, which is what the case manager sees with a real worker.
"""

import math
import re
import subprocess
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.models import AssessmentItem
from careplans import services
from careplans.models import Action, CarePlan, PlanDocument, Signature
from careplans.tasks import render_plan_pdf
from tests.careplans.conftest import sign_all
from tests.e2e.conftest import SCREENSHOT_DIR, SCREENSHOT_MAX_BYTES
from tests.factories import TEST_PASSWORD, AssessmentFactory, ContactFactory

pytestmark = pytest.mark.browser

ASSESSED_NEED = "Somewhere stable to live"
ASSESSED_GOAL = "I want to see my daughter every other weekend"
ASSESSED_STRENGTH = "Good at fixing bikes"
FLAT = "A flat of my own, near Emma's school"
DAUGHTER = "I want to see my daughter every other weekend"
HOUSING_OBJECTIVE = "Housing application accepted by the municipality"
HOUSING_ACTION = "Fill in the housing application together"
SOFIE_ACTION = "Come to the flat viewings with Mikkel"
WHAT_MATTERS = "A home of my own, and Emma every other weekend."
WARNING_SIGNS = "Not sleeping\nStaying in bed all day"
HELP_CONTACTS = "Sofie (sister) 20 11 22 33"
TOO_SMALL = "The signature is too small. Clear the box and sign your name across it."


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def sister(client_a):
    """Sofie, Mikkel's nominated person; he consents to her involvement, so she signs the plan too."""
    return ContactFactory(
        client=client_a, name="Sofie Sørensen", relationship="Sister", role="nominated_person",
        consents_to_involvement=True,
    )


@pytest.fixture
def held_pdfs(monkeypatch):
    """Queued PDFs wait here (as with a busy worker) until the test runs them with `release()`."""
    held = []
    monkeypatch.setattr("careplans.tasks.render_plan_pdf.delay", held.append)  # what the outbox relays

    def release() -> None:
        while held:
            render_plan_pdf.apply(args=[held.pop(0)], throw=True)

    return SimpleNamespace(ids=held, release=release)


def a_plan_to_sign(client, by) -> CarePlan:
    """The plan Anna and Mikkel made together, sent for signatures: two goals and a safety plan."""
    plan = services.plan_start(client=client, by=by)
    plan = services.plan_save(
        plan=plan, by=by, expected_version=plan.version,
        values={"title": "Getting settled", "client_summary": WHAT_MATTERS,
                "strengths": f"{ASSESSED_STRENGTH}\nLoves his daughter",
                "warning_signs": WARNING_SIGNS, "coping_strategies": "A long walk by the lakes",
                "help_contacts": HELP_CONTACTS, "reasons_for_living": "My daughter Emma"},
    )
    goals = [
        ("relationships", DAUGHTER, "Emma is six and lives with her mother in Valby.",
         [{"text": "A contact arrangement agreed with Emma's mother", "target_date": in_days(90)}],
         [{"text": "Book a session with the family counselling service", "who": "case_manager", "who_name": "",
           "due_on": in_days(21)}]),
        ("housing", FLAT, "",
         [{"text": HOUSING_OBJECTIVE, "target_date": in_days(60)}],
         [{"text": HOUSING_ACTION, "who": "client", "who_name": "", "due_on": in_days(14)},
          {"text": SOFIE_ACTION, "who": "family", "who_name": "Sofie", "due_on": None}]),
    ]
    for area, words, description, objectives, actions in goals:
        services.goal_save(
            plan=plan, by=by, expected_version=CarePlan.objects.get(pk=plan.pk).version, goal=None,
            values={"area": area, "client_words": words, "description": description},
            objectives=objectives, actions=actions,
        )
    plan = CarePlan.objects.get(pk=plan.pk)
    return services.plan_send_for_signatures(plan=plan, by=by, expected_version=plan.version)


def region(page: Page, name: str):
    return page.get_by_role("region", name=name)


def row(page: Page, fieldset: str, number: int):
    """One row (1-based) of the goal form's objectives or actions."""
    return page.get_by_role("group", name=fieldset).locator(".plan-row").nth(number - 1)


def scroll_to(locator) -> None:
    """Frame a screenshot: the element a little below the top of the screen."""
    locator.evaluate(
        "el => { el.scrollIntoView({block: 'start', behavior: 'instant'}); window.scrollBy({top: -16, behavior: 'instant'}); }"
    )


def photograph_the_tablet(page: Page, name: str) -> None:
    """Like the `screenshot` fixture, but at the tablet's own size: this page is only ever seen on the tablet."""
    page.evaluate("() => document.fonts.ready.then(() => undefined)")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=path, full_page=False, animations="disabled", caret="hide", type="png")
    size = path.stat().st_size
    assert size <= SCREENSHOT_MAX_BYTES, f"{path.name} is {size // 1024} KB; keep screenshots under 200 KB"


# --- Touch on the signature pad, as a finger sends it (CDP touch events, not a mouse) -----------------


def pad_box(page: Page) -> dict:
    pad = page.locator("canvas.signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150, f"the pad is too small to sign on: {box}"
    return box


def finger(cdp, page: Page, points: list[tuple[float, float]]) -> None:
    """One stroke: the finger goes down on the first point, moves through the others and lifts."""
    x, y = points[0]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for x, y in points[1:]:
        page.wait_for_timeout(17)  # about one frame between moves, as a finger gives them
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def sign_with_a_finger(cdp, page: Page, *, loops: int) -> None:
    """A handwritten-looking name across the pad and a short underline."""
    box = pad_box(page)
    left, top, width, height = box["x"], box["y"], box["width"], box["height"]
    steps = 40
    name = [
        (left + width * (0.12 + 0.6 * i / steps),
         top + height * (0.45 - 0.18 * math.sin(i / steps * loops * 2 * math.pi) - 0.05 * i / steps))
        for i in range(steps + 1)
    ]
    finger(cdp, page, name)
    finger(cdp, page, [(left + width * (0.2 + 0.5 * i / 8), top + height * 0.66) for i in range(9)])


def tap_the_pad_once(cdp, page: Page) -> None:
    box = pad_box(page)
    finger(cdp, page, [(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)])


def press_sign(page: Page, sign) -> None:
    """The hand moves from the pad to the button. Chromium turns a tap into a click only if it comes some
    0.7 s after the end of a touch stroke (touchstart and touchend arrive, no click), whatever the page does:
    the same with the pad's listeners removed. A second is what a hand takes anyway."""
    page.wait_for_timeout(1000)
    sign.tap()


def touch_targets_under_44px(page: Page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('main .btn, main .form-control, main .form-select, main summary')]
            .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
            .map(el => el.outerHTML.slice(0, 80))"""
    )


def pdf_text(path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


# --- a. Making the plan -------------------------------------------------------------------------------


def test_a_case_manager_makes_a_plan_from_the_assessment_and_sends_it_for_signatures(
    live_server, page, signed_in, assert_accessible, screenshot, case_manager, client_a, sister
):
    intake = AssessmentFactory(client=client_a, assessor=case_manager, updated_by=case_manager)
    for domain, kind, text in [
        ("income_housing", "need", ASSESSED_NEED),
        ("relationships", "goal", ASSESSED_GOAL),
        ("occupation", "strength", ASSESSED_STRENGTH),
    ]:
        AssessmentItem.objects.create(assessment=intake, client=client_a, domain=domain, kind=kind, text=text)

    signed_in(page, case_manager)
    page.goto(f"/clients/{client_a.pk}/")
    plans = region(page, "Care plans")
    expect(plans).to_contain_text("No care plan yet.")
    plans.get_by_role("link", name="Start a care plan").click()  # straight to the start page


    # The assessment's goal is offered ticked, its need offered unticked, its strengths filled in.
    expect(page.get_by_role("heading", name="Start a care plan")).to_be_visible()
    expect(page.get_by_label(ASSESSED_GOAL)).to_be_checked()
    expect(page.get_by_label(ASSESSED_NEED)).not_to_be_checked()
    expect(page.get_by_label("Strengths to build on")).to_have_value(ASSESSED_STRENGTH)
    assert_accessible(page)
    page.get_by_label(ASSESSED_NEED).check()
    page.get_by_role("button", name="Start the plan").click()

    plan = CarePlan.objects.get(client=client_a)
    expect(page).to_have_url(re.compile(rf"/careplans/{plan.pk}/edit/$"))
    expect(page.get_by_role("status")).to_contain_text("Care plan started.")
    goals = region(page, "Goals").get_by_role("listitem")
    expect(goals).to_have_count(2)
    expect(goals.nth(0)).to_contain_text(f"“{ASSESSED_NEED}”")
    expect(goals.nth(1)).to_contain_text(f"“{ASSESSED_GOAL}”")
    assert_accessible(page)

    # The need becomes a goal in Mikkel's own words, with how to get there.
    goals.nth(0).get_by_role("link", name="Edit goal 1").click()
    expect(page.get_by_role("heading", name="Edit goal")).to_be_visible()
    expect(page.get_by_label("Area of life")).to_have_value("housing")
    assert_accessible(page)
    page.get_by_label("The goal in the client's words").fill(FLAT)
    objective = row(page, "Measurable objectives", 1)
    objective.get_by_label("Measurable objective").fill(HOUSING_OBJECTIVE)
    objective.get_by_label("By when").fill(in_days(60).isoformat())
    action = row(page, "Actions and strategies", 1)
    action.get_by_label("Action or strategy").fill(HOUSING_ACTION)
    action.get_by_label("By when").fill(in_days(14).isoformat())
    page.get_by_role("button", name="Save the goal").click()

    # An action without "who" is refused beside that field; everything typed stays.
    who = action.get_by_label("Who does it")
    expect(action.locator("#div_id_actions-0-who")).to_contain_text("Say who does this.")
    expect(who).to_have_attribute("aria-invalid", "true")
    expect(who).to_have_accessible_description(re.compile("Say who does this."))
    expect(page.get_by_label("The goal in the client's words")).to_have_value(FLAT)
    expect(objective.get_by_label("Measurable objective")).to_have_value(HOUSING_OBJECTIVE)
    expect(objective.get_by_label("By when")).to_have_value(in_days(60).isoformat())
    expect(action.get_by_label("Action or strategy")).to_have_value(HOUSING_ACTION)
    expect(action.get_by_label("By when")).to_have_value(in_days(14).isoformat())
    assert not plan.goals.get(position=0).actions.exists()
    assert_accessible(page)

    who.select_option(label="The client")
    page.get_by_role("button", name="More rows").click()
    expect(page.get_by_role("group", name="Actions and strategies").locator(".plan-row")).to_have_count(3)
    expect(action.get_by_label("Who does it")).to_have_value("client")
    sofie_helps = row(page, "Actions and strategies", 2)
    sofie_helps.get_by_label("Action or strategy").fill(SOFIE_ACTION)
    sofie_helps.get_by_label("Who does it").select_option(label="Family member or carer")
    sofie_helps.get_by_label("Name").fill("Sofie")
    page.get_by_role("button", name="Save the goal").click()

    expect(page).to_have_url(re.compile(rf"/careplans/{plan.pk}/edit/#goals$"))
    expect(page.get_by_role("status")).to_contain_text("Goal saved.")
    expect(goals.nth(0)).to_contain_text(f"“{FLAT}”")
    expect(goals.nth(0)).to_contain_text("1 objective · 2 actions")

    # About the plan, and the first steps of the safety plan.
    page.get_by_label("Title").fill("Getting settled")
    page.get_by_label("What matters to me").fill(WHAT_MATTERS)
    page.get_by_label("Warning signs").fill(WARNING_SIGNS)
    page.get_by_label("People I can ask for help").fill(HELP_CONTACTS)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Plan saved.")
    expect(page.get_by_label("Warning signs")).to_have_value(WARNING_SIGNS)
    expect(page.get_by_label("Professionals and crisis lines")).to_have_value("Case manager: Anna Lindqvist")
    assert_accessible(page)
    page.evaluate("() => window.scrollTo({top: 0, behavior: 'instant'})")
    screenshot(page, "careplan-edit")

    page.get_by_role("button", name="Ready: send for signatures").click()

    expect(page).to_have_url(re.compile(rf"/careplans/{plan.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("The plan is ready to sign.")
    expect(page.get_by_role("heading", name="Care plan, version 1")).to_contain_text("Awaiting signatures")
    expect(page.get_by_role("button", name="Hand to client")).to_be_visible()
    waiting = region(page, "Signatures").get_by_role("listitem")
    expect(waiting).to_have_text([
        "Waiting for Mikkel Sørensen (Client)",
        "Waiting for Sofie Sørensen (Nominated person)",
        "Waiting for Anna Lindqvist (Case manager)",
    ])
    expect(page.get_by_role("article", name=f"“{FLAT}”")).to_contain_text(HOUSING_OBJECTIVE)
    assert_accessible(page)

    plan.refresh_from_db()
    assert plan.status == CarePlan.Status.AWAITING
    assert (plan.title, plan.client_summary, plan.lines("warning_signs"), plan.help_contacts) == (
        "Getting settled", WHAT_MATTERS, WARNING_SIGNS.splitlines(), HELP_CONTACTS
    )
    assert list(plan.goals.values_list("area", "client_words")) == [("housing", FLAT), ("relationships", ASSESSED_GOAL)]
    housing = plan.goals.get(position=0)
    assert list(housing.objectives.values_list("text", "target_date")) == [(HOUSING_OBJECTIVE, in_days(60))]
    assert list(housing.actions.values_list("text", "who", "who_name", "due_on")) == [
        (HOUSING_ACTION, Action.Who.CLIENT, "", in_days(14)),
        (SOFIE_ACTION, Action.Who.FAMILY, "Sofie", None),
    ]


# --- b. Signing on the tablet ---------------------------------------------------------------------------


def test_the_client_and_his_sister_sign_on_the_tablet_and_the_signed_plan_becomes_a_pdf(
    live_server, tablet, signed_in, assert_accessible, screenshot, held_pdfs, case_manager, client_a, sister
):
    # Here Mikkel reads English; signing in Danish, Catalan and French is in test_languages.py.
    client_a.preferred_language = "en"
    client_a.save()
    plan = a_plan_to_sign(client_a, case_manager)
    page = tablet.new_page()
    cdp = tablet.new_cdp_session(page)
    signed_in(page, case_manager)
    page.goto(f"/careplans/{plan.pk}/")
    expect(page.get_by_role("heading", name="Care plan, version 1")).to_contain_text("Awaiting signatures")
    assert_accessible(page)
    page.get_by_role("button", name="Hand to client").tap()

    # The tablet shows the plan in Mikkel's language, and nothing to go anywhere else with.
    tablet_url = re.compile(rf"/careplans/{plan.pk}/tablet/$")
    expect(page).to_have_url(tablet_url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Care plan for Mikkel Sørensen")).to_be_visible()
    expect(page.get_by_role("heading", name=f"“{DAUGHTER}”")).to_be_visible()
    expect(page.get_by_role("heading", name=f"“{FLAT}”")).to_be_visible()
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.get_by_role("link")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    for elsewhere in ("/clients/", f"/clients/{client_a.pk}/", f"/careplans/{plan.pk}/", "/"):
        page.goto(elsewhere)
        expect(page).to_have_url(tablet_url)
    signing = region(page, "Mikkel Sørensen, signing as Client")
    expect(signing).to_contain_text("I took part in making this plan and I agree with it.")
    expect(signing.get_by_label("Your name in capitals or as you write it")).to_have_value("Mikkel Sørensen")
    assert_accessible(page)

    # With nothing drawn there is nothing to press: the button is disabled, and a tap on it anyway sends nothing.
    sign = signing.get_by_role("button", name="Sign", exact=True)
    expect(sign).to_be_disabled()
    page.evaluate("() => { window.stillTheSamePage = true; }")
    sign.tap(force=True)
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.stillTheSamePage === true"), "a disabled Sign button sent the form"
    assert not Signature.objects.filter(plan=plan).exists()
    assert touch_targets_under_44px(page) == []

    sign_with_a_finger(cdp, page, loops=3)
    expect(sign).to_be_enabled()
    scroll_to(signing)
    photograph_the_tablet(page, "careplan-tablet")
    press_sign(page, sign)

    expect(page).to_have_url(tablet_url)
    expect(page.get_by_text("Signed by Mikkel Sørensen. Thank you.")).to_be_visible()
    signing = region(page, "Sofie Sørensen, signing as Nominated person")
    expect(signing).to_contain_text("The client asked me to be involved.")
    expect(signing.get_by_label("Your name in capitals or as you write it")).to_have_value("Sofie Sørensen")
    assert_accessible(page)
    sign = signing.get_by_role("button", name="Sign", exact=True)
    expect(sign).to_be_disabled()

    # A stray tap is a dot, not a signature: the server refuses it, in the signing card, and the pad is empty again.
    tap_the_pad_once(cdp, page)
    expect(sign).to_be_enabled()
    press_sign(page, sign)
    expect(page).to_have_url(tablet_url)
    expect(signing.get_by_role("alert")).to_have_text(TOO_SMALL)
    expect(signing.get_by_label("Your name in capitals or as you write it")).to_have_value("Sofie Sørensen")
    expect(sign).to_be_disabled()
    assert list(Signature.objects.filter(plan=plan).values_list("role", flat=True)) == ["client"]
    assert_accessible(page)

    sign_with_a_finger(cdp, page, loops=2)
    expect(sign).to_be_enabled()
    press_sign(page, sign)

    expect(page.get_by_text("Signed by Sofie Sørensen. Thank you.")).to_be_visible()
    expect(page.get_by_text("That is all. Please give the tablet back.")).to_be_visible()
    assert list(Signature.objects.filter(plan=plan).values_list("role", "printed_name", "witnessed_by")) == [
        ("client", "Mikkel Sørensen", case_manager.pk),
        ("nominated_person", "Sofie Sørensen", case_manager.pk),
    ]
    assert all(s.image_svg.startswith("<svg") and s.image_png for s in Signature.objects.filter(plan=plan))

    # Taking the tablet back needs Anna's password; a wrong one keeps the tablet where it is.
    take_back = region(page, "For Anna Lindqvist: take the tablet back")
    take_back.get_by_label("Your password").fill("not-my-password")
    take_back.get_by_role("button", name="Take back").tap()
    expect(page).to_have_url(tablet_url)
    password = page.get_by_label("Your password")
    expect(page.locator("#div_id_password")).to_contain_text("That is not the password of Anna Lindqvist.")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile("That is not the password of Anna Lindqvist."))
    expect(page.get_by_role("navigation")).to_have_count(0)
    assert_accessible(page)
    password.fill(TEST_PASSWORD)
    page.get_by_role("button", name="Take back").tap()

    expect(page).to_have_url(re.compile(rf"/careplans/{plan.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Welcome back. The tablet is yours again.")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(1)
    page.get_by_role("link", name="Sign as Case manager").tap()

    expect(page).to_have_url(re.compile(rf"/careplans/{plan.pk}/sign/$"))
    expect(page.get_by_role("heading", name="Sign care plan version 1 as Case manager")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign as Anna Lindqvist").tap()

    # In force; the PDF is queued, and the card turns into a download link while the page stays open.
    expect(page).to_have_url(re.compile(rf"/careplans/{plan.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Signed.")
    expect(page.get_by_role("heading", name="Care plan, version 1")).to_contain_text("Active")
    pdf_card = region(page, "PDF")
    expect(pdf_card).to_contain_text("Queued")
    download = pdf_card.get_by_role("link", name="Download the PDF")
    expect(download).to_be_hidden()
    page.evaluate("() => { window.stillTheSamePage = true; }")
    assert len(held_pdfs.ids) == 1
    held_pdfs.release()

    expect(download).to_be_visible(timeout=10_000)
    expect(pdf_card).to_contain_text("Ready")
    expect(pdf_card.locator(".spinner-border")).to_have_count(0)
    assert page.evaluate("() => window.stillTheSamePage === true"), "the page reloaded"
    assert_accessible(page)

    with page.expect_download() as downloading:
        download.click()
    pdf = downloading.value
    assert pdf.suggested_filename == f"care-plan-{client_a.client_number}-v1.pdf"
    text = pdf_text(pdf.path())
    for words in (DAUGHTER, FLAT, HOUSING_OBJECTIVE, HOUSING_ACTION, "Mikkel Sørensen", "Sofie Sørensen",
                  "Anna Lindqvist"):
        assert words in text, f"{words!r} is not in the PDF"

    plan.refresh_from_db()
    assert plan.status == CarePlan.Status.ACTIVE
    assert (plan.effective_on, plan.document.status) == (timezone.localdate(), PlanDocument.Status.READY)
    assert list(plan.signatures.values_list("role", flat=True)) == ["client", "nominated_person", "case_manager"]
    page.set_viewport_size({"width": 1280, "height": 800})
    scroll_to(region(page, "Signatures"))  # the signatures and, under them, the PDF
    screenshot(page, "careplan-detail")


# --- c. Two people, one draft ----------------------------------------------------------------------------


def test_a_save_over_a_colleagues_is_refused_and_keeps_what_was_typed(
    live_server, desk, signed_in, assert_accessible, case_manager, supervisor, client_a
):
    plan = services.plan_start(client=client_a, by=case_manager)
    anna, helle = desk(), desk()
    signed_in(anna, case_manager)
    signed_in(helle, supervisor)
    for page in (anna, helle):
        page.goto(f"/careplans/{plan.pk}/edit/")
        expect(page.get_by_role("heading", name="Care plan, version 1")).to_contain_text("Draft")

    anna.get_by_label("What matters to me").fill(WHAT_MATTERS)
    anna.get_by_role("button", name="Save", exact=True).click()
    expect(anna.get_by_role("status")).to_contain_text("Plan saved.")

    helle.get_by_label("Title").fill("First plan after intake")
    helle.get_by_label("Reasons for living").fill("My daughter Emma")
    helle.get_by_role("button", name="Save", exact=True).click()

    refusal = helle.get_by_role("alert")
    expect(refusal).to_contain_text("Anna Lindqvist saved changes to this record at")
    expect(refusal).to_contain_text("Nothing of yours was saved: what you typed is still below.")
    expect(helle.get_by_label("Title")).to_have_value("First plan after intake")
    expect(helle.get_by_label("Reasons for living")).to_have_value("My daughter Emma")
    assert_accessible(helle)
    plan.refresh_from_db()
    assert (plan.client_summary, plan.title, plan.reasons_for_living) == (WHAT_MATTERS, "", "")


# --- d. Checking a signed plan, and the next version ------------------------------------------------------


def test_a_signed_plan_verifies_as_intact_and_a_review_shows_what_changed(
    live_server, page, signed_in, assert_accessible, screenshot, case_manager, client_a, sister
):
    first = sign_all(a_plan_to_sign(client_a, case_manager), case_manager)
    assert first.status == CarePlan.Status.ACTIVE
    signed_in(page, case_manager)

    page.goto(f"/careplans/{first.pk}/")
    page.get_by_role("link", name="Verify the signed content").click()
    expect(page).to_have_url(re.compile(rf"/careplans/{first.pk}/verify/$"))
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Intact\. The stored content is exactly what was signed\."))
    signers = page.get_by_role("table", name="What each signer signed").locator("tbody tr")
    expect(signers).to_have_count(3)
    for signer in ("Mikkel Sørensen · Client", "Sofie Sørensen · Nominated person", "Anna Lindqvist · Case manager"):
        expect(signers.filter(has_text=signer)).to_contain_text("Yes")
    expect(page.get_by_text("the stored file matches its SHA-256")).to_be_visible()
    assert_accessible(page)

    # The review: version 2 starts as a copy; the daughter goal is reworded and gets another step.
    page.goto(f"/careplans/{first.pk}/")
    page.get_by_role("button", name="Review the plan").click()
    second = CarePlan.objects.get(client=client_a, number=2)
    expect(page).to_have_url(re.compile(rf"/careplans/{second.pk}/edit/$"))
    expect(page.get_by_role("status")).to_contain_text("Version 2 is a draft made from the plan in force.")
    page.get_by_role("link", name="Edit goal 1").click()
    page.get_by_label("The goal in the client's words").fill("Emma every other weekend, and on Wednesday afternoons")
    new_step = row(page, "Actions and strategies", 2)
    new_step.get_by_label("Action or strategy").fill("Pick Emma up from school on Wednesdays")
    new_step.get_by_label("Who does it").select_option(label="The client")
    page.get_by_role("button", name="Save the goal").click()
    expect(page.get_by_role("status")).to_contain_text("Goal saved.")

    page.get_by_role("link", name="Read it as the client will").click()
    page.get_by_role("link", name="Compare with the previous version").click()
    expect(page).to_have_url(re.compile(rf"/careplans/{second.pk}/compare/$"))
    expect(page.get_by_role("heading", name="Version 1 beside version 2")).to_be_visible()
    expect(page.get_by_text("1 part changed.")).to_be_visible()
    goal = page.get_by_role("row", name=re.compile(r"^Goal 1 changed"))
    expect(goal.locator(".compare-old")).to_have_text([f"Family and relationships: “{DAUGHTER}”"])
    expect(goal.locator(".compare-new")).to_have_text([
        "Family and relationships: “Emma every other weekend, and on Wednesday afternoons”",
        "Action: Pick Emma up from school on Wednesdays — The client",
    ])
    expect(page.get_by_role("row", name=re.compile(r"^Goal 2"))).not_to_contain_text("changed")
    assert_accessible(page)
    screenshot(page, "careplan-compare")

    page.goto(f"/careplans/clients/{client_a.pk}/")
    versions = page.get_by_role("table", name="Every version of the client's care plan").locator("tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("Draft")
    expect(versions.nth(1)).to_contain_text("Active")
    assert_accessible(page)
