import pytest

from caseload.paging import paginate
from clients.models import Client
from tests.factories import ClientFactory


@pytest.fixture
def seven_clients(db):
    for number in range(7):
        ClientFactory(legal_family_name=f"Family{number}")
    return Client.objects.order_by("legal_family_name")


def test_it_gives_the_rows_and_the_total_in_one_query(seven_clients, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = paginate(seven_clients, "2", 3)
        names = [client.legal_family_name for client in page]
    assert names == ["Family3", "Family4", "Family5"]
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (2, 7, 3)
    assert page.has_previous() and page.has_next()


def test_it_shows_the_last_page_for_a_number_past_the_end(seven_clients):
    page = paginate(seven_clients, "9", 3)
    assert page.number == 3 and [c.legal_family_name for c in page] == ["Family6"]


def test_it_shows_the_first_page_for_a_number_that_is_not_one(seven_clients):
    for nonsense in (None, "", "abc", "-4", "0"):
        assert paginate(seven_clients, nonsense, 3).number == 1


def test_it_shows_an_empty_list(db):
    page = paginate(Client.objects.all(), "3", 25)
    assert (page.number, page.paginator.count, list(page)) == (1, 0, [])
