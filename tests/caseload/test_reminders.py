"""Reminders: the sweep, events, the task list, and the daily digest."""

import math
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseload.models import AuditEvent, DigestDelivery, ProgressNote, Reminder
from caseload.reminder_tasks import send_digest, send_digests
from caseload.reminders import (
    INSERT_BATCH,
    open_reminders_for,
    reminder_add,
    reminder_complete,
    reminder_dismiss,
    reminder_snooze,
    sweep,
    sweep_details,
)
from caseload.services import client_assign
from clients.models import Client
from tests.factories import (
    CarePlanFactory,
    ClientFactory,
    InstrumentResponseFactory,
    ReminderFactory,
    RiskFlagFactory,
    UserFactory,
)
from tests.statements import statements

Kind = Reminder.Kind


@pytest.fixture
def today():
    return timezone.localdate()


def registered(client, days_ago: int):
    """Move a client's registration and current assignment `days_ago` days back."""
    moment = timezone.now() - timedelta(days=days_ago)
    Client.objects.filter(pk=client.pk).update(created_at=moment)
    client.assignments.filter(ended_at__isnull=True).update(started_at=moment)
    return client


def contact(client, days_ago: int, *, contact_type="home_visit", author=None, status="signed"):
    return ProgressNote.objects.create(
        client=client, author=author or client.case_manager, contact_at=timezone.now() - timedelta(days=days_ago),
        contact_type=contact_type, status=status, data="Seen at home.",
    )


def draft(client, hours_ago: float, *, author=None):
    """A draft about a call with the family: not a contact with the client, so no-contact reminders stay."""
    note = contact(client, 0, author=author, status="draft", contact_type="collateral")
    ProgressNote.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(hours=hours_ago))
    note.refresh_from_db()
    return note


def reminders(**filters):
    return list(Reminder.objects.filter(**filters).order_by("pk"))


def local_day(days_ago: int):
    return timezone.localdate(timezone.now() - timedelta(days=days_ago))


# --- what the sweep makes -------------------------------------------------------------------------


def test_no_contact_is_due_the_day_the_team_limit_runs_out(case_manager, today):
    late = registered(ClientFactory(case_manager=case_manager), 60)
    contact(late, 15)
    recent = registered(ClientFactory(case_manager=case_manager), 60)
    contact(recent, 10)

    assert sweep(today) == 1

    [reminder] = reminders(kind=Kind.NO_CONTACT)
    assert reminder.client == late and reminder.assignee == case_manager
    assert reminder.due_on == local_day(15) + timedelta(days=14)
    assert reminder.status == Reminder.Status.OPEN
    assert reminder.subject_type == "clients.Client" and reminder.subject_id == str(late.pk)
    assert f"No contact since {local_day(15).isoformat()}" in reminder.title


def test_no_contact_ever_counts_from_the_assignment_then_the_registration(case_manager, today):
    assigned_long_ago = registered(ClientFactory(case_manager=case_manager), 15)
    just_assigned = registered(ClientFactory(case_manager=case_manager), 60)
    just_assigned.assignments.update(started_at=timezone.now() - timedelta(days=5))
    no_assignment_row = registered(ClientFactory(case_manager=case_manager), 20)
    no_assignment_row.assignments.update(ended_at=timezone.now() - timedelta(days=19))

    sweep(today)

    made = {reminder.client_id: reminder for reminder in reminders(kind=Kind.NO_CONTACT)}
    assert set(made) == {assigned_long_ago.pk, no_assignment_row.pk}
    assert made[assigned_long_ago.pk].due_on == local_day(15) + timedelta(days=14)
    assert "assigned" in made[assigned_long_ago.pk].title
    assert made[no_assignment_row.pk].due_on == local_day(20) + timedelta(days=14)
    assert "registration" in made[no_assignment_row.pk].title


