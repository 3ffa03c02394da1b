from tests.factories import ClientFactory


def test_it_lists_my_open_clients_with_counts(login, case_manager, teammate, client_a):
    ClientFactory(legal_family_name="Newreferral", status="referred", case_manager=case_manager)
    ClientFactory(legal_family_name="Formerclient", status="discharged", case_manager=case_manager)
    ClientFactory(legal_family_name="Teammates", case_manager=teammate)
    response = login(case_manager).get("/")
    page = response.content.decode()
    assert response.context["counts"] == {"active": 1, "referred": 1}
    assert "Sørensen" in page and "Newreferral" in page
    assert "Formerclient" not in page and "Teammates" not in page


def test_it_shows_a_supervisor_their_teams_with_clients_waiting(login, supervisor, team_north, client_a):
    ClientFactory(legal_family_name="Waiting", team=team_north)
    page = login(supervisor).get("/").content.decode()
    assert "Teams I supervise" in page and "North Community Team" in page
    assert '?show=unassigned">1</a>' in page


def test_it_shows_a_new_case_manager_what_to_do(login, teammate):
    assert "You have no clients assigned yet." in login(teammate).get("/").content.decode()


def test_it_answers_a_page_outside_the_scope_with_a_way_back(login, outsider, client_a):
    response = login(outsider).get(f"/clients/{client_a.pk}/")
    page = response.content.decode()
    assert response.status_code == 404 and "Back to my caseload" in page and "Sørensen" not in page


def test_it_writes_dates_that_cannot_be_misread(login, case_manager, client_a):
    page = login(case_manager).get(f"/clients/{client_a.pk}/").content.decode()
    assert "2 Apr 1989" in page


def test_it_counts_and_pages_a_caseload_longer_than_a_page(login, case_manager):
    from caseload.views import PAGE_SIZE

    for number in range(PAGE_SIZE + 3):
        ClientFactory(legal_family_name=f"Family{number:03d}", case_manager=case_manager,
                      status="referred" if number % 10 == 0 else "active")
    browser = login(case_manager)
    first = browser.get("/")
    assert first.context["counts"] == {"active": 47, "referred": 6}
    assert first.context["page"].paginator.count == PAGE_SIZE + 3
    second = browser.get("/?page=2")
    assert second.context["counts"] == {"active": 47, "referred": 6}
    assert "Family052" in second.content.decode() and "Family000" not in second.content.decode()
