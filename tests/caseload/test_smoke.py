def test_it_shows_my_caseload(login, case_manager, client_a):
    response = login(case_manager).get("/")
    assert "Mikkel Sørensen" in response.content.decode()
