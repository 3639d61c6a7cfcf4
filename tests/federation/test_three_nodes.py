"""Federation across three live nodes of the product, each a process with its own database.

Node A holds datasets harvested from real catalogues and datasets published on it directly (one
RESTRICTED, one visible to government only, one draft). Node B harvests A four ways at once
(marketplace, DCAT, data.json and the CKAN API); node C harvests B. Every dataset an anonymous
visitor may see at A must arrive at B and C exactly once, as its source described it: original
publisher, identifier, IRI, landing page, licence, distributions and access rights, with the
links of restricted data still hidden. Running every harvest again changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.catalogue.harvesting.conftest import CkanSite
from tests.federation.nodes import Node, Template
from tests.localserver import LocalServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CUSTODY = "https://files.example.gov.uk/custody.csv"
ROADS = [("marketplace", ""), ("dcat", "/catalog.ttl"), ("datajson", "/data.json"), ("ckan", "")]


def _all(node: Node, path: str = "/api/v1/datasets/", **params) -> list[dict]:
    rows, page = [], 1
    while True:
        body = node.get(path, page=page, page_size=100, **params).json()
        rows += body["results"]
        if not body["next"]:
            return rows
        page += 1


def _publish(node: Node, data: dict, *, publish: bool = True) -> dict:
    created = node.api("POST", "/api/v1/datasets/", **data)
    assert created.status_code == 201, created.text
    if not publish:
        return created.json()
    done = node.api("POST", f"/api/v1/datasets/{created.json()['id']}/publish/")
    assert done.status_code == 200, done.text
    return done.json()


@pytest.fixture(scope="module")
def files():
    """Real catalogue files on loopback, as the departments publish them."""
    server = LocalServer()
    server.thread.start()
    server.static("/opm/data.json", (FIXTURES / "datajson" / "opm.gov.data.json").read_bytes())
    packages = json.loads((FIXTURES / "ckan" / "data.gov.uk_package_search.json").read_bytes())
    CkanSite(server, packages["result"]["results"])
    try:
        yield server
    finally:
        server.release.set()
        server.httpd.shutdown()
        server.httpd.server_close()


@pytest.fixture(scope="module")
def nodes(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("federation")
    template = Template(folder / "template")
    started: list[Node] = []
    try:
        a, b, c = (Node(name, folder / name, template) for name in "abc")
        for node, slug, title in [
            (a, "home-office", "Home Office"),
            (b, "peer-b", "Peer B"),
            (c, "peer-c", "Peer C"),
        ]:
            started.append(node.start())
            answer = node.api("POST", "/api/v1/organisations/", slug=slug, title=title)
            assert answer.status_code == 201, answer.text
        for url, kind in [(files.url("/opm/data.json"), "datajson"), (files.url("/"), "ckan")]:
            job = a.harvest(url=url, source_type=kind, organisation="home-office", title=kind)
            assert job["created"] > 0, job
        base = {"publisher": "home-office", "description": "Counts by force area."}
        _publish(a, {
            **base, "title": "Police custody records", "access_rights": "RESTRICTED",
            "distribution": [{"title": "Extract", "download_url": CUSTODY}],
        })  # fmt: skip
        _publish(a, {
            **base, "title": "Passport applications", "access_rights": "OPEN",
            "licence": "ogl-v3", "keyword": ["passports"],
            "distribution": [{"download_url": "https://files.example.gov.uk/passports.csv"}],
        })  # fmt: skip
        _publish(a, {
            **base, "title": "Border staffing plan", "metadata_visibility": "GOVERNMENT",
            "access_rights": "INTERNAL",
        })  # fmt: skip
        _publish(a, {**base, "title": "Unpublished draft"}, publish=False)

        roads = {
            kind: b.harvest(
                url=f"{a.url}{path}", source_type=kind, organisation="peer-b", title=f"A by {kind}"
            )
            for kind, path in ROADS
        }
        onward = c.harvest(url=b.url, source_type="marketplace", organisation="peer-c", title="B")
        again = [b.rerun(job["source"]) for job in roads.values()] + [c.rerun(onward["source"])]
        yield {"a": a, "b": b, "c": c, "first": [*roads.values(), onward], "again": again}
    finally:
        for node in started:
            node.stop()
        template.drop()


def _by_identifier(rows: list[dict]) -> dict[str, dict]:
    return {row["identifier"]: row for row in rows}


def _publisher_name(row: dict) -> str:
    return (row["source"] or {}).get("publisher_name") or row["publisher"]["title"]


def test_every_visible_dataset_of_a_arrives_once_at_b_and_c(nodes):
    origin = _by_identifier(_all(nodes["a"]))
    assert "Border staffing plan" not in {r["title"] for r in origin.values()}
    assert "Unpublished draft" not in {r["title"] for r in origin.values()}
    for name in ("b", "c"):
        rows = _all(nodes[name])
        identifiers = [r["identifier"] for r in rows]
        assert len(identifiers) == len(set(identifiers)), f"duplicates at {name}"
        assert set(identifiers) == set(origin), f"{name} differs from A"


def test_records_keep_their_source_description_at_every_hop(nodes):
    origin = _by_identifier(_all(nodes["a"]))
    for name in ("b", "c"):
        held = _by_identifier(_all(nodes[name]))
        for identifier, source in origin.items():
            copy = held[identifier]
            assert copy["title"] == source["title"]
            assert _publisher_name(copy) == _publisher_name(source), identifier
            assert copy["landing_page"] == source["landing_page"], identifier
            assert copy["licence"] == source["licence"], identifier
            assert copy["access_rights"] == source["access_rights"], identifier
            assert copy["metadata_visibility"] == source["metadata_visibility"], identifier
            assert len(copy["distribution"]) == len(source["distribution"]), identifier
            expected_iri = (source["source"] or {}).get("iri") or (
                f"{nodes['a'].url}/datasets/{source['slug']}"
            )
            assert copy["source"]["iri"] == expected_iri, identifier


def test_restricted_data_stays_restricted_with_links_hidden(nodes):
    for name in ("a", "b", "c"):
        (row,) = [r for r in _all(nodes[name]) if r["title"] == "Police custody records"]
        assert row["access_rights"] == "RESTRICTED"
        assert row["distribution"], name
        assert all(d["download_url"] is None for d in row["distribution"]), name
        ttl = nodes[name].get("/catalog.ttl", page_size=1000).text
        assert "custody.csv" not in ttl


def test_every_road_succeeds_and_later_roads_find_what_the_first_brought(nodes):
    first, *others, onward = nodes["first"]
    assert first["status"] == "succeeded", first
    for job in [*others, onward]:
        assert job["status"] == "succeeded", job
    for job in others:
        assert job["created"] == 0, job
        assert "already held from A by marketplace" in job["message"], job


def test_running_every_harvest_again_changes_nothing(nodes):
    for job in nodes["again"]:
        assert (job["created"], job["updated"], job["withdrawn"]) == (0, 0, 0), job
