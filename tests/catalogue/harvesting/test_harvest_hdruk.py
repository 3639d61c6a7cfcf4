"""The HDR UK Gateway export harvested through the service, from a local HTTP server and a file."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalogue.harvest.services.run import harvest_source_run
from catalogue.models import Dataset, HarvestSource

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
GATEWAY = FIXTURES / "uk" / "hdruk_gateway_datasets_v2_2020-11.json"
PAGE = "https://web.www.healthdatagateway.org/dataset/"


@pytest.fixture
def gateway(server, make_source):
    server.static("/datasets.v2.json", GATEWAY.read_bytes())
    return make_source(server.url("/datasets.v2.json"), "hdruk", title="HDR UK Gateway")


def test_the_gateway_export_harvests_every_dataset_and_a_rerun_changes_nothing(gateway):
    first = harvest_source_run(source=gateway, actor=None)

    assert (first.status, first.created, first.failed, first.withdrawn) == ("succeeded", 531, 0, 0)
    datasets = Dataset.objects.harvested_from(gateway.pk)
    assert datasets.count() == 531
    assert set(datasets.values_list("access_rights", flat=True)) == {"OPEN", "RESTRICTED"}
    assert list(datasets.filter(access_rights="OPEN").values_list("title", flat=True)) == [
        "HDR UK Papers & Preprints"
    ]
    pioneer = datasets.get(source_identifier=PAGE + "0048a401-e54c-49d7-8afc-6c5390fb66b9")
    assert pioneer.title == "Acute care patients within the 100K Genome project"
    assert pioneer.source_publisher_name == "PIONEER"
    assert pioneer.publisher == gateway.organisation
    assert pioneer.access_rights == "RESTRICTED"
    assert list(pioneer.theme.values_list("slug", flat=True)) == ["health"]
    assert pioneer.source_extras["accessibility"]["access"]["jurisdiction"] == ["GB-GBN"]
    assert [c.email for c in pioneer.contact_points.all()] == ["PioneerDIH@UHB.NHS.UK"]
    before = dict(datasets.values_list("pk", "metadata_modified"))

    second = harvest_source_run(source=gateway, actor=None)

    assert (second.status, second.created, second.updated, second.unchanged) == (
        "succeeded",
        0,
        0,
        531,
    )
    assert dict(datasets.values_list("pk", "metadata_modified")) == before


def test_datasets_no_longer_exported_are_withdrawn(gateway, server):
    harvest_source_run(source=gateway, actor=None)
    export = json.loads(GATEWAY.read_bytes())
    kept = export["dataModels"][:500]
    server.static("/datasets.v2.json", json.dumps({"count": 500, "dataModels": kept}).encode())

    job = harvest_source_run(source=gateway, actor=None)

    assert (job.status, job.unchanged, job.withdrawn) == ("succeeded", 500, 31)
    published = Dataset.objects.harvested_from(gateway.pk).filter(status="published")
    assert set(published.values_list("source_identifier", flat=True)) == {
        m["identifier"] for m in kept
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (GATEWAY.read_bytes()[:1_000_000], "not valid JSON"),
        (b'{"count": 531, "dataModels": []}', "declares 531 data models but holds 0"),
        (b'{"datasets": []}', "no 'dataModels' array"),
    ],
)
def test_a_broken_export_fails_the_job_and_writes_nothing(gateway, server, body, message):
    server.static("/datasets.v2.json", body)

    job = harvest_source_run(source=gateway, actor=None)

    assert job.status == "failed" and message in job.message
    assert Dataset.objects.count() == 0


def test_a_broken_export_changes_nothing_already_harvested(gateway, server):
    harvest_source_run(source=gateway, actor=None)
    server.static("/datasets.v2.json", GATEWAY.read_bytes()[:1_000_000])

    job = harvest_source_run(source=gateway, actor=None)

    assert job.status == "failed" and "Nothing was withdrawn" in job.message
    assert Dataset.objects.harvested_from(gateway.pk).filter(status="published").count() == 531


def test_the_command_harvests_a_saved_export_and_refuses_a_truncated_one(org_a, tmp_path):
    broken = tmp_path / "datasets.v2.json"
    broken.write_bytes(GATEWAY.read_bytes()[:500_000])
    args = ["--type", "hdruk", "--organisation", org_a.slug]

    with pytest.raises(CommandError, match="failed"):
        call_command("harvest", "--file", str(broken), *args)
    assert Dataset.objects.count() == 0
    assert "not valid JSON" in HarvestSource.objects.get().jobs.get().message

    call_command("harvest", "--file", str(GATEWAY), *args)
    source = HarvestSource.objects.get(title=GATEWAY.name)
    assert source.source_type == "hdruk"
    assert source.get_source_type_display() == "HDR UK Innovation Gateway"
    assert Dataset.objects.harvested_from(source.pk).count() == 531
