"""The audit trail's hash chain: each entry carries a SHA-256 over its own fields and the hash before it.

An entry altered in the database no longer matches its hash; an entry removed leaves a gap in the
sequence and breaks the link of the one after it; entries cut off the end no longer reach the hash
that the chain head remembers. `verify_chain` walks the whole trail in batches and names the first
entry where any of that shows (`manage.py verify_audit`).

Order: the chain head is one row, locked (SELECT ... FOR UPDATE) by the transaction that appends an
entry and held until it commits, so sequence numbers follow commit order on PostgreSQL; SQLite runs
one writing transaction at a time anyway. The price is that writes which are audited queue behind
one another for the moment between their audit entry and their commit.

On PostgreSQL an entry is appended in one statement (`APPEND_SQL`): lock the head, hash, move the head
on and insert, with the hash worked out by the database over the same bytes Python hashes (the
canonical JSON is sent in two halves around the sequence number, which only the locked head knows).
Every page that shows client data writes an entry: one round trip instead of five (BEGIN, SELECT,
INSERT, UPDATE, COMMIT). SQLite takes the steps one by one.

The chain shows tampering; it cannot stop someone with write access to the whole database from
rewriting every hash after an edit. `verify_audit` prints the head's hash, so an agency can keep a
copy of it outside the database (a daily e-mail, a ticket) and compare.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connections, transaction

GENESIS_HASH = "0" * 64
HEAD_ID = 1

# The fields that are hashed, in this order. `sequence` is in: moving an entry is an alteration too.
CHAINED_FIELDS = (
    "sequence", "at", "actor_id", "actor_name", "action", "client_id", "object_type", "object_id",
    "summary", "changes", "remote_addr", "user_agent",
)


def _canonical_value(value):
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    if hasattr(value, "isoformat"):  # a datetime: stored with microseconds, compared in UTC
        from datetime import UTC

        return value.astimezone(UTC).isoformat()
    return str(value)  # a UUID


def canonical_entry(event) -> bytes:
    """The entry's hashed fields as compact JSON with sorted keys: the same bytes on every database."""
    fields = {name: _canonical_value(getattr(event, name)) for name in CHAINED_FIELDS}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(previous_hash: str, event) -> str:
    return hashlib.sha256(previous_hash.encode() + b"\n" + canonical_entry(event)).hexdigest()


def _normalise(event) -> None:
    """Make the values hashed the values stored: what the database keeps is what is checked later."""
    field = event._meta.get_field("remote_addr")
    event.remote_addr = field.get_prep_value(event.remote_addr)
    for name in ("actor_name", "summary", "user_agent", "object_type", "object_id"):
        limit = event._meta.get_field(name).max_length
        setattr(event, name, (getattr(event, name) or "")[:limit])
    if event.changes is not None:
        # What JSON gives back: tuples become lists, keys become strings.
        event.changes = json.loads(json.dumps(event.changes, default=str))


def _locked_head():
    from caseload.models import AuditChainHead

    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is None:
        # The row exists from the migration on; a test database emptied by TRUNCATE loses it, and two
        # first writers must not both create it.
        AuditChainHead.objects.bulk_create([AuditChainHead(pk=HEAD_ID)], ignore_conflicts=True)
        head = AuditChainHead.objects.select_for_update().get(pk=HEAD_ID)
    return head


def canonical_halves(event) -> tuple[str, str]:
    """The canonical JSON of `event` before and after its sequence number: `before + str(n) + after`
    is `canonical_entry` of the event at place n. The keys are sorted, so "sequence" sits between
    "remote_addr" and "summary" at the top level, whatever the values hold."""
    fields = {name: _canonical_value(getattr(event, name)) for name in CHAINED_FIELDS if name != "sequence"}
    dump = lambda part: json.dumps(part, sort_keys=True, separators=(",", ":"), ensure_ascii=False)  # noqa: E731
    before = dump({name: value for name, value in fields.items() if name < "sequence"})
    after = dump({name: value for name, value in fields.items() if name > "sequence"})
    return before[:-1] + ',"sequence":', "," + after[1:]


APPEND_SQL = """
WITH head AS (
    SELECT sequence + 1 AS sequence, last_hash AS previous FROM {head} WHERE id = %s FOR UPDATE
), entry AS (
    SELECT sequence, previous,
           encode(sha256(convert_to(previous || chr(10) || %s || sequence::text || %s, 'UTF8')), 'hex') AS hash
    FROM head
), moved AS (
    UPDATE {head} SET sequence = entry.sequence, last_hash = entry.hash FROM entry WHERE {head}.id = %s
    RETURNING {head}.id
)
INSERT INTO {events} ({columns}, sequence, previous_hash, entry_hash)
SELECT {values}, entry.sequence, entry.previous, entry.hash FROM entry, moved
RETURNING id, sequence, previous_hash, entry_hash
"""


