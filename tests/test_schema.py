import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_and_docs_are_served(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/datasets/" in paths
    assert "/api/v1/datasets/{id}/publish/" in paths
    assert "/api/v1/auth/token/" in paths
    assert "/api/v1/access-requests/{id}/start-review/" in paths
    assert "/api/v1/grants/{id}/revoke/" in paths
    assert {"/api/v1/audit-events/", "/api/v1/register/"} <= set(paths)
    assert api_client.get("/api/docs/").status_code == 200
