import datetime as dt
import re

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalogue.harvest.types import SOURCE_TYPES
from catalogue.models.organisations import Organisation

_INTERVAL = re.compile(r"^(\d+)\s*([mhd])$")
NAMED_SCHEDULES = {
    "hourly": dt.timedelta(hours=1),
    "daily": dt.timedelta(days=1),
    "weekly": dt.timedelta(weeks=1),
}


def parse_schedule(value: str) -> dt.timedelta | None:
    """How often a source is harvested: "manual" (None), hourly/daily/weekly, or "<n>m|h|d".

    Raises ValueError for anything else.
    """
    text = (value or "manual").strip().lower()
    if text == "manual":
        return None
    if text in NAMED_SCHEDULES:
        return NAMED_SCHEDULES[text]
    match = _INTERVAL.match(text)
    if not match or int(match[1]) == 0:
        raise ValueError(
            f"“{value}” is not a schedule. Use manual, hourly, daily, weekly, or an interval "
            "such as 30m, 6h or 2d."
        )
    unit = {"m": "minutes", "h": "hours", "d": "days"}[match[2]]
    interval = dt.timedelta(**{unit: int(match[1])})
    if interval < dt.timedelta(minutes=5):
        raise ValueError("Harvest no more often than every 5 minutes.")
    return interval


class HarvestSource(models.Model):
    """Another catalogue whose datasets this organisation brings in by harvesting."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="harvest_sources"
    )
    title = models.CharField(max_length=200)
    # Blank for sources only ever harvested from files by an operator (manage.py harvest --file).
    url = models.CharField(max_length=2000, blank=True)
    # A name from the registry in catalogue/harvest/types.py. No `choices` here, so a new type
    # needs no migration; the service, API, pages, admin and command check it against the
    # registry.
    source_type = models.CharField(max_length=20)
    schedule = models.CharField(max_length=20, default="manual")
    enabled = models.BooleanField(default=True)
    # Options: `shrink_threshold` (0 to 1), `incremental` (CKAN/marketplace), `page_size`.
    config = models.JSONField(default=dict, blank=True)
    # Write-only: {"username", "password"} | {"token"} | {"headers": {...}}. Never returned.
    credentials = models.JSONField(default=dict, blank=True)
    last_full_run_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organisation__title", "title"]

    def __str__(self) -> str:
        return self.title

    def get_source_type_display(self) -> str:
        # What Django would generate from `choices`, read from the registry instead.
        kind = SOURCE_TYPES.get(self.source_type)
        return kind.label if kind else self.source_type

    @property
    def interval(self) -> dt.timedelta | None:
        try:
            return parse_schedule(self.schedule)
        except ValueError:
            return None


class HarvestJob(models.Model):
    """One run of a source. At most one queued or running job per source (a database rule)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTIAL = "partial", "Finished with problems"
        FAILED = "failed", "Failed"

    ACTIVE = [Status.QUEUED, Status.RUNNING]

    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    origin = models.CharField(max_length=2000, blank=True)  # URL or file name harvested
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written with every committed batch; a running job whose heartbeat stops lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # Records this source lists that another source of this catalogue already holds, by that
    # source's title: {"data.gov.uk": 12}. They are listed in the dataset's provenance, not copied.
    held_elsewhere = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)  # source-level notes

    class Meta:
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(status__in=["queued", "running"]),
                name="harvest_job_one_active_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} #{self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class HarvestRecordIssue(models.Model):
    """A record that failed (not imported) or was imported with a quality warning."""

    class Level(models.TextChoices):
        ERROR = "error", "Error"
        WARNING = "warning", "Warning"

    job = models.ForeignKey(HarvestJob, on_delete=models.CASCADE, related_name="issues")
    level = models.CharField(max_length=10, choices=Level.choices)
    identifier = models.CharField(max_length=2000)
    message = models.TextField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.identifier}: {self.message}"
