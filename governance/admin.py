"""Admin: policies are edited here; requests, grants and the audit log are read here.

Status never changes through the admin: transitions, grants and revocations go through the
services, which check roles and audit. Audit events can be neither changed nor deleted.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from governance.models import AccessRequest, ApprovalStep, AuditEvent, GovernancePolicy, Grant
from governance.rules import validate_policy_rules
from governance.services import governance_policy_set
from governance.services.policies import POLICY_FIELDS


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class GovernancePolicyForm(forms.ModelForm):
    class Meta:
        model = GovernancePolicy
        fields = ["organisation", "dataset", *POLICY_FIELDS]

    def clean(self):
        data = super().clean()
        if bool(data.get("organisation")) == bool(data.get("dataset")):
            raise ValidationError("Choose an organisation (its defaults) or one dataset, not both.")
        errors = validate_policy_rules(data)
        if errors:
            raise ValidationError(errors)
        return data


@admin.register(GovernancePolicy)
class GovernancePolicyAdmin(admin.ModelAdmin):
    """Saving goes through governance_policy_set, so policy changes are audited."""

    form = GovernancePolicyForm
    list_display = ["__str__", "access_route", "max_grant_days", "updated_at"]
    raw_id_fields = ["organisation", "dataset"]
    search_fields = ["organisation__title", "dataset__title"]

    def save_model(self, request, obj, form, change):
        policy = governance_policy_set(
            actor=request.user,
            organisation=obj.organisation,
            dataset=obj.dataset,
            rules={f: getattr(obj, f) for f in POLICY_FIELDS},
        )
        obj.pk = policy.pk


class ApprovalStepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0
    can_delete = False
    readonly_fields = ["round", "position", "role", "status", "decided_by", "decided_at", "comment"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyAdmin):
    list_display = ["reference", "dataset", "requester", "requesting_organisation", "status",
                    "submitted_at", "decided_at"]  # fmt: skip
    list_filter = ["status", "dataset__publisher"]
    search_fields = ["dataset__title", "requester__username", "purpose"]
    inlines = [ApprovalStepInline]


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["dataset", "user", "status", "start", "end", "ended_at"]
    list_filter = ["status", "dataset__publisher"]
    search_fields = ["dataset__title", "user__username"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_username", "organisation", "verb", "object_repr", "from_state",
                    "to_state", "rule"]  # fmt: skip
    list_filter = ["verb", "object_type", "organisation"]
    search_fields = ["object_repr", "actor_username", "comment", "object_id", "request_id"]
    date_hierarchy = "at"

    def get_actions(self, request):
        return {}  # not even "delete selected"
