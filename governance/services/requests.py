"""Access requests: one service per transition of the CDDO status model.

Draft → Submitted → InReview → Accepted | Rejected | Returned; Returned → Submitted again;
Draft, Submitted, InReview and Returned → Cancelled by the requester. Each service locks the
request row, checks who is acting (requesters act on their own requests, deciders on requests
for their organisation's datasets, never on their own), refuses an illegal transition with
RequestTransitionError (409), audits and notifies.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from catalogue.models import Dataset, Membership, Organisation
from catalogue.permissions import has_role
from governance import rules
from governance.errors import RequestTransitionError
from governance.models import AccessRequest, ApprovalStep
from governance.permissions import DECIDER_ROLES, can_decide_step
from governance.services.audit import audit_record
from governance.services.grants import grant_create
from governance.services.notifications import notification_create, notify_role_holders
from governance.vocabularies import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    AuditVerb,
    NotificationKind,
    RequestStatus,
    StepStatus,
)

S = RequestStatus
ANSWER_FIELDS = [
    *rules.REQUEST_FIELDS,
    "data_destination", "dpia_reference", "data_sharing_agreement_reference",
    "confirmed_statements",
]  # fmt: skip


def _lock(access_request: AccessRequest) -> AccessRequest:
    """Re-read the request under a row lock: two officers acting at once queue here."""
    return (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("dataset__publisher", "requester", "requesting_organisation")
        .get(pk=access_request.pk)
    )


def _require_state(access_request: AccessRequest, allowed: list[str], action: str) -> None:
    if access_request.status not in allowed:
        raise RequestTransitionError(
            f"A request that is {access_request.get_status_display().lower()} cannot be "
            f"{action} (only when {' or '.join(S(s).label.lower() for s in allowed)})."
        )


def _require_requester(actor: AbstractBaseUser, access_request: AccessRequest, action: str) -> None:
    if actor.pk != access_request.requester_id:
        raise PermissionDenied(f"Only the person who made this request can {action} it.")


def _audit(actor, access_request, verb, from_state, comment="", rule="") -> None:
    audit_record(
        actor=actor,
        organisation=access_request.dataset.publisher,
        verb=verb,
        object_type="access_request",
        object_id=access_request.pk,
        object_repr=f"{access_request.reference}: {access_request.dataset.title}",
        from_state=from_state,
        to_state=access_request.status,
        comment=comment,
        rule=rule,
    )


def _move(access_request: AccessRequest, to: str, **fields) -> str:
    from_state = access_request.status
    access_request.status = to
    for name, value in fields.items():
        setattr(access_request, name, value)
    access_request.save()
    return from_state


def _url(access_request: AccessRequest) -> str:
    return f"/requests/{access_request.pk}/"


def _requesting_organisation(
    requester: AbstractBaseUser, organisation: Organisation | None
) -> Organisation | None:
    memberships = Membership.objects.filter(user=requester).select_related("organisation")
    organisations = list(dict.fromkeys(m.organisation for m in memberships))
    if organisation is None:
        return organisations[0] if organisations else None
    if organisation not in organisations:
        raise ValidationError(
            {"requesting_organisation": f"You are not a member of {organisation.title}."}
        )
    return organisation


def _require_visible(requester: AbstractBaseUser, dataset: Dataset) -> None:
    """Only data whose metadata the requester may see can be asked for; anything else is
    answered as if it did not exist, so a request never confirms a hidden dataset."""
    if not Dataset.objects.visible_to(requester).filter(pk=dataset.pk).exists():
        raise ValidationError({"dataset": "No dataset with that id."})


def _clean_answers(data: dict) -> dict:
    unknown = set(data) - set(ANSWER_FIELDS)
    if unknown:
        raise ValidationError({name: "This is not a question of the request." for name in unknown})
    statements = data.get("confirmed_statements", [])
    if not isinstance(statements, list) or not all(isinstance(s, str) for s in statements):
        raise ValidationError(
            {"confirmed_statements": "Give a list of the statements you confirm."}
        )
    return data


@transaction.atomic
def access_request_create(
    *,
    requester: AbstractBaseUser,
    dataset: Dataset,
    requesting_organisation: Organisation | None = None,
    answers: dict | None = None,
) -> AccessRequest:
    """Start a draft request for a dataset the requester can see."""
    if not requester.is_authenticated:
        raise PermissionDenied("Sign in to request access to data.")
    _require_visible(requester, dataset)
    policy = rules.resolve_policy(dataset)
    route = rules.check_route(policy)
    if not route.passed:
        raise ValidationError({"dataset": route.reason})
    organisation = _requesting_organisation(requester, requesting_organisation)
    eligible = rules.check_eligibility(policy, email=requester.email, organisation=organisation)
    if not eligible.passed:
        raise PermissionDenied(eligible.reason)
    access_request = AccessRequest(
        dataset=dataset,
        requester=requester,
        requesting_organisation=organisation,
        **_clean_answers(answers or {}),
    )
    access_request.full_clean()
    access_request.save()
    _audit(requester, access_request, AuditVerb.REQUEST_CREATE, "", rule=route.rule)
    return access_request


@transaction.atomic
def access_request_update(
    *, actor: AbstractBaseUser, access_request: AccessRequest, answers: dict
) -> AccessRequest:
    """Change answers of a draft or returned request; only its requester may."""
    access_request = _lock(access_request)
    _require_requester(actor, access_request, "change")
    _require_state(access_request, EDITABLE_STATUSES, "changed")
    changed = sorted(
        name
        for name, value in _clean_answers(answers).items()
        if getattr(access_request, name) != value
    )
    for name in changed:
        setattr(access_request, name, answers[name])
    access_request.full_clean()
    access_request.save()
    if changed:
        _audit(
            actor,
            access_request,
            AuditVerb.REQUEST_UPDATE,
            access_request.status,
            comment="Changed: " + ", ".join(changed),
        )
    return access_request


def access_request_missing_answers(*, access_request: AccessRequest) -> dict[str, list[str]]:
    """What still stops the request being submitted (the check-answers page reads this)."""
    policy = rules.resolve_policy(access_request.dataset)
    return rules.check_answers(policy, access_request, today=timezone.localdate())


@transaction.atomic
def access_request_submit(
    *, actor: AbstractBaseUser, access_request: AccessRequest
) -> AccessRequest:
    """Draft or Returned → Submitted (or straight to Accepted when an auto-approval rule fires)."""
    access_request = _lock(access_request)
    _require_requester(actor, access_request, "submit")
    _require_state(access_request, EDITABLE_STATUSES, "submitted")
    dataset = access_request.dataset
    _require_visible(actor, dataset)
    policy = rules.resolve_policy(dataset)
    route = rules.check_route(policy)
    if not route.passed:
        raise ValidationError({"dataset": route.reason})
    eligible = rules.check_eligibility(
        policy, email=actor.email, organisation=access_request.requesting_organisation
    )
    if not eligible.passed:
        raise PermissionDenied(eligible.reason)
    today = timezone.localdate()
    errors = rules.check_answers(policy, access_request, today=today)
    if errors:
        raise ValidationError(errors)
    round_ = access_request.round + 1
    from_state = _move(
        access_request,
        S.SUBMITTED,
        round=round_,
        policy_snapshot=policy.snapshot(),
        submitted_at=timezone.now(),
        decided_at=None,
        decision_rule="",
        decision_reason="",
    )
    ApprovalStep.objects.bulk_create(
        ApprovalStep(access_request=access_request, round=round_, position=i, role=role)
        for i, role in enumerate(policy.approval_steps)
    )
    _audit(actor, access_request, AuditVerb.REQUEST_SUBMIT, from_state, rule=route.rule)
    auto = rules.match_auto_approval(policy, access_request, today=today)
    if auto is not None:
        return _accept(access_request, actor=None, rule=auto.rule, reason=auto.reason)
    _notify_deciders(access_request, exclude=actor)
    return access_request


def _notify_deciders(access_request: AccessRequest, *, exclude: AbstractBaseUser | None) -> None:
    step = _current_step(access_request)
    if step is None:
        return
    notify_role_holders(
        organisation=access_request.dataset.publisher,
        roles=rules.STEP_DECIDERS[step.role],
        exclude=exclude,
        kind=NotificationKind.SUBMITTED,
        subject=f"Request {access_request.reference} is waiting for a decision",
        body=(
            f"{access_request.requester.get_username()} asks to use "
            f"“{access_request.dataset.title}”. It needs a decision by the "
            f"{step.get_role_display().lower()}."
        ),
        url=f"/governance/requests/{access_request.pk}/",
        access_request=access_request,
    )


def _current_step(access_request: AccessRequest) -> ApprovalStep | None:
    return (
        access_request.steps.filter(round=access_request.round, status=StepStatus.PENDING)
        .order_by("position")
        .first()
    )


def _require_organisation_decider(actor: AbstractBaseUser, access_request: AccessRequest) -> None:
    """Deciders are the dataset organisation's publishers and officers, never the requester."""
    organisation = access_request.dataset.publisher
    if not has_role(actor, organisation, DECIDER_ROLES):
        raise PermissionDenied(
            f"Only a publisher or governance officer of {organisation.title} can decide "
            "this request."
        )
    if actor.pk == access_request.requester_id:
        raise PermissionDenied("You cannot decide your own request.")


