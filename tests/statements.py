"""Counting the statements a request sends, with each audit entry counted as one.

On PostgreSQL an audit entry is one statement (caseload.audit_chain.APPEND_SQL); SQLite takes three:
read the chain head, insert the entry, move the head on. The counts the tests assert are the same on
both: the head's own statements are left out, the entry's INSERT is counted.
"""

AUDIT_INSERT = 'INSERT INTO "caseload_auditevent"'
CHAIN_HEAD = '"caseload_auditchainhead"'


def is_chain_head_step(sql: str) -> bool:
    return CHAIN_HEAD in sql and AUDIT_INSERT not in sql


def statements(captured) -> list[str]:
    """The SQL of a CaptureQueriesContext, the chain head's own steps left out."""
    return [query["sql"] for query in captured.captured_queries if not is_chain_head_step(query["sql"])]


def statement_count(captured) -> int:
    return len(statements(captured))
