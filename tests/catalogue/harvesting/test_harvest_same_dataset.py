"""One dataset offered by two sources of this catalogue is held once, both in its provenance."""

import json
from pathlib import Path

import pytest

from catalogue.harvest.services.run import harvest_source_run
from catalogue.models import Dataset
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

OPM = Path(__file__).resolve().parents[2] / "fixtures" / "datajson" / "opm.gov.data.json"


@pytest.fixture
def two_sources(server, make_source, org_b):
    """The same data.json published at two addresses, harvested by two organisations."""
    document = json.loads(OPM.read_bytes())

    def publish(path: str, datasets: list) -> None:
        server.static(path, json.dumps({**document, "dataset": datasets}).encode())

    publish("/first.json", document["dataset"])
    publish("/second.json", document["dataset"])
    first = make_source(server.url("/first.json"), title="First road")
    second = make_source(server.url("/second.json"), title="Second road", organisation=org_b)
    return first, second, document["dataset"], publish


def test_a_second_source_of_the_same_datasets_creates_none_and_is_listed(two_sources, roles):
    first, second, datasets, _ = two_sources
    job = harvest_source_run(source=first, actor=None)
    held = Dataset.objects.count()
    assert job.created == held > 100

    again = harvest_source_run(source=second, actor=None)
    assert again.created == 0
    assert Dataset.objects.count() == held
    assert again.held_elsewhere == {"First road": held}
    assert f"{held} already held from First road." in again.message

    dataset = Dataset.objects.get(source_identifier=datasets[1]["identifier"])
    assert dataset.harvest_source_id == first.pk
    body = client_for(roles["analyst"]).get(f"/api/v1/datasets/{dataset.pk}/").json()
    assert body["source"]["also_from"] == [
        {"harvest_source": second.pk, "title": "Second road", "source_type": "datajson"}
    ]


def test_re_running_either_source_changes_nothing(two_sources):
    first, second, _, _ = two_sources
    harvest_source_run(source=first, actor=None)
    harvest_source_run(source=second, actor=None)
    before = sorted(Dataset.objects.values_list("pk", "metadata_modified"))
    links = Dataset.also_from.through.objects.count()

    assert harvest_source_run(source=second, actor=None).created == 0
    rerun = harvest_source_run(source=first, actor=None)
    assert (rerun.created, rerun.updated) == (0, 0)
    assert sorted(Dataset.objects.values_list("pk", "metadata_modified")) == before
    assert Dataset.also_from.through.objects.count() == links


def test_a_source_that_stops_listing_a_dataset_leaves_its_provenance(two_sources):
    first, second, datasets, publish = two_sources
    harvest_source_run(source=first, actor=None)
    harvest_source_run(source=second, actor=None)
    dropped = datasets[1]["identifier"]
    publish("/second.json", [d for d in datasets if d.get("identifier") != dropped])

    harvest_source_run(source=second, actor=None)
    dataset = Dataset.objects.get(source_identifier=dropped)
    assert list(dataset.also_from.all()) == []
    assert dataset.status == "published"  # the first source still lists it
    others = Dataset.objects.exclude(pk=dataset.pk).filter(also_from=second).count()
    assert others == Dataset.objects.count() - 1


def test_the_same_identifier_from_another_publisher_is_another_dataset(two_sources):
    first, second, datasets, publish = two_sources
    harvest_source_run(source=first, actor=None)
    renamed = [
        {**d, "publisher": {"@type": "org:Organization", "name": "Another agency"}}
        for d in datasets
    ]
    publish("/second.json", renamed)
    job = harvest_source_run(source=second, actor=None)
    assert job.held_elsewhere == {}
    assert job.created == Dataset.objects.filter(harvest_source=second).count() > 100


def test_pages_name_the_original_publisher_and_who_harvested_it(two_sources, client):
    first, second, datasets, _ = two_sources
    harvest_source_run(source=first, actor=None)
    harvest_source_run(source=second, actor=None)
    dataset = Dataset.objects.get(source_identifier=datasets[1]["identifier"])
    html = client.get(f"/datasets/{dataset.slug}/").content.decode()
    original = datasets[1]["publisher"]["name"]
    assert original != first.organisation.title
    assert f'<span class="govuk-caption-l">{original}</span>' in html
    assert "First road by" in html and first.organisation.title in html
    assert "Also offered by" in html and "Second road" in html
    listing = client.get("/datasets/", {"q": dataset.title}).content.decode()
    assert original in listing
