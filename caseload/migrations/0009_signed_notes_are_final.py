"""The database itself refuses to change a signed progress note or the goals it addressed."""

from django.db import migrations

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION caseload_note_final() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'progress note % is signed: corrections are addenda', OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER caseload_progressnote_final BEFORE UPDATE OR DELETE ON caseload_progressnote
    FOR EACH ROW EXECUTE FUNCTION caseload_note_final();

CREATE OR REPLACE FUNCTION caseload_note_goal_final() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM caseload_progressnote WHERE status = 'signed' AND id IN (
        CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.note_id END,
        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.note_id END
    )) THEN
        RAISE EXCEPTION 'the goals of a signed progress note cannot change';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER caseload_notegoal_final BEFORE INSERT OR UPDATE OR DELETE ON caseload_notegoal
    FOR EACH ROW EXECUTE FUNCTION caseload_note_goal_final();
"""

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS caseload_progressnote_final ON caseload_progressnote;
DROP TRIGGER IF EXISTS caseload_notegoal_final ON caseload_notegoal;
DROP FUNCTION IF EXISTS caseload_note_final();
DROP FUNCTION IF EXISTS caseload_note_goal_final();
"""

# SQLite (development only) refuses updates and inserts; DELETE stays possible for Django's test flush.
_ABORT = "BEGIN SELECT RAISE(ABORT, 'a signed progress note is final'); END;"
SQLITE_CREATE = [
    f"CREATE TRIGGER caseload_progressnote_final BEFORE UPDATE ON caseload_progressnote "
    f"WHEN OLD.status = 'signed' {_ABORT}",
    f"CREATE TRIGGER caseload_notegoal_final_insert BEFORE INSERT ON caseload_notegoal "
    f"WHEN EXISTS (SELECT 1 FROM caseload_progressnote WHERE id = NEW.note_id AND status = 'signed') {_ABORT}",
    f"CREATE TRIGGER caseload_notegoal_final_update BEFORE UPDATE ON caseload_notegoal "
    f"WHEN EXISTS (SELECT 1 FROM caseload_progressnote WHERE id IN (OLD.note_id, NEW.note_id) AND status = 'signed') "
    f"{_ABORT}",
]
SQLITE_TRIGGERS = ["caseload_progressnote_final", "caseload_notegoal_final_insert", "caseload_notegoal_final_update"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("caseload", "0008_notes_and_reminders")]

    operations = [migrations.RunPython(forwards, backwards)]
