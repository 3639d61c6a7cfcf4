"""The harvest pages: sources, a source with its runs and a run button, a job report."""

from pathlib import Path

import pytest

from catalogue.harvest.services.run import harvest_source_run
from catalogue.models import HarvestJob, HarvestSource

pytestmark = pytest.mark.django_db

FCC = Path(__file__).resolve().parents[2] / "fixtures" / "datajson" / "opendata.fcc.gov.data.json"


@pytest.fixture
def source(org_a):
    return HarvestSource.objects.create(
        organisation=org_a,
        title="FCC copy",
        url="https://fcc.example/data.json",
        source_type="datajson",
    )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/harvest/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_publisher_sees_their_sources_and_can_add_one(client, roles, source):
    client.force_login(roles["publisher"])
    page = client.get("/harvest/").content.decode()
    assert "FCC copy" in page and "Add a source" in page

    response = client.post(
        "/harvest/",
        {
            "organisation": source.organisation.pk,
            "title": "New one",
            "url": "https://new.example/catalog.ttl",
            "source_type": "dcat",
            "schedule": "weekly",
            "token": "tok-123",
        },
    )

    created = HarvestSource.objects.get(title="New one")
    assert response.status_code == 302 and response["Location"] == f"/harvest/sources/{created.pk}/"
    assert created.credentials == {"token": "tok-123"}
    assert "tok-123" not in client.get(f"/harvest/sources/{created.pk}/").content.decode()


def test_a_bad_url_in_the_form_is_shown_as_an_error(client, roles, source):
    client.force_login(roles["publisher"])
    response = client.post(
        "/harvest/",
        {
            "organisation": source.organisation.pk,
            "title": "x",
            "url": "file:///etc/passwd",
            "source_type": "dcat",
            "schedule": "daily",
        },
    )
    assert response.status_code == 200
    assert "http:// or https:// URL" in response.content.decode()
    assert HarvestSource.objects.count() == 1


def test_members_see_sources_but_no_form_and_no_run_button(client, roles, source):
    client.force_login(roles["member"])
    assert "Add a source" not in client.get("/harvest/").content.decode()
    assert "Run now" not in client.get(f"/harvest/sources/{source.pk}/").content.decode()
    assert client.post(f"/harvest/sources/{source.pk}/run/").status_code == 403
    assert HarvestJob.objects.count() == 0


def test_outsiders_cannot_see_a_source_or_its_jobs(client, roles, source):
    job = HarvestJob.objects.create(source=source, status="failed")
    client.force_login(roles["analyst"])
    assert client.get(f"/harvest/sources/{source.pk}/").status_code == 404
    assert client.get(f"/harvest/jobs/{job.pk}/").status_code == 404
    assert "FCC copy" not in client.get("/harvest/").content.decode()


def test_run_button_queues_a_job_and_shows_its_report(
    client, roles, source, django_capture_on_commit_callbacks
):
    client.force_login(roles["publisher"])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(f"/harvest/sources/{source.pk}/run/")
    job = HarvestJob.objects.get()
    assert response["Location"] == f"/harvest/jobs/{job.pk}/"
    assert len(callbacks) == 1
    assert "Queued" in client.get(f"/harvest/jobs/{job.pk}/").content.decode()


def test_job_report_lists_counts_failures_and_warnings_with_identifiers(
    client, roles, org_a, tmp_path
):
    import json

    document = json.loads(FCC.read_bytes())
    document["dataset"][0]["title"] = ""
    document["dataset"][1]["accrualPeriodicity"] = "every blue moon"
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document))
    source = HarvestSource.objects.create(
        organisation=org_a, title="FCC file", source_type="datajson"
    )
    job = harvest_source_run(source=source, actor=None, path=path)
    client.force_login(roles["member"])

    page = client.get(f"/harvest/jobs/{job.pk}/").content.decode()

    assert "Finished with problems" in page
    assert document["dataset"][0]["identifier"] in page and "dataset has no title" in page
    assert document["dataset"][1]["identifier"] in page and "every blue moon" in page
    dataset = source.datasets.get(source_identifier=document["dataset"][2]["identifier"])
    detail = client.get(f"/datasets/{dataset.slug}/").content.decode()
    assert "Harvested from</dt>" in detail
    assert "FCC file (data.json" in detail