def test_a_client_with_a_risk_flag_gets_the_shorter_interval(case_manager, team_north, today):
    team_north.no_contact_days, team_north.no_contact_days_at_risk = 21, 5
    team_north.save()
    at_risk = registered(ClientFactory(case_manager=case_manager), 60)
    contact(at_risk, 6)
    RiskFlagFactory(client=at_risk)
    cleared = registered(ClientFactory(case_manager=case_manager), 60)
    contact(cleared, 6)
    RiskFlagFactory(client=cleared, cleared_at=timezone.now(), cleared_by=case_manager, clear_reason="Safe now")
    not_flagged = registered(ClientFactory(case_manager=case_manager), 60)
    contact(not_flagged, 20)

    sweep(today)

    [reminder] = reminders(kind=Kind.NO_CONTACT)
    assert reminder.client == at_risk
    assert reminder.due_on == local_day(6) + timedelta(days=5)
    assert "limit 5 days" in reminder.title


def test_an_attempt_or_a_call_with_family_is_not_contact(case_manager, today):
    client = registered(ClientFactory(case_manager=case_manager), 60)
    contact(client, 20)
    contact(client, 2, contact_type="attempted")
    contact(client, 1, contact_type="collateral")

    sweep(today)

    [reminder] = reminders(kind=Kind.NO_CONTACT)
    assert reminder.due_on == local_day(20) + timedelta(days=14)


def test_plan_reviews_are_tasks_from_14_days_before_the_review_date(case_manager, today):
    soon = CarePlanFactory(client=ClientFactory(case_manager=case_manager), status="active",
                           review_on=today + timedelta(days=10))
    overdue = CarePlanFactory(client=ClientFactory(case_manager=case_manager), status="active",
                              review_on=today - timedelta(days=3))
    CarePlanFactory(client=ClientFactory(case_manager=case_manager), status="active", review_on=today + timedelta(days=15))
    CarePlanFactory(client=ClientFactory(case_manager=case_manager), status="superseded", review_on=today)

    sweep(today)

    made = {reminder.subject_id: reminder for reminder in reminders(kind=Kind.PLAN_REVIEW)}
    assert set(made) == {str(soon.pk), str(overdue.pk)}
    assert made[str(soon.pk)].due_on == soon.review_on and made[str(soon.pk)].client == soon.client
    assert made[str(overdue.pk)].assignee == case_manager
    assert made[str(overdue.pk)].subject_type == "careplans.CarePlan"


def test_a_plan_waiting_for_signatures_more_than_7_days_is_a_task(case_manager, today):
    now = timezone.now()
    waiting = CarePlanFactory(client=ClientFactory(case_manager=case_manager), status="awaiting",
                              sent_for_signatures_at=now - timedelta(days=8))
    CarePlanFactory(client=ClientFactory(case_manager=case_manager), status="awaiting",
                    sent_for_signatures_at=now - timedelta(days=6))

    sweep(today)

    [reminder] = reminders(kind=Kind.PLAN_SIGNATURES)
    assert reminder.subject_id == str(waiting.pk) and reminder.assignee == case_manager
    assert reminder.due_on == timezone.localdate(waiting.sent_for_signatures_at + timedelta(days=7))


def test_a_reassessment_is_due_when_the_interval_of_the_latest_result_runs_out(case_manager, today):
    due = ClientFactory(case_manager=case_manager)
    old = InstrumentResponseFactory(client=due, instrument="phq9", administered_on=today - timedelta(days=40))
    given_again = ClientFactory(case_manager=case_manager)
    InstrumentResponseFactory(client=given_again, instrument="phq9", administered_on=today - timedelta(days=40))
    InstrumentResponseFactory(client=given_again, instrument="phq9", administered_on=today - timedelta(days=3))

    sweep(today)

    [reminder] = reminders(kind=Kind.REASSESSMENT)
    assert reminder.client == due and reminder.assignee == case_manager
    assert reminder.subject_id == str(old.pk)
    assert reminder.due_on == old.administered_on + timedelta(days=30)
    assert "PHQ-9" in reminder.title


