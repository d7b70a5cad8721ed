"""Full-text indexes: an FTS5 table on SQLite, a partial GIN index on PostgreSQL."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE casestudies_case_fts USING fts5("
            "search_text, tokenize = 'unicode61 remove_diacritics 2')"
        )
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX casestudies_case_fulltext ON casestudies_case "
            "USING gin (to_tsvector('simple', search_text)) WHERE status = 'published'"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS casestudies_case_fts")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS casestudies_case_fulltext")


class Migration(migrations.Migration):
    dependencies = [("casestudies", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
