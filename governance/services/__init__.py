"""Governance writes. Each service is atomic, takes the acting user and writes the audit log."""

from .audit import audit_record
from .grants import grant_expire_due, grant_notify_expiring, grant_revoke
from .notifications import notification_mark_read, notification_send_email
from .policies import governance_policy_set
from .requests import (
    access_request_approve,
    access_request_cancel,
    access_request_create,
    access_request_missing_answers,
    access_request_reject,
    access_request_return,
    access_request_start_review,
    access_request_submit,
    access_request_update,
)

__all__ = [
    "access_request_approve",
    "access_request_cancel",
    "access_request_create",
    "access_request_missing_answers",
    "access_request_reject",
    "access_request_return",
    "access_request_start_review",
    "access_request_submit",
    "access_request_update",
    "audit_record",
    "governance_policy_set",
    "grant_expire_due",
    "grant_notify_expiring",
    "grant_revoke",
    "notification_mark_read",
    "notification_send_email",
]