def test_an_unsigned_note_older_than_24_hours_is_a_task_for_its_author(case_manager, teammate, today):
    client = ClientFactory(case_manager=case_manager)
    contact(client, 1)  # keeps the no-contact reminder out of the way
    old = draft(client, 25, author=teammate)
    draft(client, 2, author=teammate)

    sweep(today)

    [reminder] = reminders(kind=Kind.UNSIGNED_NOTE)
    assert reminder.subject_id == str(old.pk) and reminder.subject_type == "caseload.ProgressNote"
    assert reminder.assignee == teammate  # the author, not the case manager
    assert reminder.due_on == timezone.localdate(old.created_at + timedelta(hours=24))


def test_nothing_for_a_discharged_client(case_manager, today):
    client = registered(ClientFactory(case_manager=case_manager, status="discharged"), 60)
    CarePlanFactory(client=client, status="active", review_on=today)
    InstrumentResponseFactory(client=client, administered_on=today - timedelta(days=60))
    draft(client, 30)

    assert sweep(today) == 0
    assert Reminder.objects.count() == 0


def test_the_sweep_run_again_makes_nothing_new(case_manager, teammate, today):
    for _ in range(3):
        client = registered(ClientFactory(case_manager=case_manager), 40)
        CarePlanFactory(client=client, status="active", review_on=today - timedelta(days=1))
        InstrumentResponseFactory(client=client, administered_on=today - timedelta(days=45))
        draft(client, 30, author=teammate)

    assert sweep(today) == 12
    rows = Reminder.objects.count()
    assert rows == 12

    assert sweep(today) == 0
    assert sweep(today + timedelta(days=1)) == 0  # tomorrow's run: the same due dates, the same keys
    assert Reminder.objects.count() == rows


def test_a_done_or_dismissed_reminder_is_not_made_again(case_manager, today):
    registered(ClientFactory(case_manager=case_manager), 40)
    sweep(today)
    [reminder] = reminders()
    reminder_dismiss(reminder, case_manager, "Client is in hospital; the ward keeps in touch.")

    assert sweep(today) == 0
    assert Reminder.objects.count() == 1


def _build_clients(case_manager, author, count: int, today):
    """`count` clients, each with one reminder of every swept kind due, and a risk flag on every third."""
    for number in range(count):
        client = registered(ClientFactory(case_manager=case_manager), 40)
        CarePlanFactory(client=client, status="active", review_on=today - timedelta(days=1))
        CarePlanFactory(client=client, status="awaiting", sent_for_signatures_at=timezone.now() - timedelta(days=9))
        InstrumentResponseFactory(client=client, administered_on=today - timedelta(days=45))
        draft(client, 30, author=author)
        contact(client, 20)
        if number % 3 == 0:
            RiskFlagFactory(client=client)


def _count_sweep(today):
    cache.clear()  # the agency settings are read once, as on a worker's first run
    with CaptureQueriesContext(connection) as context:
        made = sweep(today)
    sql = statements(context)
    inserts = [q for q in sql if re.match(r'INSERT (OR IGNORE )?INTO "caseload_reminder"', q)]
    return made, len(inserts), [q for q in sql if q not in inserts]


def test_the_sweep_makes_the_same_number_of_queries_for_3_and_30_clients(case_manager, teammate, today):
    _build_clients(case_manager, teammate, 3, today)
    small_made, small_inserts, small = _count_sweep(today)
    _build_clients(case_manager, teammate, 27, today)
    large_made, large_inserts, large = _count_sweep(today)

    assert (small_made, large_made) == (15, 135)
    # Fourteen at most (the audit entry counted as one); here nothing has lost its cause, so the closing
    # UPDATE is not needed.
    assert len(small) == len(large) == 13, "\n\n".join(q[:150] for q in small + ["---"] + large)
    # One INSERT for all new rows on PostgreSQL; SQLite's 999 parameters per statement make Django
    # split it every 71 rows (14 columns): the only part that grows, and only there.
    batch = min(INSERT_BATCH, connection.ops.bulk_batch_size([f for f in Reminder._meta.concrete_fields if f.name != "id"], [None] * 10000))
    assert small_inserts == math.ceil(15 / batch)
    assert large_inserts == math.ceil(135 / batch)
    if connection.vendor == "postgresql":
        assert small_inserts == large_inserts == 1


