from django.conf import settings
from django.db import models

from governance.vocabularies import (
    ControllerRole,
    LawfulBasis,
    PublicBenefit,
    RequestStatus,
    SpecialCategoryCondition,
    StepRole,
    StepStatus,
)


class AccessRequestQuerySet(models.QuerySet):
    def waiting(self) -> "AccessRequestQuerySet":
        return self.filter(status__in=[RequestStatus.SUBMITTED, RequestStatus.IN_REVIEW])

    def for_requester(self, user) -> "AccessRequestQuerySet":
        return self.filter(requester=user)

    def for_organisations(self, organisation_ids: list[int]) -> "AccessRequestQuerySet":
        """Requests for the organisations' datasets that have left the requester's hands."""
        return self.filter(dataset__publisher_id__in=organisation_ids).exclude(
            status=RequestStatus.DRAFT
        )


class AccessRequest(models.Model):
    """A request to use a dataset, in the sections of the CDDO share request.

    Status changes only through governance.services; every change is in the audit log.
    """

    Status = RequestStatus

    dataset = models.ForeignKey(
        "catalogue.Dataset", on_delete=models.PROTECT, related_name="access_requests"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_requests"
    )
    # None: an analyst who belongs to no organisation.
    requesting_organisation = models.ForeignKey(
        "catalogue.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_requests_made",
    )
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT, db_index=True
    )
    # 1. Purpose of the data share
    purpose = models.TextField(blank=True)
    data_required = models.TextField(blank=True)
    public_benefit = models.CharField(
        max_length=30, choices=PublicBenefit.choices, blank=True, default=""
    )
    end_date = models.DateField(null=True, blank=True)
    # 2. Legal power and gateway
    legal_power = models.TextField(blank=True)
    legal_gateway = models.TextField(blank=True)
    # 3. Data protection
    lawful_basis = models.CharField(
        max_length=30, choices=LawfulBasis.choices, blank=True, default=""
    )
    special_category_condition = models.CharField(
        max_length=40, choices=SpecialCategoryCondition.choices, blank=True, default=""
    )
    data_leaves_uk = models.BooleanField(null=True, blank=True)
    data_destination = models.CharField(max_length=500, blank=True)
    controller_role = models.CharField(
        max_length=30, choices=ControllerRole.choices, blank=True, default=""
    )
    # 4. Data governance, security and technology
    delivery = models.TextField(blank=True)
    format = models.CharField(max_length=200, blank=True)
    retention = models.TextField(blank=True)
    disposal = models.TextField(blank=True)
    # 5. Declarations
    dpia_reference = models.CharField(max_length=200, blank=True)
    data_sharing_agreement_reference = models.CharField(max_length=200, blank=True)
    confirmed_statements = models.JSONField(default=list, blank=True)
    # The rules in force when the request was last submitted, so later policy edits do not
    # rewrite what was asked and decided.
    policy_snapshot = models.JSONField(default=dict, blank=True)
    round = models.PositiveSmallIntegerField(default=0)  # one per submission
    decision_rule = models.CharField(max_length=100, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="request_status_submitted")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.dataset}"

    @property
    def reference(self) -> str:
        return f"DMR-{self.pk:06d}" if self.pk else "DMR-new"


class ApprovalStep(models.Model):
    """One decision a request needs in one submission round, in order."""

    access_request = models.ForeignKey(
        AccessRequest, on_delete=models.CASCADE, related_name="steps"
    )
    round = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=40, choices=StepRole.choices)
    status = models.CharField(max_length=20, choices=StepStatus.choices, default=StepStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["access_request", "round", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["access_request", "round", "position"], name="step_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.get_status_display()})"
