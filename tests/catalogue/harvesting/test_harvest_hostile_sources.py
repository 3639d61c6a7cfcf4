"""Hostile or broken sources end in a clear job error and leave the catalogue as it was."""

import json
from pathlib import Path

import pytest

from catalogue.harvest.services.run import harvest_source_run
from catalogue.models import Dataset, Distribution

pytestmark = pytest.mark.django_db

CATALOG_TTL = Path(__file__).resolve().parents[2] / "fixtures" / "dcat" / "catalog.ttl"
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/" xmlns:dcat="http://www.w3.org/ns/dcat#">
  <dcat:Dataset rdf:about="https://example.org/x"><dct:title>&lol6;</dct:title></dcat:Dataset>
</rdf:RDF>
"""


@pytest.fixture
def harvested(server, make_source):
    """A DCAT source already harvested once, so 'unchanged' means something."""
    server.static("/catalog.ttl", CATALOG_TTL.read_bytes(), "text/turtle")
    source = make_source(server.url("/catalog.ttl"), "dcat")
    assert harvest_source_run(source=source, actor=None).created == 3
    return source


def _state():
    return (
        sorted(Dataset.objects.values_list("pk", "title", "status", "metadata_modified")),
        Distribution.objects.count(),
    )


def _hang(server):
    def handler(_request, _query):
        server.release.wait(30)  # never answers while the test runs

    return handler


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        (
            lambda s: s.static(
                "/catalog.ttl",
                b'@prefix dct: <http://purl.org/dc/terms/> .\n<a> dct:title "unterminated .',
                "text/turtle",
            ),
            "could not be parsed",
        ),
        (lambda s: s.static("/catalog.ttl", BILLION_LAUGHS, "application/rdf+xml"), "XML entities"),
        (
            lambda s: s.static("/catalog.ttl", b"<rdf:RDF><unclosed", "application/rdf+xml"),
            "not well-formed XML",
        ),
        (
            lambda s: s.redirect("/catalog.ttl", "http://169.254.169.254/latest/meta-data/"),
            "cloud metadata address",
        ),
        (lambda s: s.route("/catalog.ttl", _hang(s)), "timed out"),
        (lambda s: s.static("/catalog.ttl", b"", status=404), "HTTP 404"),
    ],
    ids=[
        "rdf-syntax-error",
        "xml-entity-bomb",
        "truncated-xml",
        "redirect-to-metadata",
        "hangs",
        "gone",
    ],
)
def test_a_broken_or_hostile_dcat_source_fails_clearly_and_changes_nothing(
    harvested, server, settings, route, expected
):
    settings.HARVEST_TIMEOUT = 0.5
    before = _state()
    route(server)

    job = harvest_source_run(source=harvested, actor=None)

    assert job.status == "failed"
    assert expected in job.message
    assert "Nothing was withdrawn" in job.message
    assert _state() == before


def test_a_50mb_single_string_is_refused_by_the_size_cap(server, make_source):
    body = b'{"dataset": [{"identifier": "x", "title": "' + b"a" * (50 * 1024 * 1024) + b'"}]}'
    server.static("/data.json", body)
    source = make_source(server.url("/data.json"))

    job = harvest_source_run(source=source, actor=None)

    assert job.status == "failed"
    assert "byte limit" in job.message
    assert Dataset.objects.count() == 0


def test_a_loopback_source_is_refused_unless_allow_listed(server, make_source, settings):
    settings.OUTBOUND_ALLOW_NETWORKS = []
    server.static("/data.json", json.dumps({"dataset": []}).encode())
    source = make_source(server.url("/data.json"))

    job = harvest_source_run(source=source, actor=None)

    assert job.status == "failed"
    assert "loopback address" in job.message and "OUTBOUND_ALLOW_NETWORKS" in job.message
    assert server.requests == []


def test_source_credentials_are_sent_but_never_appear_in_the_job(server, make_source):
    server.static("/data.json", b"denied", status=401)
    source = make_source(
        server.url("/data.json"), credentials={"username": "harvester", "password": "s3cret-pw"}
    )

    job = harvest_source_run(source=source, actor=None)

    assert server.requests[0][1]["Authorization"].startswith("Basic ")
    assert job.status == "failed" and "HTTP 401" in job.message
    assert "s3cret-pw" not in job.message + json.dumps(job.warnings)
