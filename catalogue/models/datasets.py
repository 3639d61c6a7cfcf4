import json
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, models
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.functions import Lower

from catalogue import vocabularies as v
from catalogue.search import text_search
from catalogue.visibility import (
    LISTED_STATUSES,  # noqa: F401 (its former home, still imported)
    visibility_for,
)

from .organisations import Organisation
from .vocabularies import Theme


def _ids(values):
    # Never tested for truth: a lazy queryset would run instead of becoming a subquery.
    return [] if values is None else values


class DatasetQuerySet(models.QuerySet):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> "DatasetQuerySet":
        """The one place the database decides who sees which dataset, and whose download
        links: `catalogue.visibility.visibility_for(user)` translated into a filter.

        Drafts: members of the owning organisation. Published and withdrawn records: PUBLIC to
        anyone, GOVERNMENT to signed-in users, ORGANISATION to members and holders of an active
        grant. Download URLs of non-OPEN data: members and active grant holders. Annotates every
        row with `downloads_visible` so serializers and templates never decide it themselves.
        """
        rule = visibility_for(user)
        open_data = Q(access_rights=v.AccessRights.OPEN)
        if rule.everything:
            return self.annotate(downloads_visible=Value(True, output_field=BooleanField()))
        listed = Q(status__in=rule.listed_statuses)
        shown = Q(metadata_visibility__in=rule.metadata_visibilities)
        if rule.member_organisations is None and rule.granted_datasets is None:
            return self.filter(listed & shown).annotate(
                downloads_visible=ExpressionWrapper(open_data, output_field=BooleanField())
            )
        # Both are subqueries when lazy, so rows are never duplicated.
        member = Q(publisher__in=_ids(rule.member_organisations))
        granted = Q(pk__in=_ids(rule.granted_datasets))
        return self.filter(member | (listed & (shown | granted))).annotate(
            downloads_visible=ExpressionWrapper(open_data | member | granted, BooleanField())
        )

    def published(self) -> "DatasetQuerySet":
        return self.filter(status=v.DatasetStatus.PUBLISHED)

    def has_keyword(self, keywords: list[str]) -> "DatasetQuerySet":
        """Datasets tagged with any of the keywords, matched whole and case-insensitively."""
        # The JSON text of the list is searched for the quoted keyword; SQLite stores JSON
        # ASCII-escaped, PostgreSQL's jsonb prints it as UTF-8.
        ascii_only = connection.vendor != "postgresql"
        match = Q()
        for keyword in keywords:
            match |= Q(keyword__icontains=json.dumps(keyword, ensure_ascii=ascii_only))
        return self.filter(match)

    def search(self, text: str, *, narrowed: bool = False) -> "DatasetQuerySet":
        """Full-text matches, annotated with search_rank, exact_match and title_match.
        `narrowed`: other filters will cut the matches down."""
        return text_search(self, text, narrowed=narrowed)

    def owned_by(self, organisation: Organisation) -> "DatasetQuerySet":
        return self.filter(publisher=organisation)

    def harvested_from(self, source_id: int) -> "DatasetQuerySet":
        return self.filter(harvest_source_id=source_id)


