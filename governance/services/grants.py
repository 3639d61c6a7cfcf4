"""Grants: made when a request is accepted, ended by expiry (the beat) or revocation.

Access ends at `end` whatever the beat does: visibility reads only grants that are active and
not yet past their end. grant_expire_due then records the expiry in status and the audit log.
A grant changes what a search may show its holder, so each change ends in the catalogue's
changed path (`datasets_changed`) for the datasets it covers.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from catalogue.services.changes import datasets_changed
from governance import rules
from governance.errors import RequestTransitionError
from governance.models import AccessRequest, Grant
from governance.permissions import can_oversee
from governance.services.audit import audit_record
from governance.services.notifications import notification_create
from governance.vocabularies import AuditVerb, GrantStatus, NotificationKind


def _audit(actor, grant: Grant, verb: str, from_state: str, comment: str = "", rule: str = ""):
    audit_record(
        actor=actor,
        organisation=grant.dataset.publisher,
        verb=verb,
        object_type="grant",
        object_id=grant.pk,
        object_repr=f"{grant.user.get_username()} → {grant.dataset.title}",
        from_state=from_state,
        to_state=grant.status,
        comment=comment,
        rule=rule,
    )


def grant_end(*, access_request: AccessRequest, start: dt.datetime) -> dt.datetime:
    """The end of the requested day, never later than the longest grant the policy allows
    (the stricter of the policy at submission and the policy now)."""
    current = rules.resolve_policy(access_request.dataset).max_grant_days
    submitted = access_request.policy_snapshot.get("max_grant_days", current)
    latest = start + dt.timedelta(days=min(current, submitted))
    if access_request.end_date is None:
        return latest
    day_after = access_request.end_date + dt.timedelta(days=1)
    requested = timezone.make_aware(dt.datetime.combine(day_after, dt.time.min))
    return min(requested, latest)


def grant_create(*, access_request: AccessRequest, actor: AbstractBaseUser | None) -> Grant:
    """Called by the acceptance of a request, inside its transaction."""
    start = timezone.now()
    grant = Grant.objects.create(
        dataset=access_request.dataset,
        user=access_request.requester,
        access_request=access_request,
        status=GrantStatus.ACTIVE,
        start=start,
        end=grant_end(access_request=access_request, start=start),
    )
    _audit(actor, grant, AuditVerb.GRANT_CREATE, "", rule=access_request.decision_rule)
    datasets_changed(ids=[grant.dataset_id], reason="grant created")
    return grant


@transaction.atomic
def grant_revoke(*, actor: AbstractBaseUser, grant: Grant, reason: str) -> Grant:
    """Active → revoked, by a governance officer or admin of the dataset's organisation."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason you are revoking this access."})
    grant = (
        Grant.objects.select_for_update(of=("self",))
        .select_related("dataset__publisher", "user")
        .get(pk=grant.pk)
    )
    organisation = grant.dataset.publisher
    if not can_oversee(actor, organisation):
        raise PermissionDenied(
            f"Only a governance officer or admin of {organisation.title} can revoke access."
        )
    if grant.status != GrantStatus.ACTIVE:
        raise RequestTransitionError(
            f"This access is already {grant.get_status_display().lower()}; it cannot be revoked."
        )
    grant.status, grant.ended_at = GrantStatus.REVOKED, timezone.now()
    grant.revoked_by, grant.revoke_reason = actor, reason
    grant.save()
    _audit(actor, grant, AuditVerb.GRANT_REVOKE, GrantStatus.ACTIVE, comment=reason)
    datasets_changed(ids=[grant.dataset_id], reason="grant revoked")
    notification_create(
        user=grant.user,
        kind=NotificationKind.REVOKED,
        subject=f"Your access to {grant.dataset.title} was revoked",
        body=f"Your access to “{grant.dataset.title}” was revoked: {reason}",
        url="/grants/",
        grant=grant,
    )
    return grant


@transaction.atomic
def grant_expire_due(*, now: dt.datetime | None = None) -> int:
    """Mark active grants past their end as expired; returns how many. Safe to run concurrently:
    rows another run holds are skipped, and each is expired once."""
    now = now or timezone.now()
    due = (
        Grant.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("dataset__publisher", "user")
        .filter(status=GrantStatus.ACTIVE, end__lte=now)
    )
    expired = []
    for grant in due:
        grant.status, grant.ended_at = GrantStatus.EXPIRED, now
        grant.save(update_fields=["status", "ended_at"])
        _audit(None, grant, AuditVerb.GRANT_EXPIRE, GrantStatus.ACTIVE, rule="grant-end-reached")
        expired.append(grant.dataset_id)
    datasets_changed(ids=expired, reason="grants expired")
    return len(expired)


@transaction.atomic
def grant_notify_expiring(*, now: dt.datetime | None = None) -> int:
    """Tell holders once, GOVERNANCE_EXPIRY_NOTICE_DAYS before their grant ends."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=settings.GOVERNANCE_EXPIRY_NOTICE_DAYS)
    due = (
        Grant.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("dataset", "user")
        .filter(
            status=GrantStatus.ACTIVE,
            end__gt=now,
            end__lte=horizon,
            expiry_notified_at__isnull=True,
        )
    )
    count = 0
    for grant in due:
        notification_create(
            user=grant.user,
            kind=NotificationKind.EXPIRING,
            subject=f"Your access to {grant.dataset.title} ends soon",
            body=(
                f"Your access to “{grant.dataset.title}” ends on "
                f"{timezone.localtime(grant.end):%d %B %Y}. Ask again if you still need it."
            ),
            url="/grants/",
            grant=grant,
        )
        grant.expiry_notified_at = now
        grant.save(update_fields=["expiry_notified_at"])
        count += 1
    return count
