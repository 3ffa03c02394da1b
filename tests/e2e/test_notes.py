"""Progress notes: a visit recorded from My caseload in three clicks, signed and locked, corrected by
addenda; a draft that keeps everything typed without pressing Save; the client's timeline and its
filters; the note form by touch on the tablet.

The scenario: Anna Lindqvist's caseload on an ordinary weekday. Mikkel Sørensen's care plan is in force
with two goals in his own words (seeing his daughter every other weekend, and a flat of his own near
her school); Anna has seen him about once a week for half a year. Camilla Nielsen has a risk flag,
Grace Taylor's care plan review is overdue, and the others were last seen days or weeks ago.

Earlier notes are written through caseload.notes and then marked signed the afternoon of the contact,
as Anna does (signing them now would make every one of them a late entry).
"""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.services import content_hash
from careplans import services
from careplans.models import CarePlan
from caseload import notes
from caseload.models import NoteAddendum, NoteGoal, ProgressNote, Reminder
from clients.models import Client
from tests.careplans.conftest import make_draft, sign_all
from tests.factories import ClientFactory, ContactFactory, RiskFlagFactory

pytestmark = pytest.mark.browser

DAUGHTER = "I want to see my daughter every other weekend"  # the first goal of make_draft's plan
FLAT = "A flat of my own, near Emma's school"

DATA = "Met at his flat. Emma's mother has agreed to a first Saturday visit; he showed me the text message."
ASSESSMENT = "Mood brighter than last week; sleeping six hours. No thoughts of self-harm. Anxious about the visit."
PLAN = "Book the family counselling session together on Thursday. Anna calls Sofie before the weekend."
SIGNED = "Note signed. It can no longer be changed; corrections are addenda."
REFUSED = "This note is signed and cannot be changed. Add an addendum instead."
WRITE_THIS_PART = "Write this part before signing."
AUTOSAVED = "Draft saved automatically at"


def at(days_ago: int, hour: int, minute: int = 0):
    return timezone.localtime().replace(hour=hour, minute=minute, second=0, microsecond=0) - timedelta(days=days_ago)


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def written(client, author, *, days_ago: int, hour: int, contact_type: str, data: str, minutes: int = 45,
            location: str = "", participants: str = "", goals=(), signed_after=timedelta(hours=2),
            signed: bool = True) -> ProgressNote:
    """A note written through the service as a draft and signed `signed_after` the contact (late after 72 hours)."""
    values = {
        "contact_at": at(days_ago, hour), "duration_minutes": minutes, "contact_type": contact_type,
        "location": location, "participants": participants, "format": ProgressNote.Format.DAP, "data": data,
        "assessment": "Settled; no risk indicators today.", "plan": "Next contact as agreed.",
    }
    note = notes.note_create(client=client, by=author, values=values, goal_ids=[goal.pk for goal in goals])
    if signed:
        ProgressNote.objects.filter(pk=note.pk).update(
            status=ProgressNote.Status.SIGNED, signed_at=note.contact_at + signed_after,
            late_entry=signed_after > timedelta(hours=72),
            signed_name=author.display_name, signed_role=author.job_title or str(author.get_role_display()),
            content_hash=content_hash(notes.note_content(note, [goal.pk for goal in goals])), version=F("version") + 1,
        )
    return ProgressNote.objects.get(pk=note.pk)


def reminder(client, assignee, kind: str, title: str, due_on) -> Reminder:
    return Reminder.objects.create(
        key=Reminder.make_key(kind, f"clients.Client:{client.pk}", due_on), kind=kind, client=client, assignee=assignee,
        subject_type="clients.Client", subject_id=str(client.pk), title=title, due_on=due_on,
    )


def caseload_row(page: Page, name: str):
    return page.get_by_role("table", name="My clients").get_by_role("row").filter(has_text=name)


def timeline_entries(page: Page):
    """The heading link of each note on the timeline page, newest first."""
    return page.locator("ol.timeline > li.timeline-note").locator("a.fw-semibold")


