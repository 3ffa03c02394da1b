"""No page's number of queries grows with the size of a caseload (DESIGN.md, "Scale").

Each test counts the queries of one page with a small caseload, grows it tenfold — clients with a
person around them, a dependant and an earlier case manager each — and counts again. Both counts must
equal the number written here, so a query added per row (or anywhere) shows up as a failure with the
two counts side by side.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseload.models import Assignment
from clients.models import ClientStatusChange
from tests.factories import ClientFactory, ContactFactory, DependantFactory, InstrumentResponseFactory, UserFactory
from tests.statements import statement_count

SMALL = 3
LARGE = 30


def add_clients(case_manager, count: int, *, earlier_case_manager, family_name: str = "Jensen") -> list:
    """`count` more clients for `case_manager`, each with a contact, a dependant and an ended assignment."""
    clients = []
    for _ in range(count):
        client = ClientFactory(case_manager=case_manager, legal_family_name=family_name)
        ContactFactory(client=client)
        DependantFactory(client=client)
        add_history(client, 1, earlier_case_manager=earlier_case_manager)
        clients.append(client)
    return clients


def add_history(client, count: int, *, earlier_case_manager) -> None:
    """`count` ended assignments and status changes on one client, oldest first."""
    now = timezone.now()
    for number in range(count):
        started = now - timedelta(days=400 + 10 * (count - number))
        Assignment.objects.create(
            client=client, case_manager=earlier_case_manager, team=client.team, started_at=started,
            ended_at=started + timedelta(days=5), assigned_by=earlier_case_manager, reason="Cover during leave",
        )
        ClientStatusChange.objects.create(
            client=client, from_status="referred", to_status="active", changed_by=earlier_case_manager,
            changed_at=started, effective_date=started.date(), note="Seen at home",
        )


def add_results(client, count: int, *, instruments: tuple[str, ...] = ("phq9",), given_by: tuple = ()) -> None:
    """`count` more scored results for `client`, a week apart and older than any so far, in turn by `given_by`."""
    oldest = client.instrument_responses.order_by("administered_on").values_list("administered_on", flat=True).first()
    start = oldest or timezone.localdate()
    for number in range(1, count + 1):
        InstrumentResponseFactory(
            client=client, instrument=instruments[number % len(instruments)],
            administered_on=start - timedelta(days=7 * number),
            administered_by=given_by[number % len(given_by)] if given_by else client.case_manager,
        )


def queries(web, path: str, *, method: str = "get", data: dict | None = None, status: int = 200) -> int:
    """The number of queries one request makes, with nothing cached yet (the worst case)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = getattr(web, method)(path, data or {})
    assert response.status_code == status, f"{method.upper()} {path} answered {response.status_code}"
    return statement_count(captured)


def test_it_shows_my_caseload_in_the_same_queries_at_any_size(login, case_manager, teammate):
    web = login(case_manager)
    add_clients(case_manager, SMALL, earlier_case_manager=teammate)
    small = queries(web, "/")
    add_clients(case_manager, LARGE - SMALL, earlier_case_manager=teammate)
    large = queries(web, "/")
    assert (small, large) == (7, 7)


def test_it_lists_clients_in_the_same_queries_at_any_size(login, case_manager, teammate):
    web = login(case_manager)
    add_clients(case_manager, SMALL, earlier_case_manager=teammate)
    small = queries(web, "/clients/")
    add_clients(case_manager, LARGE - SMALL, earlier_case_manager=teammate)
    large = queries(web, "/clients/")
    assert (small, large) == (9, 9)


def test_it_lists_clients_for_a_supervisor_in_the_same_queries_at_any_size(login, supervisor, case_manager, teammate):
    web = login(supervisor)
    add_clients(case_manager, SMALL, earlier_case_manager=teammate)
    small = queries(web, "/clients/")
    add_clients(teammate, LARGE - SMALL, earlier_case_manager=case_manager)
    large = queries(web, "/clients/")
    assert (small, large) == (9, 9)


def test_it_searches_clients_in_the_same_queries_at_any_size(login, case_manager, teammate):
    web = login(case_manager)
    add_clients(case_manager, SMALL, earlier_case_manager=teammate)
    add_clients(case_manager, SMALL, earlier_case_manager=teammate, family_name="Nielsen")
    small_post = queries(web, "/clients/", method="post", data={"q": "Jensen"}, status=302)
    small_get = queries(web, "/clients/")
    assert web.get("/clients/").context["page"].paginator.count == SMALL
    add_clients(case_manager, LARGE - SMALL, earlier_case_manager=teammate)
    large_post = queries(web, "/clients/", method="post", data={"q": "Jensen"}, status=302)
    large_get = queries(web, "/clients/")
    assert web.get("/clients/").context["page"].paginator.count == LARGE
    assert (small_post, large_post) == (5, 5)
    assert (small_get, large_get) == (9, 9)


