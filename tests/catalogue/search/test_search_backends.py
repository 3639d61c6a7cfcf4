"""One suite for every search backend: the database's own search (SQLite, and PostgreSQL when
DATABASE_URL points there) and tantivy. Typo tolerance is promised by PostgreSQL and tantivy
only, and checked only there."""

import pytest
from django.db import connection
from django.http import QueryDict

from catalogue import services
from catalogue.models import Dataset, Theme
from catalogue.search import highlights, index_datasets, reindex_all, typo_tolerant
from catalogue.search.query import dataset_search
from catalogue.search.sqlite import fts_query
from tests.conftest import client_for
from tests.factories import DatasetFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _each_backend(search_backend):
    """Every test here runs on the database's search and on tantivy."""


def require_typo_tolerance(backend: str) -> None:
    if backend == "database" and connection.vendor != "postgresql":
        pytest.skip("typo tolerance is promised on PostgreSQL and tantivy; SQLite FTS5 has none")


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_search_finds_words_in_any_indexed_field(api_client, org_a):
    theme = Theme.objects.get(slug="health")
    fields = {
        "title": DatasetFactory(publisher=org_a, title="Ambulance response times"),
        "alternative_title": DatasetFactory(publisher=org_a, alternative_title=["Paramedic"]),
        "summary": DatasetFactory(publisher=org_a, summary="Counts of defibrillator sites"),
        "description": DatasetFactory(publisher=org_a, description="Quarterly helicopter data"),
        "keyword": DatasetFactory(publisher=org_a, keyword=["triage"]),
    }
    themed = DatasetFactory(publisher=org_a, title="Untitled themed record")
    themed.theme.add(theme)
    index_datasets([themed.pk])
    for word, field in [
        ("ambulance", "title"),
        ("paramedic", "alternative_title"),
        ("defibrillator", "summary"),
        ("helicopter", "description"),
        ("triage", "keyword"),
    ]:
        assert titles(api_client.get("/api/v1/datasets/", {"q": word})) == [fields[field].title]
    assert "Untitled themed record" in titles(api_client.get("/api/v1/datasets/", {"q": "health"}))
    assert api_client.get("/api/v1/datasets/", {"q": "department"}).json()["count"] == 6


def test_title_match_outranks_description_match(api_client, org_a):
    DatasetFactory(publisher=org_a, title="Bus timetables", description="Not about ferries.")
    DatasetFactory(publisher=org_a, title="Ferry crossings", description="Sailings per route.")
    assert titles(api_client.get("/api/v1/datasets/", {"q": "ferry"}))[0] == "Ferry crossings"


def test_exact_title_or_identifier_comes_first_of_all(api_client, org_a):
    DatasetFactory(
        publisher=org_a,
        title="Road traffic counts by road and road traffic authority",
        summary="Road traffic, road traffic, road traffic.",
    )
    DatasetFactory(publisher=org_a, title="Road traffic", description="Short record.")
    target = DatasetFactory(publisher=org_a, title="Fuel use", identifier="urn:dft:road-traffic")
    assert titles(api_client.get("/api/v1/datasets/", {"q": "road traffic"}))[0] == "Road traffic"
    assert titles(api_client.get("/api/v1/datasets/", {"q": target.identifier}))[0] == "Fuel use"


def test_phrase_or_and_exclusion_follow_web_search_syntax(api_client, org_a):
    DatasetFactory(publisher=org_a, title="Traffic counts on roads")
    DatasetFactory(publisher=org_a, title="Counts of traffic lights")
    DatasetFactory(publisher=org_a, title="Rail passenger numbers")

    def search(q):
        return sorted(titles(api_client.get("/api/v1/datasets/", {"q": q})))

    assert search('"traffic counts"') == ["Traffic counts on roads"]
    assert search("traffic -lights") == ["Traffic counts on roads"]
    assert search("lights or rail") == ["Counts of traffic lights", "Rail passenger numbers"]
    assert search("traffic counts") == ["Counts of traffic lights", "Traffic counts on roads"]


