"""The field table (catalogue/fields.py) drives the model, API, form, admin, harvest and page."""

import dataclasses
import datetime as dt
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from rest_framework import serializers

from catalogue import fields, vocabularies
from catalogue.admin import DatasetAdmin
from catalogue.api.serializers import (
    COMPUTED_FIELDS,
    DatasetInputSerializer,
    DatasetSerializer,
)
from catalogue.fields import DATASET_FIELDS, FIELDS, Kind
from catalogue.forms import DatasetForm
from catalogue.harvest.parsers.records import DatasetRecord
from catalogue.harvest.services.records import dataset_fields_from_record
from catalogue.models import Dataset
from catalogue.services.datasets import SCALAR_FIELDS
from catalogue.templatetags.dataset_fields import COMPOSED, DETAIL_ROWS
from tests.conftest import client_for
from tests.factories import DatasetFactory

# Model columns that record where a harvested dataset came from: provenance, not metadata.
PROVENANCE = {
    "harvest_source", "source_identifier", "source_url", "source_publisher_name",
    "source_extras", "content_hash", "harvested_at", "last_harvest_job", "source_publisher_uri",
    "iri", "also_from",
}  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]


def test_the_table_imports_without_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys, catalogue.fields as f; "
        "assert f.FIELDS['title'].max_length; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run(  # noqa: S603 — this interpreter, a fixed snippet
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_each_row_is_well_formed():
    assert len(FIELDS) == len(DATASET_FIELDS), "a field is declared twice"
    for row in DATASET_FIELDS:
        if row.kind == Kind.CHOICE:
            choices = getattr(vocabularies, row.vocabulary)
            assert max(len(code) for code in choices.values) <= row.max_length, row.name
        if row.kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT, Kind.TEXT_LIST, Kind.URL):
            assert row.max_length, f"{row.name} needs a maximum length"
        assert not (row.form and not row.api_input), f"{row.name}: on the form but not the API"
        assert not (row.managed and row.api_input), f"{row.name}: managed yet writable"


def test_every_dataset_column_is_a_row_and_takes_its_length_label_and_hint_from_it():
    for model_field in Dataset._meta.get_fields():
        if model_field.auto_created and not model_field.concrete:
            continue  # reverse relations: contact points, distributions, grants…
        if model_field.name in PROVENANCE:
            continue
        row = FIELDS[model_field.name]
        assert model_field.verbose_name == row.label, row.name
        assert model_field.help_text == row.hint, row.name
        if row.kind == Kind.TEXT_LIST:
            assert model_field.get_internal_type() == "JSONField", row.name
        elif row.max_length is not None:
            assert model_field.max_length == row.max_length, row.name


def test_input_serializer_takes_exactly_the_writable_rows_with_their_limits():
    inputs = DatasetInputSerializer().fields
    assert list(inputs) == [row.name for row in DATASET_FIELDS if row.api_input]
    for name, field in inputs.items():
        row = FIELDS[name]
        if row.required:
            assert field.required, name
        if row.kind == Kind.TEXT_LIST:
            assert isinstance(field, serializers.ListField), name
            assert field.child.max_length == row.max_length, name
        elif isinstance(field, serializers.CharField) and row.max_length:
            assert field.max_length == row.max_length, name


def test_api_output_is_the_table_rows_plus_known_computed_fields():
    output = list(DatasetSerializer().fields)
    assert [n for n in output if n not in COMPUTED_FIELDS] == [
        row.name for row in DATASET_FIELDS if row.api_output
    ]
    assert not set(COMPUTED_FIELDS) & set(FIELDS)


def test_dataset_services_write_every_scalar_the_api_accepts():
    assert set(SCALAR_FIELDS) == {
        row.name for row in DATASET_FIELDS if row.api_input and row.kind in fields.SCALAR_KINDS
    }


def test_publishing_form_offers_every_form_row_with_its_words_and_limits():
    form_fields = DatasetForm.base_fields
    for row in fields.rows(form=True):
        field = form_fields[row.name]
        assert field.label == row.form_label, row.name
        assert field.help_text == row.hint, row.name
        if row.kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
            assert field.max_length == row.max_length, row.name
    on_form = {row.name for row in fields.rows(form=True)}
    extra = {n for n in form_fields if n in FIELDS} - on_form
    assert not extra, f"form inputs not marked `form` in the table: {extra}"


@pytest.mark.django_db
def test_form_initial_values_round_trip_an_existing_dataset(org_a):
    dataset = DatasetFactory(
        publisher=org_a, keyword=["roads", "traffic"], spatial="Wales", summary="Flows"
    )
    initial = DatasetForm.initial_for(dataset)
    for row in fields.rows(form=True):
        assert row.name in initial, row.name
    assert initial["keyword"] == "roads, traffic"
    assert (initial["spatial"], initial["summary"]) == ("Wales", "Flows")


def test_admin_shows_each_model_row_once_in_its_section_and_managed_rows_read_only():
    shown = [name for _, options in DatasetAdmin.fieldsets for name in options["fields"]]
    assert len(shown) == len(set(shown))
    model_names = {f.name for f in Dataset._meta.get_fields()} - PROVENANCE
    assert set(shown) == {row.name for row in DATASET_FIELDS} & model_names
    for title, options in DatasetAdmin.fieldsets:
        for name in options["fields"]:
            assert FIELDS[name].section.value == (title or ""), name
    assert set(DatasetAdmin.readonly_fields) == {r.name for r in DATASET_FIELDS if r.managed}


