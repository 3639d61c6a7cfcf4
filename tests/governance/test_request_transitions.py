"""Every transition of an access request, allowed and forbidden, for each role, via the services.

Each allowed case checks the new status and the audit rows it wrote; each refused case checks the
error and that neither the request nor the audit log changed.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance import services
from governance.errors import RequestTransitionError
from governance.models import AccessRequest, AuditEvent, Grant
from tests.governance.conftest import request_in

pytestmark = pytest.mark.django_db

STATES = ["Draft", "Submitted", "InReview", "Accepted", "Rejected", "Returned", "Cancelled"]
ACTORS = ["requester", "officer", "publisher", "member", "admin", "officer_b", "superuser"]

# action → (states it may start from, the state it leads to, the audit verbs it writes)
ALLOWED = {
    "submit": (["Draft", "Returned"], "Submitted", ["access_request.submit"]),
    "start_review": (["Submitted"], "InReview", ["access_request.start_review"]),
    "approve": (
        ["InReview"],
        "Accepted",
        ["access_request.approve_step", "access_request.accept", "grant.create"],
    ),
    "reject": (["InReview"], "Rejected", ["access_request.reject"]),
    "return": (["InReview"], "Returned", ["access_request.return"]),
    "cancel": (
        ["Draft", "Submitted", "InReview", "Returned"],
        "Cancelled",
        ["access_request.cancel"],
    ),
}
REQUESTER_ACTIONS = {"submit", "cancel"}
# Who may take the decider actions on a one-step (governance officer) request.
DECIDERS = {"officer", "superuser"}


def call(action: str, actor, request: AccessRequest) -> AccessRequest:
    service = getattr(services, f"access_request_{action}")
    kwargs = {"reason": "A reason."} if action in {"reject", "return"} else {}
    return service(actor=actor, access_request=request, **kwargs)


def expected_outcome(action: str, actor: str, state: str):
    legal = state in ALLOWED[action][0]
    if action in REQUESTER_ACTIONS:
        if actor != "requester":
            return PermissionDenied
        return "ok" if legal else RequestTransitionError
    if actor in DECIDERS:
        return "ok" if legal else RequestTransitionError
    if actor == "publisher":
        # A decider of the organisation, but not of the governance officer's step.
        return PermissionDenied if legal else RequestTransitionError
    return PermissionDenied


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("actor", ACTORS)
def test_transition_matrix(world, action, actor, state):
    request = request_in(world, state)
    events_before = AuditEvent.objects.count()
    outcome = expected_outcome(action, actor, state)
    if outcome == "ok":
        result = call(action, world.actor(actor), request)
        assert result.status == ALLOWED[action][1]
        new = list(AuditEvent.objects.order_by("id")[events_before:])
        assert [e.verb for e in new] == ALLOWED[action][2]
        row = next(
            e for e in new if e.object_type == "access_request" and e.from_state != e.to_state
        )
        assert row.object_id == str(request.pk)
        assert (row.from_state, row.to_state) == (state, ALLOWED[action][1])
        assert row.actor == world.actor(actor)
        assert row.organisation == world.org_a
    else:
        with pytest.raises(outcome) as raised:
            call(action, world.actor(actor), request)
        assert str(raised.value)  # every refusal says why
        request.refresh_from_db()
        assert request.status == state
        assert AuditEvent.objects.count() == events_before


def test_requester_cannot_approve_their_own_request_even_as_an_officer(world):
    world.dataset.publisher = world.org_b
    world.dataset.save()
    request = request_in(world, "Submitted")
    # The requester is now also an officer of the dataset's organisation.
    world.requester.memberships.create(organisation=world.org_b, role="governance_officer")
    for action in ["start_review", "approve", "reject", "return"]:
        with pytest.raises(PermissionDenied, match="your own request"):
            call(action, world.requester, request)
    request.refresh_from_db()
    assert request.status == "Submitted"


@pytest.mark.parametrize("action", ["reject", "return"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_and_return_need_a_reason(world, action, reason):
    request = request_in(world, "InReview")
    service = getattr(services, f"access_request_{action}")
    with pytest.raises(ValidationError) as raised:
        service(actor=world.officer, access_request=request, reason=reason)
    assert "reason" in raised.value.message_dict
    request.refresh_from_db()
    assert request.status == "InReview"
    assert not request.steps.exclude(status="pending").exists()


def test_returned_request_is_edited_resubmitted_and_keeps_its_history(world):
    request = request_in(world, "Returned")
    services.access_request_update(
        actor=world.requester,
        access_request=request,
        answers={"data_required": "Counts by road and month, 2023 only."},
    )
    request = services.access_request_submit(actor=world.requester, access_request=request)
    assert (request.status, request.round) == ("Submitted", 2)
    request = services.access_request_start_review(actor=world.officer, access_request=request)
    request = services.access_request_approve(actor=world.officer, access_request=request)
    assert request.status == "Accepted"
    history = AuditEvent.objects.filter(object_type="access_request", object_id=str(request.pk))
    assert [(e.verb.split(".")[1], e.from_state, e.to_state) for e in history.order_by("id")] == [
        ("create", "", "Draft"),
        ("submit", "Draft", "Submitted"),
        ("start_review", "Submitted", "InReview"),
        ("return", "InReview", "Returned"),
        ("update", "Returned", "Returned"),
        ("submit", "Returned", "Submitted"),
        ("start_review", "Submitted", "InReview"),
        ("approve_step", "InReview", "InReview"),
        ("accept", "InReview", "Accepted"),
    ]
    assert history.get(verb="access_request.return").comment == "Say which years you need."
    assert request.steps.filter(round=1, status="returned").count() == 1
    assert request.steps.filter(round=2, status="approved").count() == 1


def test_cancelled_request_cannot_be_revived_or_edited(world):
    request = request_in(world, "Cancelled")
    with pytest.raises(RequestTransitionError, match="cancelled"):
        services.access_request_update(
            actor=world.requester, access_request=request, answers={"purpose": "Again"}
        )
    for action, actor in [("submit", world.requester), ("start_review", world.officer)]:
        with pytest.raises(RequestTransitionError):
            call(action, actor, request)
    with pytest.raises(RequestTransitionError):
        services.access_request_cancel(actor=world.requester, access_request=request)
    request.refresh_from_db()
    assert request.status == "Cancelled"
    assert request.purpose != "Again"


def test_only_the_requester_may_change_answers(world):
    request = request_in(world, "Draft")
    for name in ["officer", "officer_b", "superuser"]:
        with pytest.raises(PermissionDenied):
            services.access_request_update(
                actor=world.actor(name), access_request=request, answers={"purpose": "Mine now"}
            )
    request.refresh_from_db()
    assert request.purpose != "Mine now"


def test_answers_cannot_change_once_submitted(world):
    request = request_in(world, "Submitted")
    with pytest.raises(RequestTransitionError):
        services.access_request_update(
            actor=world.requester, access_request=request, answers={"purpose": "Changed"}
        )


def test_unknown_answer_fields_are_refused(world):
    request = request_in(world, "Draft")
    with pytest.raises(ValidationError) as raised:
        services.access_request_update(
            actor=world.requester, access_request=request, answers={"status": "Accepted"}
        )
    assert "status" in raised.value.message_dict
    request.refresh_from_db()
    assert request.status == "Draft"


def test_acceptance_creates_one_active_grant_and_tells_the_requester(world):
    request = request_in(world, "Accepted")
    grant = Grant.objects.get(access_request=request)
    assert (grant.user, grant.dataset, grant.status) == (world.requester, world.dataset, "active")
    assert request.decision_rule == "all-steps-approved"
    assert world.requester.notifications.filter(kind="decided").count() == 1
