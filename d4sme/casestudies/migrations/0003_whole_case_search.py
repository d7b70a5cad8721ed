"""Search the whole case with stemmed any-word BM25, and give cases a free-text outcomes field.

The terms move out of the raw text: on SQLite the FTS5 table is rebuilt to hold the analysed
terms; on PostgreSQL a stored tsvector and a term count join the table, with a partial GIN
index, in place of the expression index over ``to_tsvector('simple', search_text)``. Published
cases are indexed again; their vectors are recomputed by ``d4sme cases_reindex``.
"""

from django.db import migrations, models


def rebuild(apps, schema_editor):
    from d4sme.casestudies.search import INDEX, document_parts
    from d4sme.reports.search import document

    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS casestudies_case_fts")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS casestudies_case_fulltext")
    INDEX.create(schema_editor)
    Case = apps.get_model("casestudies", "Case")
    published = Case.objects.filter(status="published").prefetch_related(
        "pathway__term", "barriers", "programmes"
    )
    INDEX.put((case.pk, document(document_parts(case))) for case in published.iterator(500))


def unbuild(apps, schema_editor):
    from d4sme.casestudies.search import INDEX

    INDEX.drop(schema_editor)
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE casestudies_case_fts USING fts5("
            "search_text, tokenize = 'unicode61 remove_diacritics 2')"
        )
        schema_editor.execute(
            "INSERT INTO casestudies_case_fts (rowid, search_text) "
            "SELECT id, search_text FROM casestudies_case WHERE status = 'published'"
        )
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX casestudies_case_fulltext ON casestudies_case "
            "USING gin (to_tsvector('simple', search_text)) WHERE status = 'published'"
        )


class Migration(migrations.Migration):
    dependencies = [("casestudies", "0002_full_text")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="outcomes_text",
            field=models.TextField(
                blank=True,
                help_text="In words; the measured outcomes go in the table below.",
                verbose_name="outcomes: what changed for the firm",
            ),
        ),
        migrations.RunPython(rebuild, unbuild),
    ]
