"""Governance API: access requests and their actions, grants, audit events, the register.

Viewsets only translate HTTP into service calls; the services decide and audit.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from catalogue.selectors import dataset_lookup
from governance import selectors, services
from governance.models import AccessRequest, Grant

from .serializers import (
    AccessRequestCreateSerializer,
    AccessRequestInputSerializer,
    AccessRequestSerializer,
    AuditEventSerializer,
    CommentSerializer,
    GrantSerializer,
    ReasonSerializer,
    RegisterEntrySerializer,
)


class AccessRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Your requests, and requests for datasets of organisations you decide for."""

    serializer_class = AccessRequestSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["status"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.access_request_list(user=self.request.user)

    def _respond(self, access_request: AccessRequest, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=access_request.pk)
        return Response(AccessRequestSerializer(fresh).data, status=code)

    @extend_schema(request=AccessRequestCreateSerializer, responses={201: AccessRequestSerializer})
    def create(self, request, *args, **kwargs):
        serializer = AccessRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answers = dict(serializer.validated_data)
        # Only datasets the requester may see can be asked for; others look like no dataset.
        dataset = dataset_lookup(user=request.user, key=answers.pop("dataset"))
        if dataset is None:
            raise ValidationError({"dataset": ["No dataset with that id."]})
        organisation = answers.pop("requesting_organisation", None)
        access_request = services.access_request_create(
            requester=request.user,
            dataset=dataset,
            requesting_organisation=organisation,
            answers=answers,
        )
        return self._respond(access_request, status.HTTP_201_CREATED)

    @extend_schema(request=AccessRequestInputSerializer, responses=AccessRequestSerializer)
    def partial_update(self, request, *args, **kwargs):
        serializer = AccessRequestInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        answers = dict(serializer.validated_data)
        if "requesting_organisation" in answers:
            raise ValidationError(
                {"requesting_organisation": "Start a new request to ask for another organisation."}
            )
        access_request = services.access_request_update(
            actor=request.user, access_request=self.get_object(), answers=answers
        )
        return self._respond(access_request)

    def _act(self, service, request, body=None) -> Response:
        """Call a transition service; `body` validates the request's reason or comment."""
        kwargs = {}
        if body is not None:
            data = body(data=request.data)
            data.is_valid(raise_exception=True)
            kwargs = dict(data.validated_data)
        access_request = service(actor=request.user, access_request=self.get_object(), **kwargs)
        return self._respond(access_request)

    @extend_schema(request=None, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(services.access_request_submit, request)

    @extend_schema(request=None, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None):
        return self._act(services.access_request_start_review, request)

    @extend_schema(request=CommentSerializer, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(services.access_request_approve, request, body=CommentSerializer)

    @extend_schema(request=ReasonSerializer, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(services.access_request_reject, request, body=ReasonSerializer)

    @extend_schema(request=ReasonSerializer, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._act(services.access_request_return, request, body=ReasonSerializer)

    @extend_schema(request=CommentSerializer, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(services.access_request_cancel, request, body=CommentSerializer)

    @extend_schema(responses=AuditEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        events = selectors.access_request_history(access_request=self.get_object())
        return Response(AuditEventSerializer(events, many=True).data)


class GrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your grants, and grants of organisations whose access you oversee."""

    serializer_class = GrantSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.grant_list(user=self.request.user)

    @extend_schema(request=ReasonSerializer, responses=GrantSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        grant: Grant = self.get_object()
        services.grant_revoke(
            actor=request.user, grant=grant, reason=reason.validated_data["reason"]
        )
        return Response(GrantSerializer(self.get_queryset().get(pk=grant.pk)).data)


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The governance log of organisations you are governance officer or admin of. Read-only."""

    serializer_class = AuditEventSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["verb", "object_type", "object_id"]

    def get_queryset(self):
        return selectors.audit_event_list(user=self.request.user)


class RegisterViewSet(viewsets.ReadOnlyModelViewSet):
    """The public transparency register of accepted data shares."""

    serializer_class = RegisterEntrySerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.register_entries(user=self.request.user)

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except (Grant.DoesNotExist, ValueError):
            raise Http404("No register entry with that id.") from None
