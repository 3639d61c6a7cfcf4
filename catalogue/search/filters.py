"""Query parameters of the dataset list, shared by the API and the search page.

Values of closed vocabularies are checked, so a mistyped value is a 400 with a message rather
than an empty page that looks like "no results".
"""

import django_filters
from django import forms
from django.db.models.functions import Lower
from drf_spectacular.utils import extend_schema_field

from catalogue import quality
from catalogue import vocabularies as v
from catalogue.models import Dataset


class MultiValueField(forms.Field):
    """A query parameter that may repeat (`?theme=a&theme=b`): any of the values matches."""

    widget = forms.SelectMultiple

    def __init__(self, *args, allowed: list[str] | None = None, **kwargs):
        self.allowed = allowed
        super().__init__(*args, **kwargs)

    def to_python(self, value: list[str] | None) -> list[str]:
        return [item.strip() for item in value or [] if item and item.strip()]

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if self.allowed is None:
            return
        unknown = [item for item in value if item not in self.allowed]
        if unknown:
            raise forms.ValidationError(
                f"Unknown value {', '.join(repr(u) for u in unknown)}; "
                f"expected one of: {', '.join(self.allowed)}."
            )


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class MultiValueFilter(django_filters.Filter):
    field_class = MultiValueField

    def __init__(self, *args, allowed: list[str] | None = None, **kwargs):
        if allowed is not None:
            kwargs["allowed"] = allowed
        super().__init__(*args, **kwargs)

    def filter(self, qs, value: list[str]):
        if not value:
            return qs
        if self.method:
            return self.get_method(qs)(qs, self.field_name, value)
        return qs.filter(**{f"{self.field_name}__in": value})


class DatasetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Free text (web search syntax)")
    publisher = MultiValueFilter(
        field_name="publisher__slug", label="Publisher (organisation slug)"
    )
    organisation = MultiValueFilter(field_name="publisher__slug", label="Owning organisation slug")
    theme = MultiValueFilter(method="filter_theme", label="Theme slug")
    keyword = MultiValueFilter(method="filter_keyword", label="Keyword")
    format = MultiValueFilter(method="filter_format", label="Distribution format")
    licence = MultiValueFilter(field_name="licence", label="Licence URI")
    access_rights = MultiValueFilter(field_name="access_rights", allowed=v.AccessRights.values)
    security_classification = MultiValueFilter(
        field_name="security_classification", allowed=v.SecurityClassification.values
    )
    quality_rating = MultiValueFilter(
        field_name="quality_rating", allowed=[name for _, name in quality.RATINGS]
    )
    status = MultiValueFilter(field_name="status", allowed=v.DatasetStatus.values)
    type = MultiValueFilter(field_name="type", allowed=v.DatasetType.values)
    harvest_source = django_filters.NumberFilter(
        field_name="harvest_source_id", label="Harvest source id"
    )
    modified_since = django_filters.IsoDateTimeFilter(
        field_name="metadata_modified", lookup_expr="gte", label="Changed since (ISO 8601)"
    )

    class Meta:
        model = Dataset
        fields = []

    def filter_q(self, qs, name, value):
        return qs.search(value) if value.strip() else qs

    def filter_theme(self, qs, name, value):
        return qs.filter(
            pk__in=Dataset.theme.through.objects.filter(theme__slug__in=value).values("dataset_id")
        )

    def filter_keyword(self, qs, name, value):
        return qs.has_keyword(value)

    def filter_format(self, qs, name, value):
        distributions = Dataset.distributions.field.model.objects.annotate(fmt=Lower("format"))
        return qs.filter(
            pk__in=distributions.filter(fmt__in=[v.lower() for v in value]).values("dataset_id")
        )
