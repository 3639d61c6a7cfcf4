from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from catalogue.errors import TransitionError
from catalogue.fields import DATASET_FIELDS, Section
from catalogue.harvest.types import source_type_choices, unknown_source_type_message
from catalogue.models import (
    ContactPoint,
    Dataset,
    Distribution,
    HarvestJob,
    HarvestSource,
    Licence,
    Membership,
    Organisation,
    Theme,
)
from catalogue.services.changes import datasets_changed
from catalogue.services.datasets import datasets_transition_as_publisher
from catalogue.vocabularies import DatasetStatus


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "abbreviation", "organisation_type", "parent"]
    list_filter = ["organisation_type"]
    search_fields = ["title", "slug", "abbreviation"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "title" in form.changed_data:  # the publisher's title is indexed
            datasets_changed(
                ids=obj.datasets.values_list("pk", flat=True), reason="organisation renamed"
            )

    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["parent"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__title"]
    raw_id_fields = ["user", "organisation"]


class DistributionInline(admin.StackedInline):
    model = Distribution
    extra = 0
    fields = [
        ("title", "format", "media_type"),
        ("download_url", "access_url"),
        ("byte_size", "licence"),
    ]


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    extra = 0


def dataset_fieldsets() -> list[tuple[str | None, dict]]:
    """The admin's sections of a dataset: the rows of catalogue/fields.py that are model
    columns or relations, grouped by their section, in table order."""
    own = {f.name for f in Dataset._meta.get_fields() if not f.auto_created or f.concrete}
    sections: dict[Section, list[str]] = {section: [] for section in Section}
    for row in DATASET_FIELDS:
        if row.name in own:
            sections[row.section].append(row.name)
    return [
        (
            section.value or None,
            {"fields": names, **({"classes": ["collapse"]} if section == Section.SERVICE else {})},
        )
        for section, names in sections.items()
        if names
    ]


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    """Status is read-only here: publishing and withdrawing go through the services."""

    list_display = [
        "title",
        "publisher",
        "status",
        "access_rights",
        "metadata_visibility",
        "quality_rating",
        "metadata_modified",
    ]
    list_filter = [
        "status",
        "type",
        "access_rights",
        "metadata_visibility",
        "security_classification",
        "personal_data",
        "quality_rating",
        "theme",
        "publisher",
    ]
    search_fields = ["title", "slug", "identifier", "description"]
    readonly_fields = [f.name for f in DATASET_FIELDS if f.managed]
    raw_id_fields = ["publisher", "created_by"]
    filter_horizontal = ["theme"]
    autocomplete_fields = ["serves_dataset"]
    date_hierarchy = "metadata_modified"
    list_select_related = ["publisher"]
    inlines = [DistributionInline, ContactPointInline]

    actions = ["publish_selected", "withdraw_selected"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the inlines and themes are saved: they are scored and indexed too.
        datasets_changed(ids=[form.instance.pk], reason="admin edit")

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        datasets_changed(ids=[pk], reason="admin delete")  # readers drop the missing ids

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        datasets_changed(ids=ids, reason="admin delete")

    def _transition(self, request, queryset, to: str, done: str) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        try:
            moved = datasets_transition_as_publisher(
                actor=request.user, ids=ids, to=to, comment="From the admin."
            )
        except (TransitionError, PermissionDenied) as exc:
            self.message_user(request, f"Nothing was changed. {exc}", messages.ERROR)
            return
        self.message_user(request, f"{len(moved)} dataset(s) {done}.", messages.SUCCESS)

    @admin.action(description="Publish the selected draft datasets")
    def publish_selected(self, request, queryset):
        self._transition(request, queryset, DatasetStatus.PUBLISHED, "published")

    @admin.action(description="Withdraw the selected datasets")
    def withdraw_selected(self, request, queryset):
        self._transition(request, queryset, DatasetStatus.WITHDRAWN, "withdrawn")

    fieldsets = dataset_fieldsets()


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["title", "slug"]
    search_fields = ["title", "slug"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # theme titles and slugs are indexed and shown in the feeds
            datasets_changed(ids=obj.datasets.values_list("pk", flat=True), reason="theme edited")

    def delete_model(self, request, obj):
        ids = list(obj.datasets.values_list("pk", flat=True))
        super().delete_model(request, obj)
        datasets_changed(ids=ids, reason="theme deleted")  # fewer themes: a lower score

    def delete_queryset(self, request, queryset):
        ids = list(Dataset.objects.filter(theme__in=queryset).values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        datasets_changed(ids=ids, reason="theme deleted")


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "uri", "is_open"]
    list_filter = ["is_open"]
    search_fields = ["title", "slug", "uri"]

    def save_model(self, request, obj, form, change):
        # A dataset's licence is a URI: one that becomes (or stops being) known changes scores.
        old = Licence.objects.filter(pk=obj.pk).values_list("uri", flat=True).first()
        super().save_model(request, obj, form, change)
        if old != obj.uri:
            uris = {obj.uri} | ({old} if old else set())
            datasets_changed(
                ids=Dataset.objects.filter(licence__in=uris).values_list("pk", flat=True),
                reason="licence list changed",
            )


class HarvestJobInline(admin.TabularInline):
    model = HarvestJob
    extra = 0
    can_delete = False
    fields = [
        "status",
        "queued_at",
        "finished_at",
        "created",
        "updated",
        "unchanged",
        "withdrawn",
        "failed",
    ]
    readonly_fields = fields
    show_change_link = True


class HarvestSourceAdminForm(forms.ModelForm):
    # The model field has no choices (a new type needs no migration): the registry gives them.
    source_type = forms.ChoiceField(
        choices=source_type_choices,
        error_messages={"invalid_choice": unknown_source_type_message("%(value)s")},
    )

    class Meta:
        model = HarvestSource
        fields = ["organisation", "title", "url", "source_type", "schedule", "enabled", "config",
                  "last_full_run_at", "created_by"]  # fmt: skip


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin):
    form = HarvestSourceAdminForm
    list_display = ["title", "organisation", "type_label", "schedule", "enabled"]
    list_filter = ["source_type", "enabled", "organisation"]
    search_fields = ["title", "url"]
    raw_id_fields = ["organisation", "created_by"]
    # credentials are left out of the form: write-only, set through the API or the pages
    inlines = [HarvestJobInline]

    @admin.display(description="Type", ordering="source_type")
    def type_label(self, obj: HarvestSource) -> str:
        return obj.get_source_type_display()


@admin.register(HarvestJob)
class HarvestJobAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "source",
        "status",
        "queued_at",
        "finished_at",
        "created",
        "updated",
        "withdrawn",
        "failed",
    ]
    list_filter = ["status"]
    raw_id_fields = ["source", "requested_by"]
    readonly_fields = [f.name for f in HarvestJob._meta.fields]
