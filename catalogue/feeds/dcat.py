"""DCAT-AP 3.0.1 graphs of datasets, paged with Hydra so harvesters can walk a large catalogue.

Every value that becomes an IRI is checked first (dcat_vocab.valid_iri): one that is not an IRI
is written as a literal where DCAT-AP allows one and left out where it does not, so a single
harvested record can never make a page fail. Values go through the same tables the DCAT parser
reads them back with (catalogue/harvest/parsers/dcat_vocab.py). docs/federation.md lists what
each field becomes.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.conf import settings
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from catalogue.harvest.parsers import dcat_vocab as vocab
from catalogue.harvest.parsers.common import EU_THEME, THEMES
from catalogue.models import Dataset
from catalogue.vocabularies import DatasetType

# Open namespace: rdflib's closed DCAT lacks DCAT 3 terms such as dcat:version.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace(vocab.GEOSPARQL)
PROV = Namespace("http://www.w3.org/ns/prov#")
FORMATS = {"turtle": "text/turtle", "json-ld": "application/ld+json", "xml": "application/rdf+xml"}
# Our themes as EU data themes where one fits; the rest are published as our own concepts.
EU_THEMES = {
    "business-and-economy": "ECON",
    "education": "EDUC",
    "environment": "ENVI",
    "government": "GOVE",
    "health": "HEAL",
    "crime-and-justice": "JUST",
    "towns-and-cities": "REGI",
    "society": "SOCI",
    "transport": "TRAN",
}
EU_THEME_LABELS = {
    "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport",
    "ENVI": "Environment",
    "GOVE": "Government and public sector",
    "HEAL": "Health",
    "JUST": "Justice, legal system and public safety",
    "REGI": "Regions and cities",
    "SOCI": "Population and society",
    "TRAN": "Transport",
}


def own_namespace() -> Namespace:
    """Our terms for fields DCAT-AP has no property for (documented in docs/federation.md)."""
    return Namespace(f"{settings.SITE_URL}{vocab.OWN_NAMESPACE_PATH}")


def new_graph() -> Graph:
    # Only the prefixes we use: rdflib's default set (thirty-odd) costs time in every graph.
    graph = Graph(bind_namespaces="core")
    for prefix, ns in [("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
                       ("hydra", HYDRA), ("adms", ADMS), ("locn", LOCN), ("skos", SKOS),
                       ("gsp", GSP), ("prov", PROV), ("mp", own_namespace())]:  # fmt: skip
        graph.bind(prefix, ns)
    return graph


def dataset_uri(dataset: Dataset) -> URIRef:
    """The dataset's IRI: its original one when it was harvested with one (so every hop names
    it the same way), else its address in this catalogue."""
    return _iri(dataset.iri) or local_uri(dataset)


def local_uri(dataset: Dataset) -> URIRef:
    return URIRef(f"{settings.SITE_URL}/datasets/{dataset.slug}")


def dataset_page(dataset: Dataset) -> URIRef:
    return URIRef(f"{settings.SITE_URL}/datasets/{dataset.slug}/")


# Characters XML 1.0 cannot carry at all: rdflib writes them into RDF/XML that no parser reads.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _lit(value: str, lang: str | None = "en") -> Literal:
    """A text literal, without the control characters no RDF/XML reader accepts."""
    return Literal(_NOT_XML.sub("", str(value)), lang=lang)


def _date(value) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.dateTime if hasattr(value, "hour") else XSD.date)


def _iri(value: str, schemes: tuple[str, ...] = vocab.WEB) -> URIRef | None:
    checked = vocab.valid_iri(value, schemes)
    return URIRef(checked) if checked else None


def _typed(graph: Graph, subject, predicate, value: str, cls: URIRef) -> None:
    """An IRI typed `cls` when the value is one, else a blank node of `cls` labelled with it.

    For properties whose range is a class (licences, standards): DCAT-AP wants a resource there,
    and a blank node keeps the source's text without pretending it is an address.
    """
    node = _iri(value, (*vocab.WEB, "urn"))
    if node is None:
        node = BNode()
        graph.add((node, RDFS.label, _lit(value, None)))
    graph.add((subject, predicate, node))
    graph.add((node, RDF.type, cls))


def _document(graph: Graph, subject, predicate, value: str) -> None:
    node = _iri(value)
    if node is not None:
        graph.add((subject, predicate, node))
        graph.add((node, RDF.type, FOAF.Document))


def _agent(graph: Graph, node, name: str) -> None:
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, RDF.type, FOAF.Organization))
    graph.add((node, FOAF.name, _lit(name)))


def _spatial(graph: Graph, subject, value: str) -> None:
    """dct:spatial as a dct:Location: the IRI itself, or a blank node with a label or geometry."""
    place = _iri(value)
    if place is None:
        place = BNode()
        kind = vocab.geometry_kind(value)
        if kind:
            graph.add((place, LOCN.geometry, Literal(value.strip(), datatype=GSP[kind])))
        else:
            graph.add((place, SKOS.prefLabel, _lit(value, None)))
    graph.add((subject, DCTERMS.spatial, place))
    graph.add((place, RDF.type, DCTERMS.Location))


def _themes(graph: Graph, node: URIRef, dataset: Dataset) -> None:
    for theme in dataset.theme.all():
        code = EU_THEMES.get(theme.slug)
        if code:
            concept = URIRef(f"{EU_THEME}{code}")
            label = EU_THEME_LABELS[code]
        else:
            concept = URIRef(f"{settings.SITE_URL}/themes/{theme.slug}")
            label = theme.title or THEMES.get(theme.slug, theme.slug)
        graph.add((node, DCAT.theme, concept))
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.prefLabel, _lit(label)))


def _access(graph: Graph, node: URIRef, dataset: Dataset) -> None:
    if dataset.access_rights not in vocab.ACCESS_RIGHTS:
        # Fail closed: a record whose access right we cannot read is not published with a guess.
        raise ValueError(f"unknown access rights {dataset.access_rights!r}")
    rights = URIRef(vocab.EU_ACCESS_RIGHT + vocab.ACCESS_RIGHTS[dataset.access_rights])
    graph.add((node, DCTERMS.accessRights, rights))
    graph.add((rights, RDF.type, DCTERMS.RightsStatement))
    own = own_namespace()
    for term, field in zip(
        vocab.OWN_TERMS,
        ("access_rights", "metadata_visibility", "security_classification", "personal_data"),
        strict=True,
    ):
        if value := getattr(dataset, field):
            graph.add((node, own[term], Literal(value)))


def _contacts(graph: Graph, node: URIRef, dataset: Dataset) -> None:
    for contact in dataset.contact_points.all():
        emails = vocab.mailto_iris(contact.email)
        name = (contact.name or "").strip()
        if not (name or emails):
            continue
        vcard = BNode()
        graph.add((node, DCAT.contactPoint, vcard))
        graph.add((vcard, RDF.type, VCARD.Kind))
        if name:
            graph.add((vcard, VCARD.fn, _lit(name, None)))
        for email in emails:
            graph.add((vcard, VCARD.hasEmail, URIRef(email)))


def _distributions(graph: Graph, node: URIRef, dataset: Dataset, downloads: bool) -> None:
    page = dataset_page(dataset)
    for position, distribution in enumerate(dataset.distributions.all()):
        # Minted under our own address, never under another catalogue's dataset IRI.
        dist = URIRef(f"{local_uri(dataset)}/distributions/{position}")
        graph.add((node, DCAT.distribution, dist))
        graph.add((dist, RDF.type, DCAT.Distribution))
        if distribution.title:
            graph.add((dist, DCTERMS.title, _lit(distribution.title)))
        if distribution.description:
            graph.add((dist, DCTERMS.description, _lit(distribution.description)))
        access = _iri(distribution.access_url) if downloads else None
        download = _iri(distribution.download_url) if downloads else None
        # DCAT-AP requires an access URL: the download itself when that is all we have, and
        # the dataset's page here (where access can be asked for) when links are hidden.
        graph.add((dist, DCAT.accessURL, access or download or page))
        if download is not None:
            graph.add((dist, DCAT.downloadURL, download))
        if media := vocab.media_type_iri(distribution.media_type):
            graph.add((dist, DCAT.mediaType, URIRef(media)))
            graph.add((URIRef(media), RDF.type, DCTERMS.MediaType))
        file_type = vocab.file_type_iri(distribution.format, distribution.media_type)
        if file_type:
            graph.add((dist, DCTERMS["format"], URIRef(file_type)))
            graph.add((URIRef(file_type), RDF.type, DCTERMS.MediaTypeOrExtent))
        elif distribution.format.strip():
            _typed(graph, dist, DCTERMS["format"], distribution.format, DCTERMS.MediaTypeOrExtent)
        if distribution.byte_size is not None and distribution.byte_size >= 0:
            size = Literal(distribution.byte_size, datatype=XSD.nonNegativeInteger)
            graph.add((dist, DCAT.byteSize, size))
        if licence := (distribution.licence or dataset.licence).strip():
            _typed(graph, dist, DCTERMS.license, licence, DCTERMS.LicenseDocument)
        if distribution.conforms_to.strip():
            _typed(graph, dist, DCTERMS.conformsTo, distribution.conforms_to, DCTERMS.Standard)


def add_dataset(graph: Graph, dataset: Dataset, catalogue: URIRef | None = None) -> URIRef:
    """Describe one dataset (already filtered and annotated by visible_to) in the graph."""
    node = dataset_uri(dataset)
    is_service = dataset.type == DatasetType.DATA_SERVICE
    graph.add((node, RDF.type, DCAT.DataService if is_service else DCAT.Dataset))
    if catalogue is not None:
        graph.add((catalogue, DCAT.service if is_service else DCAT.dataset, node))
    graph.add((node, DCTERMS.identifier, _lit(dataset.identifier or str(dataset.pk), None)))
    graph.add((node, DCTERMS.title, _lit(dataset.title)))
    for alternative in dataset.alternative_title:
        graph.add((node, DCTERMS.alternative, _lit(alternative)))
    # dct:description is mandatory in DCAT-AP 3.0.1. When a record has none we repeat its
    # summary, or else its title, rather than write words nobody published.
    description = dataset.description or dataset.summary or dataset.title
    graph.add((node, DCTERMS.description, _lit(description)))
    for keyword in dataset.keyword:
        graph.add((node, DCAT.keyword, _lit(keyword)))
    _themes(graph, node, dataset)
    _publisher(graph, node, dataset)
    if dataset.licence.strip():
        _typed(graph, node, DCTERMS.license, dataset.licence, DCTERMS.LicenseDocument)
    _access(graph, node, dataset)
    if frequency := vocab.frequency_iri(dataset.update_frequency):
        graph.add((node, DCTERMS.accrualPeriodicity, URIRef(frequency)))
        graph.add((URIRef(frequency), RDF.type, DCTERMS.Frequency))
    for field, predicate in [("issued", DCTERMS.issued), ("modified", DCTERMS.modified)]:
        if getattr(dataset, field):
            graph.add((node, predicate, _date(getattr(dataset, field))))
    if dataset.version:
        graph.add((node, DCAT.version, _lit(dataset.version, None)))
    if dataset.spatial.strip():
        _spatial(graph, node, dataset.spatial)
    if dataset.temporal_start or dataset.temporal_end:
        period = BNode()
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if dataset.temporal_start:
            graph.add((period, DCAT.startDate, _date(dataset.temporal_start)))
        if dataset.temporal_end:
            graph.add((period, DCAT.endDate, _date(dataset.temporal_end)))
    _document(graph, node, DCAT.landingPage, dataset.landing_page)
    graph.add((node, FOAF.page, dataset_page(dataset)))
    graph.add((dataset_page(dataset), RDF.type, FOAF.Document))
    _contacts(graph, node, dataset)
    downloads = bool(getattr(dataset, "downloads_visible", False))
    if is_service:
        # DCAT-AP requires an endpoint: when it is hidden or not one, the dataset's page here.
        endpoint = _iri(dataset.endpoint_url) if downloads else None
        graph.add((node, DCAT.endpointURL, endpoint or dataset_page(dataset)))
    _distributions(graph, node, dataset, downloads)
    if dataset.harvest_source_id is not None:
        _record(graph, node, dataset, catalogue)
    return node


def _publisher(graph: Graph, node: URIRef, dataset: Dataset) -> None:
    """dct:publisher: the original publisher of a harvested record (its IRI when the source
    gave one), else the organisation that publishes it here."""
    if dataset.harvest_source_id is not None and dataset.source_publisher_name.strip():
        agent = _iri(dataset.source_publisher_uri) or BNode()
        name = dataset.source_publisher_name
    else:
        agent = URIRef(f"{settings.SITE_URL}/organisations/{dataset.publisher.slug}")
        name = dataset.publisher.title
    graph.add((node, DCTERMS.publisher, agent))
    _agent(graph, agent, name)


def _record(graph: Graph, node: URIRef, dataset: Dataset, catalogue: URIRef | None) -> None:
    """A dcat:CatalogRecord saying where and when this catalogue got a harvested record: our
    record (about the dataset) has as its dct:source the record at the source catalogue."""
    record = URIRef(f"{local_uri(dataset)}#record")
    if catalogue is not None:
        graph.add((catalogue, DCAT.record, record))
    graph.add((record, RDF.type, DCAT.CatalogRecord))
    graph.add((record, FOAF.primaryTopic, node))
    graph.add((record, DCTERMS.issued, _date(dataset.metadata_created)))
    graph.add((record, DCTERMS.modified, _date(dataset.metadata_modified)))
    source = BNode()
    graph.add((record, DCTERMS.source, source))
    graph.add((source, RDF.type, DCAT.CatalogRecord))
    graph.add((source, FOAF.primaryTopic, node))
    graph.add((source, DCTERMS.modified, _date(dataset.harvested_at or dataset.metadata_modified)))
    if dataset.harvest_source is not None:
        graph.add((source, DCTERMS.title, _lit(dataset.harvest_source.title)))
    if page := _iri(dataset.source_url):
        graph.add((record, PROV.wasDerivedFrom, page))
        graph.add((source, RDFS.seeAlso, page))


def catalogue_node(graph: Graph) -> URIRef:
    """The catalogue itself: title, description, publisher and home page, all mandatory."""
    catalogue = URIRef(f"{settings.SITE_URL}/catalog")
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, _lit(settings.SERVICE_NAME)))
    description = _lit(settings.CATALOGUE_DESCRIPTION)
    graph.add((catalogue, DCTERMS.description, description))
    publisher = URIRef(f"{settings.SITE_URL}/#publisher")
    graph.add((catalogue, DCTERMS.publisher, publisher))
    _agent(graph, publisher, settings.CATALOGUE_PUBLISHER)
    homepage = URIRef(f"{settings.SITE_URL}/")
    graph.add((catalogue, FOAF.homepage, homepage))
    graph.add((homepage, RDF.type, FOAF.Document))
    return catalogue


def hydra_view(
    graph: Graph,
    catalogue: URIRef,
    *,
    page_url: str,
    query: dict,
    page: int,
    page_size: int,
    total: int,
) -> URIRef:
    """The Hydra paging node, linked from the catalogue with hydra:view."""

    def link(number: int) -> URIRef:
        return URIRef(f"{page_url}?{urlencode({**query, 'page': number, 'page_size': page_size})}")

    last = max(1, -(-total // page_size))
    view = link(page)
    graph.add((catalogue, HYDRA.view, view))
    graph.add((view, RDF.type, HYDRA.PartialCollectionView))
    graph.add((view, HYDRA.totalItems, Literal(total, datatype=XSD.nonNegativeInteger)))
    graph.add((view, HYDRA.first, link(1)))
    graph.add((view, HYDRA.last, link(last)))
    if page < last:
        graph.add((view, HYDRA.next, link(page + 1)))
    if page > 1:
        graph.add((view, HYDRA.previous, link(page - 1)))
    return view
