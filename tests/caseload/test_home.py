import pytest

from tests.factories import ClientFactory


def test_it_lists_my_open_clients_with_counts(login, case_manager, teammate, client_a):
    ClientFactory(legal_family_name="Newreferral", status="referred", case_manager=case_manager)
    ClientFactory(legal_family_name="Formerclient", status="discharged", case_manager=case_manager)
    ClientFactory(legal_family_name="Teammates", case_manager=teammate)
    response = login(case_manager).get("/")
    page = response.content.decode()
    assert response.context["counts"] == {"active": 1, "referred": 1, "at_risk": 0, "overdue": 0, "due_today": 0}
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
    from django.utils import timezone

    from caseload.models import Reminder
    from clients.models import Client
    from tests.factories import RiskFlagFactory

    flagged = Client.objects.get(legal_family_name="Family007")
    RiskFlagFactory(client=flagged)
    Reminder.objects.create(key="k", kind="plan_review", client=flagged, assignee=case_manager, title="Review",
                            due_on=timezone.localdate())
    browser = login(case_manager)
    first = browser.get("/")
    # Longer than a page: the counts are over the whole caseload, on every page.
    assert first.context["counts"] == {"active": 47, "referred": 6, "at_risk": 1, "overdue": 0, "due_today": 1}
    assert first.context["page"].object_list[0].pk == flagged.pk
    assert first.context["page"].paginator.count == PAGE_SIZE + 3
    second = browser.get("/?page=2")
    assert second.context["counts"] == {"active": 47, "referred": 6, "at_risk": 1, "overdue": 0, "due_today": 1}
    assert len(second.context["page"].object_list) == 3


def test_it_puts_who_needs_me_today_first(login, case_manager):
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from caseload.models import Reminder
    from tests.factories import ProgressNoteFactory, RiskFlagFactory

    today = timezone.localdate()

    def noon(days_ago):  # the agency's midday that many days ago: "N days ago" whatever the hour and daylight saving
        return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(12)))

    seen_yesterday = ClientFactory(legal_family_name="Seenyesterday", case_manager=case_manager)
    ProgressNoteFactory(client=seen_yesterday, author=case_manager, contact_at=noon(1))
    seen_long_ago = ClientFactory(legal_family_name="Seenlongago", case_manager=case_manager)
    ProgressNoteFactory(client=seen_long_ago, author=case_manager, contact_at=noon(40),
                        status="signed")
    overdue = ClientFactory(legal_family_name="Overduereview", case_manager=case_manager)
    Reminder.objects.create(key="plan_review:x:1", kind="plan_review", client=overdue, assignee=case_manager,
                            title="Care plan review", due_on=today - timedelta(days=3))
    snoozed = ClientFactory(legal_family_name="Snoozed", case_manager=case_manager)
    Reminder.objects.create(key="reassessment:y:1", kind="reassessment", client=snoozed, assignee=case_manager,
                            title="PHQ-9", due_on=today - timedelta(days=3), snoozed_until=today + timedelta(days=2))
    at_risk = ClientFactory(legal_family_name="Atrisk", case_manager=case_manager)
    RiskFlagFactory(client=at_risk)
    response = login(case_manager).get("/")
    order = [client.legal_family_name for client in response.context["page"].object_list]
    # Risk first, then overdue work; then the longest without contact (never seen counts as longest).
    assert order[:2] == ["Atrisk", "Overduereview"]
    assert order.index("Snoozed") < order.index("Seenlongago") < order.index("Seenyesterday")
    assert response.context["counts"] == {"active": 5, "referred": 0, "at_risk": 1, "overdue": 1, "due_today": 0}
    page = response.content.decode()
    assert "Care plan review · " in page and "due-overdue" in page
    assert "1 day ago" in page and "40 days ago" in page and "No contact yet" in page
    assert "1 unsigned note" in page  # the draft from yesterday
    assert f'/notes/clients/{seen_yesterday.pk}/new/' in page  # one click to record a visit


def test_due_work_keeps_every_character_of_its_title_and_comes_soonest_first(login, case_manager, client_a):
    from datetime import timedelta

    from django.utils import timezone

    from caseload.models import Reminder

    today = timezone.localdate()
    title = 'Call "Jørgen" back \\ [1, 2] {x} <b>ça</b>'
    Reminder.objects.create(key="b", kind="follow_up", client=client_a, assignee=case_manager, title="Later",
                            due_on=today + timedelta(days=5))
    Reminder.objects.create(key="a", kind="follow_up", client=client_a, assignee=case_manager, title=title,
                            due_on=today - timedelta(days=2))
    Reminder.objects.create(key="c", kind="follow_up", client=client_a, assignee=case_manager, title="Too far off",
                            due_on=today + timedelta(days=30))
    response = login(case_manager).get("/")
    [row] = response.context["page"].object_list
    assert [(item.title, item.due_on, item.overdue) for item in row.due_items] == [
        (title, today - timedelta(days=2), True), ("Later", today + timedelta(days=5), False),
    ]
    assert (row.overdue, row.due_today) == (1, 0)
    page = response.content.decode()
    assert 'title="Call &quot;Jørgen&quot; back \\ [1, 2] {x} &lt;b&gt;ça&lt;/b&gt;"' in page
    assert "Too far off" not in page


@pytest.mark.parametrize("with_clients", [True, False])
def test_unread_notices_show_until_read_and_are_asked_for_only_when_there_are_some(login, case_manager, with_clients):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from caseload.models import Notice

    if with_clients:
        ClientFactory(case_manager=case_manager)
    notice = Notice.objects.create(recipient=case_manager, text="Mikkel Sørensen is now in your caseload", link="/clients/")
    browser = login(case_manager)
    page = browser.get("/")
    assert [n.pk for n in page.context["notices"]] == [notice.pk]
    assert "Mikkel Sørensen is now in your caseload" in page.content.decode()
    browser.post(f"/notices/{notice.pk}/read/")
    with CaptureQueriesContext(connection) as captured:
        page = browser.get("/")
    assert page.context["notices"] == [] and "Mikkel Sørensen is now" not in page.content.decode()
    asked = any(query["sql"].startswith('SELECT "caseload_notice"') for query in captured.captured_queries)
    assert asked is not with_clients  # told by the caseload's own query when there is a client to tell it on


def test_each_row_counts_my_own_unsigned_notes_about_that_client(login, case_manager, teammate):
    from tests.factories import ProgressNoteFactory

    two_drafts = ClientFactory(legal_family_name="Twodrafts", case_manager=case_manager)
    one_draft = ClientFactory(legal_family_name="Onedraft", case_manager=case_manager)
    none_of_mine = ClientFactory(legal_family_name="Noneofmine", case_manager=case_manager)
    ProgressNoteFactory.create_batch(2, client=two_drafts, author=case_manager)
    ProgressNoteFactory(client=one_draft, author=case_manager)
    ProgressNoteFactory(client=one_draft, author=case_manager, status="signed")
    ProgressNoteFactory(client=none_of_mine, author=teammate)  # a colleague's draft is theirs to sign
    ProgressNoteFactory(client=ClientFactory(case_manager=teammate), author=case_manager)  # not on my caseload
    rows = {row.legal_family_name: row for row in login(case_manager).get("/").context["page"].object_list}
    assert {name: row.drafts for name, row in rows.items()} == {"Twodrafts": 2, "Onedraft": 1, "Noneofmine": 0}
    page = login(case_manager).get("/").content.decode()
    assert page.count("2 unsigned notes") == 1 and page.count("1 unsigned note<") == 1
