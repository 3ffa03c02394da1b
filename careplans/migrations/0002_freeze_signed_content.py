"""The database itself refuses to change what has been signed (PostgreSQL and SQLite).

Once a version's `frozen_at` is set (at the first signature), its content columns, its goals'
content, and its objectives and actions cannot be inserted, changed or deleted, and no signature is
ever changed. A goal's progress status and the plan's status and dates stay updatable: they track
the plan, they are not what was signed.
"""

from django.db import migrations

PLAN_CONTENT = [
    "client_id", "number", "title", "client_summary", "strengths", "warning_signs", "coping_strategies",
    "distractions", "help_contacts", "professional_contacts", "safe_environment", "reasons_for_living",
    "content_hash", "frozen_at", "cosignature_required",
]
GOAL_CONTENT = ["plan_id", "client_id", "lineage", "position", "area", "client_words", "description"]


def _changed(columns):
    return " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)


def _changed_sqlite(columns):
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)


POSTGRES_CREATE = f"""
CREATE OR REPLACE FUNCTION careplans_plan_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.frozen_at IS NOT NULL THEN
            RAISE EXCEPTION 'care plan % is signed: its content cannot change', OLD.id;
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.frozen_at IS NOT NULL AND ({_changed(PLAN_CONTENT)}) THEN
        RAISE EXCEPTION 'care plan % is signed: its content cannot change', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER careplans_careplan_frozen BEFORE UPDATE OR DELETE ON careplans_careplan
    FOR EACH ROW EXECUTE FUNCTION careplans_plan_frozen();

CREATE OR REPLACE FUNCTION careplans_goal_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM careplans_careplan WHERE id = OLD.plan_id AND frozen_at IS NOT NULL
    ) AND (TG_OP = 'DELETE' OR {_changed(GOAL_CONTENT)}) THEN
        RAISE EXCEPTION 'goal % belongs to a signed care plan: its content cannot change', OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM careplans_careplan WHERE id = NEW.plan_id AND frozen_at IS NOT NULL
    ) AND (TG_OP = 'INSERT' OR {_changed(GOAL_CONTENT)}) THEN
        RAISE EXCEPTION 'care plan % is signed: no goal can be added or changed', NEW.plan_id;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER careplans_goal_frozen BEFORE INSERT OR UPDATE OR DELETE ON careplans_goal
    FOR EACH ROW EXECUTE FUNCTION careplans_goal_frozen();

CREATE OR REPLACE FUNCTION careplans_goal_part_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM careplans_goal g JOIN careplans_careplan p ON p.id = g.plan_id
        WHERE g.id = OLD.goal_id AND p.frozen_at IS NOT NULL
    ) THEN
        RAISE EXCEPTION 'this belongs to a signed care plan and cannot change';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM careplans_goal g JOIN careplans_careplan p ON p.id = g.plan_id
        WHERE g.id = NEW.goal_id AND p.frozen_at IS NOT NULL
    ) THEN
        RAISE EXCEPTION 'this belongs to a signed care plan and cannot change';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER careplans_objective_frozen BEFORE INSERT OR UPDATE OR DELETE ON careplans_objective
    FOR EACH ROW EXECUTE FUNCTION careplans_goal_part_frozen();
CREATE TRIGGER careplans_action_frozen BEFORE INSERT OR UPDATE OR DELETE ON careplans_action
    FOR EACH ROW EXECUTE FUNCTION careplans_goal_part_frozen();

CREATE OR REPLACE FUNCTION careplans_signature_final() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a signature is never changed or removed';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER careplans_signature_final BEFORE UPDATE OR DELETE ON careplans_signature
    FOR EACH ROW EXECUTE FUNCTION careplans_signature_final();
"""

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS careplans_careplan_frozen ON careplans_careplan;
DROP TRIGGER IF EXISTS careplans_goal_frozen ON careplans_goal;
DROP TRIGGER IF EXISTS careplans_objective_frozen ON careplans_objective;
DROP TRIGGER IF EXISTS careplans_action_frozen ON careplans_action;
DROP TRIGGER IF EXISTS careplans_signature_final ON careplans_signature;
DROP FUNCTION IF EXISTS careplans_plan_frozen();
DROP FUNCTION IF EXISTS careplans_goal_frozen();
DROP FUNCTION IF EXISTS careplans_goal_part_frozen();
DROP FUNCTION IF EXISTS careplans_signature_final();
"""

# SQLite (development only) refuses inserts and updates; it must allow DELETE, which is how Django
# empties tables between browser tests there. PostgreSQL empties them with TRUNCATE.
_FROZEN_GOAL = "SELECT 1 FROM careplans_goal g JOIN careplans_careplan p ON p.id = g.plan_id WHERE g.id = {} AND p.frozen_at IS NOT NULL"
_ABORT = "BEGIN SELECT RAISE(ABORT, 'signed care plan content cannot change'); END;"
SQLITE_CREATE = [
    f"""CREATE TRIGGER careplans_careplan_frozen BEFORE UPDATE ON careplans_careplan
    WHEN OLD.frozen_at IS NOT NULL AND ({_changed_sqlite(PLAN_CONTENT)}) {_ABORT}""",
    f"""CREATE TRIGGER careplans_goal_frozen_insert BEFORE INSERT ON careplans_goal
    WHEN EXISTS (SELECT 1 FROM careplans_careplan WHERE id = NEW.plan_id AND frozen_at IS NOT NULL) {_ABORT}""",
    f"""CREATE TRIGGER careplans_goal_frozen_update BEFORE UPDATE ON careplans_goal
    WHEN EXISTS (SELECT 1 FROM careplans_careplan WHERE id IN (OLD.plan_id, NEW.plan_id) AND frozen_at IS NOT NULL)
    AND ({_changed_sqlite(GOAL_CONTENT)}) {_ABORT}""",
]
for _table in ("objective", "action"):
    SQLITE_CREATE += [
        f"""CREATE TRIGGER careplans_{_table}_frozen_insert BEFORE INSERT ON careplans_{_table}
        WHEN EXISTS ({_FROZEN_GOAL.format("NEW.goal_id")}) {_ABORT}""",
        f"""CREATE TRIGGER careplans_{_table}_frozen_update BEFORE UPDATE ON careplans_{_table}
        WHEN EXISTS ({_FROZEN_GOAL.format("OLD.goal_id")}) OR EXISTS ({_FROZEN_GOAL.format("NEW.goal_id")}) {_ABORT}""",
    ]
SQLITE_CREATE.append(
    """CREATE TRIGGER careplans_signature_final BEFORE UPDATE ON careplans_signature
    BEGIN SELECT RAISE(ABORT, 'a signature is never changed'); END;"""
)
SQLITE_TRIGGERS = [
    "careplans_careplan_frozen", "careplans_goal_frozen_insert", "careplans_goal_frozen_update",
    "careplans_objective_frozen_insert", "careplans_objective_frozen_update",
    "careplans_action_frozen_insert", "careplans_action_frozen_update", "careplans_signature_final",
]


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
    dependencies = [("careplans", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