def _append_in_one_statement(event, using: str) -> bool:
    """PostgreSQL: the whole append as one statement. False when there is no chain head to lock."""
    from caseload.models import AuditChainHead

    connection = connections[using]
    meta = event._meta
    fields = [field for field in meta.concrete_fields
              if not field.primary_key and field.attname not in ("sequence", "previous_hash", "entry_hash")]
    quote = connection.ops.quote_name
    sql = APPEND_SQL.format(
        head=quote(AuditChainHead._meta.db_table), events=quote(meta.db_table),
        columns=", ".join(quote(field.column) for field in fields),
        # Typed: in INSERT … SELECT the database cannot take the types from the columns.
        values=", ".join(f"CAST(%s AS {field.cast_db_type(connection)})" for field in fields),
    )
    values = [field.get_db_prep_save(field.pre_save(event, True), connection) for field in fields]
    before, after = canonical_halves(event)  # after pre_save: what is hashed is what is stored
    with connection.cursor() as cursor:
        cursor.execute(sql, [HEAD_ID, before, after, HEAD_ID, *values])
        row = cursor.fetchone()
    if row is None:
        return False
    event.pk, event.sequence, event.previous_hash, event.entry_hash = row
    event._state.adding, event._state.db = False, using
    return True


def link(event, insert, *, using: str = "default") -> None:
    """Give `event` the next place in the chain and insert it with `insert()`, in one transaction.

    The head stays locked until the surrounding transaction commits (or rolls back, taking the
    entry and the head's advance with it).
    """
    if connections[using].vendor == "postgresql":
        _normalise(event)
        if _append_in_one_statement(event, using):
            return
        # No head row to lock (a test database emptied by TRUNCATE): make it, then append.
        from caseload.models import AuditChainHead

        AuditChainHead.objects.using(using).bulk_create([AuditChainHead(pk=HEAD_ID)], ignore_conflicts=True)
        if _append_in_one_statement(event, using):
            return
    # No savepoint of its own: an entry that fails takes the surrounding transaction down with it.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        _normalise(event)
        event.sequence = head.sequence + 1
        event.previous_hash = head.last_hash
        event.entry_hash = entry_hash(head.last_hash, event)
        insert()
        head.sequence = event.sequence
        head.last_hash = event.entry_hash
        head.save(update_fields=["sequence", "last_hash"])


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"entry #{self.sequence}" + (f" (id {self.entry_id})" if self.entry_id is not None else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_hash: str
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def _entries_in_batches(batch_size: int) -> Iterator:
    from caseload.models import AuditEvent

    after = 0
    while True:
        batch = list(
            AuditEvent.objects.order_by("sequence")
            .filter(sequence__gt=after)
            .only("id", "previous_hash", "entry_hash", *CHAINED_FIELDS)[:batch_size]
        )
        if not batch:
            return
        yield from batch
        after = batch[-1].sequence


def verify_chain(*, batch_size: int = 1000) -> ChainReport:
    """Walk the whole trail in sequence order, one batch in memory at a time."""
    from caseload.models import AuditChainHead

    expected_sequence, running_hash, checked = 1, GENESIS_HASH, 0
    for event in _entries_in_batches(batch_size):
        if event.sequence != expected_sequence:
            reason = f"entries #{expected_sequence} to #{event.sequence - 1} were removed"
            if event.sequence - 1 == expected_sequence:
                reason = f"entry #{expected_sequence} was removed"
            return ChainReport(checked, running_hash, ChainBreak(expected_sequence, None, reason))
        if event.previous_hash != running_hash:
            reason = "its link to the entry before it was altered"
            return ChainReport(checked, running_hash, ChainBreak(event.sequence, event.pk, reason))
        if entry_hash(running_hash, event) != event.entry_hash:
            reason = "its content was altered after it was written"
            return ChainReport(checked, running_hash, ChainBreak(event.sequence, event.pk, reason))
        running_hash = event.entry_hash
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=HEAD_ID).first()
    last_sequence, last_hash = (head.sequence, head.last_hash) if head else (0, GENESIS_HASH)
    if last_sequence > checked:
        reason = f"the trail ends at #{checked} but {last_sequence} entries were written: the last were removed"
        return ChainReport(checked, running_hash, ChainBreak(checked + 1, None, reason))
    if last_sequence < checked or last_hash != running_hash:
        reason = "the chain head does not match the last entry: the head or the end of the trail was altered"
        return ChainReport(checked, running_hash, ChainBreak(checked, None, reason))
    return ChainReport(checked, running_hash, None)

