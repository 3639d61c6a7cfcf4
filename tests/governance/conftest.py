from dataclasses import dataclass

import pytest

from governance import services
from governance.models import AccessRequest
from tests.factories import DatasetFactory, DistributionFactory, MembershipFactory, UserFactory
from tests.governance.factories import complete_answers


@dataclass
class World:
    """Department A publishes; the requester works for department B."""

    org_a: object
    org_b: object
    requester: object
    officer: object  # governance officer of A
    publisher: object  # publisher of A: the information asset owner
    member: object  # plain member of A
    admin: object  # organisation admin of A
    officer_b: object  # governance officer of B
    superuser: object
    dataset: object

    def actor(self, name: str):
        return getattr(self, name)


@pytest.fixture
def world(roles, org_a, org_b) -> World:
    requester = MembershipFactory(
        organisation=org_b, role="member", user=UserFactory(username="requester")
    ).user
    officer_b = MembershipFactory(
        organisation=org_b, role="governance_officer", user=UserFactory(username="b-officer")
    ).user
    dataset = DatasetFactory(
        publisher=org_a,
        title="Road casualties by junction",
        access_rights="RESTRICTED",
        metadata_visibility="GOVERNMENT",
    )
    DistributionFactory(dataset=dataset, download_url="https://data.example.gov.uk/casualties.csv")
    return World(
        org_a=org_a,
        org_b=org_b,
        requester=requester,
        officer=roles["governance_officer"],
        publisher=roles["publisher"],
        member=roles["member"],
        admin=roles["admin"],
        officer_b=officer_b,
        superuser=roles["superuser"],
        dataset=dataset,
    )


def request_in(world: World, status: str, dataset=None, **answers) -> AccessRequest:
    """A request brought to `status` the way people bring it there: through the services."""
    request = services.access_request_create(
        requester=world.requester,
        dataset=dataset or world.dataset,
        answers=complete_answers(**answers),
    )
    if status == "Draft":
        return request
    if status == "Cancelled":
        return services.access_request_cancel(actor=world.requester, access_request=request)
    request = services.access_request_submit(actor=world.requester, access_request=request)
    if status == "Submitted":
        return request
    request = services.access_request_start_review(actor=world.officer, access_request=request)
    if status == "InReview":
        return request
    if status == "Accepted":
        return services.access_request_approve(actor=world.officer, access_request=request)
    if status == "Rejected":
        return services.access_request_reject(
            actor=world.officer, access_request=request, reason="No legal gateway."
        )
    if status == "Returned":
        return services.access_request_return(
            actor=world.officer, access_request=request, reason="Say which years you need."
        )
    raise ValueError(status)


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process even when a broker is configured, so mail lands in the outbox."""
    from marketplace.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
