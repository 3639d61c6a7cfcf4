"""The governance API: creating requests, every action for each role, grants, audit, register."""

import pytest

from governance.models import AccessRequest, AuditEvent, Grant
from tests.conftest import client_for
from tests.factories import DatasetFactory, UserFactory
from tests.governance.conftest import request_in
from tests.governance.factories import GrantFactory, complete_answers

pytestmark = pytest.mark.django_db

ACTIONS = {
    # action URL → (legal start states, resulting state, who may act, body)
    "submit": (["Draft", "Returned"], "Submitted", "requester", {}),
    "start-review": (["Submitted"], "InReview", "officer", {}),
    "approve": (["InReview"], "Accepted", "officer", {"comment": "Fine."}),
    "reject": (["InReview"], "Rejected", "officer", {"reason": "No gateway."}),
    "return": (["InReview"], "Returned", "officer", {"reason": "Which years?"}),
    "cancel": (["Draft", "Submitted", "InReview", "Returned"], "Cancelled", "requester", {}),
}
STATES = ["Draft", "Submitted", "InReview", "Accepted", "Rejected", "Returned", "Cancelled"]
VERBS = {
    "submit": "access_request.submit",
    "start-review": "access_request.start_review",
    "approve": "access_request.accept",
    "reject": "access_request.reject",
    "return": "access_request.return",
    "cancel": "access_request.cancel",
}


def body(**overrides) -> dict:
    data = complete_answers(**overrides)
    data["end_date"] = data["end_date"].isoformat()
    return data


