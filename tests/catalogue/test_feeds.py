"""Federation feeds: each is read back by our own harvest parsers, and shows only what the
caller may see."""

import json

import pytest
from django.test import Client
from rdflib import Graph

from catalogue.harvest.parsers.ckan import parse_package
from catalogue.harvest.parsers.datajson import parse_datajson
from catalogue.harvest.parsers.dcat import next_page, parse_dcat
from catalogue.models import ContactPoint, Dataset, Theme
from tests.factories import DatasetFactory, DistributionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(org_a):
    open_data = DatasetFactory(
        publisher=org_a,
        title="Hospital admissions",
        keyword=["health", "admissions"],
        update_frequency="monthly",
        spatial="England",
    )
    open_data.theme.add(Theme.objects.get(slug="health"))
    ContactPoint.objects.create(dataset=open_data, name="Stats team", email="stats@example.gov.uk")
    DistributionFactory(dataset=open_data, format="CSV", byte_size=1024)
    restricted = DatasetFactory(
        publisher=org_a, title="Prison population", access_rights="RESTRICTED"
    )
    DistributionFactory(
        dataset=restricted, download_url="https://secret.example.gov.uk/prisons.csv"
    )
    DatasetFactory(publisher=org_a, title="Government eyes only", metadata_visibility="GOVERNMENT")
    DatasetFactory(publisher=org_a, title="Unfinished draft", status="draft")
    return {"open": open_data, "restricted": restricted}


