import datetime as dt
from pathlib import Path

import orjson
import pytest
from rdflib import Graph

from catalogue.harvest.parsers.common import CC_BY_4, OGL3
from catalogue.harvest.parsers.dcat import (
    DcatHarvest,
    detect_format,
    harvest_dcat,
    parse_dcat,
    parse_dcat_file,
)
from catalogue.harvest.parsers.errors import SourceMalformed, SourceRefused
from catalogue.harvest.parsers.marketplace import harvest_marketplace
from catalogue.harvest.parsers.records import DatasetRecord, RecordError

CATALOG = Path(__file__).resolve().parents[2] / "fixtures" / "dcat" / "catalog.ttl"
ROAD = "https://data.example.gov.uk/dataset/road-traffic"


def _by_id(records):
    return {r.source_identifier: r for r in records}


def test_turtle_catalogue_maps_every_dcat_field():
    records = _by_id(parse_dcat_file(CATALOG))
    assert set(records) == {
        ROAD,
        "LIC-42",
        "https://data.example.gov.uk/service/traffic-api",
        "https://data.example.gov.uk/dataset/untitled",
    }
    road = records[ROAD]
    assert road.title == "Road traffic counts"  # en-GB preferred over cy and fr
    assert road.extras["title_translations"] == {
        "cy": "Cyfrifon traffig ffyrdd",
        "fr": "Comptages routiers",
    }
    assert road.description == "Annual average daily flows on major roads."
    assert road.keyword == ["road counts", "roads", "traffic"]
    assert road.extras["keyword_translations"] == {"cy": ["traffig"]}
    assert road.theme == ["transport"]
    assert road.extras["theme"] == [
        "http://publications.europa.eu/resource/authority/data-theme/AGRI"
    ]
    assert road.publisher_name == "Department for Transport"
    assert [(c.name, c.email) for c in road.contact_point] == [
        ("Roads statistics", "roadstats@example.gov.uk")
    ]
    assert road.licence == OGL3
    assert road.access_rights == "OPEN"
    assert road.update_frequency == "monthly"
    assert (road.temporal_start, road.temporal_end) == (dt.date(2000, 1, 1), dt.date(2023, 12, 31))
    assert road.spatial == "http://publications.europa.eu/resource/authority/country/GBR"
    assert road.issued == dt.datetime(2010, 5, 1, tzinfo=dt.UTC)
    assert road.modified == dt.datetime(2024, 3, 5, 9, 30, tzinfo=dt.UTC)
    assert road.landing_page == "https://www.example.gov.uk/road-traffic"
    assert road.version == "2024.1"
    assert road.extras["adms_identifier"] == "DFT-RT-001"
    (csv,) = road.distribution
    assert csv.download_url == "https://data.example.gov.uk/road-traffic/counts.csv"
    assert csv.access_url == "https://data.example.gov.uk/road-traffic/download"
    assert (csv.media_type, csv.format, csv.byte_size) == ("text/csv", "CSV", 123456)
    assert csv.checksum == "sha1:0f6c2bd1d5e8a3c4b6f7e8d9a0b1c2d3e4f5a6b7"
    assert csv.conforms_to == "https://data.example.gov.uk/schemas/counts.json"
    assert road.warnings == []


def test_blank_node_dataset_old_vcard_and_literal_values():
    lic = _by_id(parse_dcat_file(CATALOG))["LIC-42"]
    assert lic.title == "Licensed premises"  # untagged beats German
    assert lic.extras["title_translations"] == {"de": "Lizenzierte Räumlichkeiten"}
    assert lic.publisher_name == "Example Borough Council"
    assert [(c.name, c.email) for c in lic.contact_point] == [
        ("Licensing team", "licensing@example.gov.uk")
    ]
    assert lic.theme == ["health"]
    assert lic.access_rights == "INTERNAL"
    assert lic.update_frequency == "weekly"
    assert lic.temporal_start == dt.date(2015, 4, 1)
    assert lic.spatial == "POINT(-0.1 51.5)"
    assert lic.licence == CC_BY_4  # lifted from its only distribution
    assert lic.distribution[0].format == "XLSX"


def test_data_service_and_untitled_dataset():
    records = _by_id(parse_dcat_file(CATALOG))
    service = records["https://data.example.gov.uk/service/traffic-api"]
    assert service.type == "DataService" and service.access_rights == "RESTRICTED"
    assert service.extras["endpoint_url"] == "https://api.example.gov.uk/traffic"
    assert service.extras["serves_dataset"] == [ROAD]
    untitled = records["https://data.example.gov.uk/dataset/untitled"]
    assert isinstance(untitled, RecordError) and "no dct:title" in untitled.message


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("xml", "application/rdf+xml"),
        ("json-ld", "application/ld+json"),
        ("nt", ""),
    ],
)
def test_other_serialisations_give_the_same_records_and_hashes(fmt, content_type):
    graph = Graph().parse(CATALOG, format="turtle")
    data = graph.serialize(format=fmt, encoding="utf-8")
    expected = parse_dcat_file(CATALOG)
    got = parse_dcat(data, content_type=content_type, filename=f"catalog.{fmt}")
    assert got == expected  # including content_hash: bnodes are named by their content