# --- reminders that close themselves --------------------------------------------------------------


def test_a_contact_closes_the_no_contact_reminder(case_manager, today):
    client = registered(ClientFactory(case_manager=case_manager), 60)
    contact(client, 20)
    sweep(today)
    [reminder] = reminders(kind=Kind.NO_CONTACT, status="open")

    contact(client, 0, contact_type="phone")
    details = sweep_details(today)

    reminder.refresh_from_db()
    assert details.closed == 1 and details.created == 0
    assert reminder.status == Reminder.Status.DONE and reminder.closed_at and reminder.closed_by is None


def test_a_risk_flag_brings_the_no_contact_reminder_forward(case_manager, today):
    client = registered(ClientFactory(case_manager=case_manager), 60)
    contact(client, 16)
    sweep(today)
    [before] = reminders(kind=Kind.NO_CONTACT)
    RiskFlagFactory(client=client)

    assert sweep(today) == 1

    before.refresh_from_db()
    [after] = reminders(kind=Kind.NO_CONTACT, status="open")
    assert before.status == Reminder.Status.DONE
    assert after.due_on == local_day(16) + timedelta(days=7)


def test_signing_the_note_closes_its_reminder(case_manager, today):
    client = ClientFactory(case_manager=case_manager)
    contact(client, 1)
    note = draft(client, 30)
    sweep(today)
    [reminder] = reminders(kind=Kind.UNSIGNED_NOTE)

    ProgressNote.objects.filter(pk=note.pk).update(status="signed", signed_at=timezone.now())
    sweep(today)

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.DONE


def test_signatures_and_reassessment_reminders_close_when_done(case_manager, today):
    client = ClientFactory(case_manager=case_manager)
    contact(client, 1)
    plan = CarePlanFactory(client=client, status="awaiting", sent_for_signatures_at=timezone.now() - timedelta(days=10))
    InstrumentResponseFactory(client=client, administered_on=today - timedelta(days=40))
    sweep(today)
    assert {r.kind for r in reminders(status="open")} == {Kind.PLAN_SIGNATURES, Kind.REASSESSMENT}

    plan.status, plan.review_on = "active", today + timedelta(days=90)
    plan.save()
    InstrumentResponseFactory(client=client, administered_on=today)
    assert sweep(today) == 0

    assert reminders(status="open") == []
    assert {r.status for r in reminders()} == {Reminder.Status.DONE}


def test_discharge_dismisses_open_reminders_with_the_reason(case_manager, today):
    client = registered(ClientFactory(case_manager=case_manager), 60)
    sweep(today)
    follow_up = ReminderFactory(client=client)
    Client.objects.filter(pk=client.pk).update(status="discharged")

    details = sweep_details(today)

    assert details.dismissed == 2
    for reminder in reminders():
        assert reminder.status == Reminder.Status.DISMISSED
        assert reminder.dismiss_reason == "The client was discharged."
    assert follow_up.pk in {r.pk for r in reminders()}


def test_a_transfer_moves_the_case_reminders_but_not_the_authors_unsigned_note(
    case_manager, teammate, supervisor, today
):
    client = registered(ClientFactory(case_manager=case_manager), 60)
    contact(client, 20)
    draft(client, 30)
    follow_up = ReminderFactory(client=client)
    colleague_follow_up = ReminderFactory(client=client, assignee=supervisor)
    sweep(today)

    client_assign(client=client, case_manager=teammate, by=supervisor, reason="Closer to home")
    details = sweep_details(today)

    assert details.reassigned == 0  # the transfer itself moved them; the sweep finds nothing left to move
    by_kind = {r.kind: r for r in reminders(status="open") if r.kind != Kind.FOLLOW_UP}
    assert by_kind[Kind.NO_CONTACT].assignee == teammate
    assert by_kind[Kind.UNSIGNED_NOTE].assignee == case_manager
    follow_up.refresh_from_db()
    colleague_follow_up.refresh_from_db()
    assert follow_up.assignee == teammate  # it was with the former case manager
    assert colleague_follow_up.assignee == supervisor  # someone else's task stays theirs


