"""The full-text search index: a weighted tsvector table with trigram index on PostgreSQL, an
FTS5 table on SQLite. Written in SQL because neither shape is a Django model field.

The statements are frozen here, not read from catalogue.search, so this step keeps working
whatever shape that code takes later. The index is filled by `index_datasets` as datasets are
written; this step came in the same release as the dataset tables, so no catalogue reaches it
with datasets to index. `manage.py searchindex --rebuild` rebuilds the index at any time.
"""

from django.db import migrations

CREATE_SQL = {
    "postgresql": [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        """CREATE TABLE IF NOT EXISTS catalogue_dataset_search (
            dataset_id uuid PRIMARY KEY,
            document tsvector NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS catalogue_dataset_search_document "
        "ON catalogue_dataset_search USING gin (document)",
        "CREATE TABLE IF NOT EXISTS catalogue_search_word (word text PRIMARY KEY)",
        "CREATE INDEX IF NOT EXISTS catalogue_search_word_trgm "
        "ON catalogue_search_word USING gin (word gin_trgm_ops)",
    ],
    "sqlite": [
        """CREATE TABLE IF NOT EXISTS catalogue_dataset_fts_key (
            rowid INTEGER PRIMARY KEY, dataset_id char(32) NOT NULL UNIQUE)""",
        """CREATE VIRTUAL TABLE IF NOT EXISTS catalogue_dataset_fts USING fts5(
            title, secondary, tertiary, description,
            tokenize = 'porter unicode61 remove_diacritics 2')""",
    ],
}
DROP_SQL = {
    "postgresql": [
        "DROP TABLE IF EXISTS catalogue_dataset_search",
        "DROP TABLE IF EXISTS catalogue_search_word",
    ],
    "sqlite": [
        "DROP TABLE IF EXISTS catalogue_dataset_fts",
        "DROP TABLE IF EXISTS catalogue_dataset_fts_key",
    ],
}


def create(apps, schema_editor):
    for sql in CREATE_SQL[schema_editor.connection.vendor]:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in DROP_SQL[schema_editor.connection.vendor]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_harvest_sources_jobs_provenance")]

    operations = [migrations.RunPython(create, drop)]
