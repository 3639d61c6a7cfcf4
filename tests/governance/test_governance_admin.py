"""The admin: policies edited (and audited) there; requests, grants and the audit log read-only."""

import pytest
from django.test import Client

from governance.models import AuditEvent, GovernancePolicy
from tests.governance.conftest import request_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(world) -> Client:
    client = Client()
    client.force_login(world.superuser)
    return client


def test_audit_events_are_listed_but_cannot_be_added_changed_or_deleted(world, admin_client_):
    request_in(world, "Accepted")
    event = AuditEvent.objects.first()
    assert admin_client_.get("/admin/governance/auditevent/").status_code == 200
    page = admin_client_.get(f"/admin/governance/auditevent/{event.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert (
        admin_client_.post(
            f"/admin/governance/auditevent/{event.pk}/change/", {"comment": "x"}
        ).status_code
        == 403
    )
    assert (
        admin_client_.post(
            f"/admin/governance/auditevent/{event.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert admin_client_.get("/admin/governance/auditevent/add/").status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).comment == event.comment
    for model in ["accessrequest", "grant"]:
        assert admin_client_.get(f"/admin/governance/{model}/").status_code == 200
        assert admin_client_.get(f"/admin/governance/{model}/add/").status_code == 403


def test_policy_saved_in_the_admin_is_validated_and_audited(world, admin_client_):
    bad = admin_client_.post(
        "/admin/governance/governancepolicy/add/",
        {"organisation": world.org_a.pk, "approval_steps": '["cleaner"]'},
    )
    assert bad.status_code == 200
    assert "is not a step" in bad.content.decode()
    both = admin_client_.post(
        "/admin/governance/governancepolicy/add/",
        {"organisation": world.org_a.pk, "dataset": str(world.dataset.pk)},
    )
    assert "not both" in both.content.decode()
    assert not GovernancePolicy.objects.exists()
    good = admin_client_.post(
        "/admin/governance/governancepolicy/add/",
        {"organisation": world.org_a.pk, "max_grant_days": "30", "approval_steps": "null"},
    )
    assert good.status_code == 302
    policy = GovernancePolicy.objects.get()
    assert (policy.organisation, policy.max_grant_days) == (world.org_a, 30)
    assert AuditEvent.objects.get(verb="policy.set").actor == world.superuser