def test_the_sweep_leaves_one_line_in_the_audit_trail(case_manager, today):
    registered(ClientFactory(case_manager=case_manager), 60)
    sweep(today)
    entry = AuditEvent.objects.filter(summary__startswith="reminder sweep").get()
    assert entry.actor is None and "1 made" in entry.summary


# --- events and people ----------------------------------------------------------------------------


def test_reminder_add_is_idempotent(client_a, case_manager, today):
    arguments = dict(kind=Kind.FOLLOW_UP, client=client_a, due_on=today + timedelta(days=2), title="Call back",
                     subject_type="caseload.ProgressNote", subject_id="abc")
    first = reminder_add(**arguments)
    second = reminder_add(**arguments)

    assert first is not None and first.pk and first.assignee == case_manager
    assert second is None
    assert Reminder.objects.count() == 1
    assert first.key == f"follow_up:caseload.ProgressNote:abc:{arguments['due_on'].isoformat()}"
    assert AuditEvent.objects.filter(object_type="caseload.Reminder", action="create", client=client_a).count() == 1


def test_complete_snooze_and_dismiss(client_a, case_manager, today):
    done, snoozed, dismissed = (ReminderFactory(client=client_a) for _ in range(3))

    reminder_complete(done, case_manager)
    reminder_snooze(snoozed, case_manager, today + timedelta(days=5))
    reminder_dismiss(dismissed, case_manager, "  Seen by the crisis team instead.  ")

    for reminder in (done, snoozed, dismissed):
        reminder.refresh_from_db()
    assert (done.status, done.closed_by, bool(done.closed_at)) == ("done", case_manager, True)
    assert (snoozed.status, snoozed.snoozed_until) == ("open", today + timedelta(days=5))
    assert (dismissed.status, dismissed.dismiss_reason) == ("dismissed", "Seen by the crisis team instead.")
    with pytest.raises(ValidationError):
        reminder_complete(done, case_manager)
    changes = AuditEvent.objects.filter(object_type="caseload.Reminder", action="update", client=client_a)
    assert changes.count() == 3


@pytest.mark.parametrize("days", [0, -1, 91])
def test_snooze_needs_a_day_after_today_and_within_90_days(client_a, case_manager, today, days):
    reminder = ReminderFactory(client=client_a)
    with pytest.raises(ValidationError) as refused:
        reminder_snooze(reminder, case_manager, today + timedelta(days=days))
    assert "until" in refused.value.message_dict


def test_dismiss_needs_a_reason(client_a, case_manager):
    reminder = ReminderFactory(client=client_a)
    with pytest.raises(ValidationError) as refused:
        reminder_dismiss(reminder, case_manager, "   ")
    assert "reason" in refused.value.message_dict
    reminder.refresh_from_db()
    assert reminder.status == "open"


