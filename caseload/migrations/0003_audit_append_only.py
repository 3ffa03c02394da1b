"""On PostgreSQL the database itself refuses to change or delete an audit entry."""

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


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("caseload", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
