"""Harvest sources and job reports over the API. Rules live in catalogue.harvest.services.run."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from catalogue.harvest.services.run import harvest_job_request
from catalogue.harvest.services.sources import harvest_source_create, harvest_source_update
from catalogue.harvest.types import source_type_choices, unknown_source_type_message
from catalogue.models import HarvestJob, HarvestSource, Organisation
from catalogue.selectors import harvest_job_list, harvest_source_list

MAX_LISTED_ISSUES = 1000


class HarvestJobRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = HarvestJob
        fields = ["id", "status", "queued_at", "finished_at"]


class HarvestSourceSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    has_credentials = serializers.SerializerMethodField()
    last_job = serializers.SerializerMethodField()

    class Meta:
        model = HarvestSource
        fields = [
            "id", "organisation", "title", "url", "source_type", "schedule", "enabled",
            "config", "has_credentials", "last_job", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_has_credentials(self, obj: HarvestSource) -> bool:
        return bool(obj.credentials)

    @extend_schema_field(HarvestJobRefSerializer(allow_null=True))
    def get_last_job(self, obj: HarvestSource) -> dict | None:
        job = obj.jobs.order_by("-queued_at", "-id").first()
        return HarvestJobRefSerializer(job).data if job else None


class HarvestSourceInputSerializer(serializers.Serializer):
    """What a publisher sends. `credentials` is accepted and stored but never returned."""

    organisation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all()
    )
    title = serializers.CharField(max_length=200)
    url = serializers.CharField(max_length=2000)
    source_type = serializers.ChoiceField(
        choices=source_type_choices(),
        error_messages={"invalid_choice": unknown_source_type_message("{input}")},
    )
    schedule = serializers.CharField(max_length=20, required=False, default="manual")
    enabled = serializers.BooleanField(required=False, default=True)
    config = serializers.DictField(required=False, default=dict)
    credentials = serializers.DictField(required=False, default=dict, write_only=True)


class HarvestSourceUpdateSerializer(HarvestSourceInputSerializer):
    organisation = None


class HarvestJobSerializer(serializers.ModelSerializer):
    errors = serializers.SerializerMethodField()
    record_warnings = serializers.SerializerMethodField()
    source_warnings = serializers.JSONField(source="warnings", read_only=True)

    class Meta:
        model = HarvestJob
        fields = [
            "id", "source", "status", "created", "updated", "unchanged", "withdrawn", "failed",
            "errors", "record_warnings", "source_warnings", "message", "origin", "attempts",
            "queued_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def _issues(self, obj: HarvestJob, level: str) -> list[dict]:
        issues = obj.issues.filter(level=level).values("identifier", "message")
        return list(issues[:MAX_LISTED_ISSUES])

    def get_errors(self, obj: HarvestJob) -> list[dict]:
        return self._issues(obj, "error")

    def get_record_warnings(self, obj: HarvestJob) -> list[dict]:
        return self._issues(obj, "warning")


class HarvestSourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Sources of the organisations the user belongs to; their publishers manage them."""

    serializer_class = HarvestSourceSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return harvest_source_list(user=self.request.user)

    @extend_schema(request=HarvestSourceInputSerializer, responses={201: HarvestSourceSerializer})
    def create(self, request, *args, **kwargs):
        serializer = HarvestSourceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        source = harvest_source_create(actor=request.user, **serializer.validated_data)
        return Response(HarvestSourceSerializer(source).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HarvestSourceUpdateSerializer, responses=HarvestSourceSerializer)
    def partial_update(self, request, *args, **kwargs):
        serializer = HarvestSourceUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        source = harvest_source_update(
            actor=request.user, source=self.get_object(), data=dict(serializer.validated_data)
        )
        return Response(HarvestSourceSerializer(source).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return Response(
                {"detail": "Use PATCH to change a harvest source."},
                status=status.HTTP_405_METHOD_NOT_ALLOWED,
            )
        return super().update(request, *args, **kwargs)

    @extend_schema(request=None, responses={202: HarvestJobSerializer})
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        """Queue a run. While one is queued or running, that job is returned instead (202)."""
        job, _created = harvest_job_request(source=self.get_object(), actor=request.user)
        return Response(HarvestJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class HarvestJobViewSet(viewsets.ReadOnlyModelViewSet):
    """Job reports: counts, the message, per-record errors and warnings with identifiers."""

    serializer_class = HarvestJobSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        jobs = harvest_job_list(user=self.request.user)
        source = self.request.query_params.get("source")
        if source:
            if not source.isdigit():
                raise Http404("No such source.")
            jobs = jobs.filter(source_id=int(source))
        return jobs
