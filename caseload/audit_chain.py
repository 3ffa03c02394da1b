"""The audit trail's hash chain: each entry carries a SHA-256 over its own fields and the hash before it.

An entry altered in the database no longer matches its hash; an entry removed leaves a gap in the
sequence and breaks the link of the one after it; entries cut off the end no longer reach the hash
that the chain head remembers. `verify_chain` walks the whole trail in batches and names the first
entry where any of that shows (`manage.py verify_audit`).

Order: the chain head is one row, locked (SELECT ... FOR UPDATE) by the transaction that appends an
entry and held until it commits, so sequence numbers follow commit order on PostgreSQL; SQLite runs
one writing transaction at a time anyway. The price is that writes which are audited queue behind
one another for the moment between their audit entry and their commit.

The chain shows tampering; it cannot stop someone with write access to the whole database from
rewriting every hash after an edit. `verify_audit` prints the head's hash, so an agency can keep a
copy of it outside the database (a daily e-mail, a ticket) and compare.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction

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


def link(event, insert) -> None:
    """Give `event` the next place in the chain and insert it with `insert()`, in one transaction.

    The head stays locked until the surrounding transaction commits (or rolls back, taking the
    entry and the head's advance with it).
    """
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

