"""DCAT-AP 3 graphs of datasets, paged with Hydra so harvesters can walk a large catalogue."""

from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from catalogue.models import Dataset
from catalogue.vocabularies import AccessRights, DatasetType

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU_ACCESS = "http://publications.europa.eu/resource/authority/access-right/"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
DC_FREQ = "http://purl.org/cld/freq/"
ACCESS_RIGHTS = {
    AccessRights.OPEN: "PUBLIC",
    AccessRights.INTERNAL: "NON_PUBLIC",
    AccessRights.COMMERCIAL: "RESTRICTED",
    AccessRights.RESTRICTED: "RESTRICTED",
}
# Our themes as EU data themes where one fits; the rest are published as our own theme URIs.
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
FORMATS = {"turtle": "text/turtle", "json-ld": "application/ld+json", "xml": "application/rdf+xml"}


def new_graph() -> Graph:
    graph = Graph()
    for prefix, ns in [("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
                       ("hydra", HYDRA), ("adms", ADMS)]:  # fmt: skip
        graph.bind(prefix, ns)
    return graph


def dataset_uri(dataset: Dataset) -> URIRef:
    return URIRef(f"{settings.SITE_URL}/datasets/{dataset.slug}")


def _date(value) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.dateTime if hasattr(value, "hour") else XSD.date)


