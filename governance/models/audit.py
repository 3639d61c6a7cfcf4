from django.conf import settings
from django.db import models

from governance.vocabularies import AuditVerb


class AuditEventQuerySet(models.QuerySet):
    """Bulk changes are refused too; the database trigger is the last line, not the only one."""

    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only; they cannot be changed.")

    def delete(self):
        raise PermissionError("Audit events are append-only; they cannot be deleted.")


class AuditEvent(models.Model):
    """One line of the append-only governance log.

    Rows are only ever inserted (governance.services.audit.audit_record). On PostgreSQL a
    trigger refuses UPDATE and DELETE; save() and delete() refuse them on every database.
    """

    Verb = AuditVerb

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)  # "system" for the beat
    # The organisation whose data was acted on: its officers read this row.
    organisation = models.ForeignKey(
        "catalogue.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verb = models.CharField(max_length=40, choices=AuditVerb.choices, db_index=True)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)
    rule = models.CharField(max_length=100, blank=True)  # the governance rule that decided
    request_id = models.CharField(max_length=64, blank=True)  # the HTTP request, for tracing

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["organisation", "at"], name="audit_organisation_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.verb} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only; they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only; they cannot be deleted.")
