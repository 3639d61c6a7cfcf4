from .audit import AuditEvent
from .grants import Grant, GrantQuerySet
from .notifications import Notification
from .policies import GovernancePolicy
from .requests import AccessRequest, AccessRequestQuerySet, ApprovalStep

__all__ = [
    "AccessRequest",
    "AccessRequestQuerySet",
    "ApprovalStep",
    "AuditEvent",
    "GovernancePolicy",
    "Grant",
    "GrantQuerySet",
    "Notification",
]
