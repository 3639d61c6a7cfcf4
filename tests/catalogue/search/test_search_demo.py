"""Search quality and facet arithmetic on the demo catalogue: 207 real records from data.gov.uk,
catalog.data.gov, OPM and the FCC (catalogue/demo/SOURCES.md). Runs on every backend."""

import re
from collections import Counter

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.http import QueryDict

from catalogue.models import Dataset, Distribution
from catalogue.search.query import dataset_search

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _each_backend(search_backend):
    """Every test here runs on the database's search and on tantivy."""


@pytest.fixture
def demo():
    call_command("loaddemo", allow_demo_users=True)
    return Dataset.objects.filter(status="published", metadata_visibility="PUBLIC")


def _search(text: str, **filters) -> list:
    params = QueryDict(mutable=True)
    params["q"] = text
    for name, value in filters.items():
        params.setlist(name, value if isinstance(value, list) else [value])
    found = dataset_search(user=AnonymousUser(), params=params, with_facets=False)
    return [d.pk for d in found.queryset[:3]]


def test_words_of_every_demo_title_put_it_in_the_top_three(demo):
    misses = []
    for dataset in demo:
        words = re.findall(r"\w+", dataset.title)
        # The words in reverse order: a search by words, never an exact-title match.
        text = " ".join(reversed(words))
        top = _search(text)
        if dataset.pk in top:
            continue
        same_words = [
            d.pk
            for d in demo
            if sorted(re.findall(r"\w+", d.title.lower())) == sorted(w.lower() for w in words)
        ]
        if len(same_words) > 3 and set(top) <= set(same_words):
            continue  # several records share exactly these title words
        misses.append((dataset.title, text))
    assert misses == [], "\n".join(f"{t!r} <- {q!r}" for t, q in misses)


def _key(facet: str, value: str) -> str:
    """Keywords and formats match whatever their case; other facet values are exact."""
    return value.lower() if facet in {"keyword", "format"} else value


def test_filters_and_facet_counts_agree_with_direct_database_counts(demo):
    found = dataset_search(user=AnonymousUser(), params=QueryDict())
    total = demo.count()
    assert found.queryset.count() == total
    direct = {
        "publisher": Counter(demo.values_list("publisher__slug", flat=True)),
        "licence": Counter(v for v in demo.values_list("licence", flat=True) if v),
        "access_rights": Counter(demo.values_list("access_rights", flat=True)),
        "security_classification": Counter(demo.values_list("security_classification", flat=True)),
        "quality_rating": Counter(v for v in demo.values_list("quality_rating", flat=True) if v),
        "theme": Counter(demo.values_list("theme__slug", flat=True).exclude(theme=None)),
        # Formats are one value whatever their case; facet values are the lower-case form.
        "format": Counter(
            fmt
            for _, fmt in {
                (d, f.lower())
                for d, f in Distribution.objects.filter(dataset__in=demo)
                .exclude(format="")
                .values_list("dataset_id", "format")
            }
        ),
        "keyword": Counter(
            kw
            for keywords in demo.values_list("keyword", flat=True)
            for kw in {k.lower() for k in keywords}
        ),
    }
    checked = 0
    for name, rows in found.facets.items():
        assert rows, name
        for row in rows:
            assert row["count"] == direct[name][_key(name, row["value"])], (name, row)
            filtered = dataset_search(
                user=AnonymousUser(), params=QueryDict(f"{name}={row['value']}"), with_facets=False
            )
            assert filtered.queryset.count() == row["count"], (name, row)
            checked += 1
        # Top values by count: nothing larger was left out.
        shown = {_key(name, row["value"]) for row in rows}
        larger = [v for v, n in direct[name].items() if v not in shown and n > rows[-1]["count"]]
        assert larger == [], name
    assert checked > 50


def test_facet_counts_follow_the_query_and_the_other_filters(demo):
    params = QueryDict("q=data&format=csv", mutable=True)
    found = dataset_search(user=AnonymousUser(), params=params)
    matching = {d.pk for d in found.queryset}
    assert matching
    for row in found.facets["publisher"]:
        narrowed = QueryDict(mutable=True)
        narrowed.update(params)
        narrowed["publisher"] = row["value"]
        again = dataset_search(user=AnonymousUser(), params=narrowed, with_facets=False)
        assert again.queryset.count() == row["count"]
    # The format facet ignores its own selection; other facets do not.
    without_format = dataset_search(user=AnonymousUser(), params=QueryDict("q=data"))
    assert found.facets["format"] == without_format.facets["format"]
    assert sum(r["count"] for r in found.facets["access_rights"]) == len(matching)
    two_formats = QueryDict("q=data&format=csv&format=json")
    either = dataset_search(user=AnonymousUser(), params=two_formats, with_facets=False)
    assert either.queryset.count() >= len(matching)
