"""Facet counts from the tantivy index, in the shape and order of catalogue/search/facets.py.

Counts are exact: each facet is a terms aggregation asking for every value (up to tantivy's
bucket limit, far above the values a facet has in practice) and the top ones are chosen here,
largest count first, ties by the same key as the database backends. A facet with a selection
of its own is counted over the search with that facet's filter left out; the facets without
one share a single aggregation call.
"""

from __future__ import annotations

import heapq

from django.db import connection
from tantivy import Occur, Query

from catalogue import quality
from catalogue import vocabularies as v

from .index import KEYWORD_LABEL_SEPARATOR, SCHEMA

LIMIT = 50
BUCKETS = 65_000  # tantivy's default limit on buckets per aggregation

FACETS = {
    "publisher": "publisher",
    "theme": "theme",
    "keyword": "keyword_label",
    "format": "format",
    "licence": "licence",
    "access_rights": "access_rights",
    "security_classification": "security_classification",
    "quality_rating": "quality_rating",
}
_CASE_BLIND = {"keyword", "format"}  # selections match these whatever their case


_TABLES = {  # facet -> (table, value column, label column)
    "publisher": ("catalogue_organisation", "slug", "title"),
    "theme": ("catalogue_theme", "slug", "title"),
    "licence": ("catalogue_licence", "uri", "title"),
}


def _labels(wanted: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """Labels of the facet values in `wanted`: one query for every facet whose labels live in
    the database, the vocabularies' own labels for the rest."""
    labels: dict[str, dict[str, str]] = {
        "access_rights": dict(v.AccessRights.choices),
        "security_classification": dict(v.SecurityClassification.choices),
        "quality_rating": dict(quality.RATING_LABELS),
        "format": {value: value.upper() for value in wanted.get("format", [])},
    }
    parts, params = [], []
    for name, values in wanted.items():
        if name in _TABLES and values:
            table, value, label = _TABLES[name]
            marks = ", ".join(["%s"] * len(values))
            parts.append(f"SELECT %s, {value}, {label} FROM {table} WHERE {value} IN ({marks})")
            params += [name, *values]
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for name, value, label in cursor.fetchall():
                labels.setdefault(name, {})[value] = label
    return labels


def _entries(name: str, buckets: list[dict], labels: dict) -> list[tuple[int, str, str, str]]:
    """Every value of the facet as (-count, order key, value, label): sorting these tuples
    gives the display order."""
    if name == "keyword":
        # Buckets are "<lower>\x1f<spelling>": one per record and keyword, so the counts of a
        # keyword's spellings add up to its number of records.
        grouped: dict[str, list] = {}
        for bucket in buckets:
            key, _, label = bucket["key"].partition(KEYWORD_LABEL_SEPARATOR)
            entry = grouped.get(key)
            if entry is None:
                grouped[key] = [label, bucket["doc_count"]]
            else:
                entry[0] = min(entry[0], label)
                entry[1] += bucket["doc_count"]
        return [(-n, key, label, label) for key, (label, n) in grouped.items()]
    counted = [(b["key"], b["doc_count"]) for b in buckets if b["key"]]
    labels = labels.get(name, {})
    by_label = name in ("publisher", "theme")
    entries = []
    for value, n in counted:
        label = labels.get(value, value)
        entries.append((-n, label if by_label else value, value, label))
    return entries


def _row(entry: tuple[int, str, str, str]) -> dict:
    return {"value": entry[2], "label": entry[3], "count": -entry[0]}


def _same(name: str, a: str, b: str) -> bool:
    return a.lower() == b.lower() if name in _CASE_BLIND else a == b


def _facet(
    engine, name: str, query, buckets: list[dict], chosen: list[str] | None, labels: dict
) -> list[dict]:
    entries = _entries(name, buckets, labels)
    top = heapq.nsmallest(LIMIT, entries)
    rows = [_row(e) for e in top]
    shown = {row["value"].lower() for row in rows}
    missing = [c for c in chosen or [] if c.lower() not in shown]
    if not missing:
        return rows
    extra = [
        _row(e)
        for e in sorted(entries)
        if e not in top and any(_same(name, e[2], m) for m in missing)
    ]
    found = {row["value"].lower() for row in extra}
    for value in missing:
        if value.lower() in found:
            continue
        count = 0
        if len(buckets) >= BUCKETS:  # possibly beyond the aggregation's reach: count it
            term = value.lower() if name in _CASE_BLIND else value
            field = "keyword" if name == "keyword" else FACETS[name]
            narrowed = Query.boolean_query(
                [(Occur.Must, query), (Occur.Must, Query.term_query(SCHEMA, field, term))]
            )
            count = engine.searcher.search(narrowed, limit=1, count=True).count
        extra.append({"value": value, "label": value, "count": count})
    return rows + extra


def counts(engine, names: list[str], selected: dict[str, list[str]]) -> dict[str, list[dict]]:
    groups: dict[str | None, list[str]] = {}
    for name in names:
        groups.setdefault(name if name in selected else None, []).append(name)
    found: dict[str, tuple] = {}
    for leave_out, group in groups.items():
        query = engine.matching(leave_out)
        spec = {
            name: {"terms": {"field": FACETS[name], "size": BUCKETS, "segment_size": BUCKETS}}
            for name in group
        }
        aggregated = engine.searcher.aggregate(query, spec)
        for name in group:
            found[name] = (query, aggregated.get(name, {}).get("buckets", []))
    wanted = {name: [b["key"] for b in buckets if b["key"]] for name, (_, buckets) in found.items()}
    labels = _labels(wanted)
    return {
        name: _facet(engine, name, found[name][0], found[name][1], selected.get(name), labels)
        for name in names
    }
