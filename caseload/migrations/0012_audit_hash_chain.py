"""Chain the audit trail: each entry gets its place, the hash before it and its own hash.

Existing entries are chained in the order they were written (time, then id). The append-only
trigger refuses UPDATE, so it is set aside for the backfill, inside this migration's transaction.
"""

from django.db import migrations, models

from caseload import audit_chain


def chain_existing_entries(apps, schema_editor):
    AuditEvent = apps.get_model("caseload", "AuditEvent")
    AuditChainHead = apps.get_model("caseload", "AuditChainHead")
    connection = schema_editor.connection
    vendor = connection.vendor
    sequence, last_hash = 0, audit_chain.GENESIS_HASH
    entries = AuditEvent.objects.order_by("at", "id")
    if entries.exists():
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE caseload_auditevent DISABLE TRIGGER caseload_auditevent_append_only")
            elif vendor == "sqlite":
                cursor.execute("DROP TRIGGER IF EXISTS caseload_auditevent_no_update")
            for event in entries.iterator(chunk_size=1000):
                sequence += 1
                event.sequence = sequence
                event.previous_hash = last_hash
                event.entry_hash = last_hash = audit_chain.entry_hash(last_hash, event)
                cursor.execute(
                    "UPDATE caseload_auditevent SET sequence = %s, previous_hash = %s, entry_hash = %s WHERE id = %s",
                    [event.sequence, event.previous_hash, event.entry_hash, event.pk],
                )
            if vendor == "postgresql":
                cursor.execute("ALTER TABLE caseload_auditevent ENABLE TRIGGER caseload_auditevent_append_only")
            elif vendor == "sqlite":
                cursor.execute(
                    """CREATE TRIGGER caseload_auditevent_no_update BEFORE UPDATE ON caseload_auditevent
                    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;"""
                )
    AuditChainHead.objects.create(pk=audit_chain.HEAD_ID, sequence=sequence, last_hash=last_hash)


class Migration(migrations.Migration):
    dependencies = [("caseload", "0011_supervision_report")]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sequence", models.BigIntegerField(default=0)),
                ("last_hash", models.CharField(default="0" * 64, max_length=64)),
            ],
        ),
        migrations.AddField(
            model_name="auditevent", name="sequence", field=models.BigIntegerField(editable=False, null=True)
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(editable=False, max_length=64, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="entry_hash",
            field=models.CharField(editable=False, max_length=64, default=""),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop),
    ]
