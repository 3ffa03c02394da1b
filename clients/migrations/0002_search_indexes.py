"""Trigram indexes for searching names anywhere in a word, on PostgreSQL.

Name search is a case-insensitive "contains" (UPPER(name) LIKE UPPER('%word%')), which no b-tree
index helps; a GIN trigram index on the same expression does. SQLite, used only in development, goes
without.
"""

from django.db import migrations

NAME_FIELDS = ("legal_given_name", "legal_family_name", "preferred_name")

CREATE = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
    f"CREATE INDEX IF NOT EXISTS clients_client_{field}_trgm ON clients_client "
    f"USING gin (UPPER({field}::text) gin_trgm_ops)"
    for field in NAME_FIELDS
] + ["CREATE INDEX IF NOT EXISTS clients_client_number_upper ON clients_client (UPPER(client_number::text))"]

DROP = [f"DROP INDEX IF EXISTS clients_client_{field}_trgm" for field in NAME_FIELDS] + [
    "DROP INDEX IF EXISTS clients_client_number_upper"
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