@pytest.mark.parametrize(
    "text",
    [
        '"unclosed',
        "a AND (b",
        "NEAR(x y)",
        "*",
        "-",
        "or",
        "title:x",
        "^x",
        "'; DROP TABLE x",
        "\\",
    ],
)
def test_query_syntax_characters_never_cause_an_error(api_client, org_a, text):
    DatasetFactory(publisher=org_a, title="Traffic counts")
    response = api_client.get("/api/v1/datasets/", {"q": text})
    assert response.status_code == 200
    assert Dataset.objects.count() == 1


def test_misspelled_words_still_find_the_dataset(api_client, org_a, search_backend):
    require_typo_tolerance(search_backend)
    DatasetFactory(publisher=org_a, title="Hospital admissions", description="By trust.")
    DatasetFactory(publisher=org_a, title="School admissions", description="By school.")
    assert typo_tolerant()
    found = titles(api_client.get("/api/v1/datasets/", {"q": "hopsital admissions"}))
    assert found[0] == "Hospital admissions"
    assert titles(api_client.get("/api/v1/datasets/", {"q": "hospitl"})) == ["Hospital admissions"]


def test_correct_spelling_ranks_above_a_near_miss(api_client, org_a):
    DatasetFactory(publisher=org_a, title="Hospital admissions")
    DatasetFactory(publisher=org_a, title="Hospitality admissions")
    assert titles(api_client.get("/api/v1/datasets/", {"q": "hospital"}))[0] == (
        "Hospital admissions"
    )


def test_highlights_mark_the_matched_words_and_escape_markup(api_client, org_a):
    DatasetFactory(
        publisher=org_a,
        title="Hospital <b>admissions</b>",
        description="Counts of <script>alert(1)</script> emergency hospital stays by region.",
    )
    row = api_client.get("/api/v1/datasets/", {"q": "hospital"}).json()["results"][0]
    # Markup in the record is shown as text (SQLite) or dropped (PostgreSQL), never as HTML.
    assert "<mark>Hospital</mark>" in row["highlight"]["title"]
    assert "<b>" not in row["highlight"]["title"]
    assert "<mark>hospital</mark>" in row["highlight"]["description"]
    assert "<script>" not in row["highlight"]["description"]
    assert "alert(1)" in row["highlight"]["description"]
    browse = api_client.get("/api/v1/datasets/").json()["results"][0]
    assert browse["highlight"] is None


def test_highlights_only_for_datasets_asked_for(org_a):
    shown = DatasetFactory(publisher=org_a, title="Hospital beds")
    DatasetFactory(publisher=org_a, title="Hospital staff")
    assert set(highlights([shown.pk], "hospital")) == {str(shown.pk)}


def test_index_follows_every_write_service(roles, org_a, org_b):
    publisher = roles["publisher"]
    dataset = services.dataset_create(
        actor=publisher, publisher=org_a, data={"title": "Coastal erosion", "description": "x"}
    )
    assert found_ids("erosion") == {dataset.pk}
    services.dataset_update(
        actor=publisher,
        dataset=dataset,
        data={"title": "Shoreline change", "theme": [Theme.objects.get(slug="environment")]},
    )
    assert found_ids("erosion") == set()
    assert found_ids("shoreline") == {dataset.pk}
    assert found_ids("environment") == {dataset.pk}
    services.organisation_update(
        actor=roles["admin"], organisation=org_a, data={"title": "Ministry of Tides"}
    )
    assert found_ids("tides") == {dataset.pk}


def test_theme_title_change_in_admin_reindexes_its_datasets(client, roles, org_a):
    theme = Theme.objects.get(slug="transport")
    dataset = DatasetFactory(publisher=org_a, title="Untitled")
    dataset.theme.add(theme)
    index_datasets([dataset.pk])
    client.force_login(roles["superuser"])
    response = client.post(
        f"/admin/catalogue/theme/{theme.pk}/change/", {"slug": theme.slug, "title": "Mobility"}
    )
    assert response.status_code == 302
    assert found_ids("mobility") == {dataset.pk}


