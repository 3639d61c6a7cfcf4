"""The full-text search index: a weighted tsvector table with trigram index on PostgreSQL, an
FTS5 table on SQLite. Written in SQL because neither shape is a Django model field."""

from django.db import migrations


def _module(schema_editor):
    from catalogue.search import postgres, sqlite

    return postgres if schema_editor.connection.vendor == "postgresql" else sqlite


def create(apps, schema_editor):
    backend = _module(schema_editor)
    for sql in backend.CREATE_SQL:
        schema_editor.execute(sql)
    with schema_editor.connection.cursor():
        backend.reindex_all()


def drop(apps, schema_editor):
    for sql in _module(schema_editor).DROP_SQL:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_harvest_sources_jobs_provenance")]

    operations = [migrations.RunPython(create, drop)]
