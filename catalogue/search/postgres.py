"""PostgreSQL search: a stored, weighted tsvector per dataset, and trigram spelling correction.

Weights: title A; alternative titles and summary B; keywords, theme titles and publisher title C;
description D. Misspellings: words of titles, summaries and keywords are kept in a lexicon with a
trigram index; a query word the lexicon does not know is replaced by its nearest known word, and
records matching the corrected query are found too, ranked below those matching as typed
("hopsital admissions" finds "Hospital admissions"). Queries are built from the syntax every
backend shares (`syntax.parse`), never by PostgreSQL's own parsers of operators: the user's
words reach it only as bound parameters of plainto_tsquery/phraseto_tsquery. Phrases, `or` and
`-word` keep their meaning after a correction because only the words are replaced. The tables
have no foreign keys so that bulk writers and test flushes never wait on them; rows of datasets
that no longer exist are removed by `index_datasets`.
"""

import re

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, FloatField, Q
from django.db.models.expressions import RawSQL

from . import syntax
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
# A query that matches no record: the text had no searchable word (only an exact identifier
# can then match, as on every backend).
NOTHING = "NULL::tsquery"


def _term(text: str) -> tuple[str, list[str]] | None:
    """One word or phrase of the shared syntax as a tsquery: its words in order. Punctuation
    separates words, as it does in the records (see `_plain`)."""
    words = _WORD.findall(text)
    if not words:
        return None
    if len(words) == 1:
        return f"plainto_tsquery('{CONFIG}', %s)", words
    return f"phraseto_tsquery('{CONFIG}', %s)", [" ".join(words)]


def tsquery(text: str) -> tuple[str, list[str]]:
    """SQL and parameters of a tsquery with the meaning of `syntax.parse`: groups ANDed (&&),
    a group's alternatives ORed (||), exclusions negated (!!). The user's text only ever
    reaches PostgreSQL as bound parameters of plainto_tsquery/phraseto_tsquery, which read it
    as plain words: no character of it is an operator."""
    parsed = syntax.parse(text, _term)
    if not parsed.positive:
        return NOTHING, []
    parts, params = [], []
    for group in parsed.positive:
        parts.append("(" + " || ".join(sql for sql, _ in group) + ")")
        params += [p for _, group_params in group for p in group_params]
    for sql, negative_params in parsed.negative:
        parts.append(f"(!! {sql})")
        params += negative_params
    return "(" + " && ".join(parts) + ")", params


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
    typed, params = tsquery(text)
    if fixed == text:
        return typed, params
    corrected_sql, corrected_params = tsquery(fixed)
    return f"({typed} || {corrected_sql})", [*params, *corrected_params]


def _rank(document: str, text: str, fixed: str) -> tuple[str, list[str]]:
    """Relevance: matches as typed rank above matches found only through a corrected word."""
    typed, params = tsquery(text)
    corrected_sql, corrected_params = tsquery(fixed)
    return (
        f"ts_rank({document}, {typed}) + 0.5 * ts_rank({document}, {corrected_sql})",
        [*params, *corrected_params],
    )


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
            # The title is the vector's weight-A part: no text is parsed again here.
            rank, rank_params = _rank("document", text, fixed)
            columns = f"{rank}, ts_filter(document, '{{a}}') @@ {query}"
            found, found_params = f"dataset_id, {columns}", [*rank_params, *params]
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
    original = text = text.strip()
    exact = Q(title__iexact=original) | Q(identifier=original)
    fixed = corrected(text)
    table = _hits(text, fixed, original, ranked=not narrowed)
    row = 'WHERE h.dataset_id = "catalogue_dataset"."id"'
    if narrowed:
        query, params = _tsquery(text, fixed)
        on = 'FROM catalogue_dataset_search s WHERE s.dataset_id = "catalogue_dataset"."id"'
        rank_sql, rank_params = _rank("s.document", text, fixed)
        rank = RawSQL(f"SELECT {rank_sql} {on}", rank_params, output_field=FloatField())
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
    text = text.strip()
    if tsquery(text)[0] == NOTHING:
        return {}
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


def remove_datasets(ids: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM catalogue_dataset_search WHERE dataset_id = ANY(%s::uuid[])", [ids]
        )
