"""The database keeps its full-text index in step with ``search_searchdocument`` by itself:
an external-content FTS5 table with triggers on SQLite; a trigger-filled ``tsvector`` with a
GIN index on PostgreSQL. Triggers also fire on the deletes of a test database flush."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "tokens, content='search_searchdocument', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); END",
    "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER search_fts_update",
    "DROP TRIGGER search_fts_delete",
    "DROP TRIGGER search_fts_insert",
    "DROP TABLE search_fts",
]
POSTGRESQL_FORWARD = [
    "CREATE TRIGGER search_vector_update BEFORE INSERT OR UPDATE OF tokens "
    "ON search_searchdocument FOR EACH ROW EXECUTE FUNCTION "
    "tsvector_update_trigger(vector, 'pg_catalog.simple', tokens)",
    "CREATE INDEX search_document_vector_gin ON search_searchdocument USING gin (vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX search_document_vector_gin",
    "DROP TRIGGER search_vector_update ON search_searchdocument",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        )
    ]
