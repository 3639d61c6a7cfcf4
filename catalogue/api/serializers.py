from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalogue import quality
from catalogue.fields import DATASET_FIELDS, FIELDS, Kind, max_length
from catalogue.models import (
    ContactPoint,
    Dataset,
    Distribution,
    Licence,
    Membership,
    Organisation,
    Theme,
)
from catalogue.vocabularies import DATA_SHARE_AGREEMENT, Role

DISTRIBUTION_FIELDS = [
    "title", "description", "access_url", "download_url", "media_type", "format", "byte_size",
    "checksum", "licence", "conforms_to",
]  # fmt: skip


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "title"]


class DistributionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Distribution
        fields = [*DISTRIBUTION_FIELDS, "link_ok", "link_checked_at", "detected_format"]

    def to_representation(self, instance: Distribution) -> dict:
        data = super().to_representation(instance)
        if not self.context.get("downloads_visible", True):
            # Links to non-open data go only to members and grant holders.
            data["access_url"] = data["download_url"] = None
        return data


class ContactPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPoint
        fields = ["name", "email", "role"]


class QualitySerializer(serializers.Serializer):
    score = serializers.IntegerField()
    max = serializers.IntegerField()
    rating = serializers.CharField()


class SourceRefSerializer(serializers.Serializer):
    harvest_source = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    source_type = serializers.CharField()


class ProvenanceSerializer(serializers.Serializer):
    """Where a harvested dataset came from: the source, the original publisher, identifier and
    IRI, when it was read, and the other sources of this catalogue that offer the same dataset."""

    harvest_source = serializers.IntegerField(source="harvest_source_id")
    title = serializers.CharField(source="harvest_source.title")
    source_type = serializers.CharField(source="harvest_source.source_type")
    identifier = serializers.CharField(source="source_identifier")
    iri = serializers.CharField()
    url = serializers.CharField(source="source_url")
    publisher_name = serializers.CharField(source="source_publisher_name")
    publisher_uri = serializers.CharField(source="source_publisher_uri")
    harvested_at = serializers.DateTimeField()
    also_from = SourceRefSerializer(many=True, read_only=True)


DATASET_OUTPUT_FIELDS = [f.name for f in DATASET_FIELDS if f.api_output]
# Worked out when the dataset is read, from several fields or from the request.
COMPUTED_FIELDS = ["quality", "source", "downloads_visible", "stale", "highlight"]


class DatasetSerializer(serializers.ModelSerializer):
    """A dataset as the API returns it: the field names of PRODUCT.md."""

    publisher = OrganisationRefSerializer(read_only=True)
    theme = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    contact_point = ContactPointSerializer(source="contact_points", many=True, read_only=True)
    distribution = serializers.SerializerMethodField()
    quality = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()
    downloads_visible = serializers.SerializerMethodField()
    stale = serializers.SerializerMethodField()
    serves_dataset = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    highlight = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields = [*DATASET_OUTPUT_FIELDS, *COMPUTED_FIELDS]
        read_only_fields = fields

    def _downloads_visible(self, obj: Dataset) -> bool:
        # Rows come from DatasetQuerySet.visible_to(); a row without the annotation shows nothing.
        return bool(getattr(obj, "downloads_visible", False))

    @extend_schema_field(DistributionSerializer(many=True))
    def get_distribution(self, obj: Dataset) -> list[dict]:
        # One distribution serializer per link visibility, reused for every row of a list:
        # building a ModelSerializer's fields costs more than serialising a page of rows.
        visible = self._downloads_visible(obj)
        cache = self.__dict__.setdefault("_distribution_serializers", {})
        if visible not in cache:
            cache[visible] = DistributionSerializer(
                context={**self.context, "downloads_visible": visible}
            )
        return [cache[visible].to_representation(d) for d in obj.distributions.all()]

    @extend_schema_field(QualitySerializer)
    def get_quality(self, obj: Dataset) -> dict:
        return {"score": obj.quality_score, "max": quality.MAX_SCORE, "rating": obj.quality_rating}

    @extend_schema_field(ProvenanceSerializer(allow_null=True))
    def get_source(self, obj: Dataset) -> dict | None:
        if obj.harvest_source_id is None:
            return None
        if "_provenance" not in self.__dict__:  # one for the whole page, like distributions
            self._provenance = ProvenanceSerializer(context=self.context)
        return self._provenance.to_representation(obj)

    def get_stale(self, obj: Dataset) -> bool:
        """Overdue against its own update frequency (half a period late)."""
        return quality.is_stale(obj.update_frequency, obj.modified, timezone.now())

    @extend_schema_field(serializers.DictField(child=serializers.CharField(), allow_null=True))
    def get_highlight(self, obj: Dataset) -> dict | None:
        """Where a search matched: HTML with <mark> around matched words; null when browsing."""
        return self.context.get("highlights", {}).get(str(obj.pk))

    def get_downloads_visible(self, obj: Dataset) -> bool:
        return self._downloads_visible(obj)

    def to_representation(self, instance: Dataset) -> dict:
        data = super().to_representation(instance)
        if instance.type == Dataset.Type.DATA_SERVICE and not self._downloads_visible(instance):
            data["endpoint_url"] = None
        return data


class DistributionInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Distribution
        fields = DISTRIBUTION_FIELDS


class ContactPointInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField()
    role = serializers.ChoiceField(
        choices=ContactPoint.Role.choices, default=ContactPoint.Role.CONTACT
    )


class LicenceField(serializers.CharField):
    """A licence from the vocabulary, given by its URI or its short name (e.g. `ogl-v3`)."""

    def to_internal_value(self, data: str) -> str:
        value = super().to_internal_value(data)
        if value == DATA_SHARE_AGREEMENT:
            return value
        match = (
            Licence.objects.filter(uri=value).first() or Licence.objects.filter(slug=value).first()
        )
        if match is None:
            raise serializers.ValidationError(
                f"“{value}” is not a known licence. Use a licence URI or short name from "
                "/api/v1/licences/, or DATA_SHARE_AGREEMENT."
            )
        return match.uri


class DatasetInputSerializer(serializers.ModelSerializer):
    """What a publisher may send to create or change a dataset. Status is not writable here."""

    publisher = serializers.SlugRelatedField(slug_field="slug", queryset=Organisation.objects.all())
    theme = serializers.SlugRelatedField(
        slug_field="slug", queryset=Theme.objects.all(), many=True, required=False
    )
    # Blank keywords are dropped by validate_keyword rather than refused.
    keyword = serializers.ListField(
        child=serializers.CharField(max_length=max_length("keyword"), allow_blank=True),
        required=False,
    )
    licence = LicenceField(required=False, max_length=max_length("licence"))
    distribution = DistributionInputSerializer(many=True, required=False)
    contact_point = ContactPointInputSerializer(many=True, required=False)
    serves_dataset = serializers.PrimaryKeyRelatedField(
        queryset=Dataset.objects.all(), many=True, required=False
    )

    class Meta:
        model = Dataset
        fields = [f.name for f in DATASET_FIELDS if f.api_input]
        extra_kwargs = {f.name: {"required": True} for f in DATASET_FIELDS if f.required}

    def build_standard_field(self, field_name: str, model_field) -> tuple:
        """A list of texts from catalogue/fields.py: each item capped at the row's length."""
        row = FIELDS.get(field_name)
        if row is not None and row.kind == Kind.TEXT_LIST:
            child = serializers.CharField(max_length=row.max_length)
            return serializers.ListField, {"child": child, "required": False}
        return super().build_standard_field(field_name, model_field)

    def validate_keyword(self, value: list[str]) -> list[str]:
        seen: dict[str, str] = {}
        for keyword in (" ".join(k.split()) for k in value):
            if keyword:
                seen.setdefault(keyword.lower(), keyword)
        return list(seen.values())

    def validate(self, attrs: dict) -> dict:
        start = attrs.get("temporal_start", getattr(self.instance, "temporal_start", None))
        end = attrs.get("temporal_end", getattr(self.instance, "temporal_end", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"temporal_end": "The end of the period must not be before its start."}
            )
        return attrs


class OrganisationSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "title",
            "abbreviation",
            "organisation_type",
            "parent",
            "homepage",
            "email",
            "description",
        ]


class MembershipSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all()
    )
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "user", "organisation", "role", "created_at"]
        read_only_fields = ["id", "organisation", "created_at"]


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "title"]


class LicenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Licence
        fields = ["slug", "title", "uri", "is_open"]
