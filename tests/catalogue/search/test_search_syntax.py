"""One search syntax on every backend: words ANDed, "phrases", `or`, `-word` exclusions, and
every other punctuation a separator. PostgreSQL's query is built from the shared parser with
the user's text only ever a bound parameter."""

import pytest

from catalogue.search import postgres, syntax
from tests.factories import DatasetFactory


def _words(parsed) -> tuple[list, list]:
    return parsed.positive, parsed.negative


@pytest.mark.parametrize(
    ("text", "positive", "negative"),
    [
        ("NCHS - Injury", [["NCHS"], ["Injury"]], []),
        ("roads -lights", [["roads"]], ["lights"]),
        ('roads -"street lights"', [["roads"]], ["street lights"]),
        ("Children 6 Months -17 Years", [["Children"], ["6"], ["Months"], ["-17"], ["Years"]], []),
        ("buses or trains", [["buses", "trains"]], []),
    ],
)
def test_the_shared_parser_reads_hyphens_by_what_follows_them(text, positive, negative):
    def term(word: str) -> str | None:
        return word if any(c.isalnum() for c in word) else None

    assert _words(syntax.parse(text, term)) == (positive, negative)


def test_postgres_tsquery_keeps_user_text_in_parameters():
    sql, params = postgres.tsquery("NCHS - Injury Mortality: United States")
    assert params == ["NCHS", "Injury", "Mortality", "United", "States"]
    assert "!!" not in sql  # " - " is a separator, not NOT
    assert sql.count("plainto_tsquery") == 5 and sql.count("&&") == 4

    sql, params = postgres.tsquery("a' & !b | c:* <-> (d)")
    assert "'a'" not in sql and "!b" not in sql and "<->" not in sql
    assert params == ["a", "b", "c", "d"]

    sql, params = postgres.tsquery('"road traffic" buses or trams -lights')
    assert params == ["road traffic", "buses", "trams", "lights"]
    assert "phraseto_tsquery" in sql and "||" in sql and "(!! plainto_tsquery" in sql


def test_postgres_tsquery_of_punctuation_matches_nothing():
    assert postgres.tsquery(" - : ( < ") == (postgres.NOTHING, [])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("NCHS - Injury Mortality: United States", ["NCHS - Injury Mortality: United States"]),
        ("Mortality (United States)", ["NCHS - Injury Mortality: United States"]),
        ("Injury Mortality -canada", ["NCHS - Injury Mortality: United States"]),
        ("Children <8 Months", ["Children <8 Months Who Received Nirsevimab"]),
        ("Ages 6 Months -17 Years", ["Ages 6 Months -17 Years Up to Date"]),
        ('"injury mortality" or nirsevimab', None),  # all three, in any order
        (" - : ( < ", []),
    ],
)
def test_every_backend_reads_the_same_syntax(search_backend, api_client, org_a, query, expected):
    all_titles = [
        "NCHS - Injury Mortality: United States",
        "Injury Mortality in Canada",
        "Children <8 Months Who Received Nirsevimab",
        "Ages 6 Months -17 Years Up to Date",
    ]
    for title in all_titles:
        DatasetFactory(publisher=org_a, title=title)
    response = api_client.get("/api/v1/datasets/", {"q": query})
    assert response.status_code == 200, response.content
    found = [row["title"] for row in response.json()["results"]]
    if expected is None:
        assert sorted(found) == sorted(all_titles[:3])
    else:
        assert found[: len(expected)] == expected
        if query.endswith("-canada") or not expected:
            assert found == expected
