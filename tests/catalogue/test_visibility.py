"""Who sees which dataset, through every read path the foundation has."""

import pytest
from django.contrib.auth.models import AnonymousUser

from catalogue.models import Dataset
from tests.conftest import client_for
from tests.factories import DatasetFactory, DistributionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _each_backend(search_backend):
    """Lists come from search: every test here runs on the database's search and on tantivy."""


@pytest.fixture
def catalogue(org_a):
    made = {
        "public": DatasetFactory(publisher=org_a, title="Public open data"),
        "government": DatasetFactory(
            publisher=org_a, metadata_visibility="GOVERNMENT", title="Government only"
        ),
        "organisation": DatasetFactory(
            publisher=org_a, metadata_visibility="ORGANISATION", title="Organisation only"
        ),
        "draft": DatasetFactory(publisher=org_a, status="draft", title="Draft record"),
        "restricted": DatasetFactory(
            publisher=org_a, access_rights="RESTRICTED", title="Restricted but public metadata"
        ),
    }
    for dataset in made.values():
        DistributionFactory(dataset=dataset)
    return made


def titles(response) -> set[str]:
    return {row["title"] for row in response.json()["results"]}


def test_anonymous_sees_only_public_published_metadata(api_client, catalogue):
    response = api_client.get("/api/v1/datasets/")
    assert response.status_code == 200
    assert titles(response) == {"Public open data", "Restricted but public metadata"}
    assert response.json()["count"] == 2


@pytest.mark.parametrize("hidden", ["government", "organisation", "draft"])
def test_anonymous_cannot_reach_hidden_dataset_by_any_path(api_client, catalogue, hidden):
    dataset = catalogue[hidden]
    for status in ["", "draft", "published", "withdrawn"]:
        response = api_client.get("/api/v1/datasets/", {"status": status} if status else {})
        assert dataset.title not in titles(response)
    assert api_client.get(f"/api/v1/datasets/{dataset.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/datasets/{dataset.slug}/").status_code == 404
    assert api_client.get(f"/datasets/{dataset.slug}/").status_code == 404
    assert dataset.title not in api_client.get("/datasets/").content.decode()
    assert dataset.title not in api_client.get("/").content.decode()


def test_anonymous_count_of_drafts_is_zero(api_client, catalogue):
    assert api_client.get("/api/v1/datasets/", {"status": "draft"}).json()["count"] == 0


def test_signed_in_analyst_sees_government_but_not_organisation_or_draft(catalogue):
    client = client_for(UserFactory())
    seen = titles(client.get("/api/v1/datasets/", {"page_size": 100}))
    assert seen == {"Public open data", "Government only", "Restricted but public metadata"}
    assert client.get(f"/api/v1/datasets/{catalogue['organisation'].pk}/").status_code == 404
    assert client.get(f"/api/v1/datasets/{catalogue['draft'].pk}/").status_code == 404


def test_member_of_another_organisation_sees_no_organisation_only_data(catalogue, org_b):
    outsider = MembershipFactory(organisation=org_b, role="publisher").user
    client = client_for(outsider)
    assert "Organisation only" not in titles(client.get("/api/v1/datasets/"))
    assert client.get(f"/api/v1/datasets/{catalogue['organisation'].pk}/").status_code == 404


def test_member_of_owner_sees_everything_including_drafts(catalogue, roles):
    client = client_for(roles["member"])
    assert titles(client.get("/api/v1/datasets/")) == {
        "Public open data",
        "Government only",
        "Organisation only",
        "Restricted but public metadata",
    }
    assert titles(client.get("/api/v1/datasets/", {"status": "draft"})) == {"Draft record"}
    assert client.get(f"/api/v1/datasets/{catalogue['draft'].pk}/").status_code == 200


def test_download_urls_of_non_open_data_are_hidden_from_non_members(api_client, catalogue):
    body = api_client.get(f"/api/v1/datasets/{catalogue['restricted'].pk}/").json()
    assert body["downloads_visible"] is False
    assert all(d["download_url"] is None and d["access_url"] is None for d in body["distribution"])
    page = api_client.get(f"/datasets/{catalogue['restricted'].slug}/").content.decode()
    assert catalogue["restricted"].distributions.get().download_url not in page


def test_download_urls_of_open_data_are_shown_to_anyone(api_client, catalogue):
    body = api_client.get(f"/api/v1/datasets/{catalogue['public'].pk}/").json()
    assert (
        body["distribution"][0]["download_url"]
        == catalogue["public"].distributions.get().download_url
    )


def test_members_see_download_urls_of_restricted_data(catalogue, roles):
    body = client_for(roles["member"]).get(f"/api/v1/datasets/{catalogue['restricted'].pk}/").json()
    assert (
        body["distribution"][0]["download_url"]
        == catalogue["restricted"].distributions.get().download_url
    )


def test_withdrawn_dataset_is_listed_only_when_asked_for(api_client, org_a):
    DatasetFactory(publisher=org_a, status="withdrawn", title="Old survey")
    assert "Old survey" not in titles(api_client.get("/api/v1/datasets/"))
    assert "Old survey" in titles(api_client.get("/api/v1/datasets/", {"status": "withdrawn"}))


def test_visible_to_is_the_single_rule_for_querysets(catalogue, roles):
    assert set(Dataset.objects.visible_to(AnonymousUser())) == {
        catalogue["public"],
        catalogue["restricted"],
    }
    assert Dataset.objects.visible_to(roles["superuser"]).count() == len(catalogue)
