"""PostgreSQL search: a stored, weighted tsvector per dataset, and trigram spelling correction.

Weights: title A; alternative titles and summary B; keywords, theme titles and publisher title C;
description D. Misspellings: words of titles, summaries and keywords are kept in a lexicon with a
trigram index; a query word the lexicon does not know is replaced by its nearest known word, and
records matching the corrected query are found too, ranked below those matching as typed
("hopsital admissions" finds "Hospital admissions"). Phrases, `or` and `-word` keep their
meaning because only the words are replaced. The tables have no foreign keys so that bulk
writers and test flushes never wait on them; rows of datasets that no longer exist are removed
by `index_datasets`.
"""

import re

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, FloatField, Q
from django.db.models.expressions import RawSQL

from .results import hits_table
from .snippets import START, STOP, to_html

TYPO_TOLERANT = True
CONFIG = "english"

# The tables are created by migration catalogue 0005_search_index.


# PostgreSQL's parser reads "Call/Annual", "Report.xlsx" or "U.S." as one path, file or host
# token that no word query matches; punctuation becomes a space first, in records and queries.
def _plain(expr: str) -> str:
    return f"regexp_replace({expr}, '[^[:alnum:][:space:]]+', ' ', 'g')"


_DOCUMENT = f"""
    setweight(to_tsvector('{CONFIG}', {_plain("d.title")}), 'A')
    || setweight(to_tsvector('{CONFIG}', {
    _plain('''
        coalesce((SELECT string_agg(x, ' ')
                  FROM jsonb_array_elements_text(d.alternative_title) x), '')
        || ' ' || d.summary''')
}), 'B')
    || setweight(to_tsvector('{CONFIG}', {
    _plain('''
        coalesce((SELECT string_agg(x, ' ') FROM jsonb_array_elements_text(d.keyword) x), '')
        || ' ' || coalesce((SELECT string_agg(t.title, ' ') FROM catalogue_dataset_theme dt
                            JOIN catalogue_theme t ON t.id = dt.theme_id
                            WHERE dt.dataset_id = d.id), '')
        || ' ' || o.title''')
}), 'C')
    || setweight(to_tsvector('{CONFIG}', {_plain("d.description")}), 'D')
"""
_UPSERT = f"""
    INSERT INTO catalogue_dataset_search (dataset_id, document)
    SELECT d.id, {_DOCUMENT}
    FROM catalogue_dataset d JOIN catalogue_organisation o ON o.id = d.publisher_id
    {{where}}
    ON CONFLICT (dataset_id) DO UPDATE SET document = EXCLUDED.document
"""
# Words are only ever added: a word left behind by an edited record costs nothing but a row.
_LEXICON = """
    INSERT INTO catalogue_search_word (word)
    SELECT DISTINCT w FROM catalogue_dataset d, regexp_split_to_table(lower(
        d.title || ' ' || d.summary || ' ' || coalesce(
            (SELECT string_agg(x, ' ') FROM jsonb_array_elements_text(d.keyword) x), '')
    ), '[^[:alnum:]]+') w
    WHERE length(w) BETWEEN 3 AND 40 {where}
    ON CONFLICT (word) DO NOTHING
"""
MIN_CORRECTED_LENGTH = 4
_WORD = re.compile(r"\w+")
_PUNCTUATION = re.compile(r"[^\w\s\"-]+|(?<=\w)-(?=\w)")


def plain_query(text: str) -> str:
    """The query with the punctuation the records lose, keeping "phrases" and -exclusions."""
    return _PUNCTUATION.sub(" ", text)


def index_datasets(ids: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(where="WHERE d.id = ANY(%s::uuid[])"), [ids])
        cursor.execute(_LEXICON.format(where="AND d.id = ANY(%s::uuid[])"), [ids])
        cursor.execute(
            "DELETE FROM catalogue_dataset_search s WHERE s.dataset_id = ANY(%s::uuid[]) "
            "AND NOT EXISTS (SELECT 1 FROM catalogue_dataset d WHERE d.id = s.dataset_id)",
            [ids],
        )


def reindex_all() -> int:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE catalogue_dataset_search")
        cursor.execute(_UPSERT.format(where=""))
        count = cursor.rowcount
        cursor.execute(_LEXICON.format(where=""))
        return count