@pytest.mark.parametrize(
    ("extension", "content_type"),
    [("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("rdf", "application/rdf+xml")],
)
def test_dcat_catalogue_reads_back_through_our_dcat_parser(
    api_client, published, extension, content_type
):
    response = api_client.get(f"/catalog.{extension}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    records = {r.title: r for r in parse_dcat(response.content, content_type=content_type)}
    assert set(records) == {"Hospital admissions", "Prison population"}
    hospital = records["Hospital admissions"]
    assert hospital.keyword == ["admissions", "health"]
    assert hospital.theme == ["health"]
    assert hospital.publisher_name == "Department A"
    assert hospital.access_rights == "OPEN"
    assert hospital.update_frequency == "monthly"
    assert hospital.contact_point[0].email == "stats@example.gov.uk"
    assert (
        hospital.distribution[0].download_url == published["open"].distributions.get().download_url
    )
    assert records["Prison population"].access_rights == "RESTRICTED"


def test_dcat_feed_hides_restricted_download_urls_and_invisible_datasets(api_client, published):
    body = api_client.get("/catalog.ttl").content.decode()
    assert "secret.example.gov.uk" not in body
    assert "Government eyes only" not in body
    assert "Unfinished draft" not in body


def test_dcat_feed_shows_more_to_members(published, roles):
    client = Client()
    client.force_login(roles["member"])
    body = client.get("/catalog.ttl").content.decode()
    assert "Government eyes only" in body
    assert "secret.example.gov.uk" in body
    assert "Unfinished draft" not in body


def test_dcat_feed_is_hydra_paged_and_incremental(api_client, org_a, settings):
    settings.SITE_URL = "http://testserver"
    DatasetFactory.create_batch(5, publisher=org_a)
    seen, pages, url = [], 0, "http://testserver/catalog.ttl?page_size=2"
    while url:
        response = api_client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200
        seen += [r.title for r in parse_dcat(response.content, content_type="text/turtle")]
        url = next_page(Graph().parse(data=response.content, format="turtle"), url)
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(d.title for d in Dataset.objects.all())
    future = api_client.get("/catalog.ttl", {"modified_since": "2999-01-01T00:00:00Z"})
    assert parse_dcat(future.content, content_type="text/turtle") == []


def test_dcat_feed_refuses_bad_paging(api_client, db):
    assert api_client.get("/catalog.ttl", {"page_size": "0"}).status_code == 400
    assert api_client.get("/catalog.ttl", {"page": "x"}).status_code == 400
    assert api_client.get("/catalog.ttl", {"modified_since": "yesterday"}).status_code == 400


def test_dataset_feed_respects_visibility(api_client, published, org_a):
    assert api_client.get(f"/datasets/{published['open'].slug}.ttl").status_code == 200
    hidden = DatasetFactory(publisher=org_a, metadata_visibility="ORGANISATION")
    assert api_client.get(f"/datasets/{hidden.slug}.jsonld").status_code == 404


def test_datajson_reads_back_through_our_datajson_parser(api_client, published, tmp_path):
    response = api_client.get("/data.json")
    assert response.status_code == 200
    path = tmp_path / "data.json"
    path.write_bytes(b"".join(response.streaming_content))
    json.loads(path.read_text())
    records = {r.title: r for r in parse_datajson(path)}
    assert set(records) == {"Hospital admissions", "Prison population"}
    assert records["Hospital admissions"].access_rights == "OPEN"
    assert records["Hospital admissions"].update_frequency == "monthly"
    assert records["Prison population"].access_rights == "RESTRICTED"
    assert "secret.example.gov.uk" not in path.read_text()


def test_ckan_package_search_reads_back_through_our_ckan_parser(api_client, published):
    body = api_client.get("/api/3/action/package_search", {"rows": 10}).json()
    assert body["success"] is True
    assert body["result"]["count"] == 2
    records = {r.title: r for r in (parse_package(p) for p in body["result"]["results"])}
    assert records["Hospital admissions"].publisher_name == "Department A"
    assert sorted(records["Hospital admissions"].keyword) == ["admissions", "health"]
    assert "secret.example.gov.uk" not in json.dumps(body)


def test_ckan_api_show_list_and_errors(api_client, published):
    slug = published["open"].slug
    assert (
        api_client.get("/api/3/action/package_show", {"id": slug}).json()["result"]["name"] == slug
    )
    assert api_client.get("/api/3/action/package_show", {"id": "nope"}).status_code == 404
    assert api_client.get("/api/3/action/package_show").status_code == 400
    assert set(api_client.get("/api/3/action/package_list").json()["result"]) == {
        slug,
        published["restricted"].slug,
    }
    assert api_client.get("/api/3/action/organization_list").json()["result"] == ["department-a"]
    assert api_client.get("/api/3/action/package_search", {"rows": "-1"}).status_code == 400
    since = api_client.get(
        "/api/3/action/package_search", {"fq": "metadata_modified:[2999-01-01T00:00:00Z TO *]"}
    )
    assert since.json()["result"]["count"] == 0


def _datajson(client) -> dict:
    response = client.get("/data.json")
    assert response.status_code == 200
    return {e["title"]: e for e in json.loads(b"".join(response.streaming_content))["dataset"]}


def test_datajson_invents_nothing_and_says_what_pod_has_no_field_for(org_a, roles, settings):
    settings.SITE_URL = "http://testserver"
    DatasetFactory(
        publisher=org_a, title="Bare", description="", keyword=[], licence="See our terms"
    )
    DatasetFactory(
        publisher=org_a,
        title="Personal",
        access_rights="INTERNAL",
        metadata_visibility="GOVERNMENT",
        personal_data="PERSONAL",
        handling_caveat="PERSONAL",
    )
    client = Client()
    client.force_login(roles["analyst"])  # a signed-in government user

    entries = _datajson(client)

    bare = entries["Bare"]
    assert "keyword" not in bare  # never the title
    assert bare["description"] == "No description provided."
    assert bare["contactPoint"] == {"@type": "vcard:Contact", "fn": "No contact provided."}
    assert bare["publisher"]["name"] == "Department A"
    assert (
        bare["landingPage"]
        == f"http://testserver/datasets/{Dataset.objects.get(title='Bare').slug}/"
    )
    assert "license" not in bare and bare["rights"] == "Licence: See our terms"
    personal = entries["Personal"]
    assert personal["accessLevel"] == "non-public"
    assert personal["rights"] == (
        "Not available outside the publishing organisation. "
        "Listed for signed-in government users only. "
        "Security classification: OFFICIAL-SENSITIVE PERSONAL. Contains personal data."
    )
    assert "Personal" not in _datajson(Client())  # not listed for the public at all