def test_open_reminders_for_orders_risk_first_then_the_longest_overdue(case_manager, teammate, client_b, today):
    calm = ClientFactory(case_manager=case_manager)
    flagged = ClientFactory(case_manager=case_manager)
    RiskFlagFactory(client=flagged)
    long_overdue = ReminderFactory(client=calm, due_on=today - timedelta(days=9))
    risk = ReminderFactory(client=flagged, due_on=today)
    due_today = ReminderFactory(client=calm, due_on=today)
    review = ReminderFactory(client=calm, kind=Kind.PLAN_REVIEW, due_on=today + timedelta(days=12))
    soon = ReminderFactory(client=calm, due_on=today + timedelta(days=2))
    ReminderFactory(client=calm, due_on=today + timedelta(days=10))  # a follow-up too far ahead
    ReminderFactory(client=calm, due_on=today - timedelta(days=1), snoozed_until=today + timedelta(days=1))
    back = ReminderFactory(client=calm, due_on=today - timedelta(days=4), snoozed_until=today)
    ReminderFactory(client=calm, due_on=today, status="done")
    ReminderFactory(client=calm, due_on=today, assignee=teammate)
    ReminderFactory(client=client_b, due_on=today, assignee=case_manager)  # a client she may not see

    rows = open_reminders_for(case_manager, today)

    assert [r.pk for r in rows] == [risk.pk, long_overdue.pk, back.pk, due_today.pk, soon.pk, review.pk]
    assert rows[0].at_risk and not rows[1].at_risk
    assert rows[1].days_overdue == 9


# --- the task list page ---------------------------------------------------------------------------


def test_the_task_list_groups_overdue_today_and_coming_up(login, case_manager, client_a, today):
    ReminderFactory(client=client_a, title="Overdue call", due_on=today - timedelta(days=2))
    ReminderFactory(client=client_a, title="Call today", due_on=today)
    ReminderFactory(client=client_a, title="Call soon", due_on=today + timedelta(days=1))

    response = login(case_manager).get("/tasks/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Overdue call") < html.index("Call today") < html.index("Call soon")
    assert html.index('id="overdue-heading"') < html.index("Overdue call") < html.index('id="today-heading"')
    assert f'href="/clients/{client_a.pk}/"' in html and "Mikkel Sørensen" in html
    assert "2 days overdue" in html
    assert (today + timedelta(days=3)).isoformat() in html  # the snooze field's default
    assert AuditEvent.objects.filter(actor=case_manager, action="list", summary__startswith="my tasks").exists()


def test_done_from_the_page(login, case_manager, client_a):
    reminder = ReminderFactory(client=client_a)
    response = login(case_manager).post(f"/tasks/{reminder.pk}/done/")
    assert response.status_code == 302 and response.url == "/tasks/"
    reminder.refresh_from_db()
    assert reminder.status == "done" and reminder.closed_by == case_manager


def test_snooze_from_the_page_and_a_refused_day_beside_the_field(login, case_manager, client_a, today):
    reminder = ReminderFactory(client=client_a)
    browser = login(case_manager)
    field = f"snooze-{reminder.pk}-until"

    refused = browser.post(f"/tasks/{reminder.pk}/snooze/", {field: (today - timedelta(days=3)).isoformat()})

    html = refused.content.decode()
    assert refused.status_code == 200
    assert f'aria-describedby="id_snooze-{reminder.pk}-until-error"' in html
    assert "Choose a day after today." in html
    assert f'value="{(today - timedelta(days=3)).isoformat()}"' in html  # what was typed stays
    assert html.count(f'id="task-{reminder.pk}"') == 1  # shown in its place on the list, once
    garbled = browser.post(f"/tasks/{reminder.pk}/snooze/", {field: "next week"})
    assert "Give a date" in garbled.content.decode() and 'value="next week"' in garbled.content.decode()
    reminder.refresh_from_db()
    assert reminder.snoozed_until is None

    response = browser.post(f"/tasks/{reminder.pk}/snooze/", {field: (today + timedelta(days=3)).isoformat()})
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.snoozed_until == today + timedelta(days=3)
    assert f'id="task-{reminder.pk}"' not in browser.get("/tasks/").content.decode()


