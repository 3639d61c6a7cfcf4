from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalogue.api.serializers import OrganisationRefSerializer
from catalogue.models import Organisation
from governance.models import AccessRequest, ApprovalStep, AuditEvent, Grant, Notification
from governance.services.requests import ANSWER_FIELDS


class ApprovalStepSerializer(serializers.ModelSerializer):
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ApprovalStep
        fields = ["round", "position", "role", "status", "decided_by", "decided_at", "comment"]


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_username")
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id", "at", "actor", "organisation", "verb", "object_type", "object_id",
            "object_repr", "from_state", "to_state", "comment", "rule", "request_id",
        ]  # fmt: skip
        read_only_fields = fields


class AccessRequestSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    dataset = serializers.UUIDField(source="dataset_id")
    dataset_title = serializers.CharField(source="dataset.title")
    publisher = OrganisationRefSerializer(source="dataset.publisher")
    requester = serializers.CharField(source="requester.username")
    requesting_organisation = OrganisationRefSerializer(allow_null=True)
    steps = serializers.SerializerMethodField()
    grant = serializers.SerializerMethodField()

    class Meta:
        model = AccessRequest
        fields = [
            "id", "reference", "status", "dataset", "dataset_title", "publisher", "requester",
            "requesting_organisation", *ANSWER_FIELDS, "round", "decision_rule",
            "decision_reason", "created_at", "updated_at", "submitted_at", "decided_at",
            "steps", "grant",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ApprovalStepSerializer(many=True))
    def get_steps(self, obj: AccessRequest) -> list[dict]:
        steps = [s for s in obj.steps.all() if s.round == obj.round]
        return ApprovalStepSerializer(steps, many=True).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_grant(self, obj: AccessRequest) -> int | None:
        try:
            return obj.grant.pk
        except Grant.DoesNotExist:
            return None


class AccessRequestInputSerializer(serializers.ModelSerializer):
    """Answers a requester gives; which are required is the policy's business (on submit)."""

    requesting_organisation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = AccessRequest
        fields = ["requesting_organisation", *ANSWER_FIELDS]
        extra_kwargs = {name: {"required": False} for name in ANSWER_FIELDS}


class AccessRequestCreateSerializer(AccessRequestInputSerializer):
    dataset = serializers.CharField(help_text="The dataset's id (or slug).")

    class Meta(AccessRequestInputSerializer.Meta):
        fields = ["dataset", *AccessRequestInputSerializer.Meta.fields]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class GrantSerializer(serializers.ModelSerializer):
    dataset = serializers.UUIDField(source="dataset_id")
    dataset_title = serializers.CharField(source="dataset.title")
    user = serializers.CharField(source="user.username")
    access_request = serializers.IntegerField(source="access_request_id")
    revoked_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Grant
        fields = [
            "id", "dataset", "dataset_title", "user", "status", "start", "end", "ended_at",
            "access_request", "revoked_by", "revoke_reason",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, instance: Grant) -> dict:
        data = super().to_representation(instance)
        if data["status"] == "active" and not instance.in_force:
            # Past its end but not yet swept by the beat: it no longer grants anything.
            data["status"] = "expired"
        return data


WITHHELD = "Withheld: the dataset is not listed publicly"


class RegisterEntrySerializer(serializers.ModelSerializer):
    """One accepted share, as the public transparency register shows it."""

    requesting_organisation = serializers.SerializerMethodField()
    supplying_organisation = serializers.CharField(source="dataset.publisher.title")
    dataset = serializers.SerializerMethodField()
    purpose = serializers.SerializerMethodField()
    legal_gateway = serializers.SerializerMethodField()

    class Meta:
        model = Grant
        fields = [
            "id", "requesting_organisation", "supplying_organisation", "dataset", "purpose",
            "legal_gateway", "start", "end", "status",
        ]  # fmt: skip
        read_only_fields = fields

    def get_requesting_organisation(self, obj: Grant) -> str:
        org = obj.access_request.requesting_organisation
        return org.title if org else "No organisation"

    def to_representation(self, instance: Grant) -> dict:
        data = super().to_representation(instance)
        if data["status"] == "active" and not instance.in_force:
            data["status"] = "expired"
        return data

    def get_purpose(self, obj: Grant) -> str:
        return obj.access_request.purpose if obj.dataset_visible else WITHHELD

    def get_legal_gateway(self, obj: Grant) -> str:
        return obj.access_request.legal_gateway if obj.dataset_visible else WITHHELD

    @extend_schema_field(serializers.DictField())
    def get_dataset(self, obj: Grant) -> dict:
        if obj.dataset_visible:
            return {"id": str(obj.dataset_id), "title": obj.dataset.title, "slug": obj.dataset.slug}
        # The metadata of this record is not public: say whose it is, not what it is.
        return {"id": None, "title": "A dataset not listed publicly", "slug": None}


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "url", "created_at", "read_at"]
        read_only_fields = fields
