"""Snippets for one page of results: the words the search matched, marked in the record's own
title, summary and description as read from the database.

A word of the record is marked when its analysed form (lower-cased, stemmed, as in the index)
is one of the search's terms, or one edit away from a term that was corrected for a typo.
"""

from __future__ import annotations

import re
from functools import lru_cache

from catalogue.search.snippets import START, STOP, to_html

from .text import _analyser, parse

_WORD = re.compile(r"\w+")
WINDOW = 24  # words around the first match in the description snippet
FRAGMENTS = 2


@lru_cache(maxsize=200_000)
def _analysed(word: str) -> str:
    """The word's index terms, space-separated. Descriptions share most of their words, so
    analysing each word once per process rather than once per page saves most of the marking
    time; a string (unlike a tuple) is never walked by the garbage collector."""
    return " ".join(_analyser.analyze(word))


def _near(a: str, b: str) -> bool:
    """At most one edit apart, a swap of two neighbours counting as one."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


class Marker:
    def __init__(self, text: str, typo_terms: set[str] | None = None) -> None:
        parsed = parse(text)
        self.terms = {tok for group in parsed.positive for t in group for tok in t.tokens}
        self.fuzzy = typo_terms or set()
        self._seen: dict[str, bool] = {}  # descriptions repeat their words: analyse each once

    def matches(self, word: str) -> bool:
        key = word.lower()
        if key not in self._seen:
            self._seen[key] = any(
                t in self.terms or any(_near(t, f) for f in self.fuzzy)
                for t in _analysed(key).split()
            )
        return self._seen[key]

    def mark_all(self, text: str) -> str:
        def mark(match: re.Match) -> str:
            word = match.group(0)
            return f"{START}{word}{STOP}" if self.matches(word) else word

        return _WORD.sub(mark, text)

    def snippet(self, text: str) -> str:
        """Up to two windows of about WINDOW words around matches, or the opening words."""
        words = list(_WORD.finditer(text))
        if len(words) <= WINDOW:
            return self.mark_all(text)
        fragments, i, after = [], 0, 0
        while i < len(words) and len(fragments) < FRAGMENTS:
            if not self.matches(words[i].group(0)):
                i += 1
                continue
            first = max(i - WINDOW // 3, after)
            end = min(first + WINDOW, len(words)) - 1
            fragments.append(self.mark_all(text[words[first].start() : words[end].end()]))
            i = after = end + 1
        if not fragments:
            return text[: words[WINDOW - 1].end()]
        return " … ".join(fragments)


def highlights(datasets, text: str, typo_terms: set[str]) -> dict[str, dict[str, str]]:
    marker = Marker(text, typo_terms)
    result = {}
    for pk, title, summary, description in datasets:
        body = " ".join(part for part in (summary, description) if part)
        result[str(pk)] = {
            "title": to_html(marker.mark_all(title)),
            "description": to_html(marker.snippet(body)),
        }
    return result
