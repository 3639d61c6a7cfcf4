from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from governance.vocabularies import GrantStatus


class GrantQuerySet(models.QuerySet):
    def active(self) -> "GrantQuerySet":
        """Grants in force now: active and not past their end, even before the beat expires them."""
        return self.filter(status=GrantStatus.ACTIVE, end__gt=Now())


class Grant(models.Model):
    """Permission for one user to see one dataset's restricted metadata and downloads, until `end`.

    Catalogue's visibility rule reads the active ones through the hook registered in
    governance/apps.py (`catalogue.visibility.register_granted_datasets`).
    """

    Status = GrantStatus

    dataset = models.ForeignKey(
        "catalogue.Dataset", on_delete=models.PROTECT, related_name="grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants"
    )
    access_request = models.OneToOneField(
        "governance.AccessRequest", on_delete=models.PROTECT, related_name="grant"
    )
    status = models.CharField(
        max_length=20, choices=GrantStatus.choices, default=GrantStatus.ACTIVE, db_index=True
    )
    start = models.DateTimeField()
    end = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)
    expiry_notified_at = models.DateTimeField(null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["user", "status", "end"], name="grant_user_status_end")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="grant_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.dataset} ({self.status})"
