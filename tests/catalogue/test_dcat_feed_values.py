"""Bad values in records never break the DCAT-AP feeds, and what the feeds write reads back.

Each value a user met in real harvests or the API goes in end to end (API or `manage.py
harvest`, then all three serialisations of the catalogue and of the dataset).
"""

import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF

from catalogue.harvest.parsers import dcat_vocab as vocab
from catalogue.harvest.parsers.dcat import parse_dcat
from catalogue.models import ContactPoint, Dataset
from tests.conftest import client_for
from tests.factories import DatasetFactory, DistributionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
FORMATS = {"ttl": "text/turtle", "rdf": "application/rdf+xml", "jsonld": "application/ld+json"}
RDFLIB_FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}
GEOJSON = (
    '{"type": "Polygon", "coordinates": [[[-1.9, 52.4], [-1.8, 52.4], [-1.8, 52.5], [-1.9, 52.4]]]}'
)


def _feeds(client, slug: str) -> dict[str, Graph]:
    """Every serialisation of the catalogue and of the dataset, each parsed (all must be 200)."""
    graphs = {}
    for extension, fmt in RDFLIB_FORMATS.items():
        for url in (f"/catalog.{extension}", f"/datasets/{slug}.{extension}"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["X-Skipped-Records"] == "0", url
            graphs[url] = Graph().parse(data=response.content, format=fmt)
            assert graphs[url], url
    return graphs


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://data.example.gov.uk/a?b=c#d", True),
        ("http://example.org/caf\u00e9", True),  # an IRI, not only a URI
        ("https://example.org/a%20b", True),
        ("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", False),  # not a web address
        ("Birmingham City Council", False),
        ("https://example.org/a{b}", False),
        ("https://example.org/a|b", False),
        ("https://example.org/a^b", False),
        ("https://example.org/a b", False),
        ("https://example.org/100%", False),
        ("javascript:alert(1)", False),
        ("http://", False),
        ("https://user:secret@example.org/", False),
        ("//example.org/a", False),
    ],
)
def test_iri_check_refuses_what_rdflib_lets_through(value, expected):
    assert (vocab.valid_iri(value) is not None) is expected


def test_rdflib_alone_would_accept_values_the_check_refuses():
    # The reason for our own check: rdflib takes these as IRIs without a word.
    for value in ("javascript:alert(1)", "Birmingham", "https://user:secret@example.org/"):
        assert URIRef(value).n3() == f"<{value}>"
        assert vocab.valid_iri(value) is None


def test_one_contact_field_with_three_addresses_gives_three_mailto_iris():
    assert vocab.mailto_iris("mailto:acp4@cdc.gov, krk9@cdc.gov, nnp8@cdc.gov") == [
        "mailto:acp4@cdc.gov",
        "mailto:krk9@cdc.gov",
        "mailto:nnp8@cdc.gov",
    ]
    assert vocab.mailto_iris("not an address") == []
    assert vocab.valid_iri("mailto:a@b.org, c@d.org", ("mailto",)) is None


