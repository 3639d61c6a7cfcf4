"""Turning database highlight output into safe HTML.

The databases mark matches with control characters rather than tags, so the text around them
can be escaped first: a description containing markup is shown as text, never as HTML.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

START, STOP = "\x02", "\x03"


def to_html(marked: str | None) -> SafeString:
    text = escape(marked or "")
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def has_match(marked: str | None) -> bool:
    return bool(marked) and START in marked
