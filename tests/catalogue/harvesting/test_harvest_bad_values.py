"""Values real sources get wrong are stored cleanly with a warning, and every feed still answers.

Each document below carries the faults seen in real catalogues: a contact "mailto:a, b, c",
a landing page that is a council's name, `javascript:` and `data:` links, emails and formats
written as relative IRIs in DCAT, access levels missing or unknown, a licence that is a name.
"""

import json

import pytest
from django.test import Client

from catalogue.harvest.services.run import harvest_source_run
from catalogue.models import Dataset

pytestmark = pytest.mark.django_db

EVIL = ("javascript:", "data:text", "vbscript:")
LONG_KEYWORD = "Behavioral Risk Factor Surveillance System prevalence and trends data since 2011"
assert len(LONG_KEYWORD) > 75  # the length that used to be cut with an ellipsis

DATAJSON = {
    "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
    "dataset": [
        {
            "identifier": "cdc-contacts",
            "title": "Three contacts in one",
            "publisher": {"name": "Centers for Disease Control and Prevention"},
            "contactPoint": {
                "fn": "Survey team",
                "hasEmail": "mailto:acp4@cdc.gov, krk9@cdc.gov, nnp8@cdc.gov  ",
            },
            "keyword": [LONG_KEYWORD, "flu, rsv, covid"],
            "bureauCode": ["009:20"],
            "programCode": ["009:020", "not-a-code"],
            "describedBy": "javascript:alert(1)",
            "conformsTo": "https://example.gov/standards/survey",
            "spatial": {"type": "Point", "coordinates": [-84.3, 33.7]},
            "temporal": "R/2019-01-01/P1Y",
            "accrualPeriodicity": "R/P1Y",
            "rights": "Public domain in the United States.",
            "license": "Open Government Licence",
            "landingPage": "Birmingham City Council",
            "distribution": [
                {"accessURL": "javascript:alert(document.cookie)", "title": "Bad link"},
                {
                    "downloadURL": "data:text/html,<script>alert(1)</script>",
                    "mediaType": "text/html",
                },
                {
                    "downloadURL": "https://data.example.gov/survey data|2020.csv",
                    "mediaType": "text/csv",
                },
            ],
        },
        {
            "identifier": "no-access-level",
            "title": "Nobody said how open",
            "publisher": {"name": "Somewhere"},
            "contactPoint": {"fn": "", "hasEmail": "mailto:CDCINFO.CDC.GOV"},
        },
    ],
}

CKAN_PACKAGE = {
    "id": "5b1f3c0e-0000-4000-8000-000000000001",
    "name": "birmingham-bins",
    "title": "Bin collections",
    "notes": "Weekly bin collection rounds.",
    "url": "Birmingham City Council",
    "maintainer": "Waste team",
    "maintainer_email": "waste@birmingham.gov.uk; recycling@birmingham.gov.uk",
    "author": "Data team",
    "author_email": "not-an-email",
    "metadata_modified": "2024-01-01T00:00:00",
    "organization": {"title": "Birmingham City Council"},
    "tags": [{"name": "waste"}],
    "extras": [
        {"key": "access_level", "value": "top secret-ish"},
        {"key": "bureauCode", "value": "015:11"},
    ],
    "resources": [
        {"name": "Rounds", "url": "javascript:alert(1)", "format": "CSV"},
        {"name": "Map", "url": "https://maps.birmingham.gov.uk/bins", "format": "HTML"},
    ],
}

DCAT = b"""
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .

<https://data.example.gov.uk/dataset/relative> a dcat:Dataset ;
    dct:title "Relative IRIs" ;
    dct:description "Emails and formats written as relative IRIs." ;
    dcat:landingPage <javascript:alert(1)> ;
    dcat:contactPoint [ vcard:fn "Customer care" ; vcard:hasEmail <customercare@example.gov.uk> ] ;
    dcat:distribution [ a dcat:Distribution ;
        dcat:accessURL <files/relative.csv> ;
        dct:format <CSV> ] .
"""


def _issues(job, identifier):
    return list(job.issues.filter(identifier=identifier).values_list("message", flat=True))


