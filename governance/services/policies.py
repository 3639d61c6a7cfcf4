"""Setting governance policies: an organisation's defaults and per-dataset overrides."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from catalogue.models import Dataset, Organisation
from catalogue.permissions import require_role
from catalogue.vocabularies import Role
from governance.models import GovernancePolicy
from governance.rules import validate_policy_rules
from governance.services.audit import audit_record
from governance.vocabularies import AuditVerb

POLICY_FIELDS = [
    "access_route", "approval_steps", "required_fields", "allowed_lawful_bases",
    "eligibility_statements", "dpia_required", "data_sharing_agreement_required",
    "max_grant_days", "allowed_organisations", "allowed_email_domains", "auto_approval_rules",
]  # fmt: skip


@transaction.atomic
def governance_policy_set(
    *,
    actor: AbstractBaseUser | None,
    organisation: Organisation | None = None,
    dataset: Dataset | None = None,
    rules: dict,
) -> GovernancePolicy:
    """Create or change the policy of an organisation (its defaults) or of one dataset.

    Governance officers and admins of the organisation may; actor None is an operator at the
    command line.
    """
    if (organisation is None) == (dataset is None):
        raise ValidationError("A policy is for an organisation or for a dataset, not both.")
    owner = organisation or dataset.publisher
    if actor is not None:
        require_role(actor, owner, [Role.GOVERNANCE_OFFICER, Role.ADMIN], "set its policies")
    unknown = set(rules) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError({name: "This is not a policy rule." for name in sorted(unknown)})
    errors = validate_policy_rules(rules)
    if errors:
        raise ValidationError(errors)
    policy, _ = GovernancePolicy.objects.get_or_create(organisation=organisation, dataset=dataset)
    for name, value in rules.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    audit_record(
        actor=actor,
        organisation=owner,
        verb=AuditVerb.POLICY_SET,
        object_type="policy",
        object_id=policy.pk,
        object_repr=str(policy),
        comment="Set: " + ", ".join(sorted(rules)),
    )
    return policy