def corrected(text: str) -> str:
    """The text with each word the lexicon does not know replaced by its nearest known word."""
    words = sorted({w.lower() for w in _WORD.findall(text) if len(w) >= MIN_CORRECTED_LENGTH})
    if not words:
        return text
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT q.w, (SELECT word FROM catalogue_search_word
                            WHERE word %% q.w ORDER BY word <-> q.w, word LIMIT 1)
               FROM unnest(%s::text[]) q(w)
               WHERE NOT EXISTS (SELECT 1 FROM catalogue_search_word k WHERE k.word = q.w)""",
            [words],
        )
        fixes = {typed: known for typed, known in cursor.fetchall() if known}
    if not fixes:
        return text
    return _WORD.sub(lambda m: fixes.get(m.group(0).lower(), m.group(0)), text)


def _tsquery(text: str, fixed: str) -> tuple[str, list[str]]:
    """SQL for the query as typed, or-ed with the corrected query when there is one."""
    typed = f"websearch_to_tsquery('{CONFIG}', %s)"
    if fixed == text:
        return typed, [text]
    return f"({typed} || websearch_to_tsquery('{CONFIG}', %s))", [text, fixed]


def _hits(text: str, fixed: str, original: str, *, ranked: bool) -> str:
    """A connection-private table of the datasets this query matches, found once, so that the
    search and each facet counted without its own selection read it by key instead of running
    the full-text match again. `ranked` also stores each match's relevance and whether its
    title matches, computed in the same pass over the index: worth it when nothing else will
    narrow the matches, since every one of them is then ranked anyway."""
    query, params = _tsquery(text, fixed)
    table = hits_table(ranked, text, fixed, original)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {table} (dataset_id uuid PRIMARY KEY"
            + (", rank real NOT NULL, in_title boolean NOT NULL)" if ranked else ")")
        )
        cursor.execute(f"TRUNCATE {table}")
        if ranked:
            # Matches as typed rank above matches found only through a corrected word. The
            # title is the vector's weight-A part: no text is parsed again here.
            columns = (
                f"ts_rank(document, websearch_to_tsquery('{CONFIG}', %s)) "
                f"+ 0.5 * ts_rank(document, websearch_to_tsquery('{CONFIG}', %s)), "
                f"ts_filter(document, '{{a}}') @@ {query}"
            )
            found, found_params = f"dataset_id, {columns}", [text, fixed, *params]
            exact = "0, false"
        else:
            found, found_params, exact = "dataset_id", [], ""
        cursor.execute(
            f"INSERT INTO {table} SELECT {found} FROM catalogue_dataset_search "
            f"WHERE document @@ {query}",
            [*found_params, *params],
        )
        # An exact identifier matches too, as its own indexed lookup.
        cursor.execute(
            f"INSERT INTO {table} SELECT id{', ' if exact else ''}{exact} FROM catalogue_dataset "
            "WHERE identifier = %s ON CONFLICT (dataset_id) DO NOTHING",
            [original],
        )
    return table


def text_search(qs, text: str, *, narrowed: bool = False):
    """`narrowed`: other filters will cut the matches down, so rank only the rows that remain."""
    original = text.strip()
    exact = Q(title__iexact=original) | Q(identifier=original)
    text = plain_query(text)
    fixed = corrected(text)
    table = _hits(text, fixed, original, ranked=not narrowed)
    row = 'WHERE h.dataset_id = "catalogue_dataset"."id"'
    if narrowed:
        query, params = _tsquery(text, fixed)
        on = 'FROM catalogue_dataset_search s WHERE s.dataset_id = "catalogue_dataset"."id"'
        rank = RawSQL(
            f"SELECT ts_rank(s.document, websearch_to_tsquery('{CONFIG}', %s)) "
            f"+ 0.5 * ts_rank(s.document, websearch_to_tsquery('{CONFIG}', %s)) {on}",
            [text, fixed],
            output_field=FloatField(),
        )
        in_title = RawSQL(
            f"SELECT ts_filter(s.document, '{{a}}') @@ {query} {on}", params, BooleanField()
        )
    else:
        rank = RawSQL(f"SELECT h.rank FROM {table} h {row}", [], FloatField())
        in_title = RawSQL(f"SELECT h.in_title FROM {table} h {row}", [], BooleanField())
    return qs.filter(pk__in=RawSQL(f"SELECT dataset_id FROM {table}", [])).annotate(
        search_rank=rank,
        exact_match=ExpressionWrapper(exact, output_field=BooleanField()),
        title_match=in_title,
    )


def highlights(ids: list[str], text: str) -> dict[str, dict[str, str]]:
    text = plain_query(text)
    query, params = _tsquery(text, corrected(text))
    title_opts = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
    body_opts = (
        f"StartSel={START}, StopSel={STOP}, MaxFragments=2, MaxWords=25, MinWords=8, "
        'FragmentDelimiter=" … "'
    )
    sql = f"""
        SELECT d.id, ts_headline('{CONFIG}', d.title, x.q, %s),
               ts_headline('{CONFIG}', d.summary || ' ' || d.description, x.q, %s)
        FROM catalogue_dataset d, (SELECT {query} AS q) x
        WHERE d.id = ANY(%s::uuid[])
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [title_opts, body_opts, *params, ids])
        rows = cursor.fetchall()
    return {
        str(pk): {"title": to_html(title), "description": to_html(body)} for pk, title, body in rows
    }


def document_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalogue_dataset_search")
        return cursor.fetchone()[0]
