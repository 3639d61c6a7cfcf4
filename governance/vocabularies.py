"""Governance vocabularies: CDDO Data Marketplace (beta) request statuses and question options.

Values are stable identifiers kept in the database and the API; labels are what people read.
"""

from django.db import models


class RequestStatus(models.TextChoices):
    DRAFT = "Draft", "Draft"
    SUBMITTED = "Submitted", "Submitted"
    IN_REVIEW = "InReview", "In review"
    ACCEPTED = "Accepted", "Accepted"
    REJECTED = "Rejected", "Rejected"
    RETURNED = "Returned", "Returned"
    CANCELLED = "Cancelled", "Cancelled"


OPEN_STATUSES = [
    RequestStatus.DRAFT,
    RequestStatus.SUBMITTED,
    RequestStatus.IN_REVIEW,
    RequestStatus.RETURNED,
]
EDITABLE_STATUSES = [RequestStatus.DRAFT, RequestStatus.RETURNED]


class AccessRoute(models.TextChoices):
    OPEN = "open", "Open download, no request"
    REQUEST = "request", "By request"
    NONE = "none", "No access"


class StepRole(models.TextChoices):
    """Who decides a step. Each maps to an organisation role in catalogue.vocabularies.Role."""

    INFORMATION_ASSET_OWNER = "information_asset_owner", "Information asset owner"
    GOVERNANCE_OFFICER = "governance_officer", "Governance officer"


class StepStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RETURNED = "returned", "Returned"


class GrantStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class PublicBenefit(models.TextChoices):
    POLICY = "policy", "Policy decision-making"
    SERVICE_DELIVERY = "service_delivery", "Service delivery"
    DECISIONS = "decisions", "Decisions that benefit people in the UK"
    FUNDING = "funding", "Allocating or evaluating funding"
    TRENDS = "trends", "Understanding social or economic trends"
    PUBLIC_NEEDS = "public_needs", "Meeting the needs of the public"
    STATISTICS = "statistics", "Improving statistics"
    RESEARCH = "research", "Challenging or validating research"
    OTHER = "other", "Something else"


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6(1), as the CDDO share request offers them."""

    PUBLIC_TASK = "public_task", "Public task"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"
    CONTRACT = "contract", "Contract"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"
    CONSENT = "consent", "Consent"
    VITAL_INTERESTS = "vital_interests", "Vital interests"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement (DPA 2018 Part 3)"


class SpecialCategoryCondition(models.TextChoices):
    """UK GDPR Article 9(2) conditions for processing special category data."""

    EXPLICIT_CONSENT = "explicit_consent", "(a) Explicit consent"
    EMPLOYMENT = "employment", "(b) Employment, social security and social protection"
    VITAL_INTERESTS = "vital_interests", "(c) Vital interests"
    NOT_FOR_PROFIT = "not_for_profit", "(d) Not-for-profit bodies"
    MADE_PUBLIC = "made_public", "(e) Made public by the data subject"
    LEGAL_CLAIMS = "legal_claims", "(f) Legal claims or judicial acts"
    SUBSTANTIAL_PUBLIC_INTEREST = "substantial_public_interest", "(g) Substantial public interest"
    HEALTH_SOCIAL_CARE = "health_social_care", "(h) Health or social care"
    PUBLIC_HEALTH = "public_health", "(i) Public health"
    ARCHIVING_RESEARCH = "archiving_research", "(j) Archiving, research and statistics"


class ControllerRole(models.TextChoices):
    CONTROLLER = "controller", "Controller (independent)"
    JOINT_CONTROLLER = "joint_controller", "Joint controller"
    PROCESSOR = "processor", "Processor"
    UNKNOWN = "unknown", "I don't know"


class AuditVerb(models.TextChoices):
    REQUEST_CREATE = "access_request.create", "Request started"
    REQUEST_UPDATE = "access_request.update", "Request answers changed"
    REQUEST_SUBMIT = "access_request.submit", "Request submitted"
    REQUEST_START_REVIEW = "access_request.start_review", "Review started"
    REQUEST_APPROVE_STEP = "access_request.approve_step", "Step approved"
    REQUEST_ACCEPT = "access_request.accept", "Request accepted"
    REQUEST_REJECT = "access_request.reject", "Request rejected"
    REQUEST_RETURN = "access_request.return", "Request returned"
    REQUEST_CANCEL = "access_request.cancel", "Request cancelled"
    GRANT_CREATE = "grant.create", "Access granted"
    GRANT_EXPIRE = "grant.expire", "Grant expired"
    GRANT_REVOKE = "grant.revoke", "Grant revoked"
    POLICY_SET = "policy.set", "Policy changed"
    DATASET_PUBLISH = "dataset.publish", "Dataset published"
    DATASET_WITHDRAW = "dataset.withdraw", "Dataset withdrawn"


class NotificationKind(models.TextChoices):
    SUBMITTED = "submitted", "Request submitted"
    RETURNED = "returned", "Request returned"
    DECIDED = "decided", "Request decided"
    EXPIRING = "expiring", "Access expiring"
    REVOKED = "revoked", "Access revoked"