def _require_decider(actor: AbstractBaseUser, access_request: AccessRequest) -> ApprovalStep:
    """The pending step the actor may decide, one person per step."""
    organisation = access_request.dataset.publisher
    step = _current_step(access_request)
    if step is None:
        raise RequestTransitionError("This request has no step waiting for a decision.")
    if not can_decide_step(actor, organisation, step.role):
        raise PermissionDenied(
            f"The next step needs a decision by the {step.get_role_display().lower()}."
        )
    earlier = access_request.steps.filter(
        round=access_request.round, status=StepStatus.APPROVED, decided_by=actor
    )
    if earlier.exists():
        raise PermissionDenied("You approved an earlier step: another person must decide this one.")
    return step


def _decide_step(step: ApprovalStep, actor: AbstractBaseUser, status: str, comment: str) -> None:
    step.status, step.decided_by, step.decided_at, step.comment = (
        status,
        actor,
        timezone.now(),
        comment,
    )
    step.save()


@transaction.atomic
def access_request_start_review(
    *, actor: AbstractBaseUser, access_request: AccessRequest
) -> AccessRequest:
    """Submitted → InReview, by someone who may decide the request's next step."""
    access_request = _lock(access_request)
    _require_organisation_decider(actor, access_request)
    _require_state(access_request, [S.SUBMITTED], "taken into review")
    _require_decider(actor, access_request)
    from_state = _move(access_request, S.IN_REVIEW)
    _audit(actor, access_request, AuditVerb.REQUEST_START_REVIEW, from_state)
    return access_request


