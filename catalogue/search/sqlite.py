"""SQLite search for the embedded default: an FTS5 table ranked with weighted bm25.

FTS5 rows are keyed by integer rowids; `catalogue_dataset_fts_key` maps them to dataset ids
with an INTEGER PRIMARY KEY, which, unlike a plain table's rowid, survives VACUUM. Columns carry
the same weights as the PostgreSQL vector: title; alternative titles and summary; keywords,
theme and publisher titles; summary and description. No typo tolerance here.
"""

import re
import uuid

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, FloatField, Q
from django.db.models.expressions import RawSQL

from . import syntax
from .results import hits_table
from .snippets import START, STOP, to_html

TYPO_TOLERANT = False
WEIGHTS = "10.0, 5.0, 2.0, 1.0"

# The tables are created by migration catalogue 0005_search_index.

_INSERT = """
    INSERT INTO catalogue_dataset_fts (rowid, title, secondary, tertiary, description)
    SELECT k.rowid, d.title,
        coalesce((SELECT group_concat(value, ' ') FROM json_each(d.alternative_title)), '')
            || ' ' || d.summary,
        coalesce((SELECT group_concat(value, ' ') FROM json_each(d.keyword)), '') || ' '
            || coalesce((SELECT group_concat(t.title, ' ') FROM catalogue_dataset_theme dt
                         JOIN catalogue_theme t ON t.id = dt.theme_id
                         WHERE dt.dataset_id = d.id), '')
            || ' ' || o.title,
        d.summary || ' ' || d.description
    FROM catalogue_dataset d
    JOIN catalogue_dataset_fts_key k ON k.dataset_id = d.id
    JOIN catalogue_organisation o ON o.id = d.publisher_id
    {where}
"""


def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def index_datasets(ids: list[str]) -> None:
    keys = [uuid.UUID(i).hex for i in ids]
    marks = _placeholders(keys)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM catalogue_dataset_fts WHERE rowid IN "
            f"(SELECT rowid FROM catalogue_dataset_fts_key WHERE dataset_id IN ({marks}))",
            keys,
        )
        cursor.execute(
            f"DELETE FROM catalogue_dataset_fts_key WHERE dataset_id IN ({marks}) "
            "AND dataset_id NOT IN (SELECT id FROM catalogue_dataset)",
            keys,
        )
        cursor.execute(
            "INSERT OR IGNORE INTO catalogue_dataset_fts_key (dataset_id) "
            f"SELECT id FROM catalogue_dataset WHERE id IN ({marks})",
            keys,
        )
        cursor.execute(_INSERT.format(where=f"WHERE d.id IN ({marks})"), keys)


def reindex_all() -> int:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalogue_dataset_fts")
        cursor.execute("DELETE FROM catalogue_dataset_fts_key")
        cursor.execute(
            "INSERT INTO catalogue_dataset_fts_key (dataset_id) SELECT id FROM catalogue_dataset"
        )
        cursor.execute(_INSERT.format(where=""))
        return cursor.rowcount


def _phrase(text: str) -> str | None:
    words = re.findall(r"\w+", text)
    return '"' + " ".join(words) + '"' if words else None


def fts_query(text: str) -> str | None:
    """The user's text in FTS5 syntax, with the meaning of `syntax.parse` (PostgreSQL's
    websearch syntax). Every term is quoted, so no input is an FTS5 syntax error. None when
    nothing can match."""
    parsed = syntax.parse(text, _phrase)
    if not parsed.positive:
        return None
    expression = " AND ".join(f"({' OR '.join(group)})" for group in parsed.positive)
    for term in parsed.negative:
        expression = f"({expression}) NOT {term}"
    return expression


def _hits(expression: str, identifier: str) -> str:
    """A connection-private table of this query's matches: dataset id, bm25 relevance and
    whether the title alone matches. FTS5 ranks every match in one pass here; ranking inside a
    correlated subquery would rerun the full-text query once per matching row."""
    table = hits_table(expression, identifier)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {table} "
            "(dataset_id char(32) PRIMARY KEY, rank REAL NOT NULL, in_title INTEGER NOT NULL)"
        )
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"INSERT INTO {table} SELECT k.dataset_id, -bm25(catalogue_dataset_fts, {WEIGHTS}), 0 "
            "FROM catalogue_dataset_fts f JOIN catalogue_dataset_fts_key k ON k.rowid = f.rowid "
            "WHERE catalogue_dataset_fts MATCH %s",
            [expression],
        )
        cursor.execute(
            f"UPDATE {table} SET in_title = 1 WHERE dataset_id IN ("
            "SELECT k.dataset_id FROM catalogue_dataset_fts f "
            "JOIN catalogue_dataset_fts_key k ON k.rowid = f.rowid "
            "WHERE catalogue_dataset_fts MATCH %s)",
            [f"{{title}} : ({expression})"],
        )
        # An exact identifier matches too; kept in the same table so that the match is one
        # indexed lookup (an OR beside the IN would make SQLite scan every dataset).
        cursor.execute(
            f"INSERT OR IGNORE INTO {table} SELECT id, 0, 0 FROM catalogue_dataset "
            "WHERE identifier = %s",
            [identifier],
        )
    return table


def text_search(qs, text: str, *, narrowed: bool = False):
    expression = fts_query(text)
    if expression is None:  # nothing searchable: only an exact identifier can match
        expression = '""'
    table = _hits(expression, text.strip())
    matches = RawSQL(f"SELECT dataset_id FROM {table}", [])
    rank = RawSQL(
        f'SELECT h.rank FROM {table} h WHERE h.dataset_id = "catalogue_dataset"."id"',
        [],
        output_field=FloatField(),
    )
    in_title = RawSQL(
        f'"catalogue_dataset"."id" IN (SELECT dataset_id FROM {table} WHERE in_title = 1)',
        [],
        output_field=BooleanField(),
    )
    exact = Q(title__iexact=text.strip()) | Q(identifier=text.strip())
    return qs.filter(pk__in=matches).annotate(
        search_rank=rank,
        exact_match=ExpressionWrapper(exact, output_field=BooleanField()),
        title_match=in_title,
    )


def highlights(ids: list[str], text: str) -> dict[str, dict[str, str]]:
    expression = fts_query(text)
    if expression is None:
        return {}
    keys = [uuid.UUID(i).hex for i in ids]
    sql = f"""
        SELECT k.dataset_id,
               highlight(catalogue_dataset_fts, 0, %s, %s),
               snippet(catalogue_dataset_fts, 3, %s, %s, ' … ', 24)
        FROM catalogue_dataset_fts f JOIN catalogue_dataset_fts_key k ON k.rowid = f.rowid
        WHERE catalogue_dataset_fts MATCH %s AND k.dataset_id IN ({_placeholders(keys)})
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [START, STOP, START, STOP, expression, *keys])
        rows = cursor.fetchall()
    return {
        str(uuid.UUID(pk)): {"title": to_html(title), "description": to_html(body)}
        for pk, title, body in rows
    }


def document_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalogue_dataset_fts_key")
        return cursor.fetchone()[0]


def remove_datasets(ids: list[str]) -> None:
    keys = [uuid.UUID(i).hex for i in ids]
    marks = _placeholders(keys)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM catalogue_dataset_fts WHERE rowid IN "
            f"(SELECT rowid FROM catalogue_dataset_fts_key WHERE dataset_id IN ({marks}))",
            keys,
        )
        cursor.execute(f"DELETE FROM catalogue_dataset_fts_key WHERE dataset_id IN ({marks})", keys)
