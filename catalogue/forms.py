"""The publishing form: the rows of catalogue/fields.py marked `form`, plus one contact and one
data file. Field kinds, lengths, labels and hints come from the table; choices and defaults from
the model built from it."""

from django import forms
from django.core.validators import URLValidator

from catalogue.fields import FIELDS, DatasetField, Kind, rows
from catalogue.models import Dataset, Licence, Organisation, Theme

FORM_ROWS = list(rows(form=True))
# Rows whose input needs more than the table says: a queryset or the licence list.
_DECLARED = {"publisher", "theme", "licence"}


def _labels(name: str) -> dict:
    row = FIELDS[name]
    return {"label": row.form_label, "help_text": row.hint}


def form_field(row: DatasetField) -> forms.Field:
    """The form input for a row of the table."""
    model_field = Dataset._meta.get_field(row.name)
    common = {**_labels(row.name), "required": row.required or not model_field.blank}
    if row.kind == Kind.CHOICE:
        default = model_field.default if model_field.has_default() else None
        widget = forms.RadioSelect if row.radios else forms.Select
        return forms.ChoiceField(
            choices=model_field.choices, widget=widget, initial=default or None, **common
        )
    if row.kind == Kind.TEXT_LIST:
        return forms.CharField(**common)  # comma-separated: split by service_data
    if row.kind == Kind.LONG_TEXT:
        textarea = forms.Textarea(attrs={"rows": 8})
        return forms.CharField(max_length=row.max_length, widget=textarea, **common)
    if row.kind == Kind.URL:
        return forms.URLField(max_length=row.max_length, assume_scheme="https", **common)
    if row.kind == Kind.DATE:
        return forms.DateField(**common)
    if row.kind == Kind.DATETIME:
        return forms.DateTimeField(**common)
    if row.kind in (Kind.SHORT_TEXT, Kind.IDENTIFIER):
        return forms.CharField(max_length=row.max_length, **common)
    raise ValueError(f"the publishing form has no input for {row.kind} ({row.name})")


_TableFields = type(forms.Form)(
    "_TableFields",
    (forms.Form,),
    {row.name: form_field(row) for row in FORM_ROWS if row.name not in _DECLARED},
)


class DatasetForm(_TableFields):
    """The fields a publisher fills in. Cleaned data has the shape the dataset services take."""

    publisher = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), empty_label=None, **_labels("publisher")
    )
    theme = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        to_field_name="slug", **_labels("theme"),
    )  # fmt: skip
    licence = forms.ChoiceField(choices=(), **_labels("licence"))
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

    field_order = ["publisher", *(row.name for row in FORM_ROWS)]

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
        for row in FORM_ROWS:
            if row.kind == Kind.TEXT_LIST:
                items = [" ".join(k.split()) for k in data.pop(row.name, "").split(",")]
                data[row.name] = list(dict.fromkeys(k for k in items if k))
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
        initial = {}
        for row in FORM_ROWS:
            if row.kind == Kind.TEXT_LIST:
                initial[row.name] = ", ".join(getattr(dataset, row.name))
            elif row.kind != Kind.REFERENCE:
                initial[row.name] = getattr(dataset, row.name)
        initial.update(
            publisher=dataset.publisher_id,
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
