import json
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, models
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.functions import Lower

from catalogue import vocabularies as v
from catalogue.fields import FIELDS, Kind
from catalogue.mediatypes import file_name
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


_MODEL_FIELDS: dict[Kind, type[models.Field]] = {
    Kind.SHORT_TEXT: models.CharField,
    Kind.LONG_TEXT: models.TextField,
    Kind.TEXT_LIST: models.JSONField,
    Kind.CHOICE: models.CharField,
    Kind.DATE: models.DateField,
    Kind.DATETIME: models.DateTimeField,
    Kind.URL: models.URLField,
    Kind.IDENTIFIER: models.CharField,
    Kind.NUMBER: models.IntegerField,
}


def labels(name: str) -> dict[str, str]:
    """The label and hint of a row of catalogue/fields.py, as model field arguments."""
    row = FIELDS[name]
    return {"verbose_name": row.label, "help_text": row.hint}


def model_field(name: str, cls: type[models.Field] | None = None, **kwargs) -> models.Field:
    """The model field of a row of catalogue/fields.py: its kind, length, label and hint.

    Database-only facts (defaults, indexes, uniqueness) are given here as keyword arguments.
    """
    row = FIELDS[name]
    facts: dict = labels(name)
    if row.kind == Kind.TEXT_LIST:
        facts.update(default=list, blank=True)  # the length caps each item, on input only
    elif row.kind in (Kind.DATE, Kind.DATETIME):
        facts.update(null=True, blank=True)
    elif row.kind == Kind.CHOICE:
        choices = getattr(v, row.vocabulary)
        facts.update(max_length=row.max_length, choices=choices.choices)
        if "" in choices.values:  # "not stated" is a member of the vocabulary
            facts.update(blank=True, default="")
    elif row.kind != Kind.NUMBER:
        facts["blank"] = not row.required
        if row.max_length is not None:
            facts["max_length"] = row.max_length
    return (cls or _MODEL_FIELDS[row.kind])(**{**facts, **kwargs})


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

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, **labels("id"))
    identifier = model_field("identifier", db_index=True)
    slug = model_field("slug", models.SlugField, unique=True, blank=False)  # made from the title
    type = model_field("type", default=v.DatasetType.DATASET)
    title = model_field("title")
    alternative_title = model_field("alternative_title")
    summary = model_field("summary")
    # Publishers must describe their data; harvested records may come without a description.
    description = model_field("description", blank=True)
    keyword = model_field("keyword")
    theme = models.ManyToManyField(Theme, blank=True, related_name="datasets", **labels("theme"))
    publisher = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="datasets", **labels("publisher")
    )
    creator = model_field("creator")
    licence = model_field("licence", default=v.OGL_V3)
    access_rights = model_field("access_rights", default=v.AccessRights.OPEN)
    security_classification = model_field(
        "security_classification", default=v.SecurityClassification.OFFICIAL
    )
    handling_caveat = model_field("handling_caveat")
    personal_data = model_field("personal_data", default=v.PersonalData.NONE)
    update_frequency = model_field("update_frequency")
    issued = model_field("issued")
    modified = model_field("modified")
    version = model_field("version")
    spatial = model_field("spatial")
    temporal_start = model_field("temporal_start")
    temporal_end = model_field("temporal_end")
    status = model_field("status", default=v.DatasetStatus.DRAFT, db_index=True)
    metadata_visibility = model_field("metadata_visibility", default=v.MetadataVisibility.PUBLIC)
    landing_page = model_field("landing_page")
    # DataService
    endpoint_url = model_field("endpoint_url")
    endpoint_description = model_field("endpoint_description")
    serves_dataset = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="served_by", **labels("serves_dataset")
    )
    service_status = model_field("service_status")
    service_type = model_field("service_type")
    # Metadata quality (data.europa.eu MQA points), recomputed on every write.
    quality_score = model_field("quality_score", models.PositiveSmallIntegerField, default=0)
    quality_rating = model_field("quality_rating", db_index=True)
    # Record bookkeeping: when this catalogue entry (not the data) was created and last changed.
    metadata_created = model_field("metadata_created", auto_now_add=True, null=False)
    metadata_modified = model_field("metadata_modified", auto_now=True, null=False, db_index=True)
    published_at = model_field("published_at")
    withdrawn_at = model_field("withdrawn_at")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        **labels("created_by"),
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
    # The original publisher's IRI or homepage, where the source gave one.
    source_publisher_uri = models.CharField(max_length=2000, blank=True)
    # The dataset's IRI at its original source, kept across every hop; blank for datasets
    # published here, whose IRI is their address in this catalogue.
    iri = models.CharField(max_length=2000, blank=True, db_index=True)
    # Other sources of this catalogue that offer the same dataset (same IRI, or same identifier
    # and original publisher): listed in its provenance instead of being held twice.
    also_from = models.ManyToManyField(
        "catalogue.HarvestSource", blank=True, related_name="also_datasets"
    )
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
        return self.label

    @property
    def label(self) -> str:
        """What to call it when the source gave no title: its format, else its file name."""
        return (
            self.title
            or self.format
            or file_name(self.download_url or self.access_url)
            or "Data file"
        )


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