def test_content_hash_changes_with_the_dataset_and_only_with_it():
    original = _by_id(parse_dcat_file(CATALOG))
    changed_text = CATALOG.read_text().replace('"123456"', '"123457"')
    changed = _by_id(parse_dcat(changed_text.encode(), filename="c.ttl"))
    assert changed[ROAD].content_hash != original[ROAD].content_hash  # distribution followed
    assert changed["LIC-42"].content_hash == original["LIC-42"].content_hash


HAND_RDFXML = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/"
         xmlns:foaf="http://xmlns.com/foaf/0.1/">
  <dcat:Dataset rdf:about="https://example.org/ds/1">
    <dct:title xml:lang="fr">Budget</dct:title>
    <dct:title xml:lang="en-US">Budget lines</dct:title>
    <dcat:keyword>money</dcat:keyword>
    <dct:publisher><foaf:Organization><foaf:name>Treasury</foaf:name></foaf:Organization>
    </dct:publisher>
    <dcat:distribution>
      <dcat:Distribution>
        <dcat:downloadURL rdf:resource="https://example.org/ds/1.csv"/>
        <dct:format>CSV</dct:format>
      </dcat:Distribution>
    </dcat:distribution>
  </dcat:Dataset>
</rdf:RDF>
"""

HAND_JSONLD = orjson.dumps(
    {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"},
        "@graph": [
            {
                "@id": "https://example.org/ds/2",
                "@type": "dcat:Dataset",
                "dct:title": [
                    {"@value": "Schools", "@language": "en"},
                    {"@value": "Ysgolion", "@language": "cy"},
                ],
                "dcat:keyword": ["education", "schools"],
                "dcat:theme": {
                    "@id": "http://publications.europa.eu/resource/authority/data-theme/EDUC"
                },
            }
        ],
    }
)


def test_hand_written_rdfxml_and_jsonld_are_parsed_by_sniffing():
    (xml_record,) = parse_dcat(HAND_RDFXML)
    assert xml_record.title == "Budget lines" and xml_record.publisher_name == "Treasury"
    assert xml_record.distribution[0].download_url == "https://example.org/ds/1.csv"
    (json_record,) = parse_dcat(HAND_JSONLD)
    assert json_record.title == "Schools" and json_record.theme == ["education"]
    assert json_record.extras["title_translations"] == {"cy": "Ysgolion"}


def test_format_detection_order():
    assert detect_format(b"{}", "text/turtle; charset=utf-8", "x.rdf") == "turtle"
    assert detect_format(b"{}", "", "feed.rdf?page=2") == "xml"
    assert detect_format(b'  {"@graph": []}', "", "") == "json-ld"
    assert detect_format(b"<?xml version='1.0'?><rdf:RDF/>", "", "") == "xml"
    assert detect_format(b"<https://a> <https://b> <https://c> .", "", "") == "turtle"
    assert detect_format(b"@prefix dcat: <http://www.w3.org/ns/dcat#> .", "", "") == "turtle"


# -- bad input ------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://example.org/x"><dct:title>&lol9;</dct:title>
  </rdf:Description>
</rdf:RDF>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://example.org/x"><dct:title>&secret;</dct:title>
  </rdf:Description>
</rdf:RDF>
"""


def test_an_xml_entity_bomb_is_refused():
    with pytest.raises(SourceMalformed, match="declares XML entities"):
        parse_dcat(BILLION_LAUGHS, content_type="application/rdf+xml")


def test_an_external_entity_is_refused_and_never_read():
    with pytest.raises(SourceMalformed, match="RDF/XML refused") as exc:
        parse_dcat(XXE, filename="evil.rdf")
    assert "root:" not in str(exc.value)


def test_malformed_xml_is_reported():
    with pytest.raises(SourceMalformed, match="not well-formed XML"):
        parse_dcat(b"<rdf:RDF><unclosed></rdf:RDF>", filename="x.rdf")


def test_a_turtle_syntax_error_reports_the_parser_message():
    bad = b'@prefix dct: <http://purl.org/dc/terms/> .\n<https://x> dct:title "A" \n<https://y> .'
    with pytest.raises(SourceMalformed, match=r"turtle document could not be parsed: .+"):
        parse_dcat(bad, filename="bad.ttl")


