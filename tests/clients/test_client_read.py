"""get_client_for_user: the client's compiled read gives what the scope gives, for every shape of scope."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from caseload.models import AgencySettings
from clients.models import Client
from clients.selectors import get_client_for_user
from tests.factories import ClientFactory, EmergencyAccessFactory, RiskFlagFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request loads it: nothing remembered on the instance."""
    return type(user).objects.get(pk=user.pk)


def test_it_reads_the_whole_record_with_its_case_manager_and_team(case_manager, client_a, team_north):
    Client.objects.filter(pk=client_a.pk).update(team=team_north)
    client = get_client_for_user(fresh(case_manager), str(client_a.pk))
    expected = Client.objects.get(pk=client_a.pk)
    for field in Client._meta.concrete_fields:
        assert getattr(client, field.attname) == getattr(expected, field.attname), field.name
    with CaptureQueriesContext(connection) as captured:
        assert client.case_manager.display_name == case_manager.display_name
        assert client.team.name == team_north.name
    assert len(captured) == 0  # read with the client, as select_related reads them
    assert client.has_risk is False and client.active_risk_flags == [] and client.opened_in_emergency is False


def test_a_client_with_no_case_manager_or_team_reads_as_none(administrator):
    waiting = ClientFactory(case_manager=None, team=None)
    client = get_client_for_user(fresh(administrator), waiting.pk)
    assert client.case_manager is None and client.team is None


def test_it_reads_open_risk_flags_only_for_a_client_who_has_one(case_manager, client_a):
    flag = RiskFlagFactory(client=client_a)
    client = get_client_for_user(fresh(case_manager), client_a.pk)
    assert client.has_risk is True and client.active_risk_flags == [flag]


@pytest.mark.parametrize("client_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", ""])
def test_a_malformed_or_unknown_id_is_not_found(case_manager, client_id):
    with pytest.raises(Http404):
        get_client_for_user(fresh(case_manager), client_id)


def test_each_role_sees_what_the_scope_gives(case_manager, teammate, supervisor, other_supervisor, outsider,
                                            administrator, client_a, client_b, team_north):
    teammates_client = ClientFactory(case_manager=teammate, team=team_north)
    clients = (client_a, client_b, teammates_client)
    people = (case_manager, teammate, supervisor, other_supervisor, outsider, administrator)

    def sees(user, client):
        try:
            get_client_for_user(fresh(user), client.pk)
        except Http404:
            return False
        return True

    def scope(user, client):
        return Client.objects.visible_to(fresh(user)).filter(pk=client.pk).exists()

    for sharing in (False, True):
        AgencySettings.objects.update_or_create(pk=1, defaults={"case_managers_see_team_clients": sharing})
        cache.clear()
        assert [[sees(user, c) for c in clients] for user in people] == [[scope(user, c) for c in clients] for user in people]
        assert sees(outsider, client_a) is False and sees(administrator, client_b) is True
        assert sees(case_manager, teammates_client) is sharing


def test_a_supervisor_of_several_teams_sees_each_of_them(supervisor, team_north):
    teams = [team_north, TeamFactory(), TeamFactory()]
    supervisor.supervised_teams.set(teams)
    clients = [ClientFactory(case_manager=UserFactory(), team=team) for team in teams]
    elsewhere = ClientFactory(case_manager=UserFactory(), team=TeamFactory())
    for client in clients:
        assert get_client_for_user(fresh(supervisor), client.pk).pk == client.pk
    with pytest.raises(Http404):
        get_client_for_user(fresh(supervisor), elsewhere.pk)


def test_an_emergency_grant_opens_that_client_only_and_marks_the_read(outsider, client_a, case_manager):
    other = ClientFactory(case_manager=case_manager)
    EmergencyAccessFactory(user=outsider, client=client_a)
    client = get_client_for_user(fresh(outsider), client_a.pk)
    assert client.opened_in_emergency is True
    with pytest.raises(Http404):
        get_client_for_user(fresh(outsider), other.pk)
    # Their own client, read while they hold a grant for another, is not marked.
    own = ClientFactory(case_manager=outsider)
    assert get_client_for_user(fresh(outsider), own.pk).opened_in_emergency is False


def test_the_client_list_shows_exactly_the_scope_for_every_role_view_and_search(
    case_manager, teammate, supervisor, outsider, administrator, client_a, client_b, team_north
):
    from clients.selectors import LIST_VIEWS, client_list_page

    ClientFactory(case_manager=teammate, team=team_north, legal_given_name="Mikkel", legal_family_name="Holm")
    ClientFactory(case_manager=None, team=team_north, legal_given_name="Waiting", legal_family_name="Sørensen")
    ClientFactory(case_manager=case_manager, status="discharged", legal_family_name="Former")
    granted = ClientFactory(case_manager=teammate, team=team_north, legal_family_name="Granted")
    EmergencyAccessFactory(user=outsider, client=granted)
    for user in (case_manager, teammate, supervisor, outsider, administrator):
        for show in LIST_VIEWS:
            for text in ("", "mikkel", "sørensen mikkel", "1989-04-02", "nobody"):
                page = client_list_page(fresh(user), show=show, text=text, number=1, per_page=25)
                expected = list(
                    LIST_VIEWS[show](Client.objects.visible_to(fresh(user))).search(text)
                    .order_by("legal_family_name", "legal_given_name", "id").values_list("pk", flat=True)
                )
                assert [client.pk for client in page.object_list] == expected, (user.username, show, text)
                assert page.paginator.count == len(expected)
    page = client_list_page(fresh(outsider), show="open", text="", number=1, per_page=25)
    assert {client.legal_family_name for client in page.object_list} == {"Puig", "Granted"}
    assert [client.case_manager.display_name for client in page.object_list if client.legal_family_name == "Granted"] == [
        teammate.display_name
    ]