SIGNED_NOTE_URL = re.compile(r"/notes/[0-9a-f-]{36}/$")


def note_url(note) -> re.Pattern:
    return re.compile(rf"/notes/{note.pk}/$")


def edit_url(note) -> re.Pattern:
    return re.compile(rf"/notes/{note.pk}/edit/$")


@pytest.fixture(autouse=True)
def _plan_pdfs_not_rendered(monkeypatch):
    """Signing the care plan queues its PDF; no test here opens it, so it is not rendered."""
    monkeypatch.setattr("careplans.tasks.render_plan_pdf.delay", lambda document_id: None)


@pytest.fixture
def plan(client_a, case_manager):
    """Mikkel's care plan in force: his daughter, and a flat of his own; signed by him, his sister Sofie and Anna."""
    ContactFactory(client=client_a, name="Sofie Sørensen", relationship="Sister", role="nominated_person",
                   consents_to_involvement=True)
    draft = make_draft(client_a, case_manager, goals=1)
    services.goal_save(
        plan=draft, by=case_manager, expected_version=draft.version, goal=None,
        values={"area": "housing", "client_words": FLAT, "description": ""},
        objectives=[{"text": "Housing application accepted by the municipality", "target_date": in_days(60)}],
        actions=[{"text": "Fill in the housing application together", "who": "case_manager", "who_name": "",
                  "due_on": in_days(14)}],
    )
    draft = CarePlan.objects.get(pk=draft.pk)
    plan = sign_all(services.plan_send_for_signatures(plan=draft, by=case_manager, expected_version=draft.version),
                    case_manager)
    assert plan.status == CarePlan.Status.ACTIVE
    return plan


@pytest.fixture
def caseload(case_manager, teammate, client_a, plan):
    """Anna's five clients, and Mikkel's notes of the last half year (26 of them, 21 home visits)."""
    anna, anton, mikkel = case_manager, teammate, client_a
    daughter, flat = plan.goals.order_by("position")
    mikkel.pronouns = "he/him"
    mikkel.save(update_fields=["pronouns"])

    recent = [
        written(mikkel, anna, days_ago=3, hour=10, contact_type="home_visit", minutes=60, location="His flat",
                goals=[daughter], data="He had spoken to Emma on the phone on Sunday and was proud of it."),
        written(mikkel, anna, days_ago=8, hour=14, contact_type="phone", minutes=15, goals=[flat],
                signed_after=timedelta(days=4),
                data="He called about the letter from the housing association: he is on the list for Nørrebro."),
        written(mikkel, anna, days_ago=15, hour=11, contact_type="office", location="North team office",
                goals=[daughter, flat], data="Went through the care plan goals together; he wants the flat first."),
        written(mikkel, anton, days_ago=22, hour=16, contact_type="collateral", minutes=20,
                participants="Sofie Sørensen (sister)", data="Sofie called while Anna was on leave: he is eating again."),
        written(mikkel, anna, days_ago=27, hour=9, contact_type="attempted", minutes=20, location="His flat",
                data="No answer at the door at the agreed time. Left a card and sent a text message."),
        written(mikkel, anna, days_ago=28, hour=13, contact_type="phone", minutes=10,
                data="He rang back: he had overslept. Visit moved to next week."),
    ]
    notes.note_add_addendum(note=recent[2], by=anna, text="Sofie was there for the last half hour, with his consent.")
    older = []
    for week in range(5, 25):  # 20 weekly home visits before the recent weeks
        contact_at = at(7 * week, 10)
        note = ProgressNote(
            client=mikkel, author=anna, updated_by=anna, contact_at=contact_at, duration_minutes=45,
            contact_type="home_visit", location="His flat", data=f"Weekly home visit (week {25 - week} of his care).",
            assessment="Low mood, slowly lifting.", plan="Next week as agreed.", status=ProgressNote.Status.SIGNED,
            signed_at=contact_at + timedelta(hours=3), signed_name=anna.display_name, signed_role="Case manager",
        )
        note.content_hash = content_hash(notes.note_content(note, []))
        older.append(note)
    ProgressNote.objects.bulk_create(older)
    reminder(mikkel, anna, "follow_up", "Call the housing office about the viewing", timezone.localdate())

    camilla = ClientFactory(legal_given_name="Camilla", legal_family_name="Nielsen", pronouns="she/her",
                            sex=Client.Sex.FEMALE, case_manager=anna)
    RiskFlagFactory(client=camilla, kind="suicide", raised_by=anna,
                    reason="PHQ-9 item 9 answered 'More than half the days'")
    written(camilla, anna, days_ago=1, hour=15, contact_type="office", data="PHQ-9 together; safety plan reviewed.")
    grace = ClientFactory(legal_given_name="Grace", legal_family_name="Taylor", preferred_language="en",
                          sex=Client.Sex.FEMALE, case_manager=anna)
    written(grace, anna, days_ago=12, hour=11, contact_type="home_visit", data="Garden tidied; daughter visiting.")
    reminder(grace, anna, "plan_review", "Review Grace's care plan (version 1)", in_days(-4))
    dani = ClientFactory(legal_given_name="Daniel", preferred_name="Dani", legal_family_name="Okafor",
                         pronouns="they/them", preferred_language="en", case_manager=anna)
    written(dani, anna, days_ago=6, hour=16, contact_type="video", minutes=30, data="Started the evening course.")
    reminder(dani, anna, "reassessment", "Reassessment due (six months)", in_days(5))
    elodie = ClientFactory(legal_given_name="Élodie", legal_family_name="Durand", preferred_language="fr",
                           sex=Client.Sex.FEMALE, status=Client.Status.REFERRED, case_manager=anna)
    written(elodie, anna, days_ago=2, hour=12, contact_type="attempted", minutes=10, signed=False,
            data="Rang twice about a first appointment; no answer, no voicemail.")
    return SimpleNamespace(mikkel=mikkel, daughter=daughter, flat=flat, order=[camilla, grace, mikkel, elodie, dani])


