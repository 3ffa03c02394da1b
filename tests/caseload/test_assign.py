from django.core import mail

from caseload.models import Assignment


def test_it_transfers_a_client_keeping_the_history_and_telling_both_case_managers(
    login, supervisor, case_manager, teammate, client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(supervisor).post(
            f"/clients/{client_a.pk}/assign/",
            {"case_manager": teammate.pk, "reason": "Anna is going on leave"},
            follow=True,
        )
    client_a.refresh_from_db()
    assert client_a.case_manager == teammate
    history = list(Assignment.objects.filter(client=client_a).order_by("started_at"))
    assert [a.case_manager for a in history] == [case_manager, teammate]
    assert history[0].ended_at is not None and history[1].ended_at is None
    assert history[1].assigned_by == supervisor and history[1].reason == "Anna is going on leave"
    assert history[1].notified_at is not None
    assert "is now with Anton Berg" in response.content.decode()
    history = login(supervisor).get(f"/clients/{client_a.pk}/history/").content.decode()
    assert "Anna is going on leave" in history and "Helle Nørgaard" in history
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["anna@agency.example", "anton@agency.example"]
    assert all(client_a.client_number in message.body for message in mail.outbox)
    assert all(client_a.legal_family_name not in message.body for message in mail.outbox)


def test_it_tells_each_case_manager_only_once(supervisor, teammate, client_a, django_capture_on_commit_callbacks):
    from caseload.services import client_assign
    from caseload.tasks import notify_assignment

    with django_capture_on_commit_callbacks(execute=True):
        assignment = client_assign(client=client_a, case_manager=teammate, by=supervisor, reason="Leave cover")
    assert len(mail.outbox) == 2
    assert notify_assignment.apply(args=[assignment.pk]).get() is False
    assert len(mail.outbox) == 2


def test_it_asks_for_a_reason(login, supervisor, teammate, client_a):
    response = login(supervisor).post(f"/clients/{client_a.pk}/assign/", {"case_manager": teammate.pk, "reason": " "})
    assert "This field is required." in response.content.decode()
    client_a.refresh_from_db()
    assert Assignment.objects.filter(client=client_a).count() == 1


def test_it_offers_only_case_managers_of_the_supervisors_teams(login, supervisor, teammate, outsider, client_a):
    browser = login(supervisor)
    page = browser.get(f"/clients/{client_a.pk}/assign/").content.decode()
    assert "Anton Berg — 0 open clients" in page and "Bo Madsen" not in page
    assert "Anna Lindqvist —" not in page  # already carries the client
    refused = browser.post(f"/clients/{client_a.pk}/assign/", {"case_manager": outsider.pk, "reason": "Moving south"})
    assert "Select a valid choice" in refused.content.decode()
    client_a.refresh_from_db()
    assert client_a.case_manager.username == "anna"


def test_it_lets_an_administrator_move_a_client_between_teams(login, administrator, outsider, client_a, team_south):
    login(administrator).post(f"/clients/{client_a.pk}/assign/", {"case_manager": outsider.pk, "reason": "Moved to the south of the city"})
    client_a.refresh_from_db()
    assert (client_a.case_manager, client_a.team) == (outsider, team_south)


def test_it_does_not_let_a_case_manager_reassign(login, case_manager, teammate, client_a):
    response = login(case_manager).post(f"/clients/{client_a.pk}/assign/", {"case_manager": teammate.pk, "reason": "I am off"})
    assert response.status_code == 403
    client_a.refresh_from_db()
    assert client_a.case_manager == case_manager


def test_the_cases_reminders_move_with_it(supervisor, case_manager, teammate, client_a):
    from django.utils import timezone

    from caseload.models import Reminder
    from caseload.reminders import reminder_add
    from caseload.services import client_assign

    reminder_add(kind="plan_review", client=client_a, due_on=timezone.localdate(), title="Care plan review")
    assert Reminder.objects.get().assignee == case_manager
    client_assign(client=client_a, case_manager=teammate, by=supervisor, reason="Anna's caseload is over target")
    assert Reminder.objects.get().assignee == teammate