def test_it_searches_my_caseload_in_the_same_queries_at_any_size(login, case_manager, teammate):
    web = login(case_manager)
    add_clients(case_manager, SMALL, earlier_case_manager=teammate)
    web.post("/", {"q": "Jensen"})
    small = queries(web, "/")
    add_clients(case_manager, LARGE - SMALL, earlier_case_manager=teammate)
    large = queries(web, "/")
    assert web.get("/").context["page"].paginator.count == LARGE
    assert (small, large) == (8, 8)  # the caseload with its due work as without a search, then the matches


def test_it_shows_a_client_in_the_same_queries_at_any_size(login, case_manager, teammate):
    web = login(case_manager)
    client = ClientFactory(case_manager=case_manager)
    ContactFactory.create_batch(SMALL, client=client)
    DependantFactory.create_batch(SMALL, client=client)
    small = queries(web, f"/clients/{client.pk}/")
    ContactFactory.create_batch(LARGE - SMALL, client=client)
    DependantFactory.create_batch(LARGE - SMALL, client=client)
    response = web.get(f"/clients/{client.pk}/")
    assert len(response.context["contacts"]) == LARGE and len(response.context["dependants"]) == LARGE
    large = queries(web, f"/clients/{client.pk}/")
    assert (small, large) == (13, 13)  # the care plan in force and the last contact are two of them


def test_it_shows_a_clients_history_in_the_same_queries_at_any_size(login, case_manager, teammate):
    web = login(case_manager)
    client = ClientFactory(case_manager=case_manager)
    add_history(client, SMALL, earlier_case_manager=teammate)
    small = queries(web, f"/clients/{client.pk}/history/")
    add_history(client, LARGE - SMALL, earlier_case_manager=teammate)
    response = web.get(f"/clients/{client.pk}/history/")
    assert len(response.context["assignments"]) == LARGE + 1 and len(response.context["status_changes"]) == LARGE
    large = queries(web, f"/clients/{client.pk}/history/")
    assert (small, large) == (12, 12)


def test_it_shows_the_assign_page_in_the_same_queries_at_any_size(login, supervisor, case_manager, teammate, team_north):
    client = add_clients(case_manager, 1, earlier_case_manager=teammate)[0]
    web = login(supervisor)

    def grow_team(size: int) -> None:
        """`size` case managers in the team, each carrying a client."""
        while team_north.members.count() < size:
            colleague = UserFactory(teams=[team_north])
            add_clients(colleague, 1, earlier_case_manager=teammate)

    grow_team(SMALL)
    small = queries(web, f"/clients/{client.pk}/assign/")
    grow_team(LARGE)
    response = web.get(f"/clients/{client.pk}/assign/")
    assert len(response.context["form"].fields["case_manager"].queryset) == LARGE  # the team less Anna, plus Helle
    large = queries(web, f"/clients/{client.pk}/assign/")
    assert (small, large) == (10, 10)


def test_it_lists_a_clients_instruments_in_the_same_queries_at_any_size(login, case_manager, teammate):
    web = login(case_manager)
    client = ClientFactory(case_manager=case_manager)
    instruments = ("phq9", "gad7", "auditc")
    add_results(client, SMALL, instruments=instruments, given_by=(case_manager, teammate))
    small = queries(web, f"/assessments/clients/{client.pk}/instruments/")
    add_results(client, LARGE - SMALL, instruments=instruments, given_by=(case_manager, teammate))
    response = web.get(f"/assessments/clients/{client.pk}/instruments/")
    latest = {row["instrument"].code: row["latest"] for row in response.context["rows"]}
    assert client.instrument_responses.count() == LARGE
    assert {code for code, result in latest.items() if result} == set(instruments)
    assert all(latest[code] == client.instrument_responses.filter(instrument=code).first() for code in instruments)
    large = queries(web, f"/assessments/clients/{client.pk}/instruments/")
    assert (small, large) == (10, 10)


def test_it_shows_an_instruments_history_in_the_same_queries_at_any_size(login, case_manager, teammate):
    web = login(case_manager)
    client = ClientFactory(case_manager=case_manager)
    add_results(client, SMALL, given_by=(case_manager, teammate))
    small = queries(web, f"/assessments/clients/{client.pk}/instruments/phq9/history/")
    add_results(client, LARGE - SMALL, given_by=(case_manager, teammate))
    response = web.get(f"/assessments/clients/{client.pk}/instruments/phq9/history/")
    assert len(response.context["responses"]) == LARGE
    assert response.content.decode().count('class="trend-point"') == LARGE
    large = queries(web, f"/assessments/clients/{client.pk}/instruments/phq9/history/")
    assert (small, large) == (10, 10)



def test_it_shows_your_settings_and_switches_language_in_the_same_queries_at_any_size(login, case_manager, teammate):
    web = login(case_manager)
    add_clients(case_manager, SMALL, earlier_case_manager=teammate)
    small = (queries(web, "/profile/"), queries(web, "/language/", method="post", data={"language": "da"}, status=302))
    add_clients(case_manager, LARGE - SMALL, earlier_case_manager=teammate)
    large = (queries(web, "/profile/"), queries(web, "/language/", method="post", data={"language": "fr"}, status=302))
    assert small == large == (5, 6)
