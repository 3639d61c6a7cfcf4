"""A small catalogue for the CKAN API tests: what an anonymous caller may see and what not."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from catalogue.models import Dataset, HarvestSource, Theme
from catalogue.search import index_datasets
from tests.factories import DatasetFactory, DistributionFactory

SECRET_URL = "https://secret.example.gov.uk/prisons.csv"


def _at(dataset: Dataset, day: int) -> None:
    """Fix metadata_modified (auto_now on save) so sorting and date ranges can be checked."""
    moment = dt.datetime(2026, 1, day, 12, 0, tzinfo=dt.UTC)
    Dataset.objects.filter(pk=dataset.pk).update(metadata_modified=moment)


@pytest.fixture
def ckan_site(org_a, org_b):
    # Transactional tests (the live server's) empty the tables the migrations seeded.
    importlib.import_module("catalogue.migrations.0002_seed_vocabularies").seed(apps, None)
    health, transport = Theme.objects.get(slug="health"), Theme.objects.get(slug="transport")
    hospital = DatasetFactory(
        publisher=org_a,
        slug="hospital-admissions",
        title="Hospital admissions",
        description="Emergency admissions by trust.",
        keyword=["health", "admissions"],
        spatial="England",
    )
    hospital.theme.add(health)
    DistributionFactory(dataset=hospital, format="CSV", position=0)
    prisons = DatasetFactory(
        publisher=org_a,
        slug="prison-population",
        title="Prison population",
        keyword=["justice"],
        access_rights="RESTRICTED",
    )
    DistributionFactory(dataset=prisons, download_url=SECRET_URL, format="CSV")
    source = HarvestSource.objects.create(
        organisation=org_b,
        title="Transport CKAN",
        url="https://ckan.example.org",
        source_type="ckan",
    )
    roads = DatasetFactory(
        publisher=org_b,
        slug="road-traffic-counts",
        title="Road traffic counts",
        keyword=["transport", "roads"],
        licence="https://creativecommons.org/licenses/by/4.0/",
        harvest_source=source,
        source_identifier="road-counts-1",
        source_url="https://ckan.example.org/dataset/road-counts-1",
        source_publisher_name="Roads Agency",
        harvested_at=timezone.now(),
    )
    roads.theme.add(transport)
    DistributionFactory(dataset=roads, format="JSON", position=0)
    DistributionFactory(dataset=roads, format="csv", position=1)
    government = DatasetFactory(
        publisher=org_b,
        slug="government-eyes-only",
        title="Government eyes only",
        keyword=["classified-topic"],
        metadata_visibility="GOVERNMENT",
    )
    government.theme.add(health)
    draft = DatasetFactory(
        publisher=org_a, slug="unfinished-draft", title="Unfinished draft", status="draft"
    )
    index_datasets([hospital.pk, roads.pk, government.pk])
    for day, dataset in enumerate([hospital, prisons, roads, government, draft], start=1):
        _at(dataset, day)
    return {
        "hospital": hospital,
        "prisons": prisons,
        "roads": roads,
        "government": government,
        "draft": draft,
    }
