"""The audit trail's hash chain, `manage.py verify_audit`, and writes that fail with their audit entry."""

import threading
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.urls import reverse

from caseload import audit, audit_chain
from caseload.models import AuditChainHead, AuditEvent, ProgressNote
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

SQLITE_TRIGGER = """CREATE TRIGGER caseload_auditevent_no_update BEFORE UPDATE ON caseload_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;"""


@contextmanager
def trigger_set_aside():
    """What someone with direct database access would do first: turn off the append-only trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off, this transaction only
        else:
            cursor.execute("DROP TRIGGER caseload_auditevent_no_update")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        else:
            cursor.execute(SQLITE_TRIGGER)


def verify(**options) -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out, **options)
    return out.getvalue()


def five_entries(client):
    for number in range(5):
        audit.record(action="view", client_id=client.pk, summary=f"read {number}")
    return list(AuditEvent.objects.filter(summary__startswith="read ").order_by("sequence"))


def test_each_entry_carries_the_hash_of_the_one_before(client_a):
    entries = five_entries(client_a)
    sequences = [entry.sequence for entry in entries]
    assert sequences == list(range(sequences[0], sequences[0] + 5))
    for before, entry in zip(entries, entries[1:], strict=False):
        assert entry.previous_hash == before.entry_hash
        assert entry.entry_hash == audit_chain.entry_hash(before.entry_hash, entry)
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.last_hash) == (entries[-1].sequence, entries[-1].entry_hash)


def test_the_hash_covers_what_the_database_gives_back(client_a, case_manager):
    """Unicode, nested changes and an IPv6 address read back exactly as they were hashed."""
    token = audit.set_context(actor=case_manager, remote_addr="2001:DB8::0:1", user_agent="Tablet ✓ " + "x" * 400)
    try:
        audit.record(
            action="update", client_id=client_a.pk, obj=client_a, summary="Søren «quoted» 名前 " * 30,
            changes={"city": ["", "Århus"], "score": [1.5, 2], "flags": [None, ["a", {"b": True}]]},
        )
    finally:
        audit.reset_context(token)
    assert "intact" in verify()


def test_the_canonical_entry_splits_around_its_place_in_the_chain_whatever_the_values_hold(client_a):
    """PostgreSQL hashes `before + sequence + after`: the same bytes as Python's canonical entry."""
    audit.record(
        action="update", client_id=client_a.pk, obj=client_a, summary='"sequence":7, "summary":"x"}',
        changes={"sequence": [1, 2], "zz": ["a\tb", "é"], "remote_addr": [None, "::1"]},
    )
    entry = AuditEvent.objects.get(summary__startswith='"sequence"')
    before, after = audit_chain.canonical_halves(entry)
    assert (before + str(entry.sequence) + after).encode() == audit_chain.canonical_entry(entry)
    assert entry.entry_hash == audit_chain.entry_hash(entry.previous_hash, entry)
    assert "intact" in verify()


@pytest.mark.postgres
def test_on_postgresql_an_entry_is_appended_in_one_statement(client_a, django_assert_num_queries):
    """Lock the head, hash, move the head on and insert: one round trip on every page that shows client data."""
    with django_assert_num_queries(1):
        audit.record(action="view", client_id=client_a.pk, summary="one statement")
    entry = AuditEvent.objects.get(summary="one statement")
    assert entry.entry_hash == audit_chain.entry_hash(entry.previous_hash, entry)
    assert AuditChainHead.objects.get().last_hash == entry.entry_hash


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_first_entry_after_the_trail_was_emptied_makes_the_head(client_a):
    with connection.cursor() as cursor:  # what a test database flushed between tests looks like
        cursor.execute('TRUNCATE "caseload_auditevent", "caseload_auditchainhead"')
    audit.record(action="view", client_id=client_a.pk, summary="after truncate")
    assert AuditChainHead.objects.get().last_hash == AuditEvent.objects.get(summary="after truncate").entry_hash


def test_verify_audit_reports_an_intact_trail_and_the_hash_it_ends_with(client_a):
    entries = five_entries(client_a)
    output = verify()
    assert f"{len(AuditEvent.objects.all())} entries" in output
    assert entries[-1].entry_hash in output


def test_verify_audit_names_the_entry_that_was_edited_in_the_database(client_a):
    entries = five_entries(client_a)
    altered = entries[2]
    with trigger_set_aside() as cursor:
        cursor.execute("UPDATE caseload_auditevent SET summary = 'nothing to see' WHERE id = %s", [altered.pk])
    with pytest.raises(CommandError, match=rf"entry #{altered.sequence} \(id {altered.pk}\): its content was altered"):
        verify()


def test_verify_audit_finds_an_edit_that_recomputed_the_entrys_own_hash(client_a):
    entries = five_entries(client_a)
    altered = entries[1]
    altered.summary = "rewritten"
    forged = audit_chain.entry_hash(altered.previous_hash, altered)
    with trigger_set_aside() as cursor:
        cursor.execute(
            "UPDATE caseload_auditevent SET summary = 'rewritten', entry_hash = %s WHERE id = %s", [forged, altered.pk]
        )
    with pytest.raises(CommandError, match=rf"entry #{entries[2].sequence} .*link to the entry before it"):
        verify()


