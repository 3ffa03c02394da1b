"""Registering a client: mistakes are shown beside the field, nothing typed is lost, and a former
client is re-opened instead of getting a second record. Then the people around the client."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import Client, ClientContact, ClientStatusChange
from tests.factories import ClientFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def former_client(team_north):
    """Mads Jensen, discharged two years ago when he moved away; no one carries his case now."""
    client = ClientFactory(
        legal_given_name="Mads",
        legal_family_name="Jensen",
        date_of_birth=date(1991, 3, 14),
        phone="+4531415926",
        status=Client.Status.DISCHARGED,
        team=team_north,
    )
    ClientStatusChange.objects.create(
        client=client,
        from_status=Client.Status.ACTIVE,
        to_status=Client.Status.DISCHARGED,
        effective_date=timezone.localdate() - timedelta(days=730),
        discharge_reason=ClientStatusChange.DischargeReason.MOVED,
        discharge_summary="Moved to Aarhus; care handed over to the local community team.",
    )
    return client


def fill_identity(page, *, given: str, family: str, born: str) -> None:
    page.get_by_label("Legal given name").fill(given)
    page.get_by_label("Legal family name").fill(family)
    page.get_by_label("Date of birth").fill(born)


def test_it_shows_a_future_birth_date_beside_the_field_and_keeps_the_rest(
    live_server, page, signed_in, assert_accessible, case_manager
):
    signed_in(page, case_manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Register a client").click()
    expect(page.get_by_role("heading", name="Register a client", level=1)).to_be_visible()
    assert_accessible(page)
    next_year = (timezone.localdate() + timedelta(days=365)).isoformat()

    fill_identity(page, given="Sofie", family="Christensen", born=next_year)
    page.get_by_label("Preferred name").fill("Fie")
    page.get_by_label("Pronouns").fill("she/her")
    page.get_by_label("Sex", exact=False).select_option(label="Female")
    page.get_by_label("Preferred language").select_option(label="Danish")
    page.get_by_label("Needs an interpreter").check()
    page.get_by_label("Phone").fill("+45 22 33 44 55")
    page.get_by_label("Town or city").fill("København")
    page.get_by_label("Referred by").fill("Bispebjerg Hospital, ward P6")
    page.get_by_role("button", name="Register client").click()

    date_field = page.locator("#div_id_date_of_birth")
    expect(date_field).to_contain_text("The date of birth is in the future.")
    expect(page.get_by_label("Date of birth")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Date of birth")).to_have_accessible_description("The date of birth is in the future.")
    expect(page.get_by_label("Legal given name")).to_have_value("Sofie")
    expect(page.get_by_label("Legal family name")).to_have_value("Christensen")
    expect(page.get_by_label("Date of birth")).to_have_value(next_year)
    expect(page.get_by_label("Preferred name")).to_have_value("Fie")
    expect(page.get_by_label("Pronouns")).to_have_value("she/her")
    expect(page.get_by_label("Sex", exact=False)).to_have_value("female")
    expect(page.get_by_label("Preferred language")).to_have_value("da")
    expect(page.get_by_label("Needs an interpreter")).to_be_checked()
    expect(page.get_by_label("Phone")).to_have_value(re.compile(r"^\+45 ?22 ?33 ?44 ?55$"))
    expect(page.get_by_label("Town or city")).to_have_value("København")
    expect(page.get_by_label("Referred by")).to_have_value("Bispebjerg Hospital, ward P6")
    assert not Client.objects.filter(legal_family_name="Christensen").exists()
    assert_accessible(page)

    page.get_by_label("Date of birth").fill("1996-11-23")
    page.get_by_role("button", name="Register client").click()

    expect(page.get_by_role("status")).to_contain_text("Fie Christensen is registered as client")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Fie Christensen"))
    client = Client.objects.get(legal_family_name="Christensen")
    assert (client.date_of_birth, client.city, client.interpreter_needed) == (date(1996, 11, 23), "København", True)


def test_it_offers_to_reopen_a_discharged_client_with_the_same_name_and_birth_date(
    live_server, page, signed_in, assert_accessible, case_manager, former_client
):
    signed_in(page, case_manager)
    page.goto("/clients/new/")

    fill_identity(page, given="Mads", family="Jensen", born="1991-03-14")
    page.get_by_label("Referred by").fill("GP, Nørrebro Lægehus")
    page.get_by_role("button", name="Register client").click()

    warning = page.locator("section.duplicate-warning")
    expect(warning.get_by_role("heading", name="This person may already have a record")).to_be_visible()
    match = warning.locator("li.duplicate-match")
    expect(match).to_have_count(1)
    expect(match).to_contain_text(former_client.client_number)
    expect(match).to_contain_text("Discharged")
    expect(page.get_by_label("Legal given name")).to_have_value("Mads")
    assert_accessible(page)

    warning.get_by_role("button", name="Re-open this record").click()

    expect(page).to_have_url(re.compile(rf"/clients/{former_client.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text(f"The earlier record {former_client.client_number} is re-opened.")
    header = page.locator("section.client-header")
    expect(header.get_by_role("heading", level=1)).to_have_text("Mads Jensen")
    expect(header.locator(".status-badge")).to_have_text("Referred")
    expect(header).to_contain_text("Anna Lindqvist")
    assert Client.objects.filter(legal_given_name="Mads", legal_family_name="Jensen").count() == 1
    former_client.refresh_from_db()
    assert former_client.status == Client.Status.REFERRED
    assert_accessible(page)


def test_it_adds_a_nominated_person_with_consent_to_the_record(
    live_server, page, signed_in, assert_accessible, case_manager, client_a
):
    signed_in(page, case_manager)
    page.goto(f"/clients/{client_a.pk}/")
    people = page.locator("section", has=page.get_by_role("heading", name="People around the client"))
    expect(people).to_contain_text("No one recorded yet.")

    people.get_by_role("link", name="Add").click()
    expect(page.get_by_role("heading", name="Add a person around the client")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Role").select_option(label="Nominated person")
    page.get_by_label("Name").fill("Louise Sørensen")
    page.get_by_label("Relationship to the client").fill("Sister")
    page.get_by_label("Phone").fill("+45 40 12 34 56")
    page.get_by_label("The client consents to this person's involvement").check()
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(rf"/clients/{client_a.pk}/$"))
    expect(page.get_by_role("status")).to_have_text("Saved.")
    person = people.get_by_role("listitem").filter(has_text="Louise Sørensen")
    expect(person).to_contain_text("Nominated person · Sister")
    expect(person).to_contain_text("Client consents to involvement")
    contact = ClientContact.objects.get(client=client_a)
    assert (contact.role, contact.consents_to_involvement) == (ClientContact.Role.NOMINATED_PERSON, True)
    assert contact.consent_recorded_on == timezone.localdate()
    assert_accessible(page)
