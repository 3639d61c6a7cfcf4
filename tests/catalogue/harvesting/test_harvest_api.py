"""Harvest sources and job reports through the API, role by role."""

import json
from pathlib import Path

import pytest

from catalogue.harvest.services.run import harvest_source_run
from catalogue.models import Dataset, HarvestJob, HarvestSource
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

OPM = Path(__file__).resolve().parents[2] / "fixtures" / "datajson" / "opm.gov.data.json"
NEW = {
    "organisation": "department-a",
    "title": "Department A data.json",
    "url": "https://data.example.gov.uk/data.json",
    "source_type": "datajson",
    "schedule": "daily",
}


def test_publisher_creates_a_source_and_its_credentials_are_never_returned(roles):
    client = client_for(roles["publisher"])
    body = {**NEW, "credentials": {"token": "very-secret-token"}}

    response = client.post("/api/v1/harvest-sources/", body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["organisation"], data["source_type"], data["schedule"]) == (
        "department-a",
        "datajson",
        "daily",
    )
    assert data["has_credentials"] is True
    listed = client.get("/api/v1/harvest-sources/").json()
    shown = client.get(f"/api/v1/harvest-sources/{data['id']}/").json()
    assert "very-secret-token" not in json.dumps([response.json(), listed, shown])
    assert HarvestSource.objects.get().credentials == {"token": "very-secret-token"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "ftp://data.example.gov.uk/data.json"}, "url"),
        ({"url": "https://user:pw@data.example.gov.uk/data.json"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"source_type": "csv"}, "source_type"),
        ({"schedule": "every tuesday"}, "schedule"),
        ({"schedule": "1m"}, "schedule"),
        ({"config": {"shrink_threshold": 2}}, "config"),
    ],
)
def test_a_bad_source_is_refused_with_a_field_message(roles, change, field):
    response = client_for(roles["publisher"]).post(
        "/api/v1/harvest-sources/", {**NEW, **change}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert HarvestSource.objects.count() == 0


@pytest.mark.parametrize("role", ["member", "governance_officer", "admin", "analyst"])
def test_only_publishers_manage_sources(roles, role):
    response = client_for(roles[role]).post("/api/v1/harvest-sources/", NEW, format="json")
    assert response.status_code == 403
    assert HarvestSource.objects.count() == 0


def test_sources_and_jobs_of_other_organisations_are_not_visible(roles, org_b):
    theirs = HarvestSource.objects.create(
        organisation=org_b, title="B", url="https://b.example/", source_type="ckan"
    )
    job = HarvestJob.objects.create(source=theirs)
    client = client_for(roles["publisher"])

    assert client.get("/api/v1/harvest-sources/").json()["results"] == []
    assert client.get(f"/api/v1/harvest-sources/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/harvest-sources/{theirs.pk}/run/").status_code == 404
    assert client.get(f"/api/v1/harvest-jobs/{job.pk}/").status_code == 404


def test_anonymous_users_see_no_sources(api_client):
    assert api_client.get("/api/v1/harvest-sources/").status_code == 401


def test_run_queues_one_job_and_a_second_request_gets_the_same_job(
    roles, django_capture_on_commit_callbacks
):
    client = client_for(roles["publisher"])
    source_id = client.post("/api/v1/harvest-sources/", NEW, format="json").json()["id"]

    with django_capture_on_commit_callbacks() as callbacks:
        first = client.post(f"/api/v1/harvest-sources/{source_id}/run/")
        second = client.post(f"/api/v1/harvest-sources/{source_id}/run/")

    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json()["status"] == "queued"
    assert first.json()["id"] == second.json()["id"]
    assert len(callbacks) == 1  # one task enqueued, after commit
    assert (
        client_for(roles["member"]).post(f"/api/v1/harvest-sources/{source_id}/run/").status_code
        == 403
    )


def test_job_report_and_dataset_provenance(roles, server):
    server.static("/data.json", OPM.read_bytes())
    source = HarvestSource.objects.create(
        organisation=roles["publisher"].memberships.get().organisation,
        title="OPM",
        url=server.url("/data.json"),
        source_type="datajson",
    )
    catalogue = json.loads(OPM.read_bytes())
    catalogue["dataset"][0]["title"] = ""
    server.static("/data.json", json.dumps(catalogue).encode())
    job = harvest_source_run(source=source, actor=roles["publisher"])
    client = client_for(roles["member"])

    report = client.get(f"/api/v1/harvest-jobs/{job.pk}/").json()

    assert {
        k: report[k]
        for k in [
            "id",
            "source",
            "status",
            "created",
            "updated",
            "unchanged",
            "withdrawn",
            "failed",
        ]
    } == {
        "id": job.pk,
        "source": source.pk,
        "status": "partial",
        "created": 133,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "failed": 1,
    }
    assert report["errors"] == [
        {"identifier": catalogue["dataset"][0]["identifier"], "message": "dataset has no title"}
    ]
    assert "133 created" in report["message"]

    listed = client.get(f"/api/v1/datasets/?harvest_source={source.pk}&page_size=200").json()
    assert listed["count"] == 133
    other = client.get(f"/api/v1/datasets/?harvest_source={source.pk + 1}").json()
    assert other["count"] == 0
    item = catalogue["dataset"][1]
    dataset = Dataset.objects.get(source_identifier=item["identifier"])
    provenance = client.get(f"/api/v1/datasets/{dataset.pk}/").json()["source"]
    assert provenance == {
        "harvest_source": source.pk,
        "title": "OPM",
        "source_type": "datajson",
        "identifier": item["identifier"],
        "url": dataset.source_url,
        "iri": "",
        "publisher_name": item["publisher"]["name"],
        "publisher_uri": "",
        "harvested_at": provenance["harvested_at"],
        "also_from": [],
    }
    assert provenance["harvested_at"]


def test_datasets_published_here_have_no_source(roles):
    from tests.factories import DatasetFactory

    dataset = DatasetFactory()
    assert (
        client_for(roles["analyst"]).get(f"/api/v1/datasets/{dataset.pk}/").json()["source"] is None
    )


def test_publisher_disables_a_source_and_changes_its_schedule(roles):
    client = client_for(roles["publisher"])
    source_id = client.post("/api/v1/harvest-sources/", NEW, format="json").json()["id"]

    response = client.patch(
        f"/api/v1/harvest-sources/{source_id}/", {"enabled": False, "schedule": "6h"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["enabled"], response.json()["schedule"]) == (False, "6h")
    bad = client.patch(
        f"/api/v1/harvest-sources/{source_id}/", {"url": "file:///etc/passwd"}, format="json"
    )
    assert bad.status_code == 400
    assert HarvestSource.objects.get().url == NEW["url"]
