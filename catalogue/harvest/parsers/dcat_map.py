"""Mapping of a DCAT / DCAT-AP graph onto DatasetRecords.

DCAT in the wild mixes vocabulary versions (two vCard namespaces, schema.org over http and
https, EU authority URIs next to free-text literals) and languages. The rules: prefer English,
then untagged, then any language, and keep the other languages in `extras` so nothing is lost.
Every multi-valued list is sorted so that mapping the same feed twice gives the same record,
and the content hash is taken over the dataset's own description (its triples plus those of
its blank nodes and of the distribution/contact/publisher/temporal nodes it points to) with
blank nodes named by their content, so it is stable across runs and serialisations.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from . import dcat_vocab as vocab
from .common import (
    MAX_SHORT,
    clean_emails,
    clean_keywords,
    clean_text,
    clean_url,
    dedupe_warnings,
    map_access,
    map_frequency,
    map_licence,
    map_theme,
    parse_datetime,
    unresolved,
)
from .records import ContactRecord, DatasetRecord, DistributionRecord, RecordError

# Open namespaces: rdflib's closed DCAT/DCTERMS reject terms they do not list (dct:mediaType
# as older feeds write it, dcat:version from DCAT 3).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
VCARD_OLD = Namespace("http://www.w3.org/2001/vcard-rdf/3.0#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SCHEMA = (Namespace("http://schema.org/"), Namespace("https://schema.org/"))
TIME = Namespace("http://www.w3.org/2006/time#")
_PREFERRED = ("en", "en-gb", "en-us")
_LABELS = (
    FOAF.name,
    SKOS.prefLabel,
    RDFS.label,
    DCTERMS.title,
    VCARD.fn,
    VCARD["organization-name"],
)
_FOLLOW = {DCAT.distribution, DCAT.contactPoint, DCTERMS.publisher, DCTERMS.temporal}


def _rank(lit: Literal) -> tuple[int, str, str]:
    lang = (lit.language or "").lower()
    if lang in _PREFERRED:
        return _PREFERRED.index(lang), lang, str(lit)
    if lang.startswith("en-"):
        return 3, lang, str(lit)
    return (4 if not lang else 5), lang, str(lit)


def _literals(g: Graph, s: Node, *preds: URIRef) -> list[Literal]:
    return [o for p in preds for o in g.objects(s, p) if isinstance(o, Literal)]


def _best(values: Iterable[Literal]) -> tuple[str, dict[str, str]]:
    """The preferred text and {lang: text} for the other languages."""
    ordered = sorted(values, key=_rank)
    if not ordered:
        return "", {}
    chosen = ordered[0]
    others: dict[str, str] = {}
    for lit in ordered[1:]:
        if lit.language and lit.language != chosen.language:
            others.setdefault(lit.language, str(lit))
    return str(chosen), others


def _label(g: Graph, node: Node) -> str:
    if isinstance(node, Literal):
        return str(node)
    text, _ = _best(_literals(g, node, *_LABELS))
    if text:
        return text
    return str(node) if isinstance(node, URIRef) else ""


def _value(g: Graph, s: Node, *preds: URIRef) -> str:
    """One value as text: a literal, a URI, or a node's label; sorted for stability."""
    candidates = sorted(
        (o for p in preds for o in g.objects(s, p)),
        key=lambda o: (
            not isinstance(o, Literal),
            _rank(o) if isinstance(o, Literal) else (9, "", str(o)),
        ),
    )
    for node in candidates:
        text = _label(g, node) if isinstance(node, BNode) else str(node)
        if text.strip():
            return text.strip()
    return ""


def _hash_node(g: Graph, node: Node, follow: bool, depth: int = 0) -> list[str]:
    lines = []
    for p, o in g.predicate_objects(node):
        if isinstance(o, BNode) or (follow and p in _FOLLOW and isinstance(o, URIRef)):
            inner = sorted(_hash_node(g, o, False, depth + 1)) if depth < 8 else ["…"]
            digest = hashlib.sha256("\n".join(inner).encode()).hexdigest()
            obj = (o.n3() + " " if isinstance(o, URIRef) else "_:") + digest
        else:
            obj = o.n3()
        lines.append(f"{p.n3()} {obj}")
    return lines


def dataset_hash(g: Graph, node: Node) -> str:
    return hashlib.sha256("\n".join(sorted(_hash_node(g, node, True))).encode()).hexdigest()