def test_dismiss_from_the_page_needs_a_reason_beside_the_field(login, case_manager, client_a):
    reminder = ReminderFactory(client=client_a)
    browser = login(case_manager)
    field = f"dismiss-{reminder.pk}-reason"

    refused = browser.post(f"/tasks/{reminder.pk}/dismiss/", {field: "   "})
    assert "Say why this task does not need doing." in refused.content.decode()
    assert f'id="id_{field}-error"' in refused.content.decode()
    too_long = browser.post(f"/tasks/{reminder.pk}/dismiss/", {field: "x" * 301})
    assert "x" * 301 in too_long.content.decode()  # kept, with the message beside it
    reminder.refresh_from_db()
    assert reminder.status == "open"

    browser.post(f"/tasks/{reminder.pk}/dismiss/", {field: "He moved to another region."})
    reminder.refresh_from_db()
    assert (reminder.status, reminder.dismiss_reason) == ("dismissed", "He moved to another region.")


@pytest.mark.parametrize("action", ["done", "snooze", "dismiss"])
def test_a_reminder_of_someone_else_is_not_found(login, outsider, teammate, client_a, action):
    reminder = ReminderFactory(client=client_a)
    for person in (outsider, teammate):  # another team's case manager; a colleague it does not belong to
        browser = login(person)
        assert browser.post(f"/tasks/{reminder.pk}/{action}/", {}).status_code == 404
        assert browser.get(f"/tasks/{reminder.pk}/{action}/").status_code == 404
    reminder.refresh_from_db()
    assert reminder.status == "open" and reminder.snoozed_until is None


def test_the_supervisor_of_the_team_may_close_a_case_managers_reminder(login, supervisor, client_a):
    reminder = ReminderFactory(client=client_a)
    assert login(supervisor).post(f"/tasks/{reminder.pk}/done/").status_code == 302
    reminder.refresh_from_db()
    assert reminder.closed_by == supervisor


# --- the daily digest -----------------------------------------------------------------------------


def _digest_setup(case_manager, teammate, client_a, today):
    ReminderFactory(client=client_a, due_on=today - timedelta(days=1), title="Call about the housing application")
    ReminderFactory(client=client_a, due_on=today, kind=Kind.PLAN_REVIEW, title="Review care plan version 1")
    other = ClientFactory(case_manager=teammate, legal_family_name="Abildgaard")
    ReminderFactory(client=other, due_on=today)
    ClientFactory(case_manager=UserFactory(username="idle"))  # nothing due: no digest


def test_one_digest_per_person_per_day_even_when_run_twice(case_manager, teammate, client_a, today):
    _digest_setup(case_manager, teammate, client_a, today)

    assert send_digests.delay().get() == 2
    assert send_digests.delay().get() == 0

    assert sorted(message.to[0] for message in mail.outbox) == ["anna@agency.example", "anton@agency.example"]
    rows = DigestDelivery.objects.filter(day=today).order_by("recipient__username")
    assert [(r.recipient.username, r.status, r.attempts, r.items) for r in rows] == [
        ("anna", "sent", 1, 2), ("anton", "sent", 1, 1),
    ]
    assert send_digest.delay(rows[0].pk).get() is False
    assert len(mail.outbox) == 2


def test_the_digest_names_clients_by_number_only(case_manager, teammate, client_a, today):
    _digest_setup(case_manager, teammate, client_a, today)
    send_digests.delay(today.isoformat())

    [message] = [m for m in mail.outbox if m.to == ["anna@agency.example"]]
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "2 to do" in message.subject
    for body in (message.body, html):
        assert client_a.client_number in body
        assert "Sørensen" not in body and "Mikkel" not in body and "Abildgaard" not in body
        assert f"/clients/{client_a.pk}/" in body and "/tasks/" in body
        assert "Call about the housing application" in body
    assert message.body.index("OVERDUE") < message.body.index("TODAY")


def test_a_digest_stuck_in_sending_is_sent_again_by_the_next_run(case_manager, teammate, client_a, today):
    _digest_setup(case_manager, teammate, client_a, today)
    stuck = DigestDelivery.objects.create(
        recipient=case_manager, day=today, status="sending", attempts=1, started_at=timezone.now() - timedelta(minutes=20)
    )
    recent = DigestDelivery.objects.create(
        recipient=teammate, day=today, status="sending", attempts=1, started_at=timezone.now() - timedelta(minutes=5)
    )

    send_digests.delay()

    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert (stuck.status, stuck.attempts) == ("sent", 2)
    assert recent.status == "sending"  # may still be on its way: left alone
    assert [m.to for m in mail.outbox] == [["anna@agency.example"]]