@pytest.fixture
def late_note(client_a, case_manager):
    """A home visit four days ago, written up and signed only today: more than 72 hours after, so a late entry."""
    note = notes.note_create(
        client=client_a, by=case_manager,
        values={"contact_at": at(4, 15), "duration_minutes": 50, "contact_type": "home_visit", "location": "His flat",
                "format": ProgressNote.Format.DAP, "data": "He had not opened his post for three weeks; we did it together.",
                "assessment": "Overwhelmed rather than low; no risk indicators.",
                "plan": "Call the housing benefit office together next week."},
    )
    return notes.note_sign(note=note, by=case_manager, expected_version=note.version)


def test_a_visit_is_recorded_from_my_caseload_in_three_clicks(
    live_server, page, signed_in, assert_accessible, screenshot, case_manager, caseload
):
    signed_in(page, case_manager)
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    # Who needs me today: the risk flag first, then the overdue review, then what is due today, then the longest unseen.
    rows = page.get_by_role("table", name="My clients").locator("tbody tr")
    expect(rows).to_have_count(5)
    for number, client in enumerate(caseload.order):
        expect(rows.nth(number)).to_contain_text(client.full_name)
    expect(caseload_row(page, "Camilla Nielsen")).to_contain_text("Risk flag")
    expect(caseload_row(page, "Grace Taylor")).to_contain_text("Care plan review")
    expect(caseload_row(page, "Grace Taylor").locator(".due-overdue")).to_have_count(1)
    expect(caseload_row(page, "Mikkel Sørensen")).to_contain_text("3 days ago")
    expect(caseload_row(page, "Élodie Durand")).to_contain_text("No contact yet")  # an attempt is not a contact
    expect(caseload_row(page, "Élodie Durand")).to_contain_text("1 unsigned note")
    assert_accessible(page)
    screenshot(page, "my-caseload")

    clicks = []

    def click(locator, what: str) -> None:
        locator.click()
        clicks.append(what)

    click(caseload_row(page, "Mikkel Sørensen").get_by_role("link", name="Record a contact"), "Record a contact")
    expect(page).to_have_url(re.compile(rf"/notes/clients/{caseload.mikkel.pk}/new/$"))
    expect(page.get_by_role("heading", name="Record a contact")).to_be_visible()
    expect(page.get_by_label("Type of contact")).to_have_value("home_visit")
    expect(page.get_by_label("Duration (minutes)")).to_have_value("30")
    expect(page.get_by_label("Date and time of the contact")).not_to_have_value("")
    expect(page.get_by_role("radio", name="Data, assessment, plan")).to_be_checked()
    assert_accessible(page)

    page.get_by_label("Location").fill("His flat")  # typing, not clicking
    page.get_by_label("Who took part").fill("Sofie Sørensen (sister)")
    page.get_by_label("Data", exact=True).fill(DATA)
    page.get_by_label("Assessment", exact=True).fill(ASSESSMENT)
    page.get_by_label("Plan", exact=True).fill(PLAN)
    goal = page.get_by_role("checkbox", name=DAUGHTER)
    click(goal, "tick the goal")
    expect(goal).to_be_checked()
    expect(page.get_by_role("checkbox", name=FLAT)).not_to_be_checked()
    # Framed like the other README screenshots: from the top, with the client's header.
    page.evaluate("() => window.scrollTo({top: 0, behavior: 'instant'})")
    screenshot(page, "note-form")
    click(page.get_by_role("button", name="Save and sign"), "Save and sign")

    expect(page).to_have_url(SIGNED_NOTE_URL)  # the server has answered: the database can be read
    note = ProgressNote.objects.get(client=caseload.mikkel, data=DATA)
    expect(page).to_have_url(note_url(note))
    assert clicks == ["Record a contact", "tick the goal", "Save and sign"]
    assert len(clicks) <= 3
    expect(page.get_by_role("status")).to_have_text(SIGNED)
    heading = page.get_by_role("heading", level=2)
    expect(heading).to_contain_text("Home visit")
    expect(heading).to_contain_text("Signed")
    expect(heading).not_to_contain_text("Late entry")
    card = page.locator(".note-card")
    for text in (DATA, ASSESSMENT, PLAN, "His flat", "Sofie Sørensen (sister)"):
        expect(card).to_contain_text(text)
    expect(card.get_by_role("listitem")).to_have_text([f"“{DAUGHTER}”"])
    expect(card).to_contain_text("Signed by Anna Lindqvist")
    expect(card).to_contain_text("Written byAnna Lindqvist")
    assert note.is_signed and note.signed_name == "Anna Lindqvist" and not note.late_entry
    assert list(NoteGoal.objects.filter(note=note).values_list("goal_id", flat=True)) == [caseload.daughter.pk]
    assert ProgressNote.objects.filter(client=caseload.mikkel, status=ProgressNote.Status.DRAFT).count() == 0
    assert_accessible(page)

    # Back on My caseload the contact counts at once.
    page.goto("/")
    expect(caseload_row(page, "Mikkel Sørensen")).to_contain_text("today")
    expect(caseload_row(page, "Mikkel Sørensen")).not_to_contain_text("unsigned")


