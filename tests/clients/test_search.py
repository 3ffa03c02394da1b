import pytest

from tests.factories import ClientFactory


def search(browser, text, url="/clients/"):
    response = browser.post(url, {"q": text})
    assert response.status_code == 302 and text not in response.url
    return browser.get(url).content.decode()


def test_it_finds_a_client_by_name(login, case_manager, client_a):
    ClientFactory(legal_given_name="Other", legal_family_name="Person", case_manager=case_manager)
    page = search(login(case_manager), "mikkel sør")
    assert "Mikkel Sørensen" in page and "Other Person" not in page


def test_it_finds_a_client_by_number_and_by_date_of_birth(login, case_manager, client_a):
    browser = login(case_manager)
    assert "Mikkel Sørensen" in search(browser, client_a.client_number)
    assert "Mikkel Sørensen" in search(browser, "02/04/1989")
    assert "Mikkel Sørensen" in search(browser, "1989-04-02")
    assert "Mikkel Sørensen" not in search(browser, "1989-04-03")


def test_it_never_finds_a_client_outside_the_scope(login, case_manager, client_b):
    page = search(login(case_manager), "Jordi Puig")
    assert client_b.client_number not in page and "No clients found." in page


def test_it_searches_my_caseload_too(login, case_manager, client_a):
    ClientFactory(legal_given_name="Other", legal_family_name="Person", case_manager=case_manager)
    page = search(login(case_manager), "Sørensen", url="/")
    assert "Mikkel Sørensen" in page and "Other Person" not in page


def test_it_hides_discharged_clients_unless_asked(login, case_manager, client_a):
    ClientFactory(legal_family_name="Formerclient", status="discharged", case_manager=case_manager)
    browser = login(case_manager)
    assert "Formerclient" not in browser.get("/clients/").content.decode()
    assert "Formerclient" in browser.get("/clients/?show=all").content.decode()


def test_it_lists_the_clients_waiting_for_a_case_manager(login, supervisor, team_north, client_a):
    ClientFactory(legal_family_name="Waiting", team=team_north)
    page = login(supervisor).get("/clients/?show=unassigned").content.decode()
    assert "Waiting" in page and "Sørensen" not in page


def test_it_pages_a_long_list(login, administrator):
    for number in range(30):
        ClientFactory(legal_family_name=f"Family{number:02d}")
    browser = login(administrator)
    first = browser.get("/clients/").content.decode()
    second = browser.get("/clients/?page=2&show=open").content.decode()
    assert "Family00" in first and "Family29" not in first
    assert "Family29" in second and "Page 2 of 2" in second
    assert 'href="?page=1&amp;show=open"' in second


@pytest.mark.parametrize("asked", ["7", "-1", "0", "two", "9" * 30])
def test_a_page_past_the_end_or_not_a_page_shows_the_nearest_page(login, administrator, asked):
    for number in range(30):
        ClientFactory(legal_family_name=f"Family{number:02d}")
    page = login(administrator).get(f"/clients/?page={asked}").context["page"]
    expected = 2 if asked.isdigit() and int(asked) > 2 else 1
    assert page.number == expected and page.paginator.count == 30 and page.paginator.num_pages == 2
    assert [client.legal_family_name for client in page.object_list][:1] == ["Family25" if expected == 2 else "Family00"]


def test_an_empty_list_is_one_empty_page(login, case_manager):
    page = login(case_manager).get("/clients/?page=3").context["page"]
    assert page.number == 1 and page.paginator.count == 0 and list(page.object_list) == []


def test_the_list_marks_clients_with_an_open_risk_flag(login, case_manager, client_a):
    from django.utils import timezone

    from tests.factories import RiskFlagFactory

    flagged = ClientFactory(legal_family_name="Flagged", case_manager=case_manager)
    RiskFlagFactory(client=flagged)
    RiskFlagFactory(client=client_a, cleared_at=timezone.now(), cleared_by=case_manager)
    page = login(case_manager).get("/clients/").context["page"]
    assert {client.legal_family_name: client.has_risk for client in page.object_list} == {"Flagged": True, "Sørensen": False}


def test_it_rejects_an_overlong_search(login, case_manager):
    response = login(case_manager).post("/clients/", {"q": "x" * 101})
    assert response.status_code == 200
    assert "Ensure this value has at most 100 characters" in response.content.decode()


def test_it_treats_wildcards_in_a_search_as_plain_characters(login, case_manager, client_a):
    assert "Mikkel Sørensen" not in search(login(case_manager), "%")
    assert "Mikkel Sørensen" not in search(login(case_manager), "_ikkel")


def test_it_finds_a_name_whatever_its_case(login, case_manager, client_a):
    assert "Mikkel Sørensen" in search(login(case_manager), "SØRENSEN")
