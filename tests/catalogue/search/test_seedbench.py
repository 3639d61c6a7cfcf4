"""`manage.py seedbench`: the benchmark loader builds a searchable, facetable catalogue."""

import pytest
from django.core.management import CommandError, call_command
from django.http import QueryDict

from catalogue.models import Dataset, Distribution
from catalogue.search.query import dataset_search
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seedbench_loads_indexed_datasets_with_realistic_facets(search_backend):
    call_command("seedbench", datasets=60)
    assert Dataset.objects.count() == 60
    assert Distribution.objects.count() == 60
    admin = UserFactory(is_superuser=True)
    found = dataset_search(user=admin, params=QueryDict())
    assert found.queryset.count() == 60
    assert len(found.facets["publisher"]) > 3
    assert len(found.facets["keyword"]) > 20
    word = Dataset.objects.first().title.split()[0]
    searched = dataset_search(user=admin, params=QueryDict(f"q={word}"), with_facets=False)
    assert searched.queryset.count() >= 1


@pytest.mark.parametrize("count", [0, -5])
def test_seedbench_refuses_a_non_positive_count(count):
    with pytest.raises(CommandError, match="positive"):
        call_command("seedbench", datasets=count)
    assert Dataset.objects.count() == 0


def test_seedbench_refuses_a_database_that_already_has_benchmark_data():
    call_command("seedbench", datasets=5)
    with pytest.raises(CommandError, match="already holds"):
        call_command("seedbench", datasets=5)
    assert Dataset.objects.count() == 5
