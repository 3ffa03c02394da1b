"""The database itself refuses to change or delete an audit entry (PostgreSQL and SQLite)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION caseload_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER caseload_auditevent_append_only
    BEFORE UPDATE OR DELETE ON caseload_auditevent
    FOR EACH ROW EXECUTE FUNCTION caseload_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS caseload_auditevent_append_only ON caseload_auditevent;
DROP FUNCTION IF EXISTS caseload_audit_append_only();
"""


# SQLite (development only) refuses updates; it must allow DELETE, which is how Django empties
# tables between tests there. PostgreSQL empties them with TRUNCATE, so it refuses both.
SQLITE_CREATE = [
    """CREATE TRIGGER caseload_auditevent_no_update BEFORE UPDATE ON caseload_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;"""
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS caseload_auditevent_no_update"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("caseload", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