def test_requester_creates_a_draft_request(world):
    response = client_for(world.requester).post(
        "/api/v1/access-requests/", {"dataset": str(world.dataset.pk), **body()}, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "Draft"
    assert data["dataset"] == str(world.dataset.pk)
    assert data["requesting_organisation"] == {"slug": "department-b", "title": "Department B"}
    assert data["purpose"].startswith("Measure the effect")
    assert data["reference"] == f"DMR-{data['id']:06d}"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"public_benefit": "because"}, "public_benefit"),
        ({"end_date": "next tuesday"}, "end_date"),
        ({"lawful_basis": "vibes"}, "lawful_basis"),
        ({"requesting_organisation": "no-such-org"}, "requesting_organisation"),
        ({"requesting_organisation": "department-a"}, "requesting_organisation"),
        ({"confirmed_statements": "I agree"}, "confirmed_statements"),
        ({"confirmed_statements": [{"x": 1}]}, "confirmed_statements"),
    ],
)
def test_malformed_create_is_refused_with_field_errors_and_saves_nothing(world, payload, field):
    response = client_for(world.requester).post(
        "/api/v1/access-requests/", {"dataset": str(world.dataset.pk), **payload}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not AccessRequest.objects.exists()


def test_request_for_an_invisible_dataset_looks_like_no_dataset(world, org_a):
    hidden = DatasetFactory(
        publisher=org_a, access_rights="RESTRICTED", metadata_visibility="ORGANISATION"
    )
    client = client_for(world.requester)
    for key in [str(hidden.pk), hidden.slug, "00000000-0000-0000-0000-000000000000"]:
        response = client.post("/api/v1/access-requests/", {"dataset": key}, format="json")
        assert response.status_code == 400
        assert response.json() == {"dataset": ["No dataset with that id."]}
    assert not AccessRequest.objects.exists()


@pytest.mark.parametrize(("access_rights", "route"), [("OPEN", "open"), ("RESTRICTED", "none")])
def test_request_for_open_or_closed_data_is_refused_clearly(world, access_rights, route):
    from governance.services import governance_policy_set

    world.dataset.access_rights = access_rights
    world.dataset.save()
    if route == "none":
        governance_policy_set(actor=None, dataset=world.dataset, rules={"access_route": "none"})
    response = client_for(world.requester).post(
        "/api/v1/access-requests/", {"dataset": str(world.dataset.pk)}, format="json"
    )
    assert response.status_code == 400
    assert "dataset" in response.json()


def test_anonymous_cannot_use_access_requests(api_client, world):
    assert api_client.get("/api/v1/access-requests/").status_code == 401
    assert api_client.post("/api/v1/access-requests/", {}, format="json").status_code == 401


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_action_from_each_state_by_the_right_person(world, action, state):
    request = request_in(world, state)
    legal, to, who, payload = ACTIONS[action]
    response = client_for(world.actor(who)).post(
        f"/api/v1/access-requests/{request.pk}/{action}/", payload, format="json"
    )
    events = AuditEvent.objects.filter(object_type="access_request", object_id=str(request.pk))
    if state in legal:
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == to
        event = events.filter(verb=VERBS[action]).latest("id")
        assert (event.from_state, event.to_state, event.actor) == (state, to, world.actor(who))
        assert event.request_id  # the HTTP request it came from
    elif state == "Draft" and who == "officer":
        assert response.status_code == 404  # drafts are not shown to officers at all
    else:
        assert response.status_code == 409, response.json()
        assert "cannot be" in response.json()["detail"]
    if state not in legal:
        request.refresh_from_db()
        assert request.status == state


# Each action on a state it is legal from, tried by every role: the HTTP status each gets.
# 404: the request is not theirs to see; 403: they see it but may not act; 401: not signed in.
ROLE_MATRIX = {
    ("submit", "Draft"): {
        "requester": 200, "officer": 404, "publisher": 404, "member": 404, "admin": 404,
        "officer_b": 404, "superuser": 403, "anonymous": 401,
    },
    ("cancel", "Submitted"): {
        "requester": 200, "officer": 403, "publisher": 403, "member": 404, "admin": 404,
        "officer_b": 404, "superuser": 403, "anonymous": 401,
    },
    **{
        (action, state): {
            "requester": 403, "officer": 200, "publisher": 403, "member": 404, "admin": 404,
            "officer_b": 404, "superuser": 200, "anonymous": 401,
        }
        for action, state in [
            ("start-review", "Submitted"),
            ("approve", "InReview"),
            ("reject", "InReview"),
            ("return", "InReview"),
        ]
    },
}  # fmt: skip


@pytest.mark.parametrize(
    ("action", "state", "who", "code"),
    [(a, s, who, code) for (a, s), codes in ROLE_MATRIX.items() for who, code in codes.items()],
)
def test_each_action_by_each_role(world, api_client, action, state, who, code):
    request = request_in(world, state)
    before = AuditEvent.objects.count()
    client = api_client if who == "anonymous" else client_for(world.actor(who))
    response = client.post(
        f"/api/v1/access-requests/{request.pk}/{action}/", {"reason": "Because."}, format="json"
    )
    assert response.status_code == code, response.json()
    request.refresh_from_db()
    if code == 200:
        assert request.status == ACTIONS[action][1]
        event = AuditEvent.objects.filter(object_id=str(request.pk), verb=VERBS[action]).latest(
            "id"
        )
        assert (event.from_state, event.to_state) == (state, ACTIONS[action][1])
        assert event.actor == world.actor(who)
    else:
        assert response.json()["detail"]
        assert request.status == state
        assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("action", ["reject", "return"])
def test_reject_and_return_without_reason_are_400(world, action):
    request = request_in(world, "InReview")
    response = client_for(world.officer).post(
        f"/api/v1/access-requests/{request.pk}/{action}/", {}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()
    request.refresh_from_db()
    assert request.status == "InReview"


def test_returned_request_is_patched_and_resubmitted_with_history(world):
    request = request_in(world, "Returned")
    client = client_for(world.requester)
    response = client.patch(
        f"/api/v1/access-requests/{request.pk}/", {"data_required": "2023 only"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["data_required"] == "2023 only"
    assert client.post(f"/api/v1/access-requests/{request.pk}/submit/").json()["status"] == (
        "Submitted"
    )
    history = client.get(f"/api/v1/access-requests/{request.pk}/history/").json()
    assert [h["verb"] for h in history][-3:] == [
        "access_request.return",
        "access_request.update",
        "access_request.submit",
    ]


def test_submitted_request_cannot_be_patched(world):
    request = request_in(world, "Submitted")
    response = client_for(world.requester).patch(
        f"/api/v1/access-requests/{request.pk}/", {"purpose": "Changed"}, format="json"
    )
    assert response.status_code == 409


def test_lists_show_own_requests_and_the_organisations_queue_only(world):
    mine = request_in(world, "Submitted")
    draft = request_in(world, "Draft")
    other = UserFactory(username="someone-else")

    def ids(user) -> set[int]:
        return {r["id"] for r in client_for(user).get("/api/v1/access-requests/").json()["results"]}

    assert ids(world.requester) == {mine.pk, draft.pk}
    assert ids(world.officer) == {mine.pk}  # not the draft
    assert ids(world.publisher) == {mine.pk}
    assert ids(world.officer_b) == set()
    assert ids(world.member) == set()
    assert ids(other) == set()
    assert client_for(other).get(f"/api/v1/access-requests/{mine.pk}/").status_code == 404


def test_grants_list_revoke_and_scoping(world):
    request_in(world, "Accepted")
    grant = Grant.objects.get()
    as_requester = client_for(world.requester).get("/api/v1/grants/").json()["results"]
    assert [(g["id"], g["dataset"], g["user"], g["status"]) for g in as_requester] == [
        (grant.pk, str(world.dataset.pk), "requester", "active")
    ]
    assert as_requester[0]["end"]
    assert client_for(world.officer_b).get("/api/v1/grants/").json()["results"] == []
    # The holder cannot revoke; publishers and other organisations do not even see the grant.
    for who, code in [("requester", 403), ("publisher", 404), ("officer_b", 404)]:
        response = client_for(world.actor(who)).post(
            f"/api/v1/grants/{grant.pk}/revoke/", {"reason": "x"}, format="json"
        )
        assert response.status_code == code, who
    response = client_for(world.officer).post(
        f"/api/v1/grants/{grant.pk}/revoke/", {}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()
    response = client_for(world.officer).post(
        f"/api/v1/grants/{grant.pk}/revoke/", {"reason": "Project closed."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    again = client_for(world.officer).post(
        f"/api/v1/grants/{grant.pk}/revoke/", {"reason": "Again."}, format="json"
    )
    assert again.status_code == 409


def test_audit_events_are_read_by_the_organisations_officers_and_cannot_be_edited(world):
    request_in(world, "Accepted")
    client = client_for(world.officer)
    events = client.get("/api/v1/audit-events/", {"page_size": 100}).json()["results"]
    assert {e["verb"] for e in events} >= {
        "access_request.create",
        "access_request.submit",
        "access_request.accept",
        "grant.create",
    }
    assert all(e["organisation"] == "department-a" for e in events)
    event_id = events[0]["id"]
    for method in ["put", "patch", "delete"]:
        assert getattr(client, method)(f"/api/v1/audit-events/{event_id}/").status_code == 405
    assert client.post("/api/v1/audit-events/", {}).status_code == 405
    for who in ["requester", "publisher", "member", "officer_b"]:
        assert client_for(world.actor(who)).get("/api/v1/audit-events/").json()["count"] == 0
    assert client_for(world.admin).get("/api/v1/audit-events/").json()["count"] == len(events)


def test_register_lists_accepted_shares_publicly_without_naming_hidden_datasets(
    api_client, world, org_a
):
    world.dataset.metadata_visibility = "PUBLIC"
    world.dataset.save()
    request_in(world, "Accepted")
    hidden = DatasetFactory(
        publisher=org_a, access_rights="RESTRICTED", metadata_visibility="ORGANISATION",
        title="Secret sauce",
    )  # fmt: skip
    GrantFactory(
        access_request__dataset=hidden,
        access_request__requester=world.requester,
        access_request__purpose="Sauce study",
    )
    request_in(world, "Submitted")  # not accepted: not in the register
    response = api_client.get("/api/v1/register/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 2
    shown = next(r for r in rows if r["dataset"]["id"])
    assert shown["dataset"]["title"] == "Road casualties by junction"
    assert shown["requesting_organisation"] == "Department B"
    assert shown["supplying_organisation"] == "Department A"
    assert shown["legal_gateway"].startswith("Digital Economy Act")
    assert shown["purpose"].startswith("Measure")
    assert shown["start"] < shown["end"]
    withheld = next(r for r in rows if not r["dataset"]["id"])
    assert "Secret sauce" not in response.content.decode()
    assert "Sauce study" not in response.content.decode()
    assert withheld["supplying_organisation"] == "Department A"
