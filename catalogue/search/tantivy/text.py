"""The user's search text as tantivy queries, with the database backends' web-search meaning:
words are ANDed, "quoted phrases" match in order, `or` joins two terms, `-word` excludes.
The text is tokenised here and every query is built from objects, never parsed, so no input
is a syntax error.

Typos: a word of four letters or more that no record contains (the same rule as PostgreSQL's
lexicon) also matches words one edit away, a swap of two letters counting as one edit, at
half its field's weight. A word that does occur somewhere is searched as typed only, so
records matching as typed always come before near misses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import tantivy
from tantivy import Occur, Query

from catalogue.search import syntax

from .index import ANALYSER, SCHEMA, TEXT_FIELDS, TITLE_FIELDS

_WORD = re.compile(r"\w+")
FUZZY_MIN_LENGTH = 4
FUZZY_WEIGHT = 0.5

_analyser = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.remove_long(40))
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.stemmer("english"))
    .build()
)
assert ANALYSER == "en_stem"  # the analyser above is tantivy's built-in en_stem  # noqa: S101


@dataclass
class Term:
    """One word or phrase, as the index's analyser turns it into tokens."""

    tokens: list[str]
    typo_tolerant: bool = False


ParsedText = syntax.Parsed  # of Term: ANDed groups of ORed terms, and exclusions


def _term(text: str) -> Term | None:
    words = _WORD.findall(text)
    tokens = [t for w in words for t in _analyser.analyze(w)]
    if not tokens:
        return None
    single = len(words) == 1 and len(tokens) == 1 and len(words[0]) >= FUZZY_MIN_LENGTH
    return Term(tokens=tokens, typo_tolerant=single)


def parse(text: str) -> ParsedText:
    """Words, phrases, `or` and exclusions, by the rules every backend shares (`syntax`)."""
    return syntax.parse(text, _term)


def _must(*queries: Query) -> Query:
    return Query.boolean_query([(Occur.Must, q) for q in queries])


def _any(queries: list[Query]) -> Query:
    if len(queries) == 1:
        return queries[0]
    return Query.boolean_query([(Occur.Should, q) for q in queries])


class TextQuery:
    """The text of one search, resolved against one searcher (which typos to correct)."""

    def __init__(self, text: str, searcher: tantivy.Searcher) -> None:
        self.text = text.strip()
        self.parsed = parse(text)
        self._unknown: dict[str, bool] = {}
        self.searcher = searcher

    def _is_unknown(self, token: str) -> bool:
        if token not in self._unknown:
            self._unknown[token] = all(
                self.searcher.doc_freq(name, token) == 0 for name in TEXT_FIELDS
            )
        return self._unknown[token]

    def _term_query(self, term: Term, fields: dict[str, float], fuzzy: bool) -> Query:
        clauses = []
        for name, weight in fields.items():
            if len(term.tokens) == 1:
                typed = Query.term_query(SCHEMA, name, term.tokens[0])
            else:
                typed = Query.phrase_query(SCHEMA, name, term.tokens)
            clauses.append(Query.boost_query(typed, weight))
            if fuzzy and term.typo_tolerant and self._is_unknown(term.tokens[0]):
                near = Query.fuzzy_term_query(
                    SCHEMA, name, term.tokens[0], distance=1, transposition_cost_one=True
                )
                clauses.append(Query.boost_query(near, weight * FUZZY_WEIGHT))
        return _any(clauses)

    def matches(self, fields: dict[str, float] | None = None) -> Query | None:
        """Records matching the words (in `fields`, all text fields by default); None when the
        text has nothing searchable."""
        fields = fields or TEXT_FIELDS
        if not self.parsed.positive:
            return None
        groups = [
            _any([self._term_query(t, fields, fuzzy=True) for t in alternatives])
            for alternatives in self.parsed.positive
        ]
        clauses = [(Occur.Must, g) for g in groups]
        clauses += [
            (Occur.MustNot, self._term_query(t, TEXT_FIELDS, fuzzy=False))
            for t in self.parsed.negative
        ]
        return Query.boolean_query(clauses)

    def title_matches(self) -> Query | None:
        return self.matches(TITLE_FIELDS)

    def exact(self) -> Query:
        """The whole text equal to a title (any case) or to an identifier."""
        return _any(
            [
                Query.term_query(SCHEMA, "title_exact", self.text.lower()),
                Query.term_query(SCHEMA, "identifier_exact", self.text),
            ]
        )

    def found(self) -> Query:
        """Everything the text finds: its word matches and an exact title or identifier."""
        words = self.matches()
        return self.exact() if words is None else _any([words, self.exact()])


def conjunction(queries: list[Query]) -> Query:
    if not queries:
        return Query.all_query()
    return queries[0] if len(queries) == 1 else _must(*queries)
