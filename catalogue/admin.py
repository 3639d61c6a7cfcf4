from django.contrib import admin

from catalogue.fields import DATASET_FIELDS, Section
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
from catalogue.search import index_datasets


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
        index_datasets(obj.datasets.values_list("pk", flat=True))  # publisher title is indexed

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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        index_datasets([form.instance.pk])  # after themes are saved: they are indexed too

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        index_datasets([pk])  # a search index kept outside the database drops it too

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        index_datasets(ids)

    fieldsets = dataset_fieldsets()


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["title", "slug"]
    search_fields = ["title", "slug"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        index_datasets(obj.datasets.values_list("pk", flat=True))  # theme titles are indexed


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "uri", "is_open"]
    list_filter = ["is_open"]
    search_fields = ["title", "slug", "uri"]


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


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "source_type", "schedule", "enabled"]
    list_filter = ["source_type", "enabled", "organisation"]
    search_fields = ["title", "url"]
    raw_id_fields = ["organisation", "created_by"]
    exclude = ["credentials"]  # write-only: set through the API or the harvest pages
    inlines = [HarvestJobInline]


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
