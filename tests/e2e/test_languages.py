"""The product in Danish, Catalan and French.

Anna works in Danish and the main pages leave no English interface phrase behind. Then, working in
English, she hands the tablet to a Danish-, a Catalan- and a French-speaking client in turn: each reads
and signs the plan in their own language, she gets her English pages back, and the PDF of the signed
plan is in the client's language.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Assessment
from caseload.models import Reminder
from tests.e2e.test_careplan import (
    a_plan_to_sign,
    pdf_text,
    photograph_the_tablet,
    press_sign,
    region,
    sign_with_a_finger,
)
from tests.e2e.test_pages_accessible import agency, care_plans  # noqa: F401  (fixtures)
from tests.factories import TEST_PASSWORD, AssessmentFactory, ClientFactory, ReminderFactory

pytestmark = pytest.mark.browser

# Phrases of the English interface (navigation, headings, buttons, labels) that a Danish page must not show.
ENGLISH_PHRASES = [
    "My caseload", "My tasks", "Register a client", "Sign out", "Your settings", "Language",
    "Who needs me today", "Record a contact", "Last contact", "Due and overdue", "Risk flag", "Care plan",
    "Case manager", "Progress note", "Screening instruments", "Comprehensive assessment", "Access history",
    "Edit details", "Add a goal", "Signatures", "Download the PDF", "Safety plan", "What matters to me",
    "Save draft", "Save and sign", "type of contact", "Who took part", "Overdue", "Coming up", "Snooze",
    "Dismiss", "Weighted load", "Teams I supervise", "Export as CSV", "Preferred language", "Date of birth",
    "Skip to content", "Not found", "Which clients", "Search", "Previous", "Next",
]


def english_phrases_on(page: Page) -> list[str]:
    text = page.locator("body").inner_text()
    return [phrase for phrase in ENGLISH_PHRASES if re.search(rf"\b{re.escape(phrase)}\b", text)]


def test_the_main_pages_in_danish_leave_no_english_interface_phrase(
    live_server, context, agency, care_plans, signed_in, assert_accessible, screenshot  # noqa: F811
):
    anna, helle, mikkel = agency.anna, agency.helle, agency.mikkel
    for person in (anna, helle):
        person.language = "da"
        person.save()
    assessment = AssessmentFactory(client=mikkel, assessor=anna, occasion="intake", status=Assessment.Status.DRAFT)
    ReminderFactory(client=mikkel, kind=Reminder.Kind.FOLLOW_UP, title="Ring til boligkontoret om ansøgningen")
    pages = [
        (anna, "/", "Min sagsstamme"),
        (anna, "/clients/", "Borgere"),
        (anna, f"/clients/{mikkel.pk}/", "Mikkel Sørensen"),
        (anna, f"/assessments/assessments/{assessment.pk}/edit/", "Udredning (Indskrivning)"),
        (anna, f"/assessments/clients/{mikkel.pk}/instruments/", "Screeningsredskaber"),
        (anna, f"/careplans/{care_plans['plan']}/", "Handleplan, version 1"),
        (anna, f"/notes/clients/{mikkel.pk}/new/", "Registrér en kontakt"),
        (anna, "/tasks/", "Mine opgaver"),
        (anna, "/profile/", "Dine indstillinger"),
        (helle, "/supervision/", "Teamoverblik"),
    ]
    page = context.new_page()
    signed_in(page, anna)
    for person, path, heading in pages:
        if person == helle and "helle" not in page.url:
            page.context.clear_cookies()
            signed_in(page, helle)
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", "da")
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
        assert english_phrases_on(page) == [], f"English left on {path}"
        assert_accessible(page)
        if path == f"/clients/{mikkel.pk}/":
            screenshot(page, "client-detail-danish")


def test_a_staff_member_switches_language_from_the_navigation(live_server, context, case_manager, signed_in):
    page = signed_in(context.new_page(), case_manager)
    expect(page.get_by_role("heading", name="Who needs me today")).to_be_visible()
    page.get_by_role("button", name="Language: English").click()
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", name="Qui a besoin de moi aujourd'hui")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    case_manager.refresh_from_db()
    assert case_manager.language == "fr"
    # The choice is the staff member's own: it follows them to another browser.
    page.context.clear_cookies()
    signed_in(page, case_manager)
    expect(page.get_by_role("link", name="Ma file active")).to_be_visible()


TABLET_WORDS = {
    "da": {"heading": "Handleplan for {name}", "signing": "{name}, underskriver som Borger", "sign": "Underskriv",
           "signed": "Underskrevet af {name}. Tak.", "done": "Det var alt. Giv venligst tabletten tilbage.",
           "take_back": "Til Anna Lindqvist: tag tabletten tilbage", "password": "Din adgangskode",
           "take": "Tag tilbage", "pdf": ["Handleplan for {name}", "Fødselsdato", "indholdets SHA-256"]},
    "ca": {"heading": "Pla de cures de {name}", "signing": "{name}, signa com a Usuari", "sign": "Signa",
           "signed": "Signat per {name}. Gràcies.", "done": "Això és tot. Si us plau, torni la tauleta.",
           "take_back": "Per a Anna Lindqvist: recupera la tauleta", "password": "La teva contrasenya",
           "take": "Recupera-la", "pdf": ["Pla de cures de {name}", "Data de naixement", "SHA-256 del contingut"]},
    "fr": {"heading": "Plan de soins de {name}", "signing": "{name}, signe en tant que Usager", "sign": "Signer",
           "signed": "Signé par {name}. Merci.", "done": "C'est terminé. Veuillez rendre la tablette.",
           "take_back": "Pour Anna Lindqvist : reprendre la tablette", "password": "Votre mot de passe",
           "take": "Reprendre", "pdf": ["Plan de soins de {name}", "Date de naissance", "SHA-256 du contenu"]},
}
CLIENTS = {"da": ("Mikkel", "Sørensen"), "ca": ("Montserrat", "Vila"), "fr": ("Élodie", "Durand")}


@pytest.mark.parametrize("language", ["da", "ca", "fr"])
def test_a_client_signs_on_the_tablet_in_their_own_language_and_gets_the_pdf_in_it(
    live_server, tablet, signed_in, assert_accessible, case_manager, language
):
    assert case_manager.language == "en"  # Anna works in English
    given, family = CLIENTS[language]
    name = f"{given} {family}"
    client = ClientFactory(legal_given_name=given, legal_family_name=family, preferred_language=language,
                           case_manager=case_manager)
    plan = a_plan_to_sign(client, case_manager)
    words = {key: value.format(name=name) if isinstance(value, str) else [v.format(name=name) for v in value]
             for key, value in TABLET_WORDS[language].items()}
    page = tablet.new_page()
    cdp = tablet.new_cdp_session(page)
    signed_in(page, case_manager)
    page.goto(f"/careplans/{plan.pk}/")
    page.get_by_role("button", name="Hand to client").tap()

    expect(page).to_have_url(re.compile(rf"/careplans/{plan.pk}/tablet/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", name=words["heading"])).to_be_visible()
    signing = region(page, words["signing"])
    sign = signing.get_by_role("button", name=words["sign"], exact=True)
    expect(sign).to_be_disabled()
    assert not re.search(r"\b(Sign here with your finger|Your care plan|Thank you)\b", page.locator("body").inner_text())
    assert_accessible(page)
    sign_with_a_finger(cdp, page, loops=3)
    expect(sign).to_be_enabled()
    signing.scroll_into_view_if_needed()
    photograph_the_tablet(page, f"careplan-tablet-{language}")
    press_sign(page, sign)
    expect(page.get_by_text(words["signed"])).to_be_visible()
    expect(page.get_by_text(words["done"])).to_be_visible()
    assert_accessible(page)

    take_back = region(page, words["take_back"])
    take_back.get_by_label(words["password"]).fill(TEST_PASSWORD)
    take_back.get_by_role("button", name=words["take"]).tap()

    # Anna's own page, in her language again.
    expect(page).to_have_url(re.compile(rf"/careplans/{plan.pk}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("status")).to_contain_text("Welcome back. The tablet is yours again.")
    page.get_by_role("link", name="Sign as Case manager").tap()
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign as Anna Lindqvist").tap()
    expect(page.get_by_role("heading", name="Care plan, version 1")).to_contain_text("Active", timeout=30_000)

    download = region(page, "PDF").get_by_role("link", name="Download the PDF")
    expect(download).to_be_visible(timeout=30_000)
    with page.expect_download() as downloading:
        download.tap()
    text = pdf_text(downloading.value.path())
    for phrase in words["pdf"]:
        assert phrase in text, f"{phrase!r} is not in the {language} PDF"
    for english in ("Care plan of", "Date of birth", "content SHA-256", "Signed electronically"):
        assert english not in text, f"{english!r} is in the {language} PDF"
