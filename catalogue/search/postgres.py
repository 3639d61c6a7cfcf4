"""PostgreSQL search: a stored, weighted tsvector per dataset plus trigram similarity.

Weights: title A; alternative titles and summary B; keywords, theme titles and publisher title C;
description D. `words` (title and keywords, lower case) carries a trigram index so that a
misspelled query ("hopsital admissions") still finds "Hospital admissions" through
`word_similarity`. The table has no foreign key so that bulk writers and test flushes never wait
on it; rows of datasets that no longer exist are removed by `index_datasets`.
"""

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, FloatField, Q
from django.db.models.expressions import RawSQL

from .snippets import START, STOP, to_html

TYPO_TOLERANT = True
CONFIG = "english"

CREATE_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE IF NOT EXISTS catalogue_dataset_search (
        dataset_id uuid PRIMARY KEY,
        document tsvector NOT NULL,
        words text NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS catalogue_dataset_search_document "
    "ON catalogue_dataset_search USING gin (document)",
    "CREATE INDEX IF NOT EXISTS catalogue_dataset_search_words "
    "ON catalogue_dataset_search USING gin (words gin_trgm_ops)",
]
DROP_SQL = ["DROP TABLE IF EXISTS catalogue_dataset_search"]

_DOCUMENT = f"""
    setweight(to_tsvector('{CONFIG}', d.title), 'A')
    || setweight(to_tsvector('{CONFIG}',
        coalesce((SELECT string_agg(x, ' ')
                  FROM jsonb_array_elements_text(d.alternative_title) x), '')
        || ' ' || d.summary), 'B')
    || setweight(to_tsvector('{CONFIG}',
        coalesce((SELECT string_agg(x, ' ') FROM jsonb_array_elements_text(d.keyword) x), '')
        || ' ' || coalesce((SELECT string_agg(t.title, ' ') FROM catalogue_dataset_theme dt
                            JOIN catalogue_theme t ON t.id = dt.theme_id
                            WHERE dt.dataset_id = d.id), '')
        || ' ' || o.title), 'C')
    || setweight(to_tsvector('{CONFIG}', d.description), 'D')
"""
_WORDS = """lower(d.title || ' ' || coalesce(
    (SELECT string_agg(x, ' ') FROM jsonb_array_elements_text(d.keyword) x), ''))"""
_UPSERT = f"""
    INSERT INTO catalogue_dataset_search (dataset_id, document, words)
    SELECT d.id, {_DOCUMENT}, {_WORDS}
    FROM catalogue_dataset d JOIN catalogue_organisation o ON o.id = d.publisher_id
    {{where}}
    ON CONFLICT (dataset_id) DO UPDATE SET document = EXCLUDED.document, words = EXCLUDED.words
"""


def index_datasets(ids: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(where="WHERE d.id = ANY(%s::uuid[])"), [ids])
        cursor.execute(
            "DELETE FROM catalogue_dataset_search s WHERE s.dataset_id = ANY(%s::uuid[]) "
            "AND NOT EXISTS (SELECT 1 FROM catalogue_dataset d WHERE d.id = s.dataset_id)",
            [ids],
        )


def reindex_all() -> int:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE catalogue_dataset_search")
        cursor.execute(_UPSERT.format(where=""))
        return cursor.rowcount


def text_search(qs, text: str):
    matches = RawSQL(
        "SELECT dataset_id FROM catalogue_dataset_search "
        f"WHERE document @@ websearch_to_tsquery('{CONFIG}', %s) OR %s <%% words",
        [text, text],
    )
    # Text relevance, plus a small share of trigram similarity so a misspelled match still
    # ranks below a correctly spelled one but above unrelated ones.
    rank = RawSQL(
        f"SELECT ts_rank(s.document, websearch_to_tsquery('{CONFIG}', %s)) "
        "+ 0.05 * word_similarity(%s, s.words) "
        'FROM catalogue_dataset_search s WHERE s.dataset_id = "catalogue_dataset"."id"',
        [text, text],
        output_field=FloatField(),
    )
    exact = Q(title__iexact=text.strip()) | Q(identifier=text.strip())
    return qs.filter(pk__in=matches).annotate(
        search_rank=rank, exact_match=ExpressionWrapper(exact, output_field=BooleanField())
    )


def highlights(ids: list[str], text: str) -> dict[str, dict[str, str]]:
    title_opts = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
    body_opts = (
        f"StartSel={START}, StopSel={STOP}, MaxFragments=2, MaxWords=25, MinWords=8, "
        'FragmentDelimiter=" … "'
    )
    sql = f"""
        SELECT d.id, ts_headline('{CONFIG}', d.title, q, %s),
               ts_headline('{CONFIG}', d.summary || ' ' || d.description, q, %s)
        FROM catalogue_dataset d, websearch_to_tsquery('{CONFIG}', %s) q
        WHERE d.id = ANY(%s::uuid[])
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [title_opts, body_opts, text, ids])
        rows = cursor.fetchall()
    return {
        str(pk): {"title": to_html(title), "description": to_html(body)} for pk, title, body in rows
    }
