"""The publisher pages: create, edit, publish and withdraw through forms, with the quality score."""

import pytest
from django.test import Client

from catalogue.models import Dataset, Distribution
from tests.factories import DatasetFactory, DistributionFactory

pytestmark = pytest.mark.django_db

FORM = {
    "publisher": "",
    "title": "School census",
    "summary": "Pupils by school",
    "description": "Counts of pupils in every state school, each January.",
    "keyword": "schools, pupils,  schools ",
    "theme": ["education"],
    "licence": "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "access_rights": "OPEN",
    "metadata_visibility": "PUBLIC",
    "security_classification": "OFFICIAL",
    "handling_caveat": "",
    "personal_data": "NONE",
    "update_frequency": "annual",
    "spatial": "England",
    "temporal_start": "2024-01-01",
    "temporal_end": "2024-12-31",
    "contact_name": "Schools statistics",
    "contact_email": "schools@example.gov.uk",
    "distribution_title": "Census 2024",
    "distribution_url": "https://example.gov.uk/census.csv",
    "distribution_format": "CSV",
}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_publisher_creates_a_draft_through_the_form(roles, org_a):
    client = signed_in(roles["publisher"])
    response = client.post("/publish/new/", {**FORM, "publisher": org_a.pk})
    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/publish/{dataset.pk}/"
    assert dataset.status == "draft"
    assert dataset.keyword == ["schools", "pupils"]
    assert [t.slug for t in dataset.theme.all()] == ["education"]
    assert dataset.distributions.get().download_url == "https://example.gov.uk/census.csv"
    assert dataset.contact_points.get().email == "schools@example.gov.uk"
    page = client.get(response["Location"]).content.decode()
    assert "was saved as a draft" in page
    assert f"{dataset.quality_score}</span> out of 405" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"contact_email": "not-an-email"}, "Enter a valid email address."),
        ({"distribution_url": "ftp://example.gov.uk/x"}, "Enter a valid URL."),
        ({"temporal_end": "2023-01-01"}, "The end of the period must not be before its start."),
        ({"licence": "https://example.com/mine"}, "Select a valid choice."),
    ],
)
def test_bad_input_shows_an_error_summary_and_saves_nothing(roles, org_a, change, message):
    response = signed_in(roles["publisher"]).post(
        "/publish/new/", {**FORM, "publisher": org_a.pk, **change}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert Dataset.objects.count() == 0


def test_a_publisher_cannot_create_for_another_organisation(roles, org_b):
    response = signed_in(roles["publisher"]).post("/publish/new/", {**FORM, "publisher": org_b.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Dataset.objects.count() == 0


@pytest.mark.parametrize("role", ["member", "governance_officer", "admin", "analyst"])
def test_non_publishers_cannot_create(roles, role):
    assert signed_in(roles[role]).get("/publish/new/").status_code == 403


def test_anonymous_is_sent_to_sign_in(db):
    response = Client().get("/publish/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_publish_and_withdraw_buttons_go_through_the_lifecycle(roles, org_a):
    dataset = DatasetFactory(publisher=org_a, status="draft")
    client = signed_in(roles["publisher"])
    client.post(f"/publish/{dataset.pk}/publish/")
    dataset.refresh_from_db()
    assert dataset.status == "published"
    client.post(f"/publish/{dataset.pk}/withdraw/")
    dataset.refresh_from_db()
    assert dataset.status == "withdrawn"
    page = client.post(f"/publish/{dataset.pk}/publish/", follow=True).content.decode()
    assert "cannot be published" in page
    dataset.refresh_from_db()
    assert dataset.status == "withdrawn"


def test_publisher_of_another_organisation_cannot_edit_or_publish(roles, org_b):
    dataset = DatasetFactory(publisher=org_b, status="published", title="B data")
    client = signed_in(roles["publisher"])
    assert client.get(f"/publish/{dataset.pk}/").status_code == 403
    assert (
        client.post(f"/publish/{dataset.pk}/", {**FORM, "publisher": org_b.pk}).status_code == 403
    )
    assert client.post(f"/publish/{dataset.pk}/withdraw/").status_code == 403
    dataset.refresh_from_db()
    assert (dataset.title, dataset.status) == ("B data", "published")


def test_editing_keeps_several_distributions_untouched(roles, org_a):
    dataset = DatasetFactory(publisher=org_a)
    DistributionFactory.create_batch(2, dataset=dataset)
    client = signed_in(roles["publisher"])
    page = client.get(f"/publish/{dataset.pk}/").content.decode()
    assert "change them through the API" in page
    client.post(f"/publish/{dataset.pk}/", {**FORM, "publisher": org_a.pk, "title": "Renamed"})
    dataset.refresh_from_db()
    assert dataset.title == "Renamed"
    assert Distribution.objects.filter(dataset=dataset).count() == 2


def test_quality_preview_scores_the_unsaved_form_with_biggest_fixes_first(roles, org_a):
    client = signed_in(roles["publisher"])
    empty = client.post("/publish/quality/", {"title": "Something"}).json()
    full = client.post("/publish/quality/", {**FORM, "publisher": org_a.pk}).json()
    assert empty["max"] == 405
    assert full["score"] > empty["score"]
    points = [fix["points"] for fix in empty["improvements"]]
    assert points == sorted(points, reverse=True)
    assert Dataset.objects.count() == 0


def test_publish_home_lists_own_organisation_datasets_in_every_status(roles, org_a, org_b):
    DatasetFactory(publisher=org_a, status="draft", title="Mine in draft")
    DatasetFactory(publisher=org_b, title="Not mine")
    page = signed_in(roles["publisher"]).get("/publish/").content.decode()
    assert "Mine in draft" in page
    assert "Not mine" not in page
