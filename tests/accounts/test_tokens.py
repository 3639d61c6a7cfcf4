"""API tokens: issue, use, expiry and revocation; only a hash is stored."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, hash_token_key
from tests.factories import DatasetFactory, UserFactory

pytestmark = pytest.mark.django_db


def issue(
    client: APIClient, username: str = "alice", password: str = "correct horse battery staple"
):
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


def test_token_is_issued_and_only_its_hash_stored(api_client):
    UserFactory(username="alice")
    response = issue(api_client)
    assert response.status_code == 200
    key = response.json()["token"]
    token = ApiToken.objects.get()
    assert token.key_hash == hash_token_key(key)
    assert key not in {token.key_hash, token.prefix}
    assert response.json()["expires"]


def test_wrong_password_gets_no_token(api_client):
    UserFactory(username="alice")
    response = issue(api_client, password="wrong")
    assert response.status_code == 400
    assert "detail" in response.json()
    assert ApiToken.objects.count() == 0


def test_token_authenticates_requests(api_client, org_a):
    UserFactory(username="alice")
    DatasetFactory(publisher=org_a, metadata_visibility="GOVERNMENT")
    key = issue(api_client).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/datasets/").json()["count"] == 1


def test_wrong_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/datasets/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_expired_token_is_401(api_client):
    UserFactory(username="alice")
    key = issue(api_client).json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get("/api/v1/datasets/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_revoked_token_is_401(api_client):
    UserFactory(username="alice")
    key = issue(api_client).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.delete("/api/v1/auth/token/").status_code == 204
    assert ApiToken.objects.get().revoked_at is not None
    response = api_client.get("/api/v1/datasets/")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_token_of_deactivated_user_is_401(api_client):
    user = UserFactory(username="alice")
    key = issue(api_client).json()["token"]
    user.is_active = False
    user.save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/datasets/").status_code == 401


def test_token_requests_are_throttled(api_client, settings):
    UserFactory(username="alice")
    statuses = {issue(api_client, password="wrong").status_code for _ in range(25)}
    assert 429 in statuses


def test_session_auth_works_for_the_api(org_a):
    user = UserFactory(username="alice")
    DatasetFactory(publisher=org_a, metadata_visibility="GOVERNMENT")
    client = APIClient()
    client.force_login(user)
    assert client.get("/api/v1/datasets/").json()["count"] == 1
