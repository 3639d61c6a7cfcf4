"""The narrow result table behind every search: paging, counts, and the facet terms index."""

import pytest
from django.http import QueryDict

from catalogue import services
from catalogue.models import SearchDatasetTerm
from catalogue.search import index_datasets
from catalogue.search.query import dataset_search
from tests.factories import DatasetFactory, DistributionFactory, UserFactory

pytestmark = pytest.mark.django_db


def search(user, **params):
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return dataset_search(user=user, params=query)


def facet(found, name) -> dict[str, int]:
    return {row["value"]: row["count"] for row in found.facets[name]}


def test_results_page_count_and_index_like_a_queryset(org_a):
    for n in range(7):
        DatasetFactory(publisher=org_a, title=f"Tide table {n}")
    found = search(UserFactory(), ordering="title")
    rows = found.queryset
    assert rows.count() == len(rows) == 7
    assert [d.title for d in rows[2:5]] == ["Tide table 2", "Tide table 3", "Tide table 4"]
    assert rows[0].title == "Tide table 0"
    assert rows[-1].title == "Tide table 6"
    assert rows[5:100] == rows[5:7]
    assert rows[7:9] == []
    with pytest.raises(IndexError):
        rows[7]
    with pytest.raises(ValueError, match="no step"):
        rows[::2]


def test_earlier_results_stay_readable_after_later_searches(org_a):
    DatasetFactory(publisher=org_a, title="Ferry routes")
    DatasetFactory(publisher=org_a, title="Ferry fares")
    user = UserFactory()
    first = search(user, q="ferry", ordering="title").queryset
    for _ in range(6):  # more searches than the connection keeps tables for
        search(user, q="routes")
    assert [d.title for d in first[0:2]] == ["Ferry fares", "Ferry routes"]


def test_a_search_matching_nothing_has_no_rows_and_empty_facets(org_a):
    DatasetFactory(publisher=org_a, title="Ferry routes")
    found = search(UserFactory(), q="zeppelin")
    assert found.queryset.count() == 0
    assert found.queryset[0:20] == []
    assert all(rows == [] for rows in found.facets.values())


def test_keyword_and_format_facets_follow_edits_through_the_services(roles, org_a):
    publisher = roles["publisher"]
    dataset = services.dataset_create(
        actor=publisher,
        publisher=org_a,
        data={
            "title": "Harbour dues",
            "keyword": ["Ports", "ports", "Shipping"],
            "distribution": [{"format": "CSV"}, {"format": "csv"}, {"format": "XLSX"}],
        },
    )
    services.dataset_publish(actor=publisher, dataset=dataset)
    found = search(UserFactory())
    # Values differing only in case are one value, counted once per dataset.
    assert facet(found, "keyword") == {"Ports": 1, "Shipping": 1}
    assert facet(found, "format") == {"csv": 1, "xlsx": 1}
    services.dataset_update(
        actor=publisher,
        dataset=dataset,
        data={"keyword": ["Harbours"], "distribution": [{"format": "JSON"}]},
    )
    found = search(UserFactory())
    assert facet(found, "keyword") == {"Harbours": 1}
    assert facet(found, "format") == {"json": 1}
    assert SearchDatasetTerm.objects.filter(dataset_id=dataset.pk).count() == 2


def test_selected_keyword_and_format_keep_their_other_values_counted(org_a):
    csv = DatasetFactory(publisher=org_a, title="Pier lengths", keyword=["piers"])
    DistributionFactory(dataset=csv, format="CSV")
    xml = DatasetFactory(publisher=org_a, title="Pier owners", keyword=["piers", "owners"])
    DistributionFactory(dataset=xml, format="XML")
    index_datasets([csv.pk, xml.pk])  # distributions were added after the factory indexed
    found = search(UserFactory(), format="csv", keyword="OWNERS")
    assert found.queryset.count() == 0
    # Each facet counts with the other facet's selection applied, never its own.
    assert facet(found, "format") == {"xml": 1, "csv": 0}
    assert facet(found, "keyword") == {"piers": 1, "OWNERS": 0}


def test_ranking_is_the_same_with_and_without_other_filters(org_a, org_b):
    DatasetFactory(publisher=org_a, title="Timetables", description="Ferry and bus timetables.")
    DatasetFactory(publisher=org_a, title="Ferry crossings", description="Sailings per route.")
    DatasetFactory(publisher=org_b, title="Ferry ports", description="Ports.")
    user = UserFactory()
    everywhere = [d.title for d in search(user, q="ferry").queryset]
    in_a = [d.title for d in search(user, q="ferry", publisher=org_a.slug).queryset]
    assert everywhere[0] in ("Ferry crossings", "Ferry ports")
    assert in_a == [t for t in everywhere if t != "Ferry ports"]
    assert in_a == ["Ferry crossings", "Timetables"]
