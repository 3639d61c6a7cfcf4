"""The tantivy index on disk: its schema, one document per dataset, and the single writer.

Text fields use the `en_stem` analyser (lower-cased, English-stemmed words) and carry the same
weights as the database backends (applied at query time): title 10; alternative titles and
summary 5; keywords, theme titles and publisher title 2; description 1. Every filter and facet
is a raw fast field, so filters are term queries and facets are terms aggregations. The index
stores no text: result rows and snippets are always read from the database.

tantivy allows one IndexWriter per index. Every write here holds an exclusive file lock on the
index directory first, so drains and rebuilds in any number of processes on one host take turns
instead of failing; tantivy's own lock file remains a second guard.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import tantivy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from catalogue.search.base import SearchIndexBusy, SearchIndexError

# Field name -> weight of the text fields, as in the database backends' A/B/C/D.
TEXT_FIELDS = {"title": 10.0, "secondary": 5.0, "tertiary": 2.0, "description": 1.0}
TITLE_FIELDS = {"title": 10.0}
ANALYSER = "en_stem"
KEYWORD_LABEL_SEPARATOR = "\x1f"
# Dataset columns indexed as they are, one raw term each.
_PLAIN_FIELDS = [
    "licence",
    "access_rights",
    "security_classification",
    "quality_rating",
    "status",
    "type",
    "metadata_visibility",
]
# Raw (untokenised) string fields used by filters and facets.
RAW_FIELDS = [
    "publisher",
    "theme",
    "keyword",
    "keyword_label",  # "<lower-case keyword>\x1f<its spelling shown in the facet>"
    "format",
    *_PLAIN_FIELDS,
]
WRITER_HEAP = 64_000_000
REBUILD_HEAP = 256_000_000
BATCH = 500
# Far outside any real timestamp: undated records sort after dated ones either way.
NO_DATE_LOW, NO_DATE_HIGH = -(2**62), 2**62
_EPOCH_2100 = 4_102_444_800  # seconds; scales recency into [0, 1)
QUALITY_MAX = 405
LOCK_FILE = "catalogue-writer.lock"


class IndexBusy(SearchIndexBusy):
    """Another process has held the index writer for longer than we were willing to wait."""


class IndexSchemaChanged(SearchIndexError):
    """The index on disk was written with another schema (by an earlier release)."""


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", tokenizer_name="raw", index_option="basic")
    sb.add_unsigned_field("id_high", fast=True)
    sb.add_unsigned_field("id_low", fast=True)
    for name in TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name=ANALYSER, index_option="position")
    for name in RAW_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_text_field("title_sort", tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_text_field("title_exact", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("identifier_exact", tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("publisher_org", indexed=True, fast=True)
    sb.add_integer_field("harvest_source", indexed=True, fast=True)
    # Microseconds since the epoch: exact comparisons with the database's timestamps.
    sb.add_integer_field("metadata_modified", indexed=True, fast=True)
    sb.add_integer_field("modified_newest", fast=True)  # undated: lowest
    sb.add_integer_field("modified_oldest", fast=True)  # undated: highest
    sb.add_integer_field("quality_score", fast=True)
    # Tiny multipliers of the relevance score (see text.py): tie-breakers, never a reordering.
    sb.add_float_field("tie_break", fast=True)
    sb.add_float_field("title_fit", fast=True)
    return sb.build()


SCHEMA = _schema()
_open: dict[str, tantivy.Index] = {}


def index_dir() -> Path:
    return Path(settings.SEARCH_INDEX_DIR)


def get_index(*, replace_other_schema: bool = False) -> tantivy.Index:
    """The index in SEARCH_INDEX_DIR, created empty on first use; one handle per process.
    An index with another schema is an error, or, for a rebuild, is deleted first."""
    path = index_dir()
    key = str(path.resolve())
    index = _open.get(key)
    if index is None:
        path.mkdir(parents=True, exist_ok=True)
        try:
            index = tantivy.Index(SCHEMA, path=key, reuse=True)
        except ValueError as error:
            if "schema does not match" not in str(error):
                raise
            if not replace_other_schema:
                raise IndexSchemaChanged(
                    f"The search index in {path} was written with another schema: "
                    "run `manage.py searchindex --rebuild`."
                ) from error
            for item in path.iterdir():
                if item.is_file() and item.name != LOCK_FILE:
                    item.unlink()
            index = tantivy.Index(SCHEMA, path=key, reuse=True)
        _open[key] = index
    return index


def forget_handles() -> None:
    """Drop the cached index handles (after the directory was replaced, and between tests)."""
    _open.clear()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    # Tests point SEARCH_INDEX_DIR at a directory of their own.
    if setting in ("SEARCH_INDEX_DIR", "SEARCH_BACKEND"):
        forget_handles()


def searcher() -> tantivy.Searcher:
    """A searcher over the latest commit of any process (reloading is cheap)."""
    index = get_index()
    index.reload()
    return index.searcher()


def ids_of(searcher: tantivy.Searcher, addresses: list) -> list[uuid.UUID]:
    if not addresses:
        return []
    high = searcher.fast_field_values("id_high", addresses)
    low = searcher.fast_field_values("id_low", addresses)
    return [uuid.UUID(int=(h << 64) | lo) for h, lo in zip(high, low, strict=True)]


@contextmanager
def writer_lock(timeout: float) -> Iterator[None]:
    """Exclusive use of the index writer across processes, waiting up to `timeout` seconds."""
    path = index_dir()
    path.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    with (path / LOCK_FILE).open("a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(f"The search index writer in {path} is busy.") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def index_writer(
    heap: int = WRITER_HEAP, threads: int = 1, *, replace_other_schema: bool = False
) -> Iterator[tantivy.IndexWriter]:
    """The one writer; call only under `writer_lock`. Uncommitted work is rolled back."""
    index = get_index(replace_other_schema=replace_other_schema)
    writer = index.writer(heap_size=heap, num_threads=threads)
    try:
        yield writer
    except BaseException:
        writer.rollback()
        raise
    finally:
        writer.wait_merging_threads()  # releases tantivy's own lock


def _micros(moment: dt.datetime | None) -> int | None:
    if moment is None:
        return None
    return int(moment.timestamp() * 1_000_000) if moment.tzinfo else None


def _add(doc: tantivy.Document, field: str, values: Iterable[str]) -> None:
    for value in dict.fromkeys(v for v in values if v):  # once each, in order
        doc.add_text(field, value)


def _keyword_labels(keywords: list[str]) -> dict[str, str]:
    """Lower-case keyword -> the spelling the facet shows: the smallest one, as the database
    backends choose it."""
    labels: dict[str, str] = {}
    for keyword in keywords:
        if not isinstance(keyword, str) or not keyword:
            continue
        key = keyword.lower()
        if key not in labels or keyword < labels[key]:
            labels[key] = keyword
    return labels


@dataclass
class Record:
    """What a dataset's document is made of: its row, read as plain values, plus its themes,
    distribution formats and publisher."""

    row: dict
    publisher: tuple[str, str]  # slug, title
    themes: list[tuple[str, str]] = field(default_factory=list)  # slug, title
    formats: list[str] = field(default_factory=list)


def document(record: Record) -> tantivy.Document:
    row = record.row
    doc = tantivy.Document()
    key = row["id"].int
    doc.add_text("id", str(row["id"]))
    doc.add_unsigned("id_high", key >> 64)
    doc.add_unsigned("id_low", key & (2**64 - 1))
    keywords = [k for k in row["keyword"] or [] if isinstance(k, str)]
    alternative = [a for a in row["alternative_title"] or [] if isinstance(a, str)]
    publisher_slug, publisher_title = record.publisher
    doc.add_text("title", row["title"])
    doc.add_text("secondary", " ".join([*alternative, row["summary"]]))
    doc.add_text(
        "tertiary", " ".join([*keywords, *(title for _, title in record.themes), publisher_title])
    )
    doc.add_text("description", row["description"])
    labels = _keyword_labels(keywords)
    _add(doc, "publisher", [publisher_slug])
    _add(doc, "theme", [slug for slug, _ in record.themes])
    _add(doc, "keyword", labels)
    _add(doc, "keyword_label", [f"{k}{KEYWORD_LABEL_SEPARATOR}{v}" for k, v in labels.items()])
    _add(doc, "format", [f.lower() for f in record.formats])
    for name in _PLAIN_FIELDS:
        _add(doc, name, [row[name]])
    doc.add_text("title_sort", row["title"].lower())
    doc.add_text("title_exact", row["title"].strip().lower())
    if row["identifier"]:
        doc.add_text("identifier_exact", row["identifier"])
    doc.add_integer("publisher_org", row["publisher_id"])
    if row["harvest_source_id"] is not None:
        doc.add_integer("harvest_source", row["harvest_source_id"])
    if (changed := _micros(row["metadata_modified"])) is not None:
        doc.add_integer("metadata_modified", changed)
    modified = _micros(row["modified"])
    doc.add_integer("modified_newest", NO_DATE_LOW if modified is None else modified)
    doc.add_integer("modified_oldest", NO_DATE_HIGH if modified is None else modified)
    doc.add_integer("quality_score", row["quality_score"])
    quality = min(row["quality_score"], QUALITY_MAX) / QUALITY_MAX
    recency = 0.0
    if modified is not None:
        recency = min(max(modified / 1_000_000 / _EPOCH_2100, 0.0), 1.0)
    tie_break = 1e-4 * quality + 1e-5 * recency
    doc.add_float("tie_break", tie_break)
    doc.add_float("title_fit", 1e-3 * (1 - min(len(row["title"]), 256) / 256) + tie_break)
    return doc


_ROW_FIELDS = [
    "id",
    "title",
    "alternative_title",
    "summary",
    "description",
    "keyword",
    "identifier",
    "publisher_id",
    "harvest_source_id",
    "metadata_modified",
    "modified",
    "quality_score",
    *_PLAIN_FIELDS,
]


def records(ids: Iterable | None = None, *, chunk: int = 2000) -> Iterator[Record]:
    """The datasets (all, or these ids) as Records, streamed in chunks of plain values: no
    model instances, three queries per chunk, memory flat in the catalogue's size."""
    from catalogue.models import Dataset, Distribution, Organisation, Theme

    publishers: dict[int, tuple[str, str]] = {}
    themes = {
        pk: (slug, title) for pk, slug, title in Theme.objects.values_list("pk", "slug", "title")
    }
    qs = Dataset.objects.order_by().values(*_ROW_FIELDS)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))

    def complete(rows: list[dict]) -> Iterator[Record]:
        keys = [row["id"] for row in rows]
        wanted = {row["publisher_id"] for row in rows} - publishers.keys()
        if wanted:
            for pk, slug, title in Organisation.objects.filter(pk__in=wanted).values_list(
                "pk", "slug", "title"
            ):
                publishers[pk] = (slug, title)
        themed: dict[uuid.UUID, list] = {}
        for dataset_id, theme_id in Dataset.theme.through.objects.filter(
            dataset_id__in=keys
        ).values_list("dataset_id", "theme_id"):
            themed.setdefault(dataset_id, []).append(themes[theme_id])
        formats: dict[uuid.UUID, list] = {}
        for dataset_id, fmt in (
            Distribution.objects.filter(dataset_id__in=keys)
            .exclude(format="")
            .order_by("position", "id")
            .values_list("dataset_id", "format")
        ):
            formats.setdefault(dataset_id, []).append(fmt)
        for row in rows:
            yield Record(
                row=row,
                publisher=publishers[row["publisher_id"]],
                themes=themed.get(row["id"], []),
                formats=formats.get(row["id"], []),
            )

    batch: list[dict] = []
    for row in qs.iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) == chunk:
            yield from complete(batch)
            batch = []
    if batch:
        yield from complete(batch)


def write(writer: tantivy.IndexWriter, ids: list[uuid.UUID]) -> int:
    """Replace the documents of these datasets by their current state (deleted ones: removed)."""
    for pk in ids:
        writer.delete_documents_by_term("id", str(pk))
    written = 0
    for record in records(ids):
        writer.add_document(document(record))
        written += 1
    return written


def document_count() -> int:
    return searcher().num_docs
