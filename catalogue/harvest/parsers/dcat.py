"""DCAT / DCAT-AP harvesting (Turtle, RDF/XML, JSON-LD) with Hydra paging.

RDF cannot be streamed the way data.json can: rdflib builds each page's graph in memory, so the
page size is what bounds memory (the HTTP client's `max_bytes` caps it). Paged feeds (Hydra)
keep each graph small; a single huge unpaged dump is refused by the size cap rather than
exhausting the worker.

Two parser behaviours are unsafe by default and are closed here, before rdflib sees the bytes:
* RDF/XML goes through a defusedxml SAX pass that refuses any entity declaration, DTD external
  reference or external entity (billion laughs, XXE). Legitimate RDF/XML that uses `<!ENTITY>`
  as a namespace shorthand is refused too; that is a deliberate trade for safety.
* JSON-LD remote `@context` URLs would be fetched by rdflib with urllib, outside our SSRF guard.
  They are resolved by the caller-supplied `context_loader` (the harvester passes one that goes
  through `OutboundClient`), or refused when there is none.

Mapping rules live in `dcat_map.py`; this module deals with bytes, formats and pages.
"""

from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

import defusedxml
import defusedxml.sax
import orjson
from rdflib import Graph, Namespace, URIRef
from rdflib.term import Literal

from .dcat_map import records_from_graph
from .errors import HarvestError, SourceMalformed
from .http import OutboundClient, redact_url
from .records import DatasetRecord, RecordError

ContextLoader = Callable[[str], Any]

HYDRA_NAMESPACES = (
    Namespace("http://www.w3.org/ns/hydra/core#"),
    Namespace("https://www.w3.org/ns/hydra/core#"),
)
_CONTENT_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
    "text/n3": "n3",
    "application/trig": "trig",
}
_EXTENSIONS = {
    ".ttl": "turtle",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "nt",
    ".n3": "n3",
    ".trig": "trig",
}


