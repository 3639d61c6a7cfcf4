"""The dataset fields, each declared once: what it holds, its limits, its words, where it goes.

The model (`catalogue.models.datasets.model_field`), the API serializers, the publishing form,
the admin, the harvest mapping, the dataset page and the dataset services read this table
instead of keeping their own lists, so a simple new field is one row here plus the model line
that builds it (docs/extending.md). Plain Python, importable without Django settings, so the
Django-free harvest parsers and the search backends may read it too.

Vocabularies are named, not imported (`vocabulary="AccessRights"` is
`catalogue.vocabularies.AccessRights`), to keep this module free of Django.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Kind(StrEnum):
    SHORT_TEXT = "short_text"  # one line
    LONG_TEXT = "long_text"  # paragraphs, Markdown allowed
    TEXT_LIST = "text_list"  # a JSON list of short texts
    CHOICE = "choice"  # one code of a closed vocabulary
    DATE = "date"
    DATETIME = "datetime"
    URL = "url"
    IDENTIFIER = "identifier"  # a URI or code, shown verbatim
    NUMBER = "number"
    REFERENCE = "reference"  # other records: an organisation, themes, datasets, a user
    NESTED = "nested"  # records of their own, written with the dataset (contacts, files)


class Section(StrEnum):
    """The groups the admin shows fields in, in this order."""

    DESCRIPTION = ""
    ACCESS = "Access"
    COVERAGE = "Coverage and dates"
    SERVICE = "Data service"
    RECORD = "Record"


class Page(StrEnum):
    """Where the dataset page shows a field."""

    HEADING = "heading"  # the page title
    LEAD = "lead"  # the paragraph under the title
    ACCESS = "access"  # "How to get this data"
    LINKS = "links"  # "Data links"
    DESCRIPTION = "description"
    DETAILS = "details"  # a row of "About this data"
    CONTACT = "contact"


class Weight(StrEnum):
    """Full-text weight groups, as in catalogue/search/postgres.py: A ranks highest."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class Profile(StrEnum):
    """Exchange formats whose property names a row may carry (the format profiles fill these)."""

    DCAT_AP_3 = "dcat-ap-3"
    DCAT_US_1_1 = "dcat-us-1.1"
    CKAN = "ckan"


