"""The search syntax every backend accepts, the web-search syntax users know: words are ANDed,
"quoted phrases" match in order, `or` between two terms joins them, `-word` or `-"a phrase"`
(the hyphen directly before a letter or the quote) excludes. Everything else that is not a
letter or digit separates words: a hyphen with spaces around it ("NCHS - Injury Mortality") or
before a number ("6 Months -17 Years"), colons, parentheses, "<", slashes. A token such as
"COVID-19" or "U.S." is its words in order (a phrase), which is how every backend indexes it.
Every input parses; what a backend cannot use (a term with no words) is dropped.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_EXCLUDED_WORD = re.compile(r"[^\W\d_]")  # a letter: "-17" in "6 Months -17 Years" is a range


@dataclass
class Parsed(Generic[T]):
    positive: list[list[T]] = field(default_factory=list)  # ANDed groups of ORed terms
    negative: list[T] = field(default_factory=list)


def parse(text: str, term: Callable[[str], T | None]) -> Parsed[T]:
    """The text's terms, each made by `term` from a bare word or a phrase's inner text (None
    drops it)."""
    parsed: Parsed[T] = Parsed()
    pending_or = False
    for sign, quoted, bare in _TOKEN.findall(text):
        if bare and bare.lower() == "or":
            pending_or = bool(parsed.positive)
            continue
        if bare.startswith("-") and _EXCLUDED_WORD.match(bare, 1):
            sign, bare = "-", bare[1:]
        made = term(bare or quoted)
        if made is None:
            continue
        if sign == "-":
            parsed.negative.append(made)
        elif pending_or:
            parsed.positive[-1].append(made)
            pending_or = False
        else:
            parsed.positive.append([made])
    return parsed
