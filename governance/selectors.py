"""Governance reads: who sees which requests, grants, audit events and register entries."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.db.models.functions import Now

from catalogue.models import Dataset
from governance.models import AccessRequest, AuditEvent, Grant, Notification
from governance.permissions import deciding_organisations, oversight_organisations
from governance.vocabularies import GrantStatus, RequestStatus

User = AbstractBaseUser | AnonymousUser


def access_request_list(*, user: User) -> QuerySet[AccessRequest]:
    """The user's own requests, and requests for datasets of organisations they decide for."""
    if not user.is_authenticated:
        return AccessRequest.objects.none()
    qs = AccessRequest.objects.select_related(
        "dataset__publisher", "requester", "requesting_organisation", "grant"
    ).prefetch_related("steps")
    if user.is_superuser:
        return qs
    deciding = deciding_organisations(user)
    return qs.filter(
        Q(requester=user) | (Q(dataset__publisher_id__in=deciding) & ~Q(status=RequestStatus.DRAFT))
    )


def access_request_queue(*, user: User) -> QuerySet[AccessRequest]:
    """Requests waiting for the user's organisations, oldest first."""
    if not user.is_authenticated:
        return AccessRequest.objects.none()
    qs = AccessRequest.objects.waiting().select_related(
        "dataset__publisher", "requester", "requesting_organisation"
    )
    if not user.is_superuser:
        qs = qs.for_organisations(deciding_organisations(user))
    return qs.order_by("submitted_at", "id")


def access_request_decided(*, user: User) -> QuerySet[AccessRequest]:
    """Requests for the user's organisations that are out of the queue, latest first."""
    if not user.is_authenticated:
        return AccessRequest.objects.none()
    qs = AccessRequest.objects.filter(
        status__in=[
            RequestStatus.ACCEPTED,
            RequestStatus.REJECTED,
            RequestStatus.RETURNED,
            RequestStatus.CANCELLED,
        ]
    ).select_related("dataset__publisher", "requester", "requesting_organisation")
    if not user.is_superuser:
        qs = qs.for_organisations(deciding_organisations(user))
    return qs.order_by("-updated_at", "-id")


def grant_list(*, user: User) -> QuerySet[Grant]:
    """The user's own grants, and grants of the organisations they oversee."""
    if not user.is_authenticated:
        return Grant.objects.none()
    qs = Grant.objects.select_related("dataset__publisher", "user", "access_request").annotate(
        in_force=ExpressionWrapper(
            Q(status=GrantStatus.ACTIVE, end__gt=Now()), output_field=BooleanField()
        )
    )
    if user.is_superuser:
        return qs
    return qs.filter(Q(user=user) | Q(dataset__publisher_id__in=oversight_organisations(user)))


def audit_event_list(*, user: User) -> QuerySet[AuditEvent]:
    if not user.is_authenticated:
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.select_related("organisation", "actor")
    if user.is_superuser:
        return qs
    return qs.filter(organisation_id__in=oversight_organisations(user))


def access_request_history(*, access_request: AccessRequest) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type="access_request", object_id=str(access_request.pk)
    ).order_by("at", "id")


def register_entries(*, user: User) -> QuerySet[Grant]:
    """Accepted shares for the public register, newest first.

    Each row carries `dataset_visible`: the register names a dataset only to those allowed to
    see its metadata, so an ORGANISATION-only record is listed without its title.
    """
    visible = Dataset.objects.visible_to(user).values("pk")
    return (
        Grant.objects.select_related(
            "dataset__publisher", "access_request__requesting_organisation"
        )
        .annotate(
            in_force=ExpressionWrapper(
                Q(status=GrantStatus.ACTIVE, end__gt=Now()), output_field=BooleanField()
            )
        )
        .annotate(dataset_visible=ExpressionWrapper(Q(dataset__in=visible), BooleanField()))
        .order_by("-start", "-id")
    )


def inbox(*, user: User) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_count(*, user: User) -> int:
    return inbox(user=user).unread().count()
