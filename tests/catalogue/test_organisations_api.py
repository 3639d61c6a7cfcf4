"""Organisations and their memberships through the API."""

import pytest

from catalogue.models import Membership, Organisation
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anyone_lists_and_reads_organisations(api_client, org_a):
    assert api_client.get("/api/v1/organisations/").json()["results"][0]["slug"] == "department-a"
    assert api_client.get("/api/v1/organisations/department-a/").json()["title"] == "Department A"


def test_only_system_admin_creates_organisations(roles):
    body = {"slug": "new-body", "title": "New Body"}
    for role in ["member", "publisher", "governance_officer", "admin", "analyst"]:
        assert (
            client_for(roles[role]).post("/api/v1/organisations/", body, format="json").status_code
            == 403
        )
    assert not Organisation.objects.filter(slug="new-body").exists()
    response = client_for(roles["superuser"]).post(
        "/api/v1/organisations/", {**body, "parent": "department-a"}, format="json"
    )
    assert response.status_code == 201
    assert Organisation.objects.get(slug="new-body").parent.slug == "department-a"


def test_organisation_with_taken_slug_or_bad_email_is_refused(roles):
    client = client_for(roles["superuser"])
    assert (
        client.post(
            "/api/v1/organisations/", {"slug": "department-a", "title": "Again"}, format="json"
        ).status_code
        == 400
    )
    response = client.post(
        "/api/v1/organisations/", {"slug": "x", "title": "X", "email": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "email" in response.json()
    assert Organisation.objects.count() == 1


def test_org_admin_edits_own_organisation_only(roles, org_b):
    client = client_for(roles["admin"])
    assert (
        client.patch(
            "/api/v1/organisations/department-a/", {"abbreviation": "DA"}, format="json"
        ).status_code
        == 200
    )
    assert (
        client.patch(
            f"/api/v1/organisations/{org_b.slug}/", {"abbreviation": "DB"}, format="json"
        ).status_code
        == 403
    )
    assert (
        client_for(roles["publisher"])
        .patch("/api/v1/organisations/department-a/", {"title": "X"}, format="json")
        .status_code
        == 403
    )


def test_members_list_memberships_outsiders_cannot(roles, api_client):
    url = "/api/v1/organisations/department-a/memberships/"
    assert api_client.get(url).status_code == 401
    assert client_for(roles["analyst"]).get(url).status_code == 403
    listed = client_for(roles["member"]).get(url).json()["results"]
    assert {m["user"] for m in listed} == {
        "a-member",
        "a-publisher",
        "a-governance_officer",
        "a-admin",
    }


def test_org_admin_adds_and_removes_members(roles):
    client = client_for(roles["admin"])
    newcomer = UserFactory(username="newcomer")
    url = "/api/v1/organisations/department-a/memberships/"
    response = client.post(url, {"user": "newcomer", "role": "publisher"}, format="json")
    assert response.status_code == 201, response.json()
    membership_id = response.json()["id"]
    assert Membership.objects.filter(user=newcomer, role="publisher").exists()
    assert client.delete(f"{url}{membership_id}/").status_code == 204
    assert not Membership.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize("role", ["member", "publisher", "governance_officer"])
def test_non_admins_cannot_manage_members(roles, role):
    client = client_for(roles[role])
    url = "/api/v1/organisations/department-a/memberships/"
    assert client.post(url, {"user": "analyst", "role": "admin"}, format="json").status_code == 403
    assert not Membership.objects.filter(user=roles["analyst"]).exists()
    target = Membership.objects.get(user=roles["member"])
    assert client.delete(f"{url}{target.pk}/").status_code == 403
    assert Membership.objects.filter(pk=target.pk).exists()


def test_admin_of_a_cannot_manage_b_members(roles, org_b):
    response = client_for(roles["admin"]).post(
        f"/api/v1/organisations/{org_b.slug}/memberships/",
        {"user": "analyst", "role": "admin"},
        format="json",
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(organisation=org_b).exists()


def test_membership_with_unknown_user_or_role_is_400(roles):
    client = client_for(roles["admin"])
    url = "/api/v1/organisations/department-a/memberships/"
    assert "user" in client.post(url, {"user": "ghost", "role": "member"}, format="json").json()
    assert "role" in client.post(url, {"user": "analyst", "role": "king"}, format="json").json()
    assert not Membership.objects.filter(user=roles["analyst"]).exists()


def test_last_admin_cannot_be_removed(roles):
    membership = Membership.objects.get(user=roles["admin"], role="admin")
    response = client_for(roles["admin"]).delete(
        f"/api/v1/organisations/department-a/memberships/{membership.pk}/"
    )
    assert response.status_code == 400
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_vocabularies_are_seeded_and_listed(api_client):
    themes = {t["slug"] for t in api_client.get("/api/v1/themes/").json()}
    assert {"health", "transport", "education"} <= themes
    licences = {lic["slug"] for lic in api_client.get("/api/v1/licences/").json()}
    assert {"ogl-v3", "cc-by-4.0", "data-share-agreement"} <= licences
