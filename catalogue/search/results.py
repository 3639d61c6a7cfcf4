"""A search's matches, kept once in a narrow connection-private table.

`ResultTable` runs the visible, filtered and searched query one time and keeps, for every match,
its id, the keys of the chosen order and the few columns the facets group on. Everything after
that reads the narrow table: the exact count, the facet counts and the ids of any page. Only the
page's rows are then read in full. Without it each of those steps repeated visibility, filters
and text search over the whole catalogue and read the wide rows (descriptions average about 900
characters) of every match.

`ResultRows` is the sequence the API and pages paginate: `count()`, `len()` and slicing, like a
queryset, but a slice costs one sorted read of the narrow table plus one query for the page's
rows.
"""

import hashlib
import itertools
from collections.abc import Callable, Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import OrderBy, QuerySet

# Columns copied into the table for the facets that group on the dataset row itself.
FACET_COLUMNS = [
    "publisher_id",
    "licence",
    "access_rights",
    "security_classification",
    "quality_rating",
]
# A search makes a result table (and, with text, a table of the text's matches); the last few
# of each kind are kept on a connection so results handed out earlier stay readable, older ones
# are dropped.
KEEP = 4
_names = itertools.count()


def narrow_sql(qs: QuerySet, order: list[OrderBy] = ()) -> tuple[str, list, str] | None:
    """SQL selecting id, the facet columns and one `sort_<n>` column per key of `order` from
    `qs`, with the ORDER BY clause that sorts those columns; None when the query can match
    nothing (e.g. a text with no searchable words).

    The keys are stored rather than sorted here: a page sorts with a LIMIT, which keeps only
    the page's rows while it reads the table, where numbering every match would sort them all.
    """
    qs = qs.order_by().annotate(**{f"sort_{n}": key.expression for n, key in enumerate(order)})
    clause = ", ".join(
        f"sort_{n} {'DESC' if key.descending else 'ASC'}"
        + (" NULLS LAST" if key.nulls_last else " NULLS FIRST" if key.nulls_first else "")
        for n, key in enumerate(order)
    )
    fields = ["id", *FACET_COLUMNS, *(f"sort_{n}" for n in range(len(order)))]
    try:
        sql, params = qs.values(*fields).query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:
        return None
    return sql, list(params), clause


def _registry() -> dict[str, list[str]]:
    """The search tables alive on this database connection, by kind, oldest first."""
    connection.ensure_connection()
    raw = connection.connection
    if getattr(connection, "_search_tables_of", None) is not raw:
        connection._search_tables_of = raw
        connection._search_tables = {}
    return connection._search_tables


def temporary_table(name: str, kind: str) -> bool:
    """Record that the connection-private table `name` is (about to be) in use, dropping the
    oldest of its kind beyond KEEP. Returns whether it was already alive."""
    tables = _registry().setdefault(kind, [])
    if name in tables:
        tables.remove(name)
        tables.append(name)
        return True
    with connection.cursor() as cursor:
        while len(tables) >= KEEP:
            cursor.execute(f"DROP TABLE IF EXISTS {tables.pop(0)}")
    tables.append(name)
    return False


def hits_table(*key: object) -> str:
    """The name of the connection-private table of one text query's matches, the same for the
    same `key` (so a repeated query reuses it), recorded as in use."""
    digest = hashlib.sha1("\n".join(map(str, key)).encode()).hexdigest()[:16]  # noqa: S324
    name = f"search_hits_{digest}"
    temporary_table(name, "hits")
    return name


def alive(name: str, kind: str) -> bool:
    return name in _registry().get(kind, [])


class ResultTable:
    """`prepare`, when given, recreates what the SQL reads besides the catalogue's own tables
    (the text's table of matches), before the table is rebuilt."""

    def __init__(self, sql: str, params: list, order: str, prepare: Callable | None = None):
        self.sql, self.params, self.order = sql, params, order or "id"
        self.prepare = prepare
        self.name = f"search_results_{next(_names)}"
        self._create()

    def _create(self) -> None:
        temporary_table(self.name, "results")
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {self.name} AS {self.sql}", self.params)
            cursor.execute(f"SELECT count(*) FROM {self.name}")
            self.total = cursor.fetchone()[0]

    def ensure(self) -> None:
        """Rebuild the table if the connection has been replaced or the table dropped since."""
        if not alive(self.name, "results"):
            if self.prepare:
                self.prepare()
            self._create()

    def ids(self, start: int, stop: int) -> list:
        self.ensure()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {self.name} ORDER BY {self.order} LIMIT %s OFFSET %s",
                [stop - start, start],
            )
            return [row[0] for row in cursor.fetchall()]


class ResultRows(Sequence):
    """The ordered matches of a search, read a window at a time, for Django's Paginator, DRF
    pagination and templates: `count()`, `len()`, slicing, iteration. Each backend says how
    many there are (`count`) and which ids fill a window (`ids`); the records are then read
    through `rows`, the visible base queryset with its annotations and prefetches, in order."""

    CHUNK = 500  # rows read at a time when iterating over every match

    def __init__(self, rows: QuerySet):
        self.rows = rows

    def count(self) -> int:
        raise NotImplementedError

    def ids(self, start: int, stop: int) -> list:
        """Ids of matches start … stop - 1, best first."""
        raise NotImplementedError

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        total = len(self)
        for start in range(0, total, self.CHUNK):
            yield from self[start : start + self.CHUNK]

    def __getitem__(self, key):
        if isinstance(key, int):
            index = key + len(self) if key < 0 else key
            if not 0 <= index < len(self):
                raise IndexError("result index out of range")
            return self[index : index + 1][0]
        start, stop, step = key.indices(len(self))
        if step != 1:
            raise ValueError("result slices take no step")
        if stop <= start:
            return []
        ids = self.ids(start, stop)
        found = {row.pk: row for row in self.rows.filter(pk__in=ids)}
        field = self.rows.model._meta.pk
        keys = (field.to_python(i) for i in ids)
        return [found[k] for k in keys if k in found]


class TableRows(ResultRows):
    """The matches of a database search, as its result table orders them."""

    def __init__(self, table: ResultTable | None, rows: QuerySet):
        super().__init__(rows)
        self.table = table

    def count(self) -> int:
        return self.table.total if self.table else 0

    def ids(self, start: int, stop: int) -> list:
        return self.table.ids(start, stop) if self.table else []
