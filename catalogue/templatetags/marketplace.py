"""Template filters for catalogue pages: safe Markdown and query strings for filter links."""

import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "a", "p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip


@register.filter
def markdown(text: str) -> str:
    """Descriptions come from publishers and other catalogues: Markdown in, sanitised HTML out."""
    html = md.markdown(text or "", extensions=["tables", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 — sanitised by nh3 above


@register.filter
def web_url(value: str) -> str:
    """The address if it is an http(s) link, else ''. Harvested records may carry anything,
    and a `javascript:` address in an href would run in the reader's browser."""
    text = (value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else ""


@register.filter
def startswith(value: str, prefix: str) -> bool:
    return str(value or "").startswith(prefix)
