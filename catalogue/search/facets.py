"""Facet counts, computed in the database over a search's visible, filtered matches.

All the facets of a request are one statement: a UNION ALL of one GROUP BY per facet, ranked
per facet by a window function so only each facet's top `LIMIT` values (plus any selected value
outside them) come back. A facet groups the narrow result table (`results.ResultTable`) or, when
the facet has a selection of its own, the same query with that facet's filter left out (the
usual faceted-search rule: a facet's own selection never shrinks its own counts).

The matches drive every join (`CROSS JOIN`, which SQLite never reorders), so a narrow match
set costs little however large the catalogue.

Each facet comes back as `{"value", "label", "count"}` rows, largest first.
"""

from django.db import connection

from catalogue import quality
from catalogue import vocabularies as v
from catalogue.models import Licence

from .terms import LINKS, TERMS

LIMIT = 50
NAMES = [
    "publisher",
    "theme",
    "keyword",
    "format",
    "licence",
    "access_rights",
    "security_classification",
    "quality_rating",
]
# Free-text values are matched case-insensitively by the filters, and so here.
_CASELESS = {"keyword", "format"}

# Each part yields (facet, value, label, sort key, count) over the source `t`.
_PARTS = {
    "publisher": """
        SELECT 'publisher' AS facet, o.slug AS value, o.title AS label, o.title AS sort, g.n AS n
        FROM (SELECT t.publisher_id, count(*) AS n FROM {source} GROUP BY t.publisher_id) g
        JOIN catalogue_organisation o ON o.id = g.publisher_id""",
    "theme": """
        SELECT 'theme' AS facet, th.slug AS value, th.title AS label, th.title AS sort, g.n AS n
        FROM (SELECT dt.theme_id, count(*) AS n FROM {source}
              CROSS JOIN catalogue_dataset_theme dt WHERE dt.dataset_id = t.id
              GROUP BY dt.theme_id) g
        JOIN catalogue_theme th ON th.id = g.theme_id""",
    # Keywords and formats are numbered terms: group the integers, then name the top ones.
    "terms": f"""
        SELECT tm.facet AS facet, tm.label AS value, tm.label AS label, tm.value AS sort,
               g.n AS n
        FROM (SELECT dt.term_id, count(*) AS n FROM {{source}}
              CROSS JOIN {LINKS} dt WHERE dt.dataset_id = t.id GROUP BY dt.term_id) g
        JOIN {TERMS} tm ON tm.id = g.term_id {{only}}""",
    **{
        column: f"""
        SELECT '{column}' AS facet, t.{column} AS value, t.{column} AS label, t.{column} AS sort,
               count(*) AS n
        FROM {{source}} WHERE t.{column} <> '' GROUP BY t.{column}"""
        for column in ["licence", "access_rights", "security_classification", "quality_rating"]
    },
}


def _labels() -> dict[str, dict[str, str]]:
    return {
        "licence": dict(Licence.objects.values_list("uri", "title")),
        "access_rights": dict(v.AccessRights.choices),
        "security_classification": dict(v.SecurityClassification.choices),
        "quality_rating": quality.RATING_LABELS,
    }


def count(
    sources: dict[str, tuple[str, list]], selected: dict[str, list[str]]
) -> dict[str, list[dict]]:
    """Counts for each facet in `sources`, which maps a facet name to the SQL (and params) of
    the rows it counts (id and the `results.FACET_COLUMNS`). Every selected value is listed,
    with 0 if nothing in play has it."""
    if not sources:
        return {}
    parts, params = [], []
    pending = dict(sources)
    if "keyword" in pending and pending.get("keyword") == pending.get("format"):
        sql, sql_params = pending.pop("keyword")
        del pending["format"]  # both come from one pass over the same matches
        parts.append(_PARTS["terms"].format(source=f"({sql}) t", only=""))
        params += sql_params
    for name, (sql, sql_params) in pending.items():
        if name in ("keyword", "format"):
            part = _PARTS["terms"].format(source=f"({sql}) t", only=f"AND tm.facet = '{name}'")
        else:
            part = _PARTS[name].format(source=f"({sql}) t")
        parts.append(part)
        params += sql_params
    keep, keep_params = [f"rank <= {LIMIT}"], []
    for name, values in selected.items():
        if name in sources and values:
            compare = "lower(value)" if name in _CASELESS else "value"
            wanted = [x.lower() for x in values] if name in _CASELESS else values
            keep.append(f"(facet = %s AND {compare} IN ({', '.join(['%s'] * len(wanted))}))")
            keep_params += [name, *wanted]
    sql = f"""
        SELECT facet, value, label, n FROM (
            SELECT facet, value, label, n,
                   row_number() OVER (PARTITION BY facet ORDER BY n DESC, sort) AS rank
            FROM ({" UNION ALL ".join(parts)}) u
        ) ranked
        WHERE {" OR ".join(keep)}
        ORDER BY facet, rank
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *keep_params])
        rows = cursor.fetchall()
    return _shaped(rows, list(sources), selected)


def _shaped(rows, names: list[str], selected: dict[str, list[str]]) -> dict[str, list[dict]]:
    labels = _labels()
    found: dict[str, list[dict]] = {name: [] for name in names}
    for facet, value, label, n in rows:
        if facet == "format":
            label = value.upper()
        elif facet in labels:
            label = labels[facet].get(value, value)
        found[facet].append({"value": value, "label": label, "count": n})
    for name in names:
        caseless = name in _CASELESS
        have = {(r["value"].lower() if caseless else r["value"]) for r in found[name]}
        for wanted in selected.get(name, []):
            if (wanted.lower() if caseless else wanted) not in have:
                found[name].append({"value": wanted, "label": wanted, "count": 0})
    return found
