"""Facet counts, computed in the database over an already visible, already filtered queryset.

Each function takes the ids of the datasets in play (`IdSet`) and returns `{"value", "label",
"count"}` rows, largest first. `only` restricts the count to given values, which is how a
selected value that fell outside the top rows still gets its true count.

`materialised_ids` evaluates the visible, filtered, searched set once into a temporary table, so
the eight facet queries read its ids by key instead of each repeating visibility, text search and
filters over the whole catalogue.
"""

import itertools
from contextlib import contextmanager

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from catalogue import quality
from catalogue import vocabularies as v
from catalogue.models import Dataset, Distribution, Licence, Theme

LIMIT = 50
_names = itertools.count()


class IdSet(RawSQL):
    """`SELECT id FROM <temporary table>`: usable in `pk__in=` and as raw SQL."""


@contextmanager
def materialised_ids(ids: QuerySet):
    """The ids of `ids` in a connection-private table for the duration of the block."""
    try:
        sql, params = ids.query.get_compiler(using=ids.db).as_sql()
    except EmptyResultSet:  # e.g. a text with no searchable words: nothing to count
        yield None
        return
    table = f"facet_ids_{next(_names)}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {table} AS {sql}", params)
    try:
        yield IdSet(f"SELECT pk FROM {table}", [])
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {table}")


def _rows(rows, label=lambda value, row: value) -> list[dict]:
    return [{"value": r["value"], "label": label(r["value"], r), "count": r["count"]} for r in rows]


def _field(field: str, ids: IdSet, only: list[str] | None, labels: dict | None = None):
    qs = Dataset.objects.filter(pk__in=ids)
    if only is not None:
        qs = qs.filter(**{f"{field}__in": only})
    rows = (
        qs.exclude(**{field: ""})
        .values(value=F(field))
        .annotate(count=Count("pk"))
        .order_by("-count", "value")[:LIMIT]
    )
    return _rows(rows, lambda value, _: (labels or {}).get(value, value))


def publisher(ids: IdSet, only: list[str] | None = None) -> list[dict]:
    qs = Dataset.objects.filter(pk__in=ids)
    if only is not None:
        qs = qs.filter(publisher__slug__in=only)
    rows = (
        qs.values("publisher__title", value=F("publisher__slug"))
        .annotate(count=Count("pk"))
        .order_by("-count", "publisher__title")[:LIMIT]
    )
    return _rows(rows, lambda _, row: row["publisher__title"])


def theme(ids: IdSet, only: list[str] | None = None) -> list[dict]:
    qs = Theme.objects.filter(datasets__in=ids)
    if only is not None:
        qs = qs.filter(slug__in=only)
    rows = (
        qs.values("title", value=F("slug"))
        .annotate(count=Count("datasets"))
        .order_by("-count", "title")[:LIMIT]
    )
    return _rows(rows, lambda _, row: row["title"])


def format(ids: IdSet, only: list[str] | None = None) -> list[dict]:
    # Formats are free text from many catalogues: CSV, csv and .csv are one value.
    qs = Distribution.objects.filter(dataset__in=ids).exclude(format="")
    qs = qs.annotate(value=Lower("format"))
    if only is not None:
        qs = qs.filter(value__in=[o.lower() for o in only])
    rows = (
        qs.values("value")
        .annotate(count=Count("dataset", distinct=True))
        .order_by("-count", "value")[:LIMIT]
    )
    return _rows(rows, lambda value, _: value.upper())


def keyword(ids: IdSet, only: list[str] | None = None) -> list[dict]:
    sub, params = ids.sql, list(ids.params)
    if connection.vendor == "postgresql":
        source = "catalogue_dataset d CROSS JOIN LATERAL jsonb_array_elements_text(d.keyword) k"
    else:
        source = "catalogue_dataset d, json_each(d.keyword) k"
    where, extra = "", []
    if only is not None:
        where = f" AND lower(k.value) IN ({', '.join(['%s'] * len(only))})"
        extra = [o.lower() for o in only]
    sql = (
        f"SELECT min(k.value), count(DISTINCT d.id) FROM {source} "
        f"WHERE d.id IN ({sub}){where} GROUP BY lower(k.value) "
        f"ORDER BY 2 DESC, lower(k.value) LIMIT {LIMIT}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *extra])
        return [{"value": kw, "label": kw, "count": n} for kw, n in cursor.fetchall()]


def licence(ids: IdSet, only: list[str] | None = None) -> list[dict]:
    titles = dict(Licence.objects.values_list("uri", "title"))
    return _field("licence", ids, only, titles)


def access_rights(ids: IdSet, only: list[str] | None = None) -> list[dict]:
    return _field("access_rights", ids, only, dict(v.AccessRights.choices))


def security_classification(ids: IdSet, only: list[str] | None = None) -> list[dict]:
    return _field("security_classification", ids, only, dict(v.SecurityClassification.choices))


def quality_rating(ids: IdSet, only: list[str] | None = None) -> list[dict]:
    return _field("quality_rating", ids, only, quality.RATING_LABELS)


FACETS = {
    "publisher": publisher,
    "theme": theme,
    "keyword": keyword,
    "format": format,
    "licence": licence,
    "access_rights": access_rights,
    "security_classification": security_classification,
    "quality_rating": quality_rating,
}
