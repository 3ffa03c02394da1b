"""A case manager finds a client by name and opens the record; another team's case manager cannot."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ClientFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def anna_s_other_clients(case_manager):
    return [
        ClientFactory(legal_given_name="Camilla", legal_family_name="Nielsen", case_manager=case_manager),
        ClientFactory(legal_given_name="Élodie", legal_family_name="Durand", preferred_language="fr", case_manager=case_manager),
    ]


def test_it_finds_a_client_by_name_and_opens_the_record(
    live_server, page, signed_in, assert_accessible, case_manager, client_a, anna_s_other_clients
):
    signed_in(page, case_manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    expect(page.get_by_role("heading", name="Clients", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Camilla Nielsen")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Find a client").fill("Sørensen")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_text("1 client matches your search.")).to_be_visible()
    expect(page.get_by_role("link", name="Mikkel Sørensen")).to_be_visible()
    expect(page.get_by_role("link", name="Camilla Nielsen")).to_have_count(0)
    expect(page.get_by_label("Find a client")).to_have_value("Sørensen")
    assert "rensen" not in page.url, "search terms must not travel in the URL"
    assert_accessible(page)

    page.get_by_role("link", name="Mikkel Sørensen").click()

    expect(page).to_have_url(re.compile(rf"/clients/{client_a.pk}/$"))
    header = page.locator("section.client-header")
    expect(header.get_by_role("heading", level=1)).to_have_text("Mikkel Sørensen")
    expect(header).to_contain_text(client_a.client_number)
    facts = header.locator("dl.header-facts")
    expect(facts.locator("div", has=page.locator("dt", has_text="Status")).locator("dd")).to_have_text("Active")
    expect(facts.locator("div", has=page.locator("dt", has_text="Case manager")).locator("dd")).to_contain_text(
        "Anna Lindqvist"
    )
    expect(facts.locator("div", has=page.locator("dt", has_text="Preferred language")).locator("dd")).to_have_text(
        "Danish"
    )
    assert_accessible(page)


def test_it_answers_not_found_to_a_case_manager_of_another_team(
    live_server, page, signed_in, assert_accessible, outsider, client_a
):
    signed_in(page, outsider)

    response = page.goto(f"/clients/{client_a.pk}/")

    assert response.status == 404
    body = page.locator("body")
    expect(body).not_to_contain_text("Mikkel")
    expect(body).not_to_contain_text("Sørensen")
    expect(body).not_to_contain_text(client_a.client_number)
    assert_accessible(page)
