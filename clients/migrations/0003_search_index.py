"""A trigram index for finding clients by part of a name or number, on PostgreSQL.

Search is "contains" on `search_text` (LIKE '%WORD%'), which no b-tree index helps; a GIN trigram
index does. SQLite, used only in development, goes without.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS clients_client_search_text_trgm ON clients_client USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS clients_client_search_text_trgm"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_search_text")]

    operations = [migrations.RunPython(forwards, backwards)]
