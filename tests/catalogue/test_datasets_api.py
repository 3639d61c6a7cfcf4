"""Creating, changing, publishing and withdrawing datasets through the API, role by role."""

import pytest

from catalogue.models import Dataset, Distribution
from tests.conftest import client_for
from tests.factories import DatasetFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MINIMAL = {
    "title": "Road traffic counts",
    "description": "Annual average daily flows.",
    "publisher": "department-a",
    "access_rights": "RESTRICTED",
    "metadata_visibility": "GOVERNMENT",
    "distribution": [
        {
            "title": "CSV",
            "download_url": "https://example.gov.uk/counts.csv",
            "media_type": "text/csv",
        }
    ],
}


def test_publisher_creates_a_draft(roles):
    response = client_for(roles["publisher"]).post("/api/v1/datasets/", MINIMAL, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["publisher"] == {"slug": "department-a", "title": "Department A"}
    assert body["distribution"][0]["download_url"] == "https://example.gov.uk/counts.csv"
    assert body["licence"].startswith(
        "http://www.nationalarchives.gov.uk/doc/open-government-licence"
    )
    assert body["quality"]["max"] == 405
    assert body["quality"]["score"] > 0
    dataset = Dataset.objects.get(pk=body["id"])
    assert dataset.created_by == roles["publisher"]
    assert dataset.identifier.endswith(f"/datasets/{dataset.pk}")


@pytest.mark.parametrize("role", ["member", "governance_officer", "admin", "analyst"])
def test_other_roles_cannot_create(roles, role):
    response = client_for(roles[role]).post("/api/v1/datasets/", MINIMAL, format="json")
    assert response.status_code == 403
    assert "publisher of Department A" in response.json()["detail"]
    assert Dataset.objects.count() == 0


def test_anonymous_cannot_create(api_client, org_a):
    assert api_client.post("/api/v1/datasets/", MINIMAL, format="json").status_code == 401
    assert Dataset.objects.count() == 0


def test_superuser_can_create_for_any_organisation(roles, org_b):
    response = client_for(roles["superuser"]).post(
        "/api/v1/datasets/", {**MINIMAL, "publisher": org_b.slug}, format="json"
    )
    assert response.status_code == 201


def test_publisher_of_a_cannot_create_for_b(roles, org_b):
    response = client_for(roles["publisher"]).post(
        "/api/v1/datasets/", {**MINIMAL, "publisher": org_b.slug}, format="json"
    )
    assert response.status_code == 403
    assert Dataset.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"licence": "https://example.com/my-own-licence"}, "licence"),
        ({"contact_point": [{"name": "Data team", "email": "not-an-email"}]}, "contact_point"),
        ({"distribution": [{"title": "CSV", "download_url": "htp:/broken url"}]}, "distribution"),
        ({"access_rights": "SECRETISH"}, "access_rights"),
        ({"theme": ["no-such-theme"]}, "theme"),
        ({"publisher": "no-such-organisation"}, "publisher"),
        ({"summary": "s" * 251}, "summary"),
        ({"description": "d" * 4097}, "description"),
        ({"temporal_start": "2024-01-01", "temporal_end": "2023-01-01"}, "temporal_end"),
    ],
)
def test_invalid_input_is_refused_with_field_messages_and_nothing_saved(roles, change, field):
    response = client_for(roles["publisher"]).post(
        "/api/v1/datasets/", {**MINIMAL, **change}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert Dataset.objects.count() == 0
    assert Distribution.objects.count() == 0


def test_missing_title_is_refused(roles):
    body = {k: v for k, v in MINIMAL.items() if k != "title"}
    response = client_for(roles["publisher"]).post("/api/v1/datasets/", body, format="json")
    assert response.status_code == 400
    assert "title" in response.json()


def test_licence_by_short_name_and_keywords_are_tidied(roles):
    response = client_for(roles["publisher"]).post(
        "/api/v1/datasets/",
        {
            **MINIMAL,
            "licence": "cc-by-4.0",
            "keyword": [" roads ", "Roads", "traffic\ncounts", ""],
            "theme": ["transport"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["licence"] == "https://creativecommons.org/licenses/by/4.0/"
    assert body["keyword"] == ["roads", "traffic counts"]
    assert body["theme"] == ["transport"]


def test_patch_changes_fields_and_replaces_distributions(roles, org_a):
    dataset = DatasetFactory(publisher=org_a)
    Distribution.objects.create(
        dataset=dataset, title="old", download_url="https://example.gov.uk/old.csv"
    )
    response = client_for(roles["publisher"]).patch(
        f"/api/v1/datasets/{dataset.pk}/",
        {
            "summary": "Counts of vehicles",
            "distribution": [{"title": "new", "download_url": "https://example.gov.uk/new.csv"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["summary"] == "Counts of vehicles"
    assert [d.title for d in dataset.distributions.all()] == ["new"]


def test_patch_cannot_set_status(roles, org_a):
    dataset = DatasetFactory(publisher=org_a, status="draft")
    client_for(roles["publisher"]).patch(
        f"/api/v1/datasets/{dataset.pk}/", {"status": "published"}, format="json"
    )
    dataset.refresh_from_db()
    assert dataset.status == "draft"


def test_publisher_of_a_cannot_edit_b_dataset(roles, org_b):
    dataset = DatasetFactory(publisher=org_b, title="B's data")
    response = client_for(roles["publisher"]).patch(
        f"/api/v1/datasets/{dataset.pk}/", {"title": "Taken over"}, format="json"
    )
    assert response.status_code == 403
    assert "Department B" in response.json()["detail"]
    dataset.refresh_from_db()
    assert dataset.title == "B's data"


@pytest.mark.parametrize("action", ["publish", "withdraw"])
def test_publisher_of_a_cannot_transition_b_dataset(roles, org_b, action):
    dataset = DatasetFactory(publisher=org_b, status="published", metadata_visibility="GOVERNMENT")
    response = client_for(roles["publisher"]).post(f"/api/v1/datasets/{dataset.pk}/{action}/")
    assert response.status_code == 403
    dataset.refresh_from_db()
    assert dataset.status == "published"


def test_publisher_cannot_move_dataset_to_an_organisation_they_do_not_publish_for(
    roles, org_a, org_b
):
    dataset = DatasetFactory(publisher=org_a)
    response = client_for(roles["publisher"]).patch(
        f"/api/v1/datasets/{dataset.pk}/", {"publisher": org_b.slug}, format="json"
    )
    assert response.status_code == 403
    dataset.refresh_from_db()
    assert dataset.publisher == org_a


@pytest.mark.parametrize("role", ["member", "governance_officer", "admin"])
def test_non_publishers_of_the_owner_cannot_edit(roles, org_a, role):
    dataset = DatasetFactory(publisher=org_a, title="Original")
    response = client_for(roles[role]).patch(
        f"/api/v1/datasets/{dataset.pk}/", {"title": "Changed"}, format="json"
    )
    assert response.status_code == 403
    dataset.refresh_from_db()
    assert dataset.title == "Original"


def test_patch_on_invisible_draft_of_another_organisation_is_404(roles, org_b):
    dataset = DatasetFactory(publisher=org_b, status="draft")
    response = client_for(roles["publisher"]).patch(
        f"/api/v1/datasets/{dataset.pk}/", {"title": "x"}, format="json"
    )
    assert response.status_code == 404


def test_put_is_not_offered(roles, org_a):
    dataset = DatasetFactory(publisher=org_a)
    response = client_for(roles["publisher"]).put(
        f"/api/v1/datasets/{dataset.pk}/", MINIMAL, format="json"
    )
    assert response.status_code == 405


def test_lifecycle_draft_published_withdrawn(roles, org_a):
    client = client_for(roles["publisher"])
    dataset = DatasetFactory(publisher=org_a, status="draft")
    published = client.post(f"/api/v1/datasets/{dataset.pk}/publish/")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["issued"] is not None
    withdrawn = client.post(f"/api/v1/datasets/{dataset.pk}/withdraw/")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"


def test_a_draft_can_be_withdrawn(roles, org_a):
    dataset = DatasetFactory(publisher=org_a, status="draft")
    response = client_for(roles["publisher"]).post(f"/api/v1/datasets/{dataset.pk}/withdraw/")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


@pytest.mark.parametrize(
    ("start", "action"),
    [("withdrawn", "publish"), ("published", "publish"), ("withdrawn", "withdraw")],
)
def test_illegal_transitions_answer_409_and_change_nothing(roles, org_a, start, action):
    dataset = DatasetFactory(publisher=org_a, status=start)
    response = client_for(roles["publisher"]).post(f"/api/v1/datasets/{dataset.pk}/{action}/")
    assert response.status_code == 409
    assert "cannot be" in response.json()["detail"]
    dataset.refresh_from_db()
    assert dataset.status == start


@pytest.mark.parametrize("role", ["member", "governance_officer", "admin", "analyst"])
def test_only_publishers_publish(roles, org_a, role):
    dataset = DatasetFactory(publisher=org_a, status="draft", metadata_visibility="PUBLIC")
    response = client_for(roles[role]).post(f"/api/v1/datasets/{dataset.pk}/publish/")
    # An analyst cannot even see the draft; members of A see it but may not publish it.
    assert response.status_code == (404 if role == "analyst" else 403)
    dataset.refresh_from_db()
    assert dataset.status == "draft"


def test_anonymous_transition_is_401(api_client, org_a):
    dataset = DatasetFactory(publisher=org_a)
    assert api_client.post(f"/api/v1/datasets/{dataset.pk}/withdraw/").status_code == 401


def test_publisher_role_in_two_organisations(org_a, org_b):
    user = MembershipFactory(organisation=org_a, role="publisher").user
    MembershipFactory(user=user, organisation=org_b, role="publisher")
    dataset = DatasetFactory(publisher=org_a)
    response = client_for(user).patch(
        f"/api/v1/datasets/{dataset.pk}/", {"publisher": org_b.slug}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["publisher"]["slug"] == org_b.slug


def test_filters_by_publisher_theme_keyword_format_and_access(api_client, org_a, org_b):
    from catalogue.models import Theme

    roads = DatasetFactory(publisher=org_a, keyword=["Roads", "traffic"], access_rights="OPEN")
    roads.theme.add(Theme.objects.get(slug="transport"))
    Distribution.objects.create(
        dataset=roads, format="CSV", download_url="https://example.gov.uk/a.csv"
    )
    DatasetFactory(publisher=org_b, keyword=["schools"], access_rights="INTERNAL")

    def ids(params):
        return [row["id"] for row in api_client.get("/api/v1/datasets/", params).json()["results"]]

    assert ids({"publisher": "department-a"}) == [str(roads.pk)]
    assert ids({"organisation": "department-a"}) == [str(roads.pk)]
    assert ids({"theme": "transport"}) == [str(roads.pk)]
    assert ids({"keyword": "roads"}) == [str(roads.pk)]
    assert ids({"keyword": "road"}) == []
    assert ids({"format": "csv"}) == [str(roads.pk)]
    assert ids({"access_rights": "OPEN"}) == [str(roads.pk)]
    assert len(ids({"publisher": ["department-a", "department-b"]})) == 2


def test_page_size_is_capped_at_100(api_client, org_a):
    DatasetFactory.create_batch(3, publisher=org_a)
    body = api_client.get("/api/v1/datasets/", {"page_size": 1000}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 3
    assert len(api_client.get("/api/v1/datasets/", {"page_size": 2}).json()["results"]) == 2


def test_unknown_dataset_is_404_json(api_client):
    response = api_client.get("/api/v1/datasets/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert "detail" in response.json()
