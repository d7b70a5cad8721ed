"""Ranked search over programmes: an FTS5 table on SQLite; on PostgreSQL a stored tsvector and a
term count with a partial GIN index. The index fills itself on the first search."""

from django.db import migrations

from d4sme.reports.search import LexicalIndex

INDEX = LexicalIndex(table="programmes_programme", fts_table="programmes_programme_fts")


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_eligibility_stated_and_historical_status")]
    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: INDEX.create(schema_editor),
            lambda apps, schema_editor: INDEX.drop(schema_editor),
        )
    ]