@pytest.mark.django_db
def test_admin_change_page_renders_the_table_labels(roles, org_a):
    dataset = DatasetFactory(publisher=org_a)
    client = Client()
    client.force_login(roles["superuser"])
    page = client.get(f"/admin/catalogue/dataset/{dataset.pk}/change/").content.decode()
    assert "Coverage and dates" in page
    assert FIELDS["spatial"].label in page and FIELDS["spatial"].hint in page


def test_harvest_cuts_each_text_to_the_tables_length():
    capped = ["title", "summary", "description", "licence", "version", "spatial"]
    record = DatasetRecord(source_identifier="x", title="")
    for name in capped:
        setattr(record, name, "w " * FIELDS[name].max_length)  # twice the limit
    record.identifier = "https://example.org/" + "i" * FIELDS["identifier"].max_length
    record.landing_page = "https://example.org/" + "p" * FIELDS["landing_page"].max_length
    record.alternative_title = ["a" * (FIELDS["alternative_title"].max_length + 1)]
    mapped = dataset_fields_from_record(record)
    for name in [*capped, "identifier", "landing_page"]:
        assert len(mapped[name]) == FIELDS[name].max_length, name
        assert mapped[name].endswith("…"), name
    assert len(mapped["alternative_title"][0]) == FIELDS["alternative_title"].max_length


def test_harvest_caps_follow_a_change_to_the_table(monkeypatch):
    from catalogue.harvest.services import records

    shorter = dataclasses.replace(FIELDS["title"], max_length=12)
    rows = tuple(shorter if row.name == "title" else row for row in DATASET_FIELDS)
    monkeypatch.setattr(fields, "DATASET_FIELDS", rows)
    try:
        importlib.reload(records)
        mapped = records.dataset_fields_from_record(
            DatasetRecord(source_identifier="x", title="Annual road traffic counts")
        )
    finally:
        monkeypatch.undo()
        importlib.reload(records)
    assert mapped["title"] == "Annual road…"


def test_harvested_keywords_are_kept_whole_and_split_where_joined_with_commas():
    long_tag = "Annual average daily flows on the strategic road network " * 3
    record = DatasetRecord(
        source_identifier="x",
        title="Flows",
        keyword=[long_tag.strip(), "roads, traffic,, Roads", " traffic "],
    )
    keywords = dataset_fields_from_record(record)["keyword"]
    assert keywords == [long_tag.strip(), "roads", "traffic"]
    assert len(keywords[0]) > FIELDS["keyword"].max_length
    assert not any("…" in k for k in keywords)


@pytest.mark.django_db
def test_api_refuses_a_keyword_longer_than_the_table_allows_and_saves_nothing(roles, org_a):
    limit = FIELDS["keyword"].max_length
    response = client_for(roles["publisher"]).post(
        "/api/v1/datasets/",
        {
            "title": "Flows",
            "description": "Traffic flows.",
            "publisher": org_a.slug,
            "keyword": ["roads", "k" * (limit + 1)],
        },
        format="json",
    )
    assert response.status_code == 400
    assert f"no more than {limit} characters" in str(response.json()["keyword"])
    assert not Dataset.objects.exists()


def test_every_composed_detail_row_has_its_markup_in_the_template():
    template = (ROOT / "catalogue/templates/catalogue/_details.html").read_text()
    assert {row.name for row in DETAIL_ROWS} >= COMPOSED
    for name in COMPOSED:
        assert f'row.name == "{name}"' in template, name


@pytest.mark.django_db
def test_dataset_page_shows_a_row_for_each_detail_field_of_the_table(org_a):
    dataset = DatasetFactory(
        publisher=org_a,
        keyword=["roads", "traffic"],
        spatial="Wales",
        issued=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
        personal_data="PERSONAL",
        identifier="https://data.example.gov.uk/id/flows",
        landing_page="https://example.gov.uk/flows",
    )
    page = Client().get(f"/datasets/{dataset.slug}/").content.decode()
    for row in DETAIL_ROWS:
        label = "Time period" if row.name == "temporal_start" else row.label
        assert f'govuk-summary-list__key">{label}</dt>' in page, row.name
    assert '<dd class="govuk-summary-list__value">roads, traffic</dd>' in page
    assert '<dd class="govuk-summary-list__value">1 March 2024</dd>' in page
    assert '<dd class="govuk-summary-list__value">Personal data</dd>' in page
    assert "<code>https://data.example.gov.uk/id/flows</code>" in page
    assert 'href="https://example.gov.uk/flows" rel="noopener"' in page


@pytest.mark.django_db
def test_dataset_page_leaves_out_a_link_row_that_is_not_a_web_address(org_a):
    dataset = DatasetFactory(publisher=org_a, landing_page="javascript:alert(1)")
    page = Client().get(f"/datasets/{dataset.slug}/").content.decode()
    assert FIELDS["landing_page"].label not in page
    assert "javascript:" not in page.split("</head>", 1)[1]