def test_values_from_the_api_are_written_as_valid_dcat(roles, api_client):
    publisher = client_for(roles["publisher"])
    response = publisher.post(
        "/api/v1/datasets/",
        {
            "title": "Bin collections",
            "description": "Weekly rounds.",
            "publisher": "department-a",
            "access_rights": "OPEN",
            "metadata_visibility": "PUBLIC",
            "landing_page": "https://example.gov.uk/bins?q={ward}|all^",
            "distribution": [
                {
                    "title": "Rounds",
                    "download_url": "https://example.gov.uk/rounds.csv",
                    "media_type": "text/csv; charset=utf-8",
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    dataset = Dataset.objects.get(pk=response.json()["id"])
    assert dataset.landing_page.endswith("{ward}|all^")  # accepted, so the feed must cope
    assert publisher.post(f"/api/v1/datasets/{dataset.pk}/publish/").status_code == 200
    for url, graph in _feeds(api_client, dataset.slug).items():
        node = URIRef(f"{settings.SITE_URL}/datasets/{dataset.slug}")
        assert list(graph.objects(node, DCAT.landingPage)) == [], url
        (dist,) = graph.objects(node, DCAT.distribution)
        media = URIRef("https://www.iana.org/assignments/media-types/text/csv")
        assert list(graph.objects(dist, DCAT.mediaType)) == [media], url
        assert (media, RDF.type, DCTERMS.MediaType) in graph
        csv = URIRef(vocab.EU_FILE_TYPE + "CSV")  # derived from the media type
        assert list(graph.objects(dist, DCTERMS["format"])) == [csv], url
        assert (csv, RDF.type, DCTERMS.MediaTypeOrExtent) in graph
        (licence,) = graph.objects(dist, DCTERMS.license)  # the dataset's, on the distribution
        assert (licence, RDF.type, DCTERMS.LicenseDocument) in graph


def test_harvested_bad_values_never_break_a_feed(org_a, api_client, tmp_path):
    document = {
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "dataset": [
            {
                "title": "Council tax bands",
                "description": "",
                "identifier": "ctb-1",
                "accessLevel": "public",
                "modified": "2024-01-01",
                "publisher": {"name": "Birmingham City Council"},
                "keyword": ["tax"],
                "contactPoint": {
                    "fn": "CDC INFO",
                    "hasEmail": "mailto:acp4@cdc.gov, krk9@cdc.gov, nnp8@cdc.gov",
                },
                "landingPage": "Birmingham City Council",
                "spatial": GEOJSON,
                "distribution": [
                    {"title": "Bands", "downloadURL": "javascript:alert(document.cookie)"},
                    {"title": "Page", "accessURL": "https://example.gov.uk/a b"},
                ],
            }
        ],
    }
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document))
    call_command(
        "harvest", "--file", str(path), "--type", "datajson", "--organisation", org_a.slug,
        stdout=io.StringIO(),
    )  # fmt: skip
    dataset = Dataset.objects.get(title="Council tax bands")
    # What an older harvest stored, before any cleaning: the feed must cope with it as it is.
    Dataset.objects.filter(pk=dataset.pk).update(landing_page="Birmingham City Council")
    dataset.distributions.filter(title="Bands").update(
        download_url="javascript:alert(document.cookie)"
    )
    # (The harvest now splits the three addresses into three contacts; an older one kept one.)
    contacts = ContactPoint.objects.filter(dataset=dataset)
    assert contacts.count() == 3
    contacts.exclude(pk=contacts.first().pk).delete()
    contacts.update(email="mailto:acp4@cdc.gov, krk9@cdc.gov, nnp8@cdc.gov")
    node = URIRef(f"{settings.SITE_URL}/datasets/{dataset.slug}")
    page = URIRef(f"{settings.SITE_URL}/datasets/{dataset.slug}/")
    for url, graph in _feeds(api_client, dataset.slug).items():
        assert "javascript" not in graph.serialize(format="nt"), url
        assert list(graph.objects(node, DCAT.landingPage)) == [], url
        (contact,) = graph.objects(node, DCAT.contactPoint)
        assert (contact, RDF.type, VCARD.Kind) in graph
        assert sorted(map(str, graph.objects(contact, VCARD.hasEmail))) == [
            "mailto:acp4@cdc.gov",
            "mailto:krk9@cdc.gov",
            "mailto:nnp8@cdc.gov",
        ], url
        # The javascript: link gives way to our page; the harvest stored the space in the other
        # link percent-encoded, so that one is a valid IRI and is kept.
        access = {
            a
            for d in graph.objects(node, DCAT.distribution)
            for a in graph.objects(d, DCAT.accessURL)
        }
        assert access == {page, URIRef("https://example.gov.uk/a%20b")}, url
        (place,) = graph.objects(node, DCTERMS.spatial)
        assert (place, RDF.type, DCTERMS.Location) in graph
        (geometry,) = graph.objects(place, LOCN.geometry)
        assert geometry.datatype == URIRef(vocab.GEOSPARQL + "geoJSONLiteral"), url
        assert json.loads(str(geometry))["type"] == "Polygon"
        (description,) = graph.objects(node, DCTERMS.description)
        assert str(description) == "Council tax bands"  # no description: the title, repeated
        assert (page, RDF.type, FOAF.Document) in graph


def test_a_record_that_cannot_be_described_is_left_out_and_counted(org_a, api_client):
    good = DatasetFactory(publisher=org_a, title="Good record")
    bad = DatasetFactory(publisher=org_a, title="Record with an unknown access right")
    Dataset.objects.filter(pk=bad.pk).update(access_rights="SOMETHING_ELSE")
    for extension, content_type in FORMATS.items():
        response = api_client.get(f"/catalog.{extension}")
        assert response.status_code == 200
        assert response["X-Skipped-Records"] == "1"
        titles = [r.title for r in parse_dcat(response.content, content_type=content_type)]
        assert titles == ["Good record"]
        single = api_client.get(f"/datasets/{bad.slug}.{extension}")
        assert single.status_code == 200
        assert single["X-Skipped-Records"] == "1"
        assert parse_dcat(single.content, content_type=content_type) == []
    assert api_client.get(f"/datasets/{good.slug}.ttl")["X-Skipped-Records"] == "0"


def test_control_characters_do_not_break_rdf_xml(org_a, api_client):
    dataset = DatasetFactory(publisher=org_a, title="Tabs\x0band\x0cfeeds", description="a\x01b")
    for extension, content_type in FORMATS.items():
        body = api_client.get(f"/catalog.{extension}").content
        (record,) = parse_dcat(body, content_type=content_type)
        assert record.title == "Tabsandfeeds"
    assert dataset.title == "Tabs\x0band\x0cfeeds"  # stored as given; only the feed drops them


def test_what_the_feed_writes_reads_back(org_a, api_client):
    dataset = DatasetFactory(
        publisher=org_a,
        title="Prison places",
        access_rights="COMMERCIAL",
        security_classification="OFFICIAL",
        personal_data="PERSONAL",
        update_frequency="semiannual",
        spatial="Birmingham",
    )
    DistributionFactory(dataset=dataset, format="GeoJSON", media_type="application/geo+json")
    other = DatasetFactory(publisher=org_a, title="Boundaries", spatial=GEOJSON)
    DistributionFactory(dataset=other, format="Esri REST", media_type="not a media type")
    member = MembershipFactory(user=UserFactory(), organisation=org_a, role="member").user
    client = client_for(member)  # a member sees the commercial dataset's links too
    for content_type, body in (
        (content_type, client.get(f"/catalog.{extension}").content)
        for extension, content_type in FORMATS.items()
    ):
        records = {r.title: r for r in parse_dcat(body, content_type=content_type)}
        places = records["Prison places"]
        assert places.access_rights == "COMMERCIAL"
        assert (places.security_classification, places.personal_data) == ("OFFICIAL", "PERSONAL")
        assert places.metadata_visibility == "PUBLIC"
        assert places.update_frequency == "semiannual"
        assert places.spatial == "Birmingham"
        (geo,) = places.distribution
        assert (geo.format, geo.media_type) == ("GeoJSON", "application/geo+json")
        boundaries = records["Boundaries"]
        assert json.loads(boundaries.spatial)["type"] == "Polygon"
        (rest,) = boundaries.distribution
        assert (rest.format, rest.media_type) == ("Esri REST", "")
        assert boundaries.access_rights == "OPEN"


def test_unstated_access_rights_are_never_read_as_open():
    document = b"""
    @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    <https://x.example/a> a dcat:Dataset ; dct:title "Silent" .
    <https://x.example/b> a dcat:Dataset ; dct:title "Public" ; dct:accessRights "public" .
    <https://x.example/c> a dcat:Dataset ; dct:title "Odd" ; dct:accessRights "ask us" .
    <https://x.example/d> a dcat:Dataset ; dct:title "EU" ; dct:accessRights
        <http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC> .
    """
    records = {r.title: r for r in parse_dcat(document, content_type="text/turtle")}
    assert records["Silent"].access_rights == vocab.UNSTATED_ACCESS != "OPEN"
    assert any("no access rights stated" in w for w in records["Silent"].warnings)
    assert records["Public"].access_rights == "OPEN"
    assert records["Odd"].access_rights == vocab.UNSTATED_ACCESS
    assert records["EU"].access_rights == "INTERNAL"
