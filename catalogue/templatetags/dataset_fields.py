"""The dataset page's "About this data" rows, walked from the field table (catalogue/fields.py).

Each row marked `page=Page.DETAILS` is shown in table order. Simple fields are formatted by their
kind here; rows that combine several fields or link elsewhere have their markup in
catalogue/_details.html, chosen by name.
"""

from django import template
from django.template.defaultfilters import date
from django.utils.html import format_html

from catalogue.fields import DATASET_FIELDS, Kind, Page

from .marketplace import web_url

register = template.Library()

DETAIL_ROWS = [row for row in DATASET_FIELDS if row.page == Page.DETAILS]
# Rows whose markup is written out in catalogue/_details.html.
COMPOSED = {
    "publisher",
    "theme",
    "licence",
    "security_classification",
    "modified",
    "temporal_start",
}
NOT_GIVEN = "Not given"


def _value(dataset, row) -> str | None:
    """The row's value as display text or safe HTML; None leaves the row out."""
    value = getattr(dataset, row.name)
    if row.kind == Kind.CHOICE:
        return getattr(dataset, f"get_{row.name}_display")() if value else NOT_GIVEN
    if row.kind == Kind.TEXT_LIST:
        return ", ".join(value) or "None"
    if row.kind in (Kind.DATE, Kind.DATETIME):
        return date(value, "j F Y") if value else NOT_GIVEN
    if row.kind == Kind.URL:
        # Harvested records may carry any text here: only web links are shown, as links.
        link = web_url(value)
        return (
            format_html('<a class="govuk-link" href="{}" rel="noopener">{}</a>', link, value)
            if link
            else None
        )
    if row.kind == Kind.IDENTIFIER:
        return format_html("<code>{}</code>", value) if value else NOT_GIVEN
    return value or NOT_GIVEN


@register.inclusion_tag("catalogue/_details.html")
def dataset_details(dataset) -> dict:
    rows = []
    for row in DETAIL_ROWS:
        value = None if row.name in COMPOSED else _value(dataset, row)
        if row.name in COMPOSED or value is not None:
            rows.append({"name": row.name, "label": row.label, "value": value})
    return {"dataset": dataset, "rows": rows}