def test_verify_audit_names_the_entry_that_was_removed(client_a):
    entries = five_entries(client_a)
    removed = entries[3]
    with trigger_set_aside() as cursor:
        cursor.execute("DELETE FROM caseload_auditevent WHERE id = %s", [removed.pk])
    with pytest.raises(CommandError, match=rf"entry #{removed.sequence} was removed"):
        verify()


def test_verify_audit_notices_entries_cut_off_the_end(client_a):
    entries = five_entries(client_a)
    with trigger_set_aside() as cursor:
        cursor.execute("DELETE FROM caseload_auditevent WHERE sequence >= %s", [entries[-2].sequence])
    with pytest.raises(CommandError, match="the last were removed"):
        verify()


def test_verify_audit_notices_a_chain_head_that_no_longer_matches_the_trail(client_a):
    five_entries(client_a)
    AuditChainHead.objects.update(last_hash="f" * 64)
    with pytest.raises(CommandError, match="the chain head does not match the last entry"):
        verify()


def test_verify_audit_reads_the_trail_in_batches(client_a, django_assert_num_queries):
    entries = five_entries(client_a)
    total = AuditEvent.objects.count()
    batches = -(-total // 2) + 1  # full batches, then the empty one that ends the walk
    with django_assert_num_queries(batches + 1):  # and the head
        report = audit_chain.verify_chain(batch_size=2)
    assert report.intact and report.checked == total and report.head_hash == entries[-1].entry_hash


def test_entries_cannot_be_bulk_inserted_around_the_chain(client_a):
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.bulk_create([AuditEvent(action="view", client=client_a)])


def test_no_application_code_changes_or_removes_audit_entries():
    """Outside migrations and tests, nothing names the audit table in SQL or updates the trail."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in {".venv", "tests", "bench"} or "migrations" in relative.parts:
            continue
        text = path.read_text()
        if "caseload_auditevent" in text or "AuditEvent.objects.update" in text:
            offenders.append(str(relative))
        if "AuditEvent" in text and any(word in text for word in ("audit_events.update(", "audit_events.all().delete(")):
            offenders.append(str(relative))
    assert offenders == []


class TestAChangeWhoseEntryCannotBeWritten:
    """The entry is written in the change's transaction: no entry, no change, and no client data shown."""

    @pytest.fixture
    def writes_unaudited(self):
        link = audit_chain.link

        def fail_unless_a_read(event, insert):
            if event.action in ("view", "list", "search"):
                return link(event, insert)
            raise DatabaseError("audit store unavailable")

        with mock.patch.object(audit_chain, "link", side_effect=fail_unless_a_read):
            yield

    @pytest.fixture
    def browser(self, login, case_manager):
        browser = login(case_manager)
        browser.raise_request_exception = False
        return browser

    def test_an_edit_of_the_client_record_is_not_saved(self, browser, client_a, writes_unaudited):
        form = browser.get(reverse("clients:edit", args=[client_a.pk])).context["form"]
        data = {name: value for name, value in form.initial.items() if value is not None}
        data.update(version=client_a.version, city="Aarhus", date_of_birth="1989-04-02")
        response = browser.post(reverse("clients:edit", args=[client_a.pk]), data)
        assert response.status_code == 500
        page = response.content.decode()
        assert "Mikkel" not in page and "Sørensen" not in page and "Aarhus" not in page
        client_a.refresh_from_db()
        assert client_a.city == "" and client_a.version == 1

    def test_a_progress_note_is_not_saved(self, browser, client_a, writes_unaudited):
        response = browser.post(
            reverse("notes:new", args=[client_a.pk]),
            {"contact_at": "2026-01-05T10:00", "duration_minutes": "30", "contact_type": "phone", "format": "free",
             "free_text": "Talked about the move.", "sign": "1"},
        )
        assert response.status_code == 500
        assert "Talked about the move" not in response.content.decode()
        assert not ProgressNote.objects.filter(client=client_a).exists()

    def test_a_record_is_not_shown_if_its_reading_cannot_be_recorded(self, login, case_manager, client_a):
        browser = login(case_manager)
        browser.raise_request_exception = False
        with mock.patch.object(audit_chain, "link", side_effect=DatabaseError("audit store unavailable")):
            response = browser.get(reverse("clients:detail", args=[client_a.pk]))
        assert response.status_code == 500
        assert "Mikkel" not in response.content.decode()

    @pytest.mark.django_db(transaction=True)
    def test_a_save_outside_any_transaction_leaves_nothing_behind(self, case_manager, client_a, writes_unaudited):
        with pytest.raises(DatabaseError):
            ContactFactory(client=client_a, name="Karen Sørensen")
        assert not client_a.contacts.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain(client_a):
    """Eight threads append at once on PostgreSQL: the head's row lock gives one order, no gap, no fork."""
    writers, per_writer = 8, 10
    start = threading.Barrier(writers)
    errors = []

    def write(number):
        try:
            start.wait()
            for entry in range(per_writer):
                with transaction.atomic():
                    audit.record(action="view", client_id=client_a.pk, summary=f"writer {number} entry {entry}")
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(number,)) for number in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = audit_chain.verify_chain(batch_size=7)
    assert report.intact
    assert AuditEvent.objects.filter(summary__startswith="writer ").count() == writers * per_writer