def test_invalid_jsonld_is_malformed():
    with pytest.raises(SourceMalformed, match="JSON-LD is not valid JSON"):
        parse_dcat(b'{"@graph": [', content_type="application/ld+json")


def test_remote_jsonld_context_is_not_fetched_behind_our_back():
    doc = orjson.dumps(
        {"@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld", "dataset": []}
    )
    with pytest.raises(SourceMalformed, match="remote @context"):
        parse_dcat(doc, content_type="application/ld+json")
    scoped = orjson.dumps(
        {
            "@context": {
                "ds": {
                    "@id": "http://www.w3.org/ns/dcat#dataset",
                    "@context": "http://10.0.0.1/scoped.jsonld",
                }
            },
            "ds": [],
        }
    )
    with pytest.raises(SourceMalformed, match="remote @context"):
        parse_dcat(scoped, content_type="application/ld+json")


# -- paging and harvesting over HTTP -------------------------------------------------------

PAGE = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
{datasets}
{paging}
"""


def _page(ids, paging=""):
    datasets = "\n".join(
        f'<https://example.org/ds/{i}> a dcat:Dataset ; dct:title "Dataset {i}"@en .' for i in ids
    )
    return PAGE.format(datasets=datasets, paging=paging).encode()


def _serve_three_pages(server, base="/catalog.ttl"):
    url = server.url(base)
    # page 1: old PagedCollection style, nextPage as a literal (as ckanext-dcat writes it)
    one = _page(
        [1, 2],
        f"<{url}?page=1> a hydra:PagedCollection ; "
        f'hydra:totalItems 5 ; hydra:nextPage "{url}?page=2" .',
    )
    # page 2: hydra:PartialCollectionView with a relative hydra:next IRI, served as RDF/XML
    two_graph = Graph().parse(
        data=_page(
            [3, 4], f"<{url}?page=2> a hydra:PartialCollectionView ; hydra:next <{url}?page=3> ."
        ),
        format="turtle",
    )
    two = two_graph.serialize(format="xml", encoding="utf-8")
    three = (
        Graph()
        .parse(data=_page([5, 4]), format="turtle")
        .serialize(format="json-ld", encoding="utf-8")
    )
    pages = {
        "1": (one, "text/turtle"),
        "2": (two, "application/rdf+xml"),
        "3": (three, "application/ld+json"),
    }

    def handler(_req, query):
        body, content_type = pages[query.get("page", ["1"])[0]]
        return 200, {"Content-Type": content_type}, body

    server.route(base, handler)
    return url


def test_hydra_paging_across_three_pages_and_formats(server, client):
    url = _serve_three_pages(server)
    run = harvest_dcat(client, url)
    records = list(run)
    assert [r.title for r in records] == [f"Dataset {i}" for i in range(1, 6)]  # 4 not twice
    assert run.pages == 3 and run.complete


def test_a_paging_loop_stops_and_is_marked_incomplete(server, client):
    url = server.url("/loop.ttl")
    server.static(
        "/loop.ttl", _page([1], f"<{url}> hydra:next <{url}> ."), content_type="text/turtle"
    )
    run = DcatHarvest(client, url)
    assert len(list(run)) == 1
    assert not run.complete and "loops" in run.warnings[0]


def test_remote_jsonld_context_is_fetched_through_the_guarded_client(server, client):
    server.static(
        "/ctx.jsonld",
        orjson.dumps(
            {
                "@context": {
                    "dcat": "http://www.w3.org/ns/dcat#",
                    "title": "http://purl.org/dc/terms/title",
                }
            }
        ),
    )
    server.static(
        "/feed.jsonld",
        orjson.dumps(
            {
                "@context": server.url("/ctx.jsonld"),
                "@id": "https://example.org/ds/ctx",
                "@type": "dcat:Dataset",
                "title": "Via context",
            }
        ),
        content_type="application/ld+json",
    )
    (record,) = list(harvest_dcat(client, server.url("/feed.jsonld")))
    assert record.title == "Via context"
    server.static(
        "/evil.jsonld",
        orjson.dumps({"@context": "http://10.0.0.1/ctx.jsonld"}),
        content_type="application/ld+json",
    )
    with pytest.raises(SourceRefused, match="private"):
        list(harvest_dcat(client, server.url("/evil.jsonld")))


def test_a_marketplace_peer_is_harvested_from_its_catalog_feed(server, client):
    _serve_three_pages(server)
    run = harvest_marketplace(client, server.url("/"))
    assert len([r for r in run if isinstance(r, DatasetRecord)]) == 5 and run.complete
    since = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    incremental = harvest_marketplace(client, server.url(""), since=since)
    assert len(list(incremental)) == 5
    assert "modified_since=2024-01-02T03%3A04%3A05Z" in server.requests[-3][0]
    assert not incremental.complete
