import django_filters
from django import forms
from django.db.models import Q

from catalogue.models import Dataset


class MultiValueField(forms.Field):
    """A query parameter that may repeat (`?theme=a&theme=b`): any of the values matches."""

    widget = forms.SelectMultiple

    def to_python(self, value: list[str] | None) -> list[str]:
        return [item.strip() for item in value or [] if item and item.strip()]


class MultiValueFilter(django_filters.Filter):
    field_class = MultiValueField

    def filter(self, qs, value: list[str]):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


class DatasetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Free text")
    publisher = MultiValueFilter(
        field_name="publisher__slug", label="Publisher (organisation slug)"
    )
    organisation = MultiValueFilter(field_name="publisher__slug", label="Owning organisation slug")
    theme = MultiValueFilter(method="filter_theme", label="Theme slug")
    keyword = MultiValueFilter(method="filter_keyword", label="Keyword")
    format = MultiValueFilter(method="filter_format", label="Distribution format")
    licence = MultiValueFilter(field_name="licence", label="Licence URI")
    access_rights = MultiValueFilter(field_name="access_rights")
    security_classification = MultiValueFilter(field_name="security_classification")
    status = MultiValueFilter(field_name="status")
    type = MultiValueFilter(field_name="type")
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
        return qs.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_theme(self, qs, name, value):
        return qs.filter(theme__slug__in=value).distinct() if value else qs

    def filter_keyword(self, qs, name, value):
        return qs.has_keyword(value) if value else qs

    def filter_format(self, qs, name, value):
        if not value:
            return qs
        match = Q()
        for fmt in value:
            match |= Q(distributions__format__iexact=fmt)
        return qs.filter(match).distinct()
