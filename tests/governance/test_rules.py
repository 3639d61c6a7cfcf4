"""The rules engine: policy inheritance, routes, eligibility, answers, steps and auto-approval."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance import rules, services
from governance.models import AccessRequest, AuditEvent, Grant
from tests.factories import DatasetFactory, MembershipFactory, UserFactory
from tests.governance.conftest import request_in
from tests.governance.factories import complete_answers

pytestmark = pytest.mark.django_db


def test_default_policy_follows_access_rights_and_personal_data(world):
    policy = rules.resolve_policy(world.dataset)
    assert policy.access_route == "request"
    assert policy.approval_steps == ["governance_officer"]
    assert policy.max_grant_days == 365
    assert set(policy.sources.values()) == {"default"}
    open_data = DatasetFactory(publisher=world.org_a, access_rights="OPEN")
    assert rules.resolve_policy(open_data).access_route == "open"
    personal = DatasetFactory(
        publisher=world.org_a, access_rights="RESTRICTED", personal_data="SPECIAL_CATEGORY"
    )
    policy = rules.resolve_policy(personal)
    assert policy.approval_steps == ["information_asset_owner", "governance_officer"]
    assert {"lawful_basis", "special_category_condition", "controller_role"} <= set(
        policy.required_fields
    )
    assert policy.dpia_required


def test_dataset_policy_overrides_organisation_which_overrides_defaults(world):
    services.governance_policy_set(
        actor=world.officer, organisation=world.org_a, rules={"max_grant_days": 90}
    )
    services.governance_policy_set(
        actor=world.officer,
        dataset=world.dataset,
        rules={"allowed_email_domains": ["example.gov.uk"], "dpia_required": True},
    )
    policy = rules.resolve_policy(world.dataset)
    assert policy.max_grant_days == 90
    assert policy.sources["max_grant_days"] == "organisation"
    assert policy.allowed_email_domains == ["example.gov.uk"]
    assert policy.sources["allowed_email_domains"] == "dataset"
    assert policy.sources["access_route"] == "default"
    assert AuditEvent.objects.filter(verb="policy.set").count() == 2


def test_personal_data_always_needs_both_steps_whatever_the_policy(world):
    world.dataset.personal_data = "PERSONAL"
    world.dataset.save()
    services.governance_policy_set(
        actor=world.officer,
        dataset=world.dataset,
        rules={
            "approval_steps": ["governance_officer"],
            "auto_approval_rules": [
                {"name": "everyone", "when": {"access_rights": ["RESTRICTED"]}}
            ],
        },
    )
    policy = rules.resolve_policy(world.dataset)
    assert policy.approval_steps == ["information_asset_owner", "governance_officer"]
    assert policy.auto_approval_rules == []


@pytest.mark.parametrize(
    ("rules_", "message"),
    [
        ({"approval_steps": ["cleaner"]}, "is not a step"),
        ({"required_fields": ["shoe_size"]}, "is not a request field"),
        (
            {"auto_approval_rules": [{"name": "x", "when": {"moon_phase": "full"}}]},
            "not a condition",
        ),
        ({"auto_approval_rules": [{"name": "x"}]}, "non-empty"),
        ({"colour": "blue"}, "not a policy rule"),
    ],
)
def test_malformed_policy_is_refused_and_nothing_saved(world, rules_, message):
    with pytest.raises(ValidationError, match=message):
        services.governance_policy_set(actor=world.officer, organisation=world.org_a, rules=rules_)
    assert not world.org_a.__class__.objects.filter(governance_policy__isnull=False).exists()


@pytest.mark.parametrize("actor", ["requester", "publisher", "member", "officer_b"])
def test_only_officers_and_admins_of_the_organisation_set_its_policy(world, actor):
    with pytest.raises(PermissionDenied):
        services.governance_policy_set(
            actor=world.actor(actor), organisation=world.org_a, rules={"max_grant_days": 1}
        )
    assert rules.resolve_policy(world.dataset).max_grant_days == 365


@pytest.mark.parametrize(
    ("access_rights", "route", "message"),
    [("OPEN", "", "open"), ("RESTRICTED", "none", "does not accept")],
)
def test_requests_for_open_data_or_no_access_route_are_refused(
    world, access_rights, route, message
):
    world.dataset.access_rights = access_rights
    world.dataset.save()
    if route:
        services.governance_policy_set(
            actor=world.officer, dataset=world.dataset, rules={"access_route": route}
        )
    with pytest.raises(ValidationError, match=message):
        services.access_request_create(requester=world.requester, dataset=world.dataset)
    assert not AccessRequest.objects.exists()


def test_allowed_organisations_and_email_domains_limit_who_may_ask(world):
    services.governance_policy_set(
        actor=world.officer,
        dataset=world.dataset,
        rules={"allowed_organisations": ["department-c"]},
    )
    with pytest.raises(PermissionDenied, match="department-c"):
        services.access_request_create(requester=world.requester, dataset=world.dataset)
    services.governance_policy_set(
        actor=world.officer,
        dataset=world.dataset,
        rules={"allowed_organisations": [], "allowed_email_domains": ["dft.gov.uk"]},
    )
    with pytest.raises(PermissionDenied, match=r"dft\.gov\.uk"):
        services.access_request_create(requester=world.requester, dataset=world.dataset)
    world.requester.email = "requester@DfT.gov.uk"
    world.requester.save()
    assert services.access_request_create(requester=world.requester, dataset=world.dataset)


def test_hidden_dataset_cannot_be_requested_or_submitted(world):
    request = request_in(world, "Draft")
    world.dataset.metadata_visibility = "ORGANISATION"
    world.dataset.save()
    for attempt in [
        lambda: services.access_request_create(requester=world.requester, dataset=world.dataset),
        lambda: services.access_request_submit(actor=world.requester, access_request=request),
    ]:
        with pytest.raises(ValidationError, match="No dataset with that id"):
            attempt()
    assert AccessRequest.objects.count() == 1
    request.refresh_from_db()
    assert request.status == "Draft"


def test_requesting_organisation_defaults_to_first_membership_and_must_be_the_users(world):
    request = services.access_request_create(requester=world.requester, dataset=world.dataset)
    assert request.requesting_organisation == world.org_b
    with pytest.raises(ValidationError, match="not a member"):
        services.access_request_create(
            requester=world.requester, dataset=world.dataset, requesting_organisation=world.org_a
        )
    loner = UserFactory(username="loner")
    assert (
        services.access_request_create(
            requester=loner, dataset=world.dataset
        ).requesting_organisation
        is None
    )


def test_submit_lists_every_missing_answer_and_changes_nothing(world):
    request = services.access_request_create(
        requester=world.requester, dataset=world.dataset, answers={"purpose": "Research"}
    )
    with pytest.raises(ValidationError) as raised:
        services.access_request_submit(actor=world.requester, access_request=request)
    assert set(raised.value.message_dict) == {
        "data_required", "public_benefit", "legal_power", "legal_gateway", "delivery",
        "retention", "disposal",
    }  # fmt: skip
    request.refresh_from_db()
    assert request.status == "Draft"
    assert not request.steps.exists()


def test_submit_checks_lawful_basis_end_date_and_declarations(world):
    services.governance_policy_set(
        actor=world.officer,
        dataset=world.dataset,
        rules={
            "allowed_lawful_bases": ["public_task"],
            "max_grant_days": 30,
            "eligibility_statements": ["I have completed data protection training."],
            "data_sharing_agreement_required": True,
        },
    )
    request = services.access_request_create(
        requester=world.requester,
        dataset=world.dataset,
        answers=complete_answers(
            lawful_basis="consent",
            end_date=timezone.localdate() + dt.timedelta(days=31),
            data_leaves_uk=True,
        ),
    )
    with pytest.raises(ValidationError) as raised:
        services.access_request_submit(actor=world.requester, access_request=request)
    errors = raised.value.message_dict
    assert set(errors) == {
        "lawful_basis", "end_date", "confirmed_statements", "data_sharing_agreement_reference",
        "data_destination",
    }  # fmt: skip
    assert "at most 30 days" in errors["end_date"][0]
    services.access_request_update(
        actor=world.requester,
        access_request=request,
        answers={
            "lawful_basis": "public_task",
            "end_date": timezone.localdate() + dt.timedelta(days=30),
            "confirmed_statements": ["I have completed data protection training."],
            "data_sharing_agreement_reference": "DSA-2026-004",
            "data_destination": "Ireland",
        },
    )
    assert services.access_request_submit(actor=world.requester, access_request=request).status == (
        "Submitted"
    )


def test_grant_never_outlasts_the_policy(world):
    services.governance_policy_set(
        actor=world.officer, organisation=world.org_a, rules={"max_grant_days": 60}
    )
    request = request_in(world, "InReview", end_date=timezone.localdate() + dt.timedelta(days=60))
    # The policy tightens while the request waits: the stricter limit wins.
    services.governance_policy_set(
        actor=world.officer, organisation=world.org_a, rules={"max_grant_days": 10}
    )
    services.access_request_approve(actor=world.officer, access_request=request)
    grant = Grant.objects.get(access_request=request)
    assert grant.end <= grant.start + dt.timedelta(days=10)


def test_auto_approval_rule_accepts_and_records_which_rule_fired(world):
    services.governance_policy_set(
        actor=world.officer,
        organisation=world.org_a,
        rules={
            "auto_approval_rules": [
                {"name": "same-organisation-internal", "when": {"same_organisation": True}},
                {
                    "name": "department-b-analysts",
                    "when": {"requesting_organisations": ["department-b"], "max_days": 120},
                },
            ]
        },
    )
    request = request_in(world, "Submitted")
    assert request.status == "Accepted"
    assert request.decision_rule == "department-b-analysts"
    accept = AuditEvent.objects.get(verb="access_request.accept", object_id=str(request.pk))
    assert (accept.actor, accept.actor_username, accept.rule) == (
        None,
        "system",
        "department-b-analysts",
    )
    assert "requesting organisation" in accept.comment
    assert Grant.objects.get(access_request=request).status == "active"


def test_auto_approval_rule_that_does_not_match_leaves_the_decision_to_people(world):
    services.governance_policy_set(
        actor=world.officer,
        organisation=world.org_a,
        rules={"auto_approval_rules": [{"name": "short", "when": {"max_days": 7}}]},
    )
    assert request_in(world, "Submitted").status == "Submitted"


def test_personal_data_needs_asset_owner_then_officer_each_a_different_person(world):
    world.dataset.personal_data = "PERSONAL"
    world.dataset.save()
    answers = {
        "lawful_basis": "public_task",
        "data_leaves_uk": False,
        "controller_role": "controller",
        "dpia_reference": "DPIA-77",
    }
    request = request_in(world, "Submitted", **answers)
    assert list(request.steps.values_list("role", flat=True)) == [
        "information_asset_owner",
        "governance_officer",
    ]
    with pytest.raises(PermissionDenied, match="information asset owner"):
        services.access_request_start_review(actor=world.officer, access_request=request)
    request = services.access_request_start_review(actor=world.publisher, access_request=request)
    with pytest.raises(PermissionDenied, match="information asset owner"):
        services.access_request_approve(actor=world.officer, access_request=request)
    request = services.access_request_approve(actor=world.publisher, access_request=request)
    assert request.status == "InReview"
    # One person holding both roles cannot approve both steps.
    MembershipFactory(user=world.publisher, organisation=world.org_a, role="governance_officer")
    with pytest.raises(PermissionDenied, match="another person"):
        services.access_request_approve(actor=world.publisher, access_request=request)
    request = services.access_request_approve(actor=world.officer, access_request=request)
    assert request.status == "Accepted"
    assert [s.decided_by for s in request.steps.all()] == [world.publisher, world.officer]


def test_any_step_rejecting_rejects_the_request(world):
    world.dataset.personal_data = "PERSONAL"
    world.dataset.save()
    request = request_in(
        world,
        "Submitted",
        lawful_basis="public_task",
        data_leaves_uk=False,
        controller_role="controller",
        dpia_reference="DPIA-77",
    )
    services.access_request_start_review(actor=world.publisher, access_request=request)
    request = services.access_request_approve(actor=world.publisher, access_request=request)
    request = services.access_request_reject(
        actor=world.officer, access_request=request, reason="No DPIA sign-off."
    )
    assert request.status == "Rejected"
    assert request.decision_rule == "step-2-governance_officer-rejected"
    assert not Grant.objects.filter(access_request=request).exists()