class Dataset(models.Model):
    Status = v.DatasetStatus
    Type = v.DatasetType

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    identifier = models.CharField(max_length=500, db_index=True, blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    type = models.CharField(
        max_length=20, choices=v.DatasetType.choices, default=v.DatasetType.DATASET
    )
    title = models.CharField(max_length=200)
    alternative_title = models.JSONField(default=list, blank=True)
    summary = models.CharField(max_length=250, blank=True)
    description = models.TextField(max_length=4096, blank=True)
    keyword = models.JSONField(default=list, blank=True)
    theme = models.ManyToManyField(Theme, blank=True, related_name="datasets")
    publisher = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="datasets")
    creator = models.JSONField(default=list, blank=True)
    licence = models.CharField(max_length=500, blank=True, default=v.OGL_V3)
    access_rights = models.CharField(
        max_length=20, choices=v.AccessRights.choices, default=v.AccessRights.OPEN
    )
    security_classification = models.CharField(
        max_length=20,
        choices=v.SecurityClassification.choices,
        default=v.SecurityClassification.OFFICIAL,
    )
    handling_caveat = models.CharField(
        max_length=30, choices=v.HandlingCaveat.choices, blank=True, default=""
    )
    personal_data = models.CharField(
        max_length=20, choices=v.PersonalData.choices, default=v.PersonalData.NONE
    )
    update_frequency = models.CharField(
        max_length=20, choices=v.UpdateFrequency.choices, blank=True, default=""
    )
    issued = models.DateTimeField(null=True, blank=True)
    modified = models.DateTimeField(null=True, blank=True)
    version = models.CharField(max_length=50, blank=True)
    spatial = models.CharField(max_length=500, blank=True)
    temporal_start = models.DateField(null=True, blank=True)
    temporal_end = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=v.DatasetStatus.choices, default=v.DatasetStatus.DRAFT, db_index=True
    )
    metadata_visibility = models.CharField(
        max_length=20, choices=v.MetadataVisibility.choices, default=v.MetadataVisibility.PUBLIC
    )
    landing_page = models.URLField(max_length=1000, blank=True)
    # DataService
    endpoint_url = models.URLField(max_length=1000, blank=True)
    endpoint_description = models.URLField(max_length=1000, blank=True)
    serves_dataset = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="served_by"
    )
    service_status = models.CharField(
        max_length=20, choices=v.ServiceStatus.choices, blank=True, default=""
    )
    service_type = models.CharField(
        max_length=20, choices=v.ServiceType.choices, blank=True, default=""
    )
    # Metadata quality (data.europa.eu MQA points), recomputed on every write.
    quality_score = models.PositiveSmallIntegerField(default=0)
    quality_rating = models.CharField(max_length=20, blank=True, db_index=True)
    # Record bookkeeping: when this catalogue entry (not the data) was created and last changed.
    metadata_created = models.DateTimeField(auto_now_add=True)
    metadata_modified = models.DateTimeField(auto_now=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Harvest provenance: null/blank for datasets published here. (source, source_identifier)
    # is the idempotency key that keeps a redone run from creating duplicates.
    harvest_source = models.ForeignKey(
        "catalogue.HarvestSource",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="datasets",
    )
    source_identifier = models.CharField(max_length=2000, blank=True)
    source_url = models.CharField(max_length=2000, blank=True)
    source_publisher_name = models.CharField(max_length=500, blank=True)
    source_extras = models.JSONField(default=dict, blank=True)  # values we could not map
    content_hash = models.CharField(max_length=64, blank=True)
    harvested_at = models.DateTimeField(null=True, blank=True)
    last_harvest_job = models.ForeignKey(
        "catalogue.HarvestJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DatasetQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["publisher", "status"], name="dataset_publisher_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(temporal_end__isnull=True)
                | Q(temporal_start__isnull=True)
                | Q(temporal_end__gte=models.F("temporal_start")),
                name="dataset_temporal_order",
            ),
            models.UniqueConstraint(
                fields=["harvest_source", "source_identifier"],
                condition=Q(harvest_source__isnull=False),
                name="dataset_unique_harvest_record",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Distribution(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="distributions")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    access_url = models.URLField(max_length=2000, blank=True)
    download_url = models.URLField(max_length=2000, blank=True)
    media_type = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=100, blank=True)
    byte_size = models.BigIntegerField(null=True, blank=True)
    checksum = models.CharField(max_length=200, blank=True)
    licence = models.CharField(max_length=500, blank=True)
    conforms_to = models.CharField(max_length=1000, blank=True)
    # Link check (catalogue/services/validation.py): None until checked.
    link_ok = models.BooleanField(null=True, blank=True)
    link_status = models.PositiveSmallIntegerField(null=True, blank=True)
    link_error = models.CharField(max_length=500, blank=True)
    link_checked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    detected_format = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["position", "id"]
        # Formats are matched and counted case-insensitively (search filters and facets).
        indexes = [models.Index(Lower("format"), name="distribution_format_lower")]

    def __str__(self) -> str:
        return self.title or self.format or "Distribution"


class ContactPoint(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        CONTACT = "contact", "Contact"
        APPROVER = "approver", "Approver"

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="contact_points")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CONTACT)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
