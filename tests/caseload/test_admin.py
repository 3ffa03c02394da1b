from caseload.models import Team


def test_it_lets_an_administrator_manage_teams(login, administrator, case_manager, supervisor):
    browser = login(administrator)
    response = browser.post(
        "/admin/caseload/team/add/",
        {"name": "Assertive Outreach", "target_ratio": 20, "no_contact_days": 7, "no_contact_days_at_risk": 3, "supervisors": [supervisor.pk], "members": [case_manager.pk]},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Assertive Outreach")
    assert team.ratio_label == "1:20" and list(team.members.all()) == [case_manager]


def test_it_lists_staff_with_their_roles(login, administrator, case_manager):
    page = login(administrator).get("/admin/caseload/user/").content.decode()
    assert "anna" in page and "Case manager" in page


def test_it_shows_clients_read_only_in_the_admin(login, administrator, client_a):
    browser = login(administrator)
    assert "Sørensen" in browser.get("/admin/clients/client/").content.decode()
    assert browser.get(f"/admin/clients/client/{client_a.pk}/delete/").status_code == 403
    assert browser.get("/admin/clients/client/add/").status_code == 403


def test_it_keeps_staff_without_the_admin_role_out(login, case_manager):
    response = login(case_manager).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url