_NO_PROPERTIES: Mapping[Profile, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class DatasetField:
    name: str
    kind: Kind
    label: str  # short noun phrase: admin, API documentation, dataset page
    hint: str = ""  # help text under the form input and in the admin
    question: str = ""  # the publishing form's label, when it asks rather than names
    max_length: int | None = None  # characters of the value (of each item for TEXT_LIST)
    vocabulary: str = ""  # CHOICE: a TextChoices class of catalogue.vocabularies
    many: bool = False  # REFERENCE / NESTED: several records
    required: bool = False  # publishers must give it (form and API input)
    api_output: bool = True  # in the API's dataset JSON
    api_input: bool = False  # publishers may send it to the API
    form: bool = False  # on the publishing form
    radios: bool = False  # form: radio buttons rather than a select
    managed: bool = False  # set by the services only: read-only in the admin too
    section: Section = Section.DESCRIPTION
    page: Page | None = None
    facet: bool = False  # a search filter with counts
    weight: Weight | None = None  # full-text search weight group; None: not searched
    properties: Mapping[Profile, str] = field(default_factory=lambda: _NO_PROPERTIES)

    @property
    def form_label(self) -> str:
        return self.question or self.label


def _f(name: str, kind: Kind, label: str, **facts) -> DatasetField:
    return DatasetField(name=name, kind=kind, label=label, **facts)


K, S = Kind, Section
_EDIT = {"api_input": True, "form": True}

# Order matters: it is the order of the API's JSON, of each admin section, of the form and of
# the rows of "About this data".
DATASET_FIELDS: tuple[DatasetField, ...] = (
    _f("id", K.IDENTIFIER, "ID", managed=True),
    _f("slug", K.IDENTIFIER, "Short name", max_length=120,
       hint="The dataset's address on this site."),
    _f("type", K.CHOICE, "Type", max_length=20, vocabulary="DatasetType", api_input=True),
    _f("status", K.CHOICE, "Status", max_length=20, vocabulary="DatasetStatus", managed=True,
       facet=True),
    _f("title", K.SHORT_TEXT, "Title", max_length=200, required=True, **_EDIT,
       hint="Say what the data is, in sentence case.", page=Page.HEADING, weight=Weight.A),
    _f("alternative_title", K.TEXT_LIST, "Alternative titles", max_length=200, api_input=True,
       weight=Weight.B),
    _f("summary", K.SHORT_TEXT, "Summary", max_length=250, **_EDIT,
       hint="One or two sentences shown in search results.", page=Page.LEAD, weight=Weight.B),
    _f("description", K.LONG_TEXT, "Description", max_length=4096, required=True, **_EDIT,
       hint="What the data contains, how it was collected, its limits. Markdown is allowed.",
       page=Page.DESCRIPTION, weight=Weight.D),
    _f("publisher", K.REFERENCE, "Publisher", question="Publishing organisation", **_EDIT,
       required=True, page=Page.DETAILS, facet=True, weight=Weight.C),
    _f("theme", K.REFERENCE, "Themes", many=True, **_EDIT, page=Page.DETAILS, facet=True,
       weight=Weight.C),
    # Keywords are kept whole however long (other catalogues' tags); only publishers' input
    # is capped, per keyword.
    _f("keyword", K.TEXT_LIST, "Keywords", max_length=75, **_EDIT,
       hint="Separate keywords with commas.", page=Page.DETAILS, facet=True, weight=Weight.C),
    _f("creator", K.TEXT_LIST, "Creators", max_length=200, api_input=True),
    _f("contact_point", K.NESTED, "Contacts", many=True, api_input=True, page=Page.CONTACT),
    _f("licence", K.IDENTIFIER, "Licence", max_length=500, **_EDIT, section=S.ACCESS,
       page=Page.DETAILS, facet=True),
    _f("access_rights", K.CHOICE, "Access", question="Who can use the data", max_length=20,
       vocabulary="AccessRights", **_EDIT, radios=True, section=S.ACCESS, page=Page.DETAILS,
       facet=True),
    _f("metadata_visibility", K.CHOICE, "Metadata visibility",
       question="Who can see this description", max_length=20, vocabulary="MetadataVisibility",
       **_EDIT, radios=True, section=S.ACCESS),
    _f("security_classification", K.CHOICE, "Security classification", max_length=20,
       vocabulary="SecurityClassification", **_EDIT, section=S.ACCESS, page=Page.DETAILS,
       facet=True),
    # Shown on the page within the security classification's row.
    _f("handling_caveat", K.CHOICE, "Handling caveat", max_length=30,
       vocabulary="HandlingCaveat", **_EDIT, section=S.ACCESS),
    _f("personal_data", K.CHOICE, "Personal data", question="Does the data include personal data?",
       max_length=20, vocabulary="PersonalData", **_EDIT, radios=True, section=S.ACCESS,
       page=Page.DETAILS),
    # Shown on the page within the row of `modified`.
    _f("update_frequency", K.CHOICE, "Update frequency", question="How often is it updated?",
       max_length=20, vocabulary="UpdateFrequency", **_EDIT, section=S.COVERAGE),
    _f("modified", K.DATETIME, "Updated", hint="When the data last changed.", api_input=True,
       section=S.COVERAGE, page=Page.DETAILS),
    _f("issued", K.DATETIME, "First published", api_input=True, section=S.COVERAGE,
       page=Page.DETAILS),
    _f("version", K.SHORT_TEXT, "Version", max_length=50, api_input=True, section=S.COVERAGE),
    _f("spatial", K.SHORT_TEXT, "Area covered", max_length=500, **_EDIT,
       hint="For example, England.", section=S.COVERAGE, page=Page.DETAILS),
    # The page shows the period as one row, under `temporal_start`.
    _f("temporal_start", K.DATE, "Period start", question="Period covered: from (YYYY-MM-DD)",
       **_EDIT, section=S.COVERAGE, page=Page.DETAILS),
    _f("temporal_end", K.DATE, "Period end", question="Period covered: to (YYYY-MM-DD)",
       **_EDIT, section=S.COVERAGE),
    _f("identifier", K.IDENTIFIER, "Identifier", max_length=500, api_input=True,
       hint="A persistent URI; this site makes one when none is given.", page=Page.DETAILS),
    _f("landing_page", K.URL, "More information", max_length=1000, api_input=True,
       section=S.COVERAGE, page=Page.DETAILS),
    _f("distribution", K.NESTED, "Data links", many=True, api_input=True, page=Page.LINKS),
    _f("endpoint_url", K.URL, "Endpoint URL", max_length=1000, api_input=True,
       section=S.SERVICE),
    _f("endpoint_description", K.URL, "Endpoint description", max_length=1000, api_input=True,
       section=S.SERVICE),
    _f("serves_dataset", K.REFERENCE, "Serves datasets", many=True, api_input=True,
       section=S.SERVICE),
    _f("service_status", K.CHOICE, "Service status", max_length=20, vocabulary="ServiceStatus",
       api_input=True, section=S.SERVICE),
    _f("service_type", K.CHOICE, "Service type", max_length=20, vocabulary="ServiceType",
       api_input=True, section=S.SERVICE),
    # The API gives the score and rating together, as the computed `quality`.
    _f("quality_score", K.NUMBER, "Quality score", managed=True, section=S.RECORD,
       api_output=False),
    _f("quality_rating", K.SHORT_TEXT, "Quality rating", max_length=20, managed=True,
       section=S.RECORD, api_output=False),
    _f("metadata_created", K.DATETIME, "Record created", managed=True, section=S.RECORD),
    _f("metadata_modified", K.DATETIME, "Record changed", managed=True, section=S.RECORD),
    _f("published_at", K.DATETIME, "Published", managed=True, section=S.RECORD,
       api_output=False),
    _f("withdrawn_at", K.DATETIME, "Withdrawn", managed=True, section=S.RECORD,
       api_output=False),
    _f("created_by", K.REFERENCE, "Created by", section=S.RECORD, api_output=False),
)  # fmt: skip

FIELDS: Mapping[str, DatasetField] = MappingProxyType({f.name: f for f in DATASET_FIELDS})

# Kinds whose value is one column of the dataset row, written by the services as given.
SCALAR_KINDS = frozenset(
    {K.SHORT_TEXT, K.LONG_TEXT, K.TEXT_LIST, K.CHOICE, K.DATE, K.DATETIME, K.URL, K.IDENTIFIER}
)


def rows(**facts: object) -> Iterator[DatasetField]:
    """Rows whose attributes equal the given facts, in table order: `rows(form=True)`."""
    return (f for f in DATASET_FIELDS if all(getattr(f, k) == v for k, v in facts.items()))


def input_scalars() -> list[str]:
    """Names of the scalar fields publishers write through the dataset services."""
    return [f.name for f in DATASET_FIELDS if f.api_input and f.kind in SCALAR_KINDS]


def max_length(name: str) -> int:
    """The field's length limit; a field without one is a mistake in the caller."""
    limit = FIELDS[name].max_length
    if limit is None:
        raise KeyError(f"dataset field {name!r} has no maximum length")
    return limit