def test_an_addendum_appears_under_the_signed_note_with_its_author(
    live_server, page, signed_in, assert_accessible, case_manager, late_note
):
    signed_in(page, case_manager)
    page.goto(f"/notes/{late_note.pk}/")
    heading = page.get_by_role("heading", level=2)
    expect(heading).to_contain_text("Signed")
    expect(heading).to_contain_text("Late entry")
    expect(page.locator(".note-card")).to_contain_text("Signed by Anna Lindqvist")
    addenda = page.get_by_role("region", name="Addenda")
    expect(addenda).to_contain_text("No addenda.")
    assert_accessible(page)

    # An empty addendum is refused beside the field.
    addenda.get_by_role("button", name="Add the addendum").click()
    expect(page).to_have_url(re.compile(rf"/notes/{late_note.pk}/addenda/$"))
    field = page.get_by_role("region", name="Addenda").get_by_role("textbox", name="Addendum")
    expect(page.locator("#div_id_text")).to_contain_text("This field is required.")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("This field is required."))
    assert not NoteAddendum.objects.filter(note=late_note).exists()
    assert_accessible(page)

    correction = "His sister Sofie was there for the first half hour, with his consent; she will help with the post."
    field.fill(correction)
    page.get_by_role("region", name="Addenda").get_by_role("button", name="Add the addendum").click()

    expect(page).to_have_url(note_url(late_note))
    expect(page.get_by_role("status")).to_have_text("Addendum added under the note.")
    addenda = page.get_by_role("region", name="Addenda")
    added = addenda.locator(".card").filter(has_text=correction)
    expect(added).to_have_count(1)
    expect(added).to_contain_text("Anna Lindqvist")
    expect(addenda).not_to_contain_text("No addenda.")
    original, addendum = page.locator(".note-card").bounding_box(), added.bounding_box()
    assert addendum["y"] >= original["y"] + original["height"], "the addendum should be shown under the note"
    expect(page.locator(".note-card")).to_contain_text("He had not opened his post for three weeks")
    assert NoteAddendum.objects.get(note=late_note).author == case_manager
    assert_accessible(page)