def test_reindex_all_rebuilds_the_index(org_a):
    dataset = DatasetFactory(publisher=org_a, title="Tidal gauges")
    Dataset.objects.filter(pk=dataset.pk).update(title="Wave buoys")  # bypasses the services
    assert found_ids("buoys") == set()
    assert reindex_all() >= 1
    assert found_ids("buoys") == {dataset.pk}


def found_ids(text: str) -> set:
    """Ids matching `text` among drafts and published records, as a system admin sees them."""
    params = QueryDict(mutable=True)
    params.setlist("status", ["draft", "published"])
    params["q"] = text
    admin = UserFactory(username="search-admin", is_superuser=True)
    found = dataset_search(user=admin, params=params, with_facets=False)
    return {d.pk for d in found.queryset}


def test_withdrawn_datasets_are_left_out_of_search_unless_status_is_asked_for(api_client, org_a):
    DatasetFactory(publisher=org_a, title="Lighthouse keepers", status="withdrawn")
    assert titles(api_client.get("/api/v1/datasets/", {"q": "lighthouse"})) == []
    asked = api_client.get("/api/v1/datasets/", {"q": "lighthouse", "status": "withdrawn"})
    assert titles(asked) == ["Lighthouse keepers"]


def test_browsing_orders_newest_first_and_by_title_on_request(api_client, org_a):
    import datetime as dt

    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    DatasetFactory(publisher=org_a, title="Bravo", modified=base)
    DatasetFactory(publisher=org_a, title="Alpha", modified=base + dt.timedelta(days=2))
    DatasetFactory(publisher=org_a, title="Charlie", modified=None)
    DatasetFactory(publisher=org_a, title="Delta", modified=base + dt.timedelta(days=1))
    url = "/api/v1/datasets/"
    assert titles(api_client.get(url)) == ["Alpha", "Delta", "Bravo", "Charlie"]
    assert titles(api_client.get(url, {"ordering": "title"})) == [
        "Alpha", "Bravo", "Charlie", "Delta",
    ]  # fmt: skip
    assert titles(api_client.get(url, {"ordering": "-title"}))[0] == "Delta"
    assert titles(api_client.get(url, {"ordering": "modified"}))[:3] == ["Bravo", "Delta", "Alpha"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ordering": "popularity"}, "ordering"),
        ({"access_rights": "OPENISH"}, "access_rights"),
        ({"security_classification": "CONFIDENTIAL"}, "security_classification"),
        ({"quality_rating": "superb"}, "quality_rating"),
        ({"status": "deleted"}, "status"),
        ({"modified_since": "yesterday"}, "modified_since"),
    ],
)
def test_invalid_parameters_are_a_400_with_a_message(api_client, org_a, params, field):
    DatasetFactory(publisher=org_a)
    response = api_client.get("/api/v1/datasets/", params)
    assert response.status_code == 400
    assert field in response.json()
    assert response.json()[field][0]


def test_page_size_is_capped_at_one_hundred(api_client, org_a):
    DatasetFactory.create_batch(105, publisher=org_a)
    body = api_client.get("/api/v1/datasets/", {"page_size": 1000}).json()
    assert body["count"] == 105
    assert len(body["results"]) == 100
    assert body["next"]


def test_fts_query_quotes_every_term():
    assert fts_query("hospital admissions") == '("hospital") AND ("admissions")'
    assert fts_query('"road traffic" -lights') == '(("road traffic")) NOT "lights"'
    assert fts_query("buses or trains") == '("buses" OR "trains")'
    assert fts_query("- * ()") is None


def test_members_find_their_drafts_only_when_asking_for_drafts(org_a):
    member = MembershipFactory(organisation=org_a, role="member").user
    draft = DatasetFactory(publisher=org_a, title="Unreleased tide tables", status="draft")
    client = client_for(member)
    assert titles(client.get("/api/v1/datasets/", {"q": "tide"})) == []
    found = titles(client.get("/api/v1/datasets/", {"q": "tide", "status": "draft"}))
    assert found == [draft.title]