def _feeds_answer_without_unsafe_links(client, dataset):
    bodies = []
    for url in [
        "/data.json",
        "/catalog.ttl",
        "/catalog.jsonld",
        "/api/3/action/package_search?rows=1000",
        f"/api/3/action/package_show?id={dataset.pk}",
        f"/datasets/{dataset.slug}/",
        f"/datasets/{dataset.slug}.rdf",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        bodies.append(body.decode())
        if url == "/data.json":
            json.loads(body)
    for body in bodies:
        assert not any(evil in body for evil in EVIL)


def test_bad_datajson_values_are_stored_cleanly_with_warnings(server, make_source, roles):
    server.static("/data.json", json.dumps(DATAJSON).encode())
    source = make_source(server.url("/data.json"))

    job = harvest_source_run(source=source, actor=None)

    assert (job.status, job.created, job.failed) == ("succeeded", 2, 0)
    dataset = Dataset.objects.get(source_identifier="cdc-contacts")
    contacts = sorted(dataset.contact_points.values_list("name", "email"))
    assert contacts == [
        ("Survey team", "acp4@cdc.gov"),
        ("Survey team", "krk9@cdc.gov"),
        ("Survey team", "nnp8@cdc.gov"),
    ]
    assert dataset.keyword == [LONG_KEYWORD, "flu", "rsv", "covid"]  # whole, never "…"
    assert dataset.landing_page == ""
    assert dataset.licence == "Open Government Licence"
    links = list(dataset.distributions.values_list("access_url", "download_url"))
    assert links == [("", ""), ("", ""), ("", "https://data.example.gov/survey%20data%7C2020.csv")]
    extras = dataset.source_extras
    assert extras["invalid_values"]["landingPage"] == "Birmingham City Council"
    assert extras["invalid_values"]["describedBy"] == "javascript:alert(1)"
    assert extras["invalid_values"]["programCode"] == ["not-a-code"]
    assert (extras["bureauCode"], extras["programCode"]) == (["009:20"], ["009:020"])
    assert "describedBy" not in extras
    issues = _issues(job, "cdc-contacts")
    assert any("landingPage 'Birmingham City Council'" in m for m in issues)
    assert any("distribution.accessURL" in m and "javascript: scheme" in m for m in issues)
    assert any("distribution.downloadURL" in m and "data: scheme" in m for m in issues)

    unknown = Dataset.objects.get(source_identifier="no-access-level")
    assert unknown.access_rights == "RESTRICTED"  # never more open than the source said
    assert not unknown.contact_points.exists()
    assert any("accessLevel missing" in m for m in _issues(job, "no-access-level"))
    assert any(
        "'mailto:CDCINFO.CDC.GOV' is not an email" in m for m in _issues(job, "no-access-level")
    )

    client = Client()
    client.force_login(roles["superuser"])  # sees every download link there is
    _feeds_answer_without_unsafe_links(client, dataset)
    response = client.get("/data.json")
    entries = {e["identifier"]: e for e in json.loads(b"".join(response))["dataset"]}
    entry = entries["cdc-contacts"]
    assert entry["publisher"]["name"] == "Centers for Disease Control and Prevention"
    assert entry["keyword"] == [LONG_KEYWORD, "flu", "rsv", "covid"]
    assert entry["description"] == "No description provided."
    assert (entry["bureauCode"], entry["programCode"]) == (["009:20"], ["009:020"])
    assert entry["spatial"] == '{"type":"Point","coordinates":[-84.3,33.7]}'
    assert (entry["temporal"], entry["accrualPeriodicity"]) == ("R/2019-01-01/P1Y", "R/P1Y")
    assert entry["conformsTo"] == "https://example.gov/standards/survey"
    assert "license" not in entry and "landingPage" not in entry and "describedBy" not in entry
    assert entry["rights"].startswith("Public domain in the United States.")
    assert "Licence: Open Government Licence" in entry["rights"]
    assert entry["contactPoint"] == {
        "@type": "vcard:Contact",
        "fn": "Survey team",
        "hasEmail": "mailto:acp4@cdc.gov",
    }
    bare = entries["no-access-level"]
    assert bare["accessLevel"] == "restricted public"
    assert bare["contactPoint"] == {"@type": "vcard:Contact", "fn": "No contact provided."}
    assert "keyword" not in bare


def test_bad_ckan_values_are_stored_cleanly_with_warnings(ckan_site, make_source, api_client):
    site = ckan_site([CKAN_PACKAGE])
    source = make_source(site.url, "ckan")

    job = harvest_source_run(source=source, actor=None)

    assert (job.status, job.created) == ("succeeded", 1)
    dataset = Dataset.objects.get(source_identifier=CKAN_PACKAGE["id"])
    assert dataset.landing_page == ""
    assert dataset.access_rights == "RESTRICTED"
    assert dataset.source_extras["access_level"] == "top secret-ish"
    assert dataset.source_extras["bureauCode"] == ["015:11"]
    assert sorted(dataset.contact_points.values_list("email", flat=True)) == [
        "",
        "recycling@birmingham.gov.uk",
        "waste@birmingham.gov.uk",
    ]
    assert list(dataset.distributions.values_list("access_url", flat=True)) == [
        "",
        "https://maps.birmingham.gov.uk/bins",
    ]
    issues = _issues(job, CKAN_PACKAGE["id"])
    assert any(m.startswith("url 'Birmingham City Council'") for m in issues)
    assert any("resource.url" in m and "javascript:" in m for m in issues)
    assert any("'not-an-email' is not an email address" in m for m in issues)
    assert any("'top secret-ish' not recognised" in m for m in issues)
    _feeds_answer_without_unsafe_links(api_client, dataset)


def test_relative_iris_in_dcat_are_not_turned_into_links(server, make_source, api_client):
    server.static("/dcat/catalog.ttl", DCAT, "text/turtle")
    source = make_source(server.url("/dcat/catalog.ttl"), "dcat")

    job = harvest_source_run(source=source, actor=None)

    assert (job.status, job.created) == ("succeeded", 1)
    dataset = Dataset.objects.get()
    assert list(dataset.contact_points.values_list("name", "email")) == [
        ("Customer care", "customercare@example.gov.uk")
    ]
    distribution = dataset.distributions.get()
    assert distribution.format == "CSV"
    # A path is a relative reference RDF resolves against the document, as the format says.
    assert distribution.access_url == server.url("/dcat/files/relative.csv")
    assert dataset.landing_page == ""
    assert dataset.source_extras["invalid_values"]["landingPage"] == "javascript:alert(1)"
    issues = _issues(job, dataset.source_identifier)
    assert any("'customercare@example.gov.uk' was a relative IRI" in m for m in issues)
    _feeds_answer_without_unsafe_links(api_client, dataset)