def test_the_edit_form_of_a_signed_note_is_refused(
    live_server, page, signed_in, assert_accessible, case_manager, late_note
):
    signed_in(page, case_manager)
    page.goto(f"/notes/{late_note.pk}/edit/")

    expect(page).to_have_url(note_url(late_note))
    expect(page.get_by_role("status")).to_have_text(REFUSED)
    expect(page.locator("form[data-autosave]")).to_have_count(0)
    expect(page.get_by_role("button", name="Save and sign")).to_have_count(0)
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    expect(page.get_by_label("Data", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Continue the draft")).to_have_count(0)
    expect(page.get_by_role("region", name="Addenda").get_by_role("textbox", name="Addendum")).to_be_visible()
    assert ProgressNote.objects.get(pk=late_note.pk).version == late_note.version
    assert_accessible(page)


def test_nothing_typed_is_lost(live_server, page, signed_in, assert_accessible, case_manager, client_a):
    signed_in(page, case_manager)
    page.goto(f"/clients/{client_a.pk}/")
    page.get_by_role("region", name="Progress notes").get_by_role("link", name="Record a contact").click()
    expect(page).to_have_url(re.compile(rf"/notes/clients/{client_a.pk}/new/$"))
    page.get_by_label("Data", exact=True).fill(DATA)
    expect(page.locator(".autosave-status")).to_contain_text(AUTOSAVED, timeout=30000)

    note = ProgressNote.objects.get(client=client_a)
    expect(page).to_have_url(edit_url(note))
    assert (note.status, note.author, note.data) == (ProgressNote.Status.DRAFT, case_manager, DATA)

    page.reload()  # as after the laptop slept: a fresh page at the draft's own address
    expect(page.get_by_role("heading", level=2)).to_contain_text("Draft")
    expect(page.get_by_label("Data", exact=True)).to_have_value(DATA)

    # Signing without the assessment part: refused beside that field, and nothing typed is lost.
    page.get_by_label("Plan", exact=True).fill(PLAN)
    page.get_by_role("button", name="Save and sign").click()
    assessment = page.get_by_label("Assessment", exact=True)
    expect(page.locator("#div_id_assessment")).to_contain_text(WRITE_THIS_PART)
    expect(assessment).to_have_attribute("aria-invalid", "true")
    expect(assessment).to_have_accessible_description(re.compile(WRITE_THIS_PART))
    expect(page).to_have_url(edit_url(note))
    expect(page.get_by_label("Data", exact=True)).to_have_value(DATA)
    expect(page.get_by_label("Plan", exact=True)).to_have_value(PLAN)
    expect(page.locator("#div_id_data")).not_to_contain_text(WRITE_THIS_PART)
    note.refresh_from_db()
    assert (note.status, note.plan) == (ProgressNote.Status.DRAFT, PLAN)
    assert_accessible(page)

    assessment.fill(ASSESSMENT)
    page.get_by_role("button", name="Save and sign").click()
    expect(page).to_have_url(note_url(note))
    expect(page.get_by_role("status")).to_have_text(SIGNED)
    expect(page.locator(".note-card")).to_contain_text(ASSESSMENT)
    assert ProgressNote.objects.get(client=client_a).is_signed


def test_the_timeline_filters_by_type_and_goal(
    live_server, page, signed_in, assert_accessible, screenshot, case_manager, caseload
):
    signed_in(page, case_manager)
    page.goto(f"/clients/{caseload.mikkel.pk}/")
    page.get_by_role("region", name="Progress notes").get_by_role("link", name="All notes").click()
    expect(page).to_have_url(re.compile(rf"/notes/clients/{caseload.mikkel.pk}/$"))
    expect(page.get_by_role("heading", name="Progress notes")).to_be_visible()
    expect(page.get_by_text("26 notes")).to_be_visible()
    entries = timeline_entries(page)
    expect(entries).to_have_count(20)
    expect(entries.first).to_contain_text("Home visit")
    listed = page.locator("li.timeline-note")
    expect(listed.first).to_contain_text(f"“{DAUGHTER}”")
    expect(listed.nth(1)).to_contain_text("Late entry")  # signed four days after the call
    expect(listed.nth(2)).to_contain_text("1 addendum")
    expect(listed.nth(2).locator(".client-words")).to_have_text([f"“{DAUGHTER}”", f"“{FLAT}”"])  # in the plan's order
    expect(listed.nth(3)).to_contain_text("Anton Berg")
    expect(listed.first).not_to_contain_text("Late entry")
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Page 1 of 2")
    assert_accessible(page)
    screenshot(page, "note-timeline")

    filters = page.get_by_role("form", name="Filter the notes")
    filters.get_by_label("Type").select_option(label="Phone call")
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"[?&]contact_type=phone(&|$)"))
    expect(page.get_by_text("2 notes")).to_be_visible()
    expect(entries).to_have_count(2)
    for number in range(2):
        expect(entries.nth(number)).to_contain_text("Phone call")
    expect(page.locator("li.timeline-note").first).to_contain_text("letter from the housing association")
    expect(page.locator("li.timeline-note").nth(1)).to_contain_text("he had overslept")
    expect(page.get_by_role("navigation", name="Pages")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Show all notes").click()
    expect(page.get_by_text("26 notes")).to_be_visible()
    filters.get_by_label("Goal").select_option(label=FLAT)
    filters.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("2 notes")).to_be_visible()
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text("Phone call")
    expect(entries.nth(1)).to_contain_text("Office")
    for number in range(2):
        expect(page.locator("li.timeline-note").nth(number)).to_contain_text(f"“{FLAT}”")
    expect(filters.get_by_label("Goal").locator("option:checked")).to_have_text(FLAT)

    filters.get_by_label("Goal").select_option(label=DAUGHTER)
    filters.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("2 notes")).to_be_visible()
    expect(entries.nth(0)).to_contain_text("Home visit")
    expect(entries.nth(1)).to_contain_text("Office")

    # Both at once: phone calls about the daughter — none.
    filters.get_by_label("Type").select_option(label="Phone call")
    filters.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No notes match these filters.")).to_be_visible()
    expect(entries).to_have_count(0)

    # The 21 home visits take two pages; the second keeps the filter.
    page.get_by_role("link", name="Show all notes").click()
    filters.get_by_label("Type").select_option(label="Home visit")
    filters.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("21 notes")).to_be_visible()
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]contact_type=home_visit(&|$)"))
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Page 2 of 2")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("Home visit")
    expect(page.locator("li.timeline-note")).to_contain_text("Weekly home visit (week 1 of his care).")
    expect(filters.get_by_label("Type")).to_have_value("home_visit")


