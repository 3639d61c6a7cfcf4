"""/data.json of a catalogue that harvested every shipped data.json, CKAN and DCAT file (and the
faulty documents of test_harvest_bad_values) validates against POD v1.1 non-federal, 0 errors."""

import json
from pathlib import Path

import pytest
from django.test import Client
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from catalogue.harvest.services.run import harvest_source_run
from catalogue.models import Dataset
from tests.catalogue.harvesting.test_harvest_bad_values import CKAN_PACKAGE, DATAJSON, DCAT
from tests.factories import DatasetFactory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SCHEMA = FIXTURES / "pod-schema" / "gsa-non-federal-v1.1"

pytestmark = pytest.mark.django_db


def _validator() -> Draft4Validator:
    catalog = json.loads((SCHEMA / "catalog.json").read_text())
    dataset = json.loads((SCHEMA / "dataset-non-federal.json").read_text())
    registry = Registry().with_resource(
        dataset["id"].rstrip("#"), Resource.from_contents(dataset, default_specification=DRAFT4)
    )
    checker = Draft4Validator.FORMAT_CHECKER
    # "format": "uri" is checked only when a URI validator is installed; make sure it is.
    assert not checker.conforms("not a link", "uri") and checker.conforms("https://x.org/", "uri")
    return Draft4Validator(catalog, registry=registry, format_checker=checker)


def _ckan_packages() -> list[dict]:
    packages: dict[str, dict] = {}
    for path in sorted((FIXTURES / "ckan").glob("*.json")):
        payload = json.loads(path.read_bytes())
        result = payload.get("result", payload) if isinstance(payload, dict) else payload
        found = result.get("results", [result]) if isinstance(result, dict) else result
        for package in found:
            packages.setdefault(package["id"], package)
    return [*packages.values(), CKAN_PACKAGE]


@pytest.fixture
def everything_harvested(server, ckan_site, make_source, org_a):
    """Every fixture harvested into one catalogue, plus datasets published here."""
    sources = []
    for path in sorted((FIXTURES / "datajson").glob("*.json")):
        server.static(f"/{path.name}", path.read_bytes())
        sources.append(make_source(server.url(f"/{path.name}")))
    server.static("/bad/data.json", json.dumps(DATAJSON).encode())
    sources.append(make_source(server.url("/bad/data.json")))
    sources.append(make_source(ckan_site(_ckan_packages()).url, "ckan"))
    for name, body in (("catalog.ttl", (FIXTURES / "dcat" / "catalog.ttl").read_bytes()),
                       ("relative.ttl", DCAT)):  # fmt: skip
        server.static(f"/dcat/{name}", body, "text/turtle")
        sources.append(make_source(server.url(f"/dcat/{name}"), "dcat"))
    for source in sources:
        job = harvest_source_run(source=source, actor=None)
        assert job.created > 0, (source.url, job.status, job.warnings)
    DatasetFactory(publisher=org_a, title="Published here", keyword=[], description="")
    DatasetFactory(publisher=org_a, title="Personal", personal_data="PERSONAL",
                   access_rights="INTERNAL", metadata_visibility="GOVERNMENT")  # fmt: skip
    return Dataset.objects.filter(status="published").count()


def test_datajson_of_every_harvested_fixture_validates_against_pod_non_federal(
    everything_harvested, roles
):
    validator = _validator()
    superuser = Client()
    superuser.force_login(roles["superuser"])  # sees every dataset and every download link
    # The anonymous reader does not see the one listed for government users only.
    readers = ((Client(), everything_harvested - 1), (superuser, everything_harvested))
    for client, expected in readers:
        response = client.get("/data.json")
        assert response.status_code == 200
        document = json.loads(b"".join(response.streaming_content))
        assert len(document["dataset"]) == expected

        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))

        assert [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:20]] == []
