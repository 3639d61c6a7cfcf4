"""Two officers deciding the same request at once produce exactly one decision."""

import threading

import pytest
from django.db import connection, transaction

from catalogue.errors import TransitionError
from governance import services
from governance.models import AccessRequest, AuditEvent, Grant
from tests.factories import MembershipFactory, UserFactory
from tests.governance.conftest import request_in

DECISIONS = {
    "approve": lambda actor, request: services.access_request_approve(
        actor=actor, access_request=request
    ),
    "reject": lambda actor, request: services.access_request_reject(
        actor=actor, access_request=request, reason="Not needed."
    ),
    "return": lambda actor, request: services.access_request_return(
        actor=actor, access_request=request, reason="Say more."
    ),
}


def race(first, second, request: AccessRequest) -> list:
    """Run two decisions in two threads, each with its own database connection, at once."""
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def decide(slot: int, decision, actor) -> None:
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)  # both transactions are open before either decides
                decision(actor, AccessRequest.objects.get(pk=request.pk))
            outcomes[slot] = "decided"
        except TransitionError as error:
            outcomes[slot] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(0, *first)),
        threading.Thread(target=decide, args=(1, *second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.parametrize(
    ("first", "second"),
    [("approve", "approve"), ("approve", "reject"), ("reject", "return")],
)
def test_two_officers_at_once_make_one_decision_on_postgresql(
    transactional_db, world, eager_tasks, first, second
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite serialises writers; the sequential test covers it")
    other = MembershipFactory(
        organisation=world.org_a, role="governance_officer", user=UserFactory(username="officer-2")
    ).user
    request = request_in(world, "InReview")
    outcomes = race((DECISIONS[first], world.officer), (DECISIONS[second], other), request)
    assert sorted(o == "decided" for o in outcomes) == [False, True], outcomes
    loser = next(o for o in outcomes if o != "decided")
    assert isinstance(loser, TransitionError)
    request.refresh_from_db()
    decisions = AuditEvent.objects.filter(
        object_id=str(request.pk),
        verb__in=["access_request.accept", "access_request.reject", "access_request.return"],
    )
    assert decisions.count() == 1
    assert request.steps.exclude(status="pending").count() == 1
    assert Grant.objects.filter(access_request=request).count() == (
        1 if request.status == "Accepted" else 0
    )


@pytest.mark.django_db
@pytest.mark.parametrize("second", ["approve", "reject", "return"])
def test_second_decision_on_a_decided_request_is_refused(world, second):
    other = MembershipFactory(
        organisation=world.org_a, role="governance_officer", user=UserFactory(username="officer-2")
    ).user
    request = request_in(world, "InReview")
    services.access_request_approve(actor=world.officer, access_request=request)
    with pytest.raises(TransitionError, match="accepted cannot be"):
        DECISIONS[second](other, request)
    assert Grant.objects.filter(access_request=request).count() == 1
    assert AuditEvent.objects.filter(verb="access_request.accept").count() == 1