def _require_reason(reason: str, action: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Enter the reason you are {action} this request."})
    return reason


@transaction.atomic
def access_request_approve(
    *, actor: AbstractBaseUser, access_request: AccessRequest, comment: str = ""
) -> AccessRequest:
    """Approve the current step; when it was the last, the request is Accepted and a grant made."""
    access_request = _lock(access_request)
    _require_organisation_decider(actor, access_request)
    _require_state(access_request, [S.IN_REVIEW], "approved")
    step = _require_decider(actor, access_request)
    _decide_step(step, actor, StepStatus.APPROVED, comment)
    audit_record(
        actor=actor,
        organisation=access_request.dataset.publisher,
        verb=AuditVerb.REQUEST_APPROVE_STEP,
        object_type="access_request",
        object_id=access_request.pk,
        object_repr=f"{access_request.reference}: {step.get_role_display()}",
        from_state=access_request.status,
        to_state=access_request.status,
        comment=comment,
        rule=f"step-{step.position + 1}-{step.role}",
    )
    if _current_step(access_request) is not None:
        _notify_deciders(access_request, exclude=actor)
        return access_request
    return _accept(
        access_request,
        actor=actor,
        rule="all-steps-approved",
        reason=comment or "Every required step was approved.",
    )


def _accept(
    access_request: AccessRequest, *, actor: AbstractBaseUser | None, rule: str, reason: str
) -> AccessRequest:
    from_state = _move(
        access_request,
        S.ACCEPTED,
        decided_at=timezone.now(),
        decision_rule=rule,
        decision_reason=reason,
    )
    _audit(actor, access_request, AuditVerb.REQUEST_ACCEPT, from_state, comment=reason, rule=rule)
    grant = grant_create(access_request=access_request, actor=actor)
    notification_create(
        user=access_request.requester,
        kind=NotificationKind.DECIDED,
        subject=f"Request {access_request.reference} accepted",
        body=(
            f"You have access to “{access_request.dataset.title}” until "
            f"{timezone.localtime(grant.end):%d %B %Y}."
        ),
        url=_url(access_request),
        access_request=access_request,
        grant=grant,
    )
    return access_request


@transaction.atomic
def access_request_reject(
    *, actor: AbstractBaseUser, access_request: AccessRequest, reason: str
) -> AccessRequest:
    """InReview → Rejected. Any step's rejection rejects the request; a reason is required."""
    reason = _require_reason(reason, "rejecting")
    access_request = _lock(access_request)
    _require_organisation_decider(actor, access_request)
    _require_state(access_request, [S.IN_REVIEW], "rejected")
    step = _require_decider(actor, access_request)
    _decide_step(step, actor, StepStatus.REJECTED, reason)
    rule = f"step-{step.position + 1}-{step.role}-rejected"
    from_state = _move(
        access_request,
        S.REJECTED,
        decided_at=timezone.now(),
        decision_rule=rule,
        decision_reason=reason,
    )
    _audit(actor, access_request, AuditVerb.REQUEST_REJECT, from_state, comment=reason, rule=rule)
    notification_create(
        user=access_request.requester,
        kind=NotificationKind.DECIDED,
        subject=f"Request {access_request.reference} rejected",
        body=f"Your request to use “{access_request.dataset.title}” was rejected: {reason}",
        url=_url(access_request),
        access_request=access_request,
    )
    return access_request


@transaction.atomic
def access_request_return(
    *, actor: AbstractBaseUser, access_request: AccessRequest, reason: str
) -> AccessRequest:
    """InReview → Returned to the requester to change and resubmit; a reason is required."""
    reason = _require_reason(reason, "returning")
    access_request = _lock(access_request)
    _require_organisation_decider(actor, access_request)
    _require_state(access_request, [S.IN_REVIEW], "returned")
    step = _require_decider(actor, access_request)
    _decide_step(step, actor, StepStatus.RETURNED, reason)
    from_state = _move(access_request, S.RETURNED, decision_reason=reason)
    _audit(actor, access_request, AuditVerb.REQUEST_RETURN, from_state, comment=reason)
    notification_create(
        user=access_request.requester,
        kind=NotificationKind.RETURNED,
        subject=f"Request {access_request.reference} returned to you",
        body=(
            f"Your request to use “{access_request.dataset.title}” needs changes before it can "
            f"be decided: {reason}"
        ),
        url=_url(access_request),
        access_request=access_request,
    )
    return access_request


@transaction.atomic
def access_request_cancel(
    *, actor: AbstractBaseUser, access_request: AccessRequest, comment: str = ""
) -> AccessRequest:
    """Any open state → Cancelled, by the requester. A cancelled request stays cancelled."""
    access_request = _lock(access_request)
    _require_requester(actor, access_request, "cancel")
    _require_state(access_request, OPEN_STATUSES, "cancelled")
    from_state = _move(access_request, S.CANCELLED)
    _audit(actor, access_request, AuditVerb.REQUEST_CANCEL, from_state, comment=comment)
    return access_request
