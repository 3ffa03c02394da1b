from django.db import migrations, models

SQLITE_TRIGGER = """CREATE TRIGGER IF NOT EXISTS caseload_auditevent_no_update BEFORE UPDATE ON caseload_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;"""


def keep_sqlite_append_only(apps, schema_editor):
    # SQLite alters a column by copying the table, which leaves its triggers behind: add it back.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("caseload", "0012_audit_hash_chain")]

    operations = [
        migrations.AlterField(
            model_name="auditevent", name="sequence", field=models.BigIntegerField(editable=False, unique=True)
        ),
        migrations.RunPython(keep_sqlite_append_only, migrations.RunPython.noop),
    ]
