"""Every real catalogue file harvests through the service from a local HTTP server, and what
lands in the catalogue matches the source field by field."""

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib import namespace as ns

from catalogue.harvest.parsers.common import map_licence
from catalogue.harvest.services.run import harvest_source_run
from catalogue.models import Dataset

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[4] / "shared" / "data"  # beside the repository

pytestmark = pytest.mark.django_db

ACCESS = {"public": "OPEN", "restricted public": "RESTRICTED", "non-public": "INTERNAL"}
DATAJSON_FILES = [
    *sorted((FIXTURES / "datajson").glob("*.json")),
    SHARED_DATA / "datajson" / "wprdc.data.json",  # not shipped: no licence stated
]
CKAN_SEARCH_FILES = sorted((FIXTURES / "ckan").glob("*package_search*.json"))
DCAT_FILES = [
    FIXTURES / "dcat" / "catalog.ttl",
    # Not shipped (AGPL / no licence): harvested from the shared data folder when present.
    SHARED_DATA / "dcat" / "public.opendatasoft.com_catalog.ttl",
    *sorted((SHARED_DATA / "dcat" / "ckanext-dcat").glob("catalog*")),
]
CONTENT_TYPES = {
    ".ttl": "text/turtle",
    ".rdf": "application/rdf+xml",
    ".jsonld": "application/ld+json",
}


def _available(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path.name} is not shipped with the repository and is not present here")


def _clean(text: str) -> str:
    return (text or "").strip()


@pytest.mark.parametrize("path", DATAJSON_FILES, ids=lambda p: p.name)
def test_real_datajson_catalogue_harvests_every_dataset_with_matching_fields(
    path, server, make_source
):
    _available(path)
    raw = json.loads(path.read_bytes())["dataset"]
    server.static("/data.json", path.read_bytes())
    source = make_source(server.url("/data.json"))

    job = harvest_source_run(source=source, actor=None)

    assert (job.status, job.created, job.failed, job.withdrawn) == ("succeeded", len(raw), 0, 0)
    datasets = {d.source_identifier: d for d in Dataset.objects.harvested_from(source.pk)}
    assert len(datasets) == len(raw)
    for item in [raw[0], raw[1], raw[len(raw) // 2], raw[-1]]:
        dataset = datasets[item["identifier"].strip()]
        assert dataset.title == _clean(item["title"])[:200]
        assert dataset.description == _clean(item.get("description"))[:4096]
        raw_tags = [" ".join(k.split()) for k in item.get("keyword", []) if k.strip()]
        assert [k.lower() for k in dataset.keyword] == list(
            dict.fromkeys(t.lower() for t in raw_tags)
        )
        assert dataset.source_publisher_name == item["publisher"]["name"]
        assert dataset.publisher == source.organisation
        assert dataset.access_rights == ACCESS[item["accessLevel"]]
        if item.get("license"):
            assert dataset.licence == map_licence(item["license"], [])
        assert dataset.status == "published"
        distributions = list(dataset.distributions.all())
        assert len(distributions) == len(item.get("distribution", []))
        for ours, theirs in zip(distributions, item.get("distribution", []), strict=True):
            assert ours.download_url == theirs.get("downloadURL", "")
            assert ours.access_url == theirs.get("accessURL", "")
            assert ours.media_type == theirs.get("mediaType", "")
            assert ours.title == _clean(theirs.get("title"))


@pytest.mark.parametrize("path", CKAN_SEARCH_FILES, ids=lambda p: p.name)
def test_real_ckan_packages_harvest_from_a_paged_action_api_with_matching_fields(
    path, ckan_site, make_source
):
    packages = json.loads(path.read_bytes())["result"]["results"]
    site = ckan_site(packages)
    source = make_source(site.url, "ckan", config={"page_size": 3})

    job = harvest_source_run(source=source, actor=None)

    assert (job.status, job.created, job.failed) == ("succeeded", len(packages), 0)
    datasets = {d.source_identifier: d for d in Dataset.objects.harvested_from(source.pk)}
    assert len(datasets) == len(packages)
    for package in packages:
        dataset = datasets[package["id"]]
        assert dataset.title == _clean(package["title"])[:200]
        assert dataset.description == _clean(package.get("notes"))[:4096]
        tags = [t["display_name"] if "display_name" in t else t["name"] for t in package["tags"]]
        assert {k.lower() for k in dataset.keyword} == {" ".join(t.split()).lower() for t in tags}
        assert dataset.source_publisher_name == (package.get("organization") or {}).get("title", "")
        resources = package.get("resources", [])
        distributions = list(dataset.distributions.all())
        assert len(distributions) == len(resources)
        for ours, theirs in zip(distributions, resources, strict=True):
            if theirs["url"].startswith(("http://", "https://")):
                assert theirs["url"] in (ours.download_url, ours.access_url)
            else:  # ftp:// and other schemes are kept as text, never as a link
                assert (ours.download_url, ours.access_url) == ("", "")
                assert theirs["url"] in str(dataset.source_extras["invalid_values"])
        if package.get("license_id") == "notspecified":
            assert dataset.licence == ""
        elif package.get("license_id"):
            assert dataset.licence == map_licence(package["license_id"], [])


@pytest.mark.parametrize("path", DCAT_FILES, ids=lambda p: p.name)
def test_real_dcat_catalogue_harvests_every_dataset_and_reports_untitled_ones(
    path, server, make_source
):
    _available(path)
    graph = Graph().parse(path)
    subjects = {
        *graph.subjects(ns.RDF.type, ns.DCAT.Dataset),
        *graph.subjects(ns.RDF.type, ns.DCAT.DataService),
    }
    titles = {s: {str(t).strip() for t in graph.objects(s, ns.DCTERMS.title)} for s in subjects}
    untitled = [s for s, t in titles.items() if not t]
    server.static("/catalog", path.read_bytes(), CONTENT_TYPES.get(path.suffix, "text/turtle"))
    source = make_source(server.url("/catalog"), "dcat")

    job = harvest_source_run(source=source, actor=None)

    assert (job.created, job.failed) == (len(subjects) - len(untitled), len(untitled))
    assert job.status == ("partial" if untitled else "succeeded")
    assert job.issues.filter(level="error").count() == len(untitled)
    every_title = {t[:200] for ts in titles.values() for t in ts}
    harvested = list(Dataset.objects.harvested_from(source.pk))
    assert len(harvested) == job.created
    assert {d.title for d in harvested} <= every_title