def add_dataset(graph: Graph, dataset: Dataset, catalogue: URIRef | None = None) -> URIRef:
    """Describe one dataset (already filtered and annotated by visible_to) in the graph."""
    node = dataset_uri(dataset)
    is_service = dataset.type == DatasetType.DATA_SERVICE
    graph.add((node, RDF.type, DCAT.DataService if is_service else DCAT.Dataset))
    if catalogue is not None:
        graph.add((catalogue, DCAT.service if is_service else DCAT.dataset, node))
    graph.add((node, DCTERMS.identifier, Literal(dataset.identifier or str(dataset.pk))))
    graph.add((node, DCTERMS.title, Literal(dataset.title, lang="en")))
    for alternative in dataset.alternative_title:
        graph.add((node, DCTERMS.alternative, Literal(alternative, lang="en")))
    if dataset.description:
        graph.add((node, DCTERMS.description, Literal(dataset.description, lang="en")))
    for keyword in dataset.keyword:
        graph.add((node, DCAT.keyword, Literal(keyword, lang="en")))
    for theme in dataset.theme.all():
        code = EU_THEMES.get(theme.slug)
        graph.add(
            (
                node,
                DCAT.theme,
                URIRef(f"{EU_THEME}{code}" if code else f"{settings.SITE_URL}/themes/{theme.slug}"),
            )
        )
    publisher = URIRef(f"{settings.SITE_URL}/organisations/{dataset.publisher.slug}")
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal(dataset.publisher.title, lang="en")))
    if dataset.licence:
        graph.add(
            (
                node,
                DCTERMS.license,
                URIRef(dataset.licence) if "://" in dataset.licence else Literal(dataset.licence),
            )
        )
    graph.add(
        (node, DCTERMS.accessRights, URIRef(EU_ACCESS + ACCESS_RIGHTS[dataset.access_rights]))
    )
    if dataset.update_frequency:
        graph.add((node, DCTERMS.accrualPeriodicity, URIRef(DC_FREQ + dataset.update_frequency)))
    for field, predicate in [("issued", DCTERMS.issued), ("modified", DCTERMS.modified)]:
        if getattr(dataset, field):
            graph.add((node, predicate, _date(getattr(dataset, field))))
    if dataset.version:
        graph.add((node, DCAT.version, Literal(dataset.version)))
    if dataset.spatial:
        graph.add(
            (
                node,
                DCTERMS.spatial,
                URIRef(dataset.spatial)
                if dataset.spatial.startswith("http")
                else Literal(dataset.spatial),
            )
        )
    if dataset.temporal_start or dataset.temporal_end:
        period = BNode()
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if dataset.temporal_start:
            graph.add((period, DCAT.startDate, _date(dataset.temporal_start)))
        if dataset.temporal_end:
            graph.add((period, DCAT.endDate, _date(dataset.temporal_end)))
    if dataset.landing_page:
        graph.add((node, DCAT.landingPage, URIRef(dataset.landing_page)))
    graph.add((node, FOAF.page, URIRef(f"{settings.SITE_URL}/datasets/{dataset.slug}/")))
    for contact in dataset.contact_points.all():
        vcard = BNode()
        graph.add((node, DCAT.contactPoint, vcard))
        graph.add((vcard, RDF.type, VCARD.Kind))
        if contact.name:
            graph.add((vcard, VCARD.fn, Literal(contact.name)))
        if contact.email:
            graph.add((vcard, VCARD.hasEmail, URIRef(f"mailto:{contact.email}")))
    downloads = bool(getattr(dataset, "downloads_visible", False))
    if is_service and downloads and dataset.endpoint_url:
        graph.add((node, DCAT.endpointURL, URIRef(dataset.endpoint_url)))
    for position, distribution in enumerate(dataset.distributions.all()):
        dist = URIRef(f"{node}/distributions/{position}")
        graph.add((node, DCAT.distribution, dist))
        graph.add((dist, RDF.type, DCAT.Distribution))
        if distribution.title:
            graph.add((dist, DCTERMS.title, Literal(distribution.title, lang="en")))
        if distribution.description:
            graph.add((dist, DCTERMS.description, Literal(distribution.description, lang="en")))
        if downloads and distribution.access_url:
            graph.add((dist, DCAT.accessURL, URIRef(distribution.access_url)))
        if downloads and distribution.download_url:
            graph.add((dist, DCAT.downloadURL, URIRef(distribution.download_url)))
        if not downloads:
            # DCAT-AP requires an access URL: point at the page where access can be requested.
            graph.add(
                (dist, DCAT.accessURL, URIRef(f"{settings.SITE_URL}/datasets/{dataset.slug}/"))
            )
        if distribution.media_type:
            graph.add(
                (
                    dist,
                    DCAT.mediaType,
                    URIRef(
                        f"https://www.iana.org/assignments/media-types/{distribution.media_type}"
                    ),
                )
            )
        if distribution.format:
            graph.add((dist, DCTERMS.format, Literal(distribution.format)))
        if distribution.byte_size is not None:
            graph.add(
                (
                    dist,
                    DCAT.byteSize,
                    Literal(distribution.byte_size, datatype=XSD.nonNegativeInteger),
                )
            )
        if distribution.licence:
            graph.add(
                (
                    dist,
                    DCTERMS.license,
                    URIRef(distribution.licence)
                    if "://" in distribution.licence
                    else Literal(distribution.licence),
                )
            )
        if distribution.conforms_to:
            graph.add(
                (
                    dist,
                    DCTERMS.conformsTo,
                    URIRef(distribution.conforms_to)
                    if "://" in distribution.conforms_to
                    else Literal(distribution.conforms_to),
                )
            )
    return node


def catalogue_graph(
    datasets: Iterable[Dataset],
    *,
    page_url: str,
    query: dict,
    page: int,
    page_size: int,
    total: int,
) -> Graph:
    graph = new_graph()
    catalogue = URIRef(f"{settings.SITE_URL}/catalog")
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, Literal(settings.SERVICE_NAME, lang="en")))
    graph.add((catalogue, FOAF.homepage, URIRef(f"{settings.SITE_URL}/")))
    for dataset in datasets:
        add_dataset(graph, dataset, catalogue)

    def link(number: int) -> URIRef:
        return URIRef(f"{page_url}?{urlencode({**query, 'page': number, 'page_size': page_size})}")

    last = max(1, -(-total // page_size))
    view = link(page)
    graph.add((view, RDF.type, HYDRA.PartialCollectionView))
    graph.add((view, HYDRA.totalItems, Literal(total, datatype=XSD.nonNegativeInteger)))
    graph.add((view, HYDRA.first, link(1)))
    graph.add((view, HYDRA.last, link(last)))
    if page < last:
        graph.add((view, HYDRA.next, link(page + 1)))
    if page > 1:
        graph.add((view, HYDRA.previous, link(page - 1)))
    return graph
