"""The governance rules engine: the one place that turns policies into decisions.

A dataset's effective policy is its own policy, field by field falling back to its
organisation's default policy, then to the built-in defaults below. Every check returns a
`RuleResult` naming the rule that decided and why, which the services store on the request and
in the audit log. Rules are data (GovernancePolicy rows); this module only evaluates them.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from catalogue.models import Dataset, Organisation
from catalogue.vocabularies import AccessRights, PersonalData, Role
from governance.models import AccessRequest, GovernancePolicy
from governance.vocabularies import AccessRoute, StepRole

DEFAULT_MAX_GRANT_DAYS = 365

# Every answer a request can hold, with the question's short name for error messages.
REQUEST_FIELDS = {
    "purpose": "the purpose of the data share",
    "data_required": "the data you need",
    "public_benefit": "the public benefit",
    "end_date": "when you need access until",
    "legal_power": "your legal power",
    "legal_gateway": "the legal gateway",
    "lawful_basis": "the UK GDPR Article 6 lawful basis",
    "special_category_condition": "the UK GDPR Article 9 condition",
    "data_leaves_uk": "whether the data will leave the UK",
    "controller_role": "your organisation's controller role",
    "delivery": "how the data will be delivered",
    "format": "the format you need",
    "retention": "how long you will keep the data",
    "disposal": "how you will dispose of the data",
}
BASE_REQUIRED = [
    "purpose", "data_required", "public_benefit", "legal_power", "legal_gateway", "delivery",
    "retention", "disposal",
]  # fmt: skip
PERSONAL_REQUIRED = ["lawful_basis", "data_leaves_uk", "controller_role"]

# Step role → the organisation roles that may decide it.
STEP_DECIDERS = {
    StepRole.INFORMATION_ASSET_OWNER: [Role.PUBLISHER],
    StepRole.GOVERNANCE_OFFICER: [Role.GOVERNANCE_OFFICER],
}
PERSONAL_DATA_STEPS = [StepRole.INFORMATION_ASSET_OWNER, StepRole.GOVERNANCE_OFFICER]


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    reason: str


@dataclass
class EffectivePolicy:
    access_route: str
    approval_steps: list[str]
    required_fields: list[str]
    allowed_lawful_bases: list[str]
    eligibility_statements: list[str]
    dpia_required: bool
    data_sharing_agreement_required: bool
    max_grant_days: int
    allowed_organisations: list[str]
    allowed_email_domains: list[str]
    auto_approval_rules: list[dict]
    personal_data: str
    # Where each value came from: "dataset", "organisation" or "default".
    sources: dict[str, str] = field(default_factory=dict)

    def snapshot(self) -> dict:
        return asdict(self)

    @classmethod
    def from_snapshot(cls, data: dict) -> "EffectivePolicy":
        return cls(**data)


def _defaults(dataset: Dataset) -> dict:
    personal = dataset.personal_data != PersonalData.NONE
    required = BASE_REQUIRED + (PERSONAL_REQUIRED if personal else [])
    if dataset.personal_data == PersonalData.SPECIAL_CATEGORY:
        required = [*required, "special_category_condition"]
    return {
        "access_route": AccessRoute.OPEN
        if dataset.access_rights == AccessRights.OPEN
        else AccessRoute.REQUEST,
        "approval_steps": PERSONAL_DATA_STEPS if personal else [StepRole.GOVERNANCE_OFFICER],
        "required_fields": required,
        "allowed_lawful_bases": [],
        "eligibility_statements": [],
        "dpia_required": personal,
        "data_sharing_agreement_required": False,
        "max_grant_days": DEFAULT_MAX_GRANT_DAYS,
        "allowed_organisations": [],
        "allowed_email_domains": [],
        "auto_approval_rules": [],
    }


def _is_set(value) -> bool:
    return value is not None and value != ""


def resolve_policy(dataset: Dataset) -> EffectivePolicy:
    layers = [
        ("dataset", GovernancePolicy.objects.filter(dataset=dataset).first()),
        (
            "organisation",
            GovernancePolicy.objects.filter(organisation_id=dataset.publisher_id).first(),
        ),
    ]
    values, sources = {}, {}
    for name, default in _defaults(dataset).items():
        values[name], sources[name] = default, "default"
        for layer, policy in layers:
            if policy is not None and _is_set(getattr(policy, name)):
                values[name], sources[name] = getattr(policy, name), layer
                break
    personal = dataset.personal_data != PersonalData.NONE
    if personal:
        # Personal data always needs the information asset owner and a governance officer,
        # whatever a policy says; the Art.9 condition is required for special category data.
        steps = [s for s in values["approval_steps"] if s not in PERSONAL_DATA_STEPS]
        values["approval_steps"] = [*PERSONAL_DATA_STEPS, *steps]
        values["required_fields"] = list(
            dict.fromkeys(values["required_fields"] + PERSONAL_REQUIRED)
        )
        values["auto_approval_rules"] = []
        sources["auto_approval_rules"] = "personal-data-needs-people"
    if dataset.personal_data == PersonalData.SPECIAL_CATEGORY:
        values["required_fields"] = list(
            dict.fromkeys([*values["required_fields"], "special_category_condition"])
        )
    return EffectivePolicy(**values, personal_data=dataset.personal_data, sources=sources)


def check_route(policy: EffectivePolicy) -> RuleResult:
    if policy.access_route == AccessRoute.OPEN:
        return RuleResult(
            "route-open", False, "This data is open: download it directly, no request is needed."
        )
    if policy.access_route == AccessRoute.NONE:
        return RuleResult(
            "route-none", False, "The publisher does not accept access requests for this data."
        )
    return RuleResult("route-request", True, "Access is by request.")


def check_eligibility(
    policy: EffectivePolicy, *, email: str, organisation: Organisation | None
) -> RuleResult:
    if policy.allowed_organisations:
        slug = organisation.slug if organisation else None
        if slug not in policy.allowed_organisations:
            return RuleResult(
                "allowed-organisations",
                False,
                "Only people from these organisations may request this data: "
                + ", ".join(policy.allowed_organisations)
                + ".",
            )
    if policy.allowed_email_domains:
        domain = email.rpartition("@")[2].lower()
        if domain not in [d.lower() for d in policy.allowed_email_domains]:
            return RuleResult(
                "allowed-email-domains",
                False,
                "Only people with an email address at "
                + ", ".join(policy.allowed_email_domains)
                + " may request this data.",
            )
    return RuleResult("eligible", True, "The requester may ask for this data.")


def _answered(value) -> bool:
    return value is not None and value != ""


def latest_end_date(policy: EffectivePolicy, today: dt.date) -> dt.date:
    return today + dt.timedelta(days=policy.max_grant_days)


def check_answers(
    policy: EffectivePolicy, request: AccessRequest, *, today: dt.date
) -> dict[str, list[str]]:
    """Field → messages for everything that stops the request being submitted."""
    errors: dict[str, list[str]] = {}
    for name in policy.required_fields:
        if name in REQUEST_FIELDS and not _answered(getattr(request, name)):
            errors[name] = [f"Enter {REQUEST_FIELDS[name]}."]
    allowed = policy.allowed_lawful_bases
    if allowed and request.lawful_basis and request.lawful_basis not in allowed:
        errors["lawful_basis"] = [f"This data may only be shared under: {', '.join(allowed)}."]
    if request.data_leaves_uk and not request.data_destination.strip():
        errors["data_destination"] = ["Enter the countries the data will go to."]
    if request.end_date is not None:
        if request.end_date <= today:
            errors["end_date"] = ["The end date must be in the future."]
        elif request.end_date > latest_end_date(policy, today):
            errors["end_date"] = [
                f"Access can be granted for at most {policy.max_grant_days} days: choose a date "
                f"no later than {latest_end_date(policy, today):%d %B %Y}."
            ]
    if policy.dpia_required and not request.dpia_reference.strip():
        errors["dpia_reference"] = [
            "Enter the reference of your data protection impact assessment."
        ]
    if (
        policy.data_sharing_agreement_required
        and not request.data_sharing_agreement_reference.strip()
    ):
        errors["data_sharing_agreement_reference"] = [
            "Enter the reference of your data sharing agreement."
        ]
    missing = [s for s in policy.eligibility_statements if s not in request.confirmed_statements]
    if missing:
        errors["confirmed_statements"] = [f"Confirm: {s}" for s in missing]
    return errors


# -- auto-approval conditions -------------------------------------------------------------
# Each condition a policy's auto-approval rule may name is declared once here: its name (the key
# in the rule's "when"), the sentence shown to people, and the test it makes. Adding a condition
# is one more decorated function; validation, explanations and matching all read this table.


@dataclass(frozen=True)
class Condition:
    description: str
    holds: Callable[[Any, AccessRequest, dt.date], bool]  # (expected value, request, today)


AUTO_APPROVAL_CONDITIONS: dict[str, Condition] = {}


def condition(name: str, description: str):
    def register(test: Callable[[Any, AccessRequest, dt.date], bool]):
        AUTO_APPROVAL_CONDITIONS[name] = Condition(description, test)
        return test

    return register


@condition("same_organisation", "the requester asks on behalf of the publishing organisation")
def _same_organisation(expected, request: AccessRequest, today: dt.date) -> bool:
    same = request.requesting_organisation_id == request.dataset.publisher_id
    return same == bool(expected)


@condition("access_rights", "the dataset's access rights are one of these")
def _access_rights(expected, request: AccessRequest, today: dt.date) -> bool:
    return request.dataset.access_rights in expected


@condition("requesting_organisations", "the requesting organisation is one of these (slugs)")
def _requesting_organisations(expected, request: AccessRequest, today: dt.date) -> bool:
    org = request.requesting_organisation
    return org is not None and org.slug in expected


@condition("email_domains", "the requester's email domain is one of these")
def _email_domains(expected, request: AccessRequest, today: dt.date) -> bool:
    domain = request.requester.email.rpartition("@")[2].lower()
    return domain in [d.lower() for d in expected]


@condition("lawful_basis", "the Article 6 basis given is one of these")
def _lawful_basis(expected, request: AccessRequest, today: dt.date) -> bool:
    return request.lawful_basis in expected


@condition("max_days", "access is asked for at most this many days")
def _max_days(expected, request: AccessRequest, today: dt.date) -> bool:
    return request.end_date is not None and (request.end_date - today).days <= int(expected)


def _condition_holds(name: str, expected, request: AccessRequest, today: dt.date) -> bool:
    known = AUTO_APPROVAL_CONDITIONS.get(name)
    return known is not None and known.holds(expected, request, today)  # unknown: never approves


def match_auto_approval(
    policy: EffectivePolicy, request: AccessRequest, *, today: dt.date
) -> RuleResult | None:
    """The first auto-approval rule whose every condition holds, or None: people decide."""
    for rule in policy.auto_approval_rules:
        conditions = rule.get("when") or {}
        if conditions and all(
            _condition_holds(name, expected, request, today)
            for name, expected in conditions.items()
        ):
            name = rule.get("name") or "auto-approval"
            described = "; ".join(f"{_describe(k)}: {v}" for k, v in conditions.items())
            return RuleResult(name, True, f"Approved automatically by rule “{name}” ({described}).")
    return None


def _describe(name: str) -> str:
    known = AUTO_APPROVAL_CONDITIONS.get(name)
    return known.description if known else name


def validate_policy_rules(data: dict) -> dict[str, list[str]]:
    """Errors in policy data written by people (admin, API), before it is saved."""
    errors: dict[str, list[str]] = {}
    for step in data.get("approval_steps") or []:
        if step not in StepRole.values:
            errors.setdefault("approval_steps", []).append(
                f"“{step}” is not a step. Choose from: {', '.join(StepRole.values)}."
            )
    for name in data.get("required_fields") or []:
        if name not in REQUEST_FIELDS:
            errors.setdefault("required_fields", []).append(f"“{name}” is not a request field.")
    for rule in data.get("auto_approval_rules") or []:
        when = rule.get("when") if isinstance(rule, dict) else None
        if not isinstance(when, dict) or not when:
            errors.setdefault("auto_approval_rules", []).append(
                "Each rule needs a name and a non-empty “when” of conditions."
            )
            continue
        for name in when:
            if name not in AUTO_APPROVAL_CONDITIONS:
                errors.setdefault("auto_approval_rules", []).append(
                    f"“{name}” is not a condition. Choose from: "
                    + ", ".join(AUTO_APPROVAL_CONDITIONS)
                    + "."
                )
    return errors
