from django import forms
from django.core.validators import URLValidator

from catalogue.models import Licence, Organisation, Theme
from catalogue.vocabularies import (
    AccessRights,
    HandlingCaveat,
    MetadataVisibility,
    PersonalData,
    SecurityClassification,
    UpdateFrequency,
)


class DatasetForm(forms.Form):
    """The fields a publisher fills in. Cleaned data has the shape the dataset services take."""

    publisher = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Publishing organisation", empty_label=None
    )
    title = forms.CharField(max_length=200, help_text="Say what the data is, in sentence case.")
    summary = forms.CharField(
        max_length=250, required=False, help_text="One or two sentences shown in search results."
    )
    description = forms.CharField(
        max_length=4096, widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What the data contains, how it was collected, its limits. Markdown is allowed.",
    )  # fmt: skip
    keyword = forms.CharField(
        required=False, label="Keywords", help_text="Separate keywords with commas."
    )
    theme = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Themes", to_field_name="slug",
    )  # fmt: skip
    licence = forms.ChoiceField(choices=(), label="Licence")
    access_rights = forms.ChoiceField(
        choices=AccessRights.choices, widget=forms.RadioSelect, label="Who can use the data",
        initial=AccessRights.OPEN,
    )  # fmt: skip
    metadata_visibility = forms.ChoiceField(
        choices=MetadataVisibility.choices, widget=forms.RadioSelect,
        label="Who can see this description", initial=MetadataVisibility.PUBLIC,
    )  # fmt: skip
    security_classification = forms.ChoiceField(
        choices=SecurityClassification.choices, initial=SecurityClassification.OFFICIAL
    )
    handling_caveat = forms.ChoiceField(choices=HandlingCaveat.choices, required=False)
    personal_data = forms.ChoiceField(
        choices=PersonalData.choices, widget=forms.RadioSelect, initial=PersonalData.NONE,
        label="Does the data include personal data?",
    )  # fmt: skip
    update_frequency = forms.ChoiceField(
        choices=UpdateFrequency.choices, required=False, label="How often is it updated?"
    )
    spatial = forms.CharField(
        max_length=500, required=False, label="Area covered", help_text="For example, England."
    )
    temporal_start = forms.DateField(required=False, label="Period covered: from (YYYY-MM-DD)")
    temporal_end = forms.DateField(required=False, label="Period covered: to (YYYY-MM-DD)")
    contact_name = forms.CharField(max_length=200, required=False, label="Contact name")
    contact_email = forms.EmailField(required=False, label="Contact email")
    distribution_title = forms.CharField(max_length=300, required=False, label="Data file title")
    distribution_url = forms.URLField(
        max_length=2000, required=False, label="Data file link", assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )  # fmt: skip
    distribution_format = forms.CharField(
        max_length=100, required=False, label="File format", help_text="For example, CSV."
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = organisations
        self.fields["licence"].choices = [(lic.uri, lic.title) for lic in Licence.objects.all()]

    def clean(self):
        data = super().clean()
        start, end = data.get("temporal_start"), data.get("temporal_end")
        if start and end and end < start:
            self.add_error("temporal_end", "The end of the period must not be before its start.")
        if data.get("contact_name") and not data.get("contact_email"):
            self.add_error("contact_email", "Give an email address for the contact.")
        return data

    def service_data(self) -> dict:
        """Cleaned data in the terms of catalogue.services.dataset_create/update."""
        data = dict(self.cleaned_data)
        keywords = [" ".join(k.split()) for k in data.pop("keyword", "").split(",")]
        data["keyword"] = list(dict.fromkeys(k for k in keywords if k))
        data["theme"] = list(data["theme"])
        name, email = data.pop("contact_name"), data.pop("contact_email")
        data["contact_point"] = [{"name": name, "email": email, "role": "contact"}] if email else []
        title, url, fmt = (data.pop(f"distribution_{k}") for k in ("title", "url", "format"))
        data["distribution"] = (
            [{"title": title or fmt or "Data", "download_url": url, "format": fmt}] if url else []
        )
        return data

    @classmethod
    def initial_for(cls, dataset) -> dict:
        contact = dataset.contact_points.first()
        distribution = dataset.distributions.first()
        fields = [
            "title", "summary", "description", "licence", "access_rights", "metadata_visibility",
            "security_classification", "handling_caveat", "personal_data", "update_frequency",
            "spatial", "temporal_start", "temporal_end",
        ]  # fmt: skip
        initial = {f: getattr(dataset, f) for f in fields}
        initial.update(
            publisher=dataset.publisher_id,
            keyword=", ".join(dataset.keyword),
            theme=[t.slug for t in dataset.theme.all()],
            contact_name=contact.name if contact else "",
            contact_email=contact.email if contact else "",
            distribution_title=distribution.title if distribution else "",
            distribution_url=(distribution.download_url or distribution.access_url)
            if distribution
            else "",
            distribution_format=distribution.format if distribution else "",
        )
        return initial