def test_a_failed_send_is_retried_and_goes_once(case_manager, client_a, today):
    ReminderFactory(client=client_a, due_on=today)
    row = DigestDelivery.objects.create(recipient=case_manager, day=today, items=1)
    sent = []

    def flaky_send(message, *args, **kwargs):
        if not sent:
            sent.append("refused")
            raise ConnectionRefusedError("mail server down")
        sent.append(message.to[0])
        return 1

    with mock.patch("django.core.mail.EmailMessage.send", autospec=True, side_effect=flaky_send):
        result = send_digest.apply(args=[row.pk], throw=False)  # Celery's own retry, run in-process

    assert result.successful() and result.get() is True
    assert sent == ["refused", "anna@agency.example"]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error) == ("sent", 2, "")
    assert send_digests.delay().get() == 0  # nothing left to send


def test_a_digest_that_keeps_failing_stops_at_the_cap(case_manager, client_a, today):
    ReminderFactory(client=client_a, due_on=today)
    row = DigestDelivery.objects.create(recipient=case_manager, day=today, items=1)
    with (
        mock.patch.object(send_digest, "max_retries", 0),  # one attempt per run, as beat would start them
        mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("down")) as send,
    ):
        results = [send_digest.apply(args=[row.pk], throw=False) for _ in range(6)]
        assert send_digests.delay().get() == 0  # the cap is in the row: no run starts it again
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 5)
    assert send.call_count == 5 and results[-1].get() is False
    assert "ConnectionRefusedError" in row.error


def test_no_digest_when_nothing_is_due_yet(case_manager, client_a, today):
    ReminderFactory(client=client_a, kind=Kind.PLAN_REVIEW, due_on=today + timedelta(days=10))
    assert send_digests.delay().get() == 0
    assert mail.outbox == [] and not DigestDelivery.objects.exists()
    assert [r.kind for r in open_reminders_for(case_manager, today)] == [Kind.PLAN_REVIEW]  # on the page, though


def test_the_sweep_writes_each_title_in_its_assignees_language(case_manager, teammate, today):
    teammate.language = "fr"
    teammate.save()
    contact(registered(ClientFactory(case_manager=case_manager), 60), 15)
    contact(registered(ClientFactory(case_manager=teammate), 60), 15)
    draft(ClientFactory(case_manager=teammate), 30)

    sweep(today)

    day = local_day(15).isoformat()
    titles = {(reminder.assignee.username, reminder.kind): reminder.title for reminder in reminders()}
    assert titles[("anna", Kind.NO_CONTACT)] == f"No contact since {day} (limit 14 days)"
    assert titles[("anton", Kind.NO_CONTACT)] == f"Aucun contact depuis le {day} (limite 14 jours)"
    assert titles[("anton", Kind.UNSIGNED_NOTE)].startswith("Signer la note du contact « contact avec un tiers")


def test_the_digest_is_in_its_recipients_language(case_manager, teammate, client_a, today):
    _digest_setup(case_manager, teammate, client_a, today)
    case_manager.language = "da"
    case_manager.save()
    send_digests.delay(today.isoformat())

    [danish] = [m for m in mail.outbox if m.to == ["anna@agency.example"]]
    [(html, _mimetype)] = danish.alternatives
    assert danish.subject.startswith(f"Dine opgaver for {today.isoformat()}: 2 at gøre")
    assert "Godmorgen Anna" in danish.body and "Åbn din opgaveliste" in html
    [english] = [m for m in mail.outbox if m.to == ["anton@agency.example"]]
    assert english.subject.startswith("Your tasks for")