def records_from_graph(g: Graph, *, base: str = "") -> Iterator[DatasetRecord | RecordError]:
    """Records for every dataset and data service; `base` is the URL the document came from."""
    nodes = {(s, "Dataset") for s in g.subjects(RDF.type, DCAT.Dataset)}
    nodes |= {(s, "DataService") for s in g.subjects(RDF.type, DCAT.DataService)}
    # Ordered by what the records are called, not by node labels: blank-node labels differ
    # from one parse to the next, and a stable order keeps runs and tests reproducible.
    mapped = [(kind, map_dataset(g, node, kind, base=base)) for node, kind in nodes]
    for _kind, record in sorted(mapped, key=lambda m: (m[0], m[1].source_identifier)):
        yield record


def map_dataset(
    g: Graph, node: Node, kind: str = "Dataset", *, base: str = ""
) -> DatasetRecord | RecordError:
    warnings: list[str] = []
    extras: dict[str, Any] = {}
    title, title_tr = _best(_literals(g, node, DCTERMS.title))
    title = clean_text(title, warnings, "title", MAX_SHORT)
    identifier = clean_text(_value(g, node, DCTERMS.identifier), warnings, "identifier", MAX_SHORT)
    adms_id = ""
    for adms in g.objects(node, ADMS.identifier):
        adms_id = adms_id or _value(g, adms, SKOS.notation) or _label(g, adms)
    landing = _value(g, node, DCAT.landingPage)
    if isinstance(node, URIRef):
        source_id = str(node)
    else:
        source_id = identifier or adms_id or landing
        if not source_id and title:
            source_id = "title:" + hashlib.sha256(title.encode()).hexdigest()[:32]
            warnings.append("blank-node dataset without identifier; derived one from the title")
    if not title:
        return RecordError(source_id or "(blank node)", f"dcat:{kind} has no dct:title")
    record = DatasetRecord(
        source_identifier=source_id, title=title, type=kind, warnings=warnings, extras=extras
    )
    if title_tr:
        extras["title_translations"] = title_tr
    if isinstance(node, URIRef):
        record.iri = str(node)
    # The original identifier travels as dct:identifier; a source that gives none is known by
    # its IRI.
    record.identifier = identifier or record.iri
    if identifier:
        extras["dct_identifier"] = identifier
    if adms_id:
        extras["adms_identifier"] = adms_id
    description, desc_tr = _best(_literals(g, node, DCTERMS.description))
    record.description = clean_text(description, warnings, "description")
    if desc_tr:
        extras["description_translations"] = desc_tr
    record.alternative_title = sorted({str(v) for v in _literals(g, node, DCTERMS.alternative)})
    _keywords(g, node, record)
    _themes(g, node, record)
    publisher = next(iter(sorted(g.objects(node, DCTERMS.publisher), key=str)), None)
    if publisher is not None:
        record.publisher_name = clean_text(_label(g, publisher), warnings, "publisher", MAX_SHORT)
        if isinstance(publisher, URIRef) and vocab.valid_iri(str(publisher), vocab.WEB):
            record.publisher_uri = str(publisher)
    record.creator = sorted({_label(g, c) for c in g.objects(node, DCTERMS.creator)} - {""})
    record.contact_point = sorted(
        (
            c
            for n in g.objects(node, DCAT.contactPoint)
            for c in _contact(g, n, base=base, warnings=warnings, extras=extras)
        ),
        key=lambda c: (c.name, c.email),
    )
    licence = _value(g, node, DCTERMS.license)
    _access(g, node, record)
    frequency = _value(g, node, DCTERMS.accrualPeriodicity)
    if frequency:
        record.update_frequency = vocab.frequency_from_iri(frequency) or map_frequency(
            frequency, warnings, extras
        )
    _temporal(g, node, record)
    _spatial(g, node, record)
    for field, pred in (("issued", DCTERMS.issued), ("modified", DCTERMS.modified)):
        value = _value(g, node, pred)
        setattr(record, field, parse_datetime(value, warnings, field) if value else None)
    record.landing_page = clean_url(landing, warnings, "landingPage", extras=extras)
    record.source_url = record.landing_page
    record.version = clean_text(
        _value(g, node, OWL.versionInfo, DCAT.version), warnings, "version", 200
    )
    record.distribution = sorted(
        (
            _distribution(g, d, warnings, base=base, extras=extras)
            for d in g.objects(node, DCAT.distribution)
        ),
        key=lambda d: (d.access_url, d.download_url, d.title, d.format),
    )
    if not licence:  # DCAT-AP puts licences on distributions; lift one all of them share
        shared = {d.licence for d in record.distribution}
        if len(shared) == 1:
            record.licence = shared.pop()
    else:
        record.licence = map_licence(licence, warnings)
    if kind == "DataService":
        for key, pred in (
            ("endpoint_url", DCAT.endpointURL),
            ("endpoint_description", DCAT.endpointDescription),
        ):
            if value := _value(g, node, pred):
                extras[key] = value
        serves = sorted(str(o) for o in g.objects(node, DCAT.servesDataset))
        if serves:
            extras["serves_dataset"] = serves
    record.content_hash = dataset_hash(g, node)
    dedupe_warnings(record.warnings)
    return record