def test_the_note_form_works_by_touch_on_the_tablet(
    live_server, tablet, signed_in, assert_accessible, case_manager, caseload
):
    page = tablet.new_page()
    signed_in(page, case_manager)
    assert page.evaluate("() => matchMedia('(pointer: coarse)').matches"), "the tablet should report a touch pointer"
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), "My caseload scrolls sideways"

    caseload_row(page, "Mikkel Sørensen").get_by_role("link", name="Record a contact").tap()
    expect(page.get_by_role("heading", name="Record a contact")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), "the form scrolls sideways"
    small = page.evaluate(
        """() => [...document.querySelectorAll('main .btn, main .form-control, main .form-select')]
            .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
            .map(el => el.outerHTML.slice(0, 80))"""
    )
    assert not small, f"touch targets under 44px on the note form: {small}"

    kind = page.get_by_label("Type of contact")
    kind.tap()
    expect(kind).to_be_focused()
    kind.select_option(label="Office")
    for label, text in (("Data", DATA), ("Assessment", ASSESSMENT), ("Plan", PLAN)):
        field = page.get_by_label(label, exact=True)
        field.tap()
        expect(field).to_be_focused()
        page.keyboard.type(text)
    page.get_by_text(FLAT).tap()
    expect(page.get_by_role("checkbox", name=FLAT)).to_be_checked()
    page.get_by_label("Next steps").tap()
    page.keyboard.type("Viewing of the flat in Nørrebro together.")
    page.get_by_label("Follow up on").fill(in_days(7).isoformat())
    page.get_by_role("button", name="Save and sign").tap()

    expect(page).to_have_url(SIGNED_NOTE_URL)
    note = ProgressNote.objects.get(client=caseload.mikkel, data=DATA)
    expect(page).to_have_url(note_url(note))
    expect(page.get_by_role("status")).to_have_text(SIGNED)
    expect(page.get_by_role("heading", level=2)).to_contain_text("Office")
    card = page.locator(".note-card")
    expect(card).to_contain_text(PLAN)
    expect(card.get_by_role("listitem")).to_have_text([f"“{FLAT}”"])
    expect(card).to_contain_text("Follow up on")
    expect(card).to_contain_text("Signed by Anna Lindqvist")
    assert (note.contact_type, note.follow_up_on) == ("office", in_days(7))
    assert_accessible(page)


def test_what_was_typed_before_the_page_finished_loading_is_saved_and_an_untouched_form_saves_nothing(
    live_server, page, signed_in, case_manager, client_a
):
    signed_in(page, case_manager)
    held = []

    def hold(route):
        held.append(route)

    page.route("**/js/autosave*.js", hold)  # a slow connection: the script arrives late
    page.goto(f"/notes/clients/{client_a.pk}/new/", wait_until="commit")
    page.get_by_label("Data", exact=True).fill(DATA)
    assert held, "the page asked for the autosave script"
    held[0].continue_()
    expect(page.locator(".autosave-status")).to_contain_text(AUTOSAVED, timeout=30000)
    assert ProgressNote.objects.get(client=client_a).data == DATA

    page.unroute("**/js/autosave*.js", hold)
    page.goto(f"/notes/clients/{client_a.pk}/new/")
    page.wait_for_timeout(6000)  # longer than the autosave delay: nothing typed, nothing saved
    expect(page.locator(".autosave-status")).to_have_text("")
    assert ProgressNote.objects.filter(client=client_a).count() == 1
