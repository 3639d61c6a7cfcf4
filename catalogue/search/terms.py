"""Free-text facet values as numbered terms: `SearchTerm` and `SearchDatasetTerm`.

Kept by `index_datasets` beside the full-text index. Each keyword and distribution format is
lower-cased and numbered once; a dataset's terms are rows of (dataset id, term id), so the keyword
and format facets are a join and a GROUP BY over integers rather than a JSON parse of every
matching record or a read of its distributions. Terms are only ever added: a term no dataset
uses any more costs a row and is never counted.
"""

import uuid

from django.db import connection

TERMS = "catalogue_searchterm"
LINKS = "catalogue_searchdatasetterm"

_VALUES = {
    # (facet, lower-cased value, label) for each dataset in {where}
    "postgresql": """
        SELECT d.id AS dataset_id, 'keyword' AS facet, lower(k) AS value, k AS label
        FROM catalogue_dataset d CROSS JOIN LATERAL jsonb_array_elements_text(d.keyword) k
        WHERE true {where}
        UNION ALL
        SELECT x.dataset_id, 'format', lower(x.format), lower(x.format)
        FROM catalogue_distribution x JOIN catalogue_dataset d ON d.id = x.dataset_id
        WHERE x.format <> '' {where}
    """,
    "sqlite": """
        SELECT d.id AS dataset_id, 'keyword' AS facet, lower(k.value) AS value, k.value AS label
        FROM catalogue_dataset d, json_each(d.keyword) k
        WHERE 1 {where}
        UNION ALL
        SELECT x.dataset_id, 'format', lower(x.format), lower(x.format)
        FROM catalogue_distribution x JOIN catalogue_dataset d ON d.id = x.dataset_id
        WHERE x.format <> '' {where}
    """,
}
_ADD_TERMS = {
    "postgresql": f"""
        INSERT INTO {TERMS} (facet, value, label)
        SELECT facet, value, min(label) FROM ({{values}}) v GROUP BY facet, value
        ON CONFLICT (facet, value) DO NOTHING
    """,
    "sqlite": f"""
        INSERT OR IGNORE INTO {TERMS} (facet, value, label)
        SELECT facet, value, min(label) FROM ({{values}}) v GROUP BY facet, value
    """,
}
_LINK = f"""
    INSERT INTO {LINKS} (dataset_id, term_id)
    SELECT DISTINCT v.dataset_id, t.id FROM ({{values}}) v
    JOIN {TERMS} t ON t.facet = v.facet AND t.value = v.value
"""


def _run(where: str, params: list) -> None:
    vendor = connection.vendor
    values = _VALUES[vendor].format(where=where)
    count = values.count("%s")
    with connection.cursor() as cursor:
        cursor.execute(_ADD_TERMS[vendor].format(values=values), params * count)
        cursor.execute(_LINK.format(values=values), params * count)


def index_terms(ids: list[str]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {LINKS} WHERE dataset_id = ANY(%s::uuid[])", [ids])
        _run("AND d.id = ANY(%s::uuid[])", [ids])
        return
    keys = [uuid.UUID(i).hex for i in ids]
    marks = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LINKS} WHERE dataset_id IN ({marks})", keys)
    values = _VALUES["sqlite"].format(where=f"AND d.id IN ({marks})")
    with connection.cursor() as cursor:
        cursor.execute(_ADD_TERMS["sqlite"].format(values=values), keys * 2)
        cursor.execute(_LINK.format(values=values), keys * 2)


def reindex_terms() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LINKS}")
    _run("", [])


def remove_terms(ids: list[str]) -> None:
    """Unlink these datasets from their terms (the terms stay, as after an edit)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {LINKS} WHERE dataset_id = ANY(%s::uuid[])", [ids])
        return
    keys = [uuid.UUID(i).hex for i in ids]
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(keys))
        cursor.execute(f"DELETE FROM {LINKS} WHERE dataset_id IN ({marks})", keys)
