from caseload.models import AgencySettings
from clients.models import Client
from tests.factories import ClientFactory


def visible(user):
    return set(Client.objects.visible_to(user).values_list("legal_family_name", flat=True))


def test_it_shows_a_case_manager_only_their_own_clients(case_manager, teammate, client_a, client_b):
    ClientFactory(legal_family_name="Teammate-client", case_manager=teammate)
    assert visible(case_manager) == {"Sørensen"}


def test_it_shows_a_case_manager_their_teams_clients_when_the_agency_allows(case_manager, teammate, client_a, client_b):
    ClientFactory(legal_family_name="Teammate-client", case_manager=teammate)
    AgencySettings.objects.update_or_create(pk=1, defaults={"case_managers_see_team_clients": True})
    assert visible(case_manager) == {"Sørensen", "Teammate-client"}


def test_it_shows_a_supervisor_the_clients_of_the_teams_they_supervise(supervisor, teammate, team_north, client_a, client_b):
    ClientFactory(legal_family_name="Unassigned", team=team_north)
    ClientFactory(legal_family_name="Teammate-client", case_manager=teammate)
    assert visible(supervisor) == {"Sørensen", "Unassigned", "Teammate-client"}


def test_it_shows_an_administrator_everyone(administrator, client_a, client_b):
    assert visible(administrator) == {"Sørensen", "Puig"}


def test_it_shows_nothing_to_a_deactivated_account(case_manager, client_a):
    case_manager.is_active = False
    assert visible(case_manager) == set()


def test_it_follows_the_client_when_they_are_transferred(case_manager, outsider, supervisor, client_a):
    from caseload.services import client_assign

    client_assign(client=client_a, case_manager=outsider, by=supervisor, reason="Moving to the south of the city")
    assert visible(case_manager) == set()
    assert visible(outsider) == {"Sørensen"}


def test_it_applies_a_changed_agency_setting_at_once(login, administrator, case_manager, teammate, client_a):
    ClientFactory(legal_family_name="Teammate-client", case_manager=teammate)
    assert visible(case_manager) == {"Sørensen"}  # the settings row is now cached
    response = login(administrator).post("/admin/caseload/agencysettings/1/change/", {
        "case_managers_see_team_clients": "on", "client_number_prefix": "C", "plan_review_days": 90, "late_entry_hours": 72,
        "acuity_weights": '{"low": 1, "moderate": 1.5, "high": 2, "crisis": 3}',
    })
    assert response.status_code == 302
    next_request_user = type(case_manager).objects.get(pk=case_manager.pk)
    assert visible(next_request_user) == {"Sørensen", "Teammate-client"}


def test_it_follows_team_membership_at_once_despite_the_cache(login, supervisor, team_north, team_south, client_a, client_b):
    browser = login(supervisor)
    assert browser.get(f"/clients/{client_a.pk}/").status_code == 200  # the team list is now cached
    team_north.supervisors.remove(supervisor)
    assert browser.get(f"/clients/{client_a.pk}/").status_code == 404
    team_south.supervisors.add(supervisor)
    assert browser.get(f"/clients/{client_b.pk}/").status_code == 200


def test_it_reads_a_supervisors_teams_from_the_cache(login, supervisor, client_a, django_assert_num_queries):
    from clients.models import Client

    Client.objects.visible_to(supervisor).count()
    fresh = type(supervisor).objects.get(pk=supervisor.pk)
    with django_assert_num_queries(1):  # the count only: the team ids come from the cache
        assert Client.objects.visible_to(fresh).count() == 1