def detect_format(data: bytes, content_type: str = "", filename: str = "") -> str:
    """rdflib format name: from the content type, else the file extension, else sniffing."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime in _CONTENT_TYPES:
        return _CONTENT_TYPES[mime]
    suffix = Path(filename.split("?", 1)[0]).suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return "json-ld"
    if head.startswith((b"<?xml", b"<!DOCTYPE", b"<!--")) or re.match(
        rb"<[A-Za-z_][\w.-]*(:[\w.-]+)?[\s>]", head
    ):
        return "xml"
    return "turtle"


def _check_xml(data: bytes) -> None:
    try:
        defusedxml.sax.parse(
            io.BytesIO(data),
            ContentHandler(),
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        )
    except defusedxml.EntitiesForbidden:
        raise SourceMalformed(
            "RDF/XML refused: it declares XML entities (possible entity-expansion bomb)"
        ) from None
    except (defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden):
        raise SourceMalformed("RDF/XML refused: it references an external entity or DTD") from None
    except SAXParseException as exc:
        raise SourceMalformed(f"RDF/XML is not well-formed XML: {exc}") from None


def _inline_contexts(node: Any, loader: ContextLoader | None, depth: int = 0) -> Any:
    """Replace remote @context references by their content (via loader), recursively."""
    if depth > 50:
        raise SourceMalformed("JSON-LD nests too deeply")
    if isinstance(node, list):
        return [_inline_contexts(n, loader, depth + 1) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@context":
            out[key] = _resolve_context(value, loader, depth)
        else:
            out[key] = _inline_contexts(value, loader, depth + 1)
    return out


def _resolve_context(value: Any, loader: ContextLoader | None, depth: int) -> Any:
    if isinstance(value, list):
        return [_resolve_context(v, loader, depth + 1) for v in value]
    if isinstance(value, str):
        if loader is None:
            raise SourceMalformed(
                f"JSON-LD uses a remote @context ({value[:200]}) and remote contexts are not "
                "fetched here"
            )
        loaded = loader(value)
        inner = loaded.get("@context", loaded) if isinstance(loaded, dict) else loaded
        return _resolve_context(inner, loader, depth + 1)
    if isinstance(value, dict):
        if "@import" in value:
            raise SourceMalformed("JSON-LD @context @import is not supported")
        # term definitions may carry their own (scoped) @context, remote ones included
        return _inline_contexts(value, loader, depth + 1)
    return value


def load_graph(
    data: bytes,
    *,
    content_type: str = "",
    filename: str = "",
    base_url: str = "",
    context_loader: ContextLoader | None = None,
) -> Graph:
    """Parse one RDF document safely into a Graph; SourceMalformed on any syntax error."""
    fmt = detect_format(data, content_type, filename)
    graph = Graph()
    try:
        if fmt == "xml":
            _check_xml(data)
            graph.parse(data=data, format="xml", publicID=base_url or None)
        elif fmt == "json-ld":
            try:
                document = orjson.loads(data)
            except orjson.JSONDecodeError as exc:
                raise SourceMalformed(f"JSON-LD is not valid JSON: {exc}") from None
            document = _inline_contexts(document, context_loader)
            graph.parse(
                data=orjson.dumps(document).decode(), format="json-ld", base=base_url or None
            )
        else:
            graph.parse(
                data=data.decode("utf-8", errors="replace"), format=fmt, publicID=base_url or None
            )
    except HarvestError:
        raise
    except Exception as exc:  # rdflib raises many unrelated types for bad syntax
        message = " ".join(str(exc).split())[:500]
        raise SourceMalformed(f"{fmt} document could not be parsed: {message}") from None
    return graph


def parse_dcat(
    data: bytes,
    *,
    content_type: str = "",
    filename: str = "",
    base_url: str = "",
    context_loader: ContextLoader | None = None,
) -> list[DatasetRecord | RecordError]:
    """All records of one DCAT document (one page of a paged feed)."""
    graph = load_graph(
        data,
        content_type=content_type,
        filename=filename,
        base_url=base_url,
        context_loader=context_loader,
    )
    return list(records_from_graph(graph, base=base_url))


def parse_dcat_file(
    path: str | Path, *, context_loader: ContextLoader | None = None
) -> list[DatasetRecord | RecordError]:
    """For `manage.py harvest --file`: the format comes from the extension or the content."""
    path = Path(path)
    return parse_dcat(path.read_bytes(), filename=path.name, context_loader=context_loader)


def next_page(graph: Graph, page_url: str) -> str | None:
    """The Hydra next page (hydra:next or the older hydra:nextPage), resolved against the page."""
    for hydra in HYDRA_NAMESPACES:
        for predicate in (hydra.next, hydra.nextPage):
            for value in sorted(graph.objects(None, predicate), key=str):
                if isinstance(value, URIRef | Literal) and str(value).strip():
                    return urljoin(page_url, str(value).strip())
    return None


class DcatHarvest:
    """Iterate the records of a (possibly Hydra-paged) DCAT feed; then read `complete`.

    `complete` is True only when every page was read and the listing was a full one, i.e.
    when the service may withdraw records the run did not see. `params` go on the first
    request only; later pages are whatever URL the feed's Hydra links name.
    """

    def __init__(
        self,
        client: OutboundClient,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        max_pages: int = 1000,
        incremental: bool = False,
    ) -> None:
        self.client = client
        self.incremental = incremental
        self.url = url
        self.params = params
        self.max_pages = max_pages
        self.pages = 0
        self.complete = False
        self.warnings: list[str] = []
        self._contexts: dict[str, Any] = {}

    def _load_context(self, url: str) -> Any:
        if url not in self._contexts:
            if len(self._contexts) >= 10:
                raise SourceMalformed("JSON-LD feed uses too many remote contexts")
            self._contexts[url] = self.client.get_json(url)
        return self._contexts[url]

    def __iter__(self) -> Iterator[DatasetRecord | RecordError]:
        url: str | None = self.url
        params = self.params
        visited: set[str] = set()
        recent: deque[set[str]] = deque(maxlen=2)  # as in ckan.py: duplicates sit at page edges
        while url:
            if url in visited:
                self.warnings.append(f"paging loops back to {redact_url(url)}; stopped")
                return
            if self.pages >= self.max_pages:
                self.warnings.append(f"stopped after {self.max_pages} pages")
                return
            visited.add(url)
            with self.client.stream_to_tempfile(url, params) as download:
                data = download.path.read_bytes()
            graph = load_graph(
                data,
                content_type=download.content_type,
                filename=url,
                base_url=url,
                context_loader=self._load_context,
            )
            self.pages += 1
            page_ids: set[str] = set()
            for record in records_from_graph(graph, base=url):
                key = record.source_identifier
                if any(key in ids for ids in recent):  # already given on a previous page
                    continue
                page_ids.add(key)
                yield record
            recent.append(page_ids)
            url, params = next_page(graph, url), None
        # An incremental listing never justifies withdrawing what it did not mention.
        self.complete = not self.incremental


def harvest_dcat(client: OutboundClient, url: str, *, max_pages: int = 1000) -> DcatHarvest:
    return DcatHarvest(client, url, max_pages=max_pages)
