from django.db import models
from django.db.models import Q

from governance.vocabularies import AccessRoute


class GovernancePolicy(models.Model):
    """Rules for access to one dataset, or the defaults of one organisation.

    Every rule field may be left empty (null / blank): the dataset's policy then inherits the
    organisation's, which inherits the built-in defaults of governance.rules. The rules engine
    is the only reader that resolves them.
    """

    organisation = models.OneToOneField(
        "catalogue.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="governance_policy",
    )
    dataset = models.OneToOneField(
        "catalogue.Dataset",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="governance_policy",
    )
    access_route = models.CharField(
        max_length=20, choices=AccessRoute.choices, blank=True, default=""
    )
    # Step roles (governance.vocabularies.StepRole) in the order they decide.
    approval_steps = models.JSONField(null=True, blank=True)
    # Request fields the requester must answer (governance.rules.REQUEST_FIELDS).
    required_fields = models.JSONField(null=True, blank=True)
    allowed_lawful_bases = models.JSONField(null=True, blank=True)
    eligibility_statements = models.JSONField(null=True, blank=True)
    dpia_required = models.BooleanField(null=True, blank=True)
    data_sharing_agreement_required = models.BooleanField(null=True, blank=True)
    max_grant_days = models.PositiveIntegerField(null=True, blank=True)
    allowed_organisations = models.JSONField(null=True, blank=True)  # organisation slugs
    allowed_email_domains = models.JSONField(null=True, blank=True)
    # [{"name": …, "when": {condition: value, …}}]; see governance.rules.AUTO_APPROVAL_CONDITIONS.
    auto_approval_rules = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "governance policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, dataset__isnull=False)
                | Q(organisation__isnull=False, dataset__isnull=True),
                name="policy_for_organisation_xor_dataset",
            )
        ]

    def __str__(self) -> str:
        return f"Policy for {self.dataset or self.organisation}"