def _keywords(g: Graph, node: Node, record: DatasetRecord) -> None:
    literals = _literals(g, node, DCAT.keyword)
    preferred = [k for k in literals if _rank(k)[0] <= 4]
    chosen = preferred or literals
    values = sorted(str(k) for k in chosen)
    if len(values) == 1 and "," in values[0]:  # "a, b, c" in one literal: a common slip
        values = values[0].split(",")
    record.keyword = clean_keywords(values, record.warnings)
    others: dict[str, list[str]] = {}
    for lit in literals:
        if lit not in chosen and lit.language:
            others.setdefault(lit.language, []).append(str(lit))
    if others:
        record.extras["keyword_translations"] = {k: sorted(v) for k, v in sorted(others.items())}


_OWN_FIELDS = ("access_rights", "metadata_visibility", "security_classification", "personal_data")
_OWN = dict(zip(vocab.OWN_TERMS, _OWN_FIELDS, strict=True))


def _own_terms(g: Graph, node: Node) -> dict[str, str]:
    """Values of the Data Marketplace's own terms (any node's SITE_URL + /ns/marketplace#)."""
    found: dict[str, str] = {}
    for predicate, value in g.predicate_objects(node):
        text = str(predicate)
        if vocab.OWN_NAMESPACE_PATH in text and isinstance(value, Literal):
            term = text.rsplit("#", 1)[-1]
            if term in _OWN and str(value).strip():
                found.setdefault(_OWN[term], str(value).strip().upper())
    return found


def _access(g: Graph, node: Node, record: DatasetRecord) -> None:
    """Access rights from our own term, the EU table or words; never more open than stated.

    A record that states no access right we can read is not taken as open: it gets
    vocab.UNSTATED_ACCESS, and only an explicit "public" makes a record OPEN.
    """
    own = _own_terms(g, node)
    for field in ("metadata_visibility", "security_classification", "personal_data"):
        setattr(record, field, own.get(field, ""))
    stated = _value(g, node, DCTERMS.accessRights)
    access = own.get("access_rights", "")
    if access not in vocab.ACCESS_RIGHTS:
        access = vocab.access_from_iri(stated)
    if not access and stated:
        access = map_access(stated, record.warnings, record.extras)
    if not access:
        if not stated:
            record.warnings.append(
                f"no access rights stated; taken as {vocab.UNSTATED_ACCESS}, not open"
            )
        access = vocab.UNSTATED_ACCESS
    record.access_rights = access


def _themes(g: Graph, node: Node, record: DatasetRecord) -> None:
    unmapped = []
    for theme in sorted(g.objects(node, DCAT.theme), key=str):
        candidates = [str(theme)] if not isinstance(theme, BNode) else []
        if isinstance(theme, URIRef) and "/themes/" in str(theme):  # another node's own theme
            candidates.append(str(theme).rstrip("/").rsplit("/", 1)[-1])
        if not isinstance(theme, Literal):
            candidates += [str(v) for v in _literals(g, theme, SKOS.prefLabel, RDFS.label)]
        code = next((c for c in map(map_theme, candidates) if c), None)
        if code and code not in record.theme:
            record.theme.append(code)
        elif not code:
            unmapped.append(_label(g, theme) if isinstance(theme, BNode) else str(theme))
    if unmapped:
        record.extras["theme"] = unmapped


def _email_text(g: Graph, node: Node, base: str, warnings: list[str]) -> str:
    """The email value as the author wrote it.

    `vcard:hasEmail <someone@example.org>` is a relative IRI, which the RDF parser resolved
    against the document into http://host/path/someone@example.org; the address is recovered.
    """
    value = _value(g, node, VCARD.hasEmail, VCARD.email, VCARD_OLD.EMAIL, FOAF.mbox)
    if relative := unresolved(value, base):
        warnings.append(f"contact email {relative[:100]!r} was a relative IRI; read as text")
        return relative
    return value


def _contact(
    g: Graph, node: Node, *, base: str, warnings: list[str], extras: dict[str, Any]
) -> list[ContactRecord]:
    """One contact per real email address ("a@x, b@y" gives two); none for an empty node."""
    if isinstance(node, Literal):
        text = str(node).strip()
        if "@" not in text:
            return [ContactRecord(name=text[:MAX_SHORT])] if text else []
        emails = clean_emails(text, warnings, "contactPoint", extras=extras)
        return [ContactRecord(email=e) for e in emails]
    name = _value(g, node, VCARD.fn, VCARD_OLD.FN, VCARD_OLD.fn) or _value(
        g, node, VCARD["organization-name"], VCARD.hasOrganizationName, FOAF.name
    )
    emails = clean_emails(
        _email_text(g, node, base, warnings), warnings, "contactPoint.hasEmail", extras=extras
    )
    if not (name or emails):
        return []
    return [ContactRecord(name=name[:MAX_SHORT], email=e) for e in emails or [""]]


def _temporal(g: Graph, node: Node, record: DatasetRecord) -> None:
    for period in sorted(g.objects(node, DCTERMS.temporal), key=str):
        starts = [DCAT.startDate, *(s.startDate for s in SCHEMA)]
        ends = [DCAT.endDate, *(s.endDate for s in SCHEMA)]
        start = _value(g, period, *starts)
        end = _value(g, period, *ends)
        for pred, holder in ((TIME.hasBeginning, "start"), (TIME.hasEnd, "end")):
            for instant in g.objects(period, pred):
                value = _value(
                    g, instant, TIME.inXSDDateTime, TIME.inXSDDate, TIME.inXSDDateTimeStamp
                )
                if holder == "start":
                    start = start or value
                else:
                    end = end or value
        s = parse_datetime(start, record.warnings, "temporal start") if start else None
        e = parse_datetime(end, record.warnings, "temporal end") if end else None
        if s or e:
            record.temporal_start = s.date() if s else None
            record.temporal_end = e.date() if e else None
            return
        if isinstance(period, Literal):
            record.extras["temporal"] = str(period)


def _spatial(g: Graph, node: Node, record: DatasetRecord) -> None:
    values = []
    for place in sorted(g.objects(node, DCTERMS.spatial), key=str):
        if isinstance(place, BNode):  # a dct:Location: its name, else its geometry
            text = _label(g, place) or _value(g, place, LOCN.geometry, DCAT.bbox, DCAT.centroid)
        else:
            text = str(place)
        if text:
            values.append(text)
    if values:
        record.spatial = clean_text(values[0], record.warnings, "spatial")
        if len(values) > 1:
            record.extras["spatial"] = values


def _distribution(
    g: Graph, node: Node, warnings: list[str], *, base: str, extras: dict[str, Any]
) -> DistributionRecord:
    title, _ = _best(_literals(g, node, DCTERMS.title))
    description, _ = _best(_literals(g, node, DCTERMS.description))
    media = _value(g, node, DCAT.mediaType, DCTERMS.mediaType)
    fmt = _value(g, node, DCTERMS["format"])
    # `dct:format <CSV>` is a relative IRI the parser resolved into http://host/path/CSV.
    media = unresolved(media, base) or media
    fmt = unresolved(fmt, base) or fmt
    if "/media-types/" in media:  # IANA IRI -> "text/csv"
        media = vocab.media_type_from_iri(media) or media.split("/media-types/", 1)[1]
    fmt = vocab.format_from_iri(fmt)  # EU file type -> "CSV"
    size_text = _value(g, node, DCAT.byteSize)
    try:
        byte_size = int(float(size_text)) if size_text else None
    except ValueError:
        byte_size = None
        warnings.append(f"distribution byteSize {size_text[:40]!r} is not a number")
    checksum = ""
    for node_sum in g.objects(node, SPDX.checksum):
        value = _value(g, node_sum, SPDX.checksumValue)
        algorithm = _value(g, node_sum, SPDX.algorithm).rsplit("_", 1)[-1].rsplit("#", 1)[-1]
        checksum = f"{algorithm}:{value}" if algorithm and value else value
    licence = _value(g, node, DCTERMS.license)
    return DistributionRecord(
        title=clean_text(title, warnings, "distribution.title", MAX_SHORT),
        description=clean_text(description, warnings, "distribution.description"),
        access_url=clean_url(_value(g, node, DCAT.accessURL), warnings, "accessURL", extras=extras),
        download_url=clean_url(
            _value(g, node, DCAT.downloadURL), warnings, "downloadURL", extras=extras
        ),
        media_type=clean_text(media, warnings, "mediaType", 200),
        format=clean_text(fmt, warnings, "format", 200),
        byte_size=byte_size,
        checksum=clean_text(checksum, warnings, "checksum", 300),
        licence=map_licence(licence, warnings) if licence else "",
        conforms_to=clean_text(
            _value(g, node, DCTERMS.conformsTo), warnings, "conformsTo", MAX_SHORT
        ),
    )
