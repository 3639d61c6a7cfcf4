"""The CKAN Action API: every action by GET and POST, CKAN's query syntax, facets, ids, errors,
and the visibility rule through all of it."""

import json
import re
import uuid

import pytest

from catalogue.feeds.ckan import CKAN_NAMESPACE, resource_uuid
from catalogue.models import Dataset, Distribution
from tests.catalogue.feeds.conftest import SECRET_URL
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VISIBLE = {"hospital-admissions", "prison-population", "road-traffic-counts"}


def get(client, action, prefix="/api/3/action/", **params):
    return client.get(f"{prefix}{action}", params)


def result(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    return body["result"]


def search(client, **params):
    return result(get(client, "package_search", **params))


def names(found):
    return {p["name"] for p in found["results"]}


def snapshot():
    return sorted(Dataset.objects.values_list("slug", "status", "metadata_modified", "title"))


ACTION_CALLS = [
    ("package_search", {"q": "hospital"}),
    ("package_show", {"id": "hospital-admissions"}),
    ("package_list", {}),
    ("current_package_list_with_resources", {"limit": 2}),
    ("organization_list", {"all_fields": True}),
    ("organization_show", {"id": "department-a"}),
    ("group_list", {}),
    ("group_show", {"id": "health"}),
    ("tag_list", {}),
    ("license_list", {}),
    ("status_show", {}),
    ("site_read", {}),
]


@pytest.mark.parametrize(("name", "params"), ACTION_CALLS)
@pytest.mark.parametrize("prefix", ["/api/action/", "/api/3/action/"])
def test_every_action_answers_get_json_post_and_form_post_alike(
    api_client, ckan_site, name, params, prefix
):
    by_get = result(api_client.get(f"{prefix}{name}", params))
    by_json = result(api_client.post(f"{prefix}{name}", params, format="json"))
    form = {k: json.dumps(v) if isinstance(v, bool) else v for k, v in params.items()}
    by_form = result(api_client.post(f"{prefix}{name}", form))
    assert by_get == by_json == by_form


def test_unknown_action_is_ckans_json_bad_request_never_a_page(api_client):
    for method in (api_client.get, api_client.post):
        response = method("/api/action/package_create")
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == "Bad request - Action name not known: package_create"


def test_unreadable_json_body_is_a_bad_request(api_client, ckan_site):
    response = api_client.post(
        "/api/action/package_search", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json().startswith("Bad request - JSON Error")
    listed = api_client.post("/api/action/package_list", "[1]", content_type="application/json")
    assert listed.status_code == 400
    assert "needs to be a dictionary" in listed.json()


def test_anonymous_callers_see_only_public_published_datasets(api_client, ckan_site):
    assert set(result(get(api_client, "package_list"))) == VISIBLE
    assert names(search(api_client, rows=100)) == VISIBLE
    for hidden in ("government-eyes-only", "unfinished-draft"):
        response = get(api_client, "package_show", id=hidden)
        assert response.status_code == 404
        assert response.json()["error"]["__type"] == "Not Found Error"
    by_id = get(api_client, "package_show", id=str(ckan_site["government"].pk))
    assert by_id.status_code == 404
    current = result(get(api_client, "current_package_list_with_resources", limit=100))
    assert {p["name"] for p in current} == VISIBLE


def test_signed_in_analyst_sees_government_records_but_never_drafts(ckan_site):
    analyst = client_for(UserFactory(username="analyst"))
    assert set(result(get(analyst, "package_list"))) == VISIBLE | {"government-eyes-only"}
    assert get(analyst, "package_show", id="unfinished-draft").status_code == 404


def test_restricted_download_urls_only_to_members(api_client, ckan_site, roles, settings):
    def urls(client):
        package = result(get(client, "package_show", id="prison-population"))
        return [r["url"] for r in package["resources"]]

    assert urls(api_client) == [f"{settings.SITE_URL}/datasets/prison-population/"]
    assert SECRET_URL not in json.dumps(search(api_client, rows=100))
    assert urls(client_for(roles["member"])) == [SECRET_URL]


def test_every_id_is_a_stable_uuid(api_client, ckan_site):
    roads = result(get(api_client, "package_show", id="road-traffic-counts"))
    assert roads["id"] == str(ckan_site["roads"].pk)
    org_id = str(uuid.uuid5(CKAN_NAMESPACE, "organization/department-b"))
    assert roads["owner_org"] == roads["organization"]["id"] == org_id
    ids = [roads["id"], roads["owner_org"]] + [g["id"] for g in roads["groups"]]
    ids += [t["id"] for t in roads["tags"]] + [r["id"] for r in roads["resources"]]
    assert all(str(uuid.UUID(i)) == i for i in ids)
    assert len(set(ids)) == len(ids)
    resource_ids = [r["id"] for r in roads["resources"]]
    assert resource_ids == [resource_uuid(ckan_site["roads"].pk, i) for i in range(2)]
    # Distributions are replaced as a whole on every update; the resource ids stay.
    Distribution.objects.filter(dataset=ckan_site["roads"]).delete()
    for position in range(2):
        Distribution.objects.create(
            dataset=ckan_site["roads"], position=position, format="CSV", title="new"
        )
    again = result(get(api_client, "package_show", id=roads["id"]))
    assert [r["id"] for r in again["resources"]] == resource_ids
    assert result(get(api_client, "organization_show", id=org_id))["name"] == "department-b"


def test_package_carries_licence_organisation_and_provenance(api_client, ckan_site):
    roads = result(get(api_client, "package_show", id="road-traffic-counts"))
    assert roads["license_id"] == "cc-by-4.0"
    assert roads["license_title"] == "Creative Commons Attribution 4.0"
    assert roads["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert roads["isopen"] is True
    assert roads["organization"]["name"] == "department-b"
    assert roads["organization"]["title"] == "Department B"
    extras = {e["key"]: e["value"] for e in roads["extras"]}
    assert extras["source_publisher_name"] == "Roads Agency"
    assert extras["harvested_from"] == "Transport CKAN"
    assert extras["source_url"] == "https://ckan.example.org/dataset/road-counts-1"
    assert extras["access_rights"] == "OPEN"
    assert extras["metadata_visibility"] == "PUBLIC"
    assert "security_classification" in extras and "personal_data" in extras
    hospital = result(get(api_client, "package_show", id="hospital-admissions"))
    assert hospital["license_id"] == "ogl-v3"
    hospital_extras = {e["key"] for e in hospital["extras"]}
    assert "spatial" in hospital_extras and "harvested_from" not in hospital_extras


def test_field_queries_in_q(api_client, ckan_site):
    assert names(search(api_client, q="title:hospital")) == {"hospital-admissions"}
    assert names(search(api_client, q="tags:roads")) == {"road-traffic-counts"}
    assert names(search(api_client, q='title:"traffic counts"')) == {"road-traffic-counts"}
    assert names(search(api_client, q="tags:justice OR tags:roads")) == {
        "prison-population",
        "road-traffic-counts",
    }
    assert names(search(api_client, q="admissions")) == {"hospital-admissions"}
    assert names(search(api_client, q="text:admissions")) == {"hospital-admissions"}
    assert names(search(api_client, q="*:*", rows=100)) == VISIBLE
    # A hidden record's tag finds nothing.
    assert search(api_client, q="tags:classified-topic")["count"] == 0


def test_fq_negation_and_several_clauses(api_client, ckan_site):
    assert names(search(api_client, fq="-organization:department-a")) == {"road-traffic-counts"}
    assert names(search(api_client, fq="organization:department-a")) == {
        "hospital-admissions",
        "prison-population",
    }
    both = search(api_client, fq="organization:department-a tags:health")
    assert names(both) == {"hospital-admissions"}
    assert names(search(api_client, fq="organization:department-a -tags:health")) == {
        "prison-population"
    }
    assert names(search(api_client, fq="groups:transport")) == {"road-traffic-counts"}
    assert names(search(api_client, fq="res_format:json")) == {"road-traffic-counts"}
    assert names(search(api_client, fq="license_id:cc-by-4.0")) == {"road-traffic-counts"}
    # ckanext-harvest's include list, then a date range, as it sends them.
    harvest = search(
        api_client,
        fq="organization:department-a OR organization:department-b "
        "metadata_modified:[2026-01-02T00:00:00Z TO *]",
    )
    assert names(harvest) == {"prison-population", "road-traffic-counts"}
    ranged = search(api_client, fq="metadata_modified:[2026-01-01T00:00:00Z TO 2026-01-02]")
    assert names(ranged) == {"hospital-admissions"}
    by_list = search(api_client, fq_list=json.dumps(["-organization:department-b", "tags:justice"]))
    assert names(by_list) == {"prison-population"}


def test_sort_orders(api_client, ckan_site):
    def order(sort):
        return [p["name"] for p in search(api_client, sort=sort, rows=100)["results"]]

    assert order("metadata_modified desc") == [
        "road-traffic-counts",
        "prison-population",
        "hospital-admissions",
    ]
    assert order("metadata_modified asc") == list(reversed(order("metadata_modified desc")))
    assert order("title_string asc") == [
        "hospital-admissions",
        "prison-population",
        "road-traffic-counts",
    ]
    assert order("title_string desc") == list(reversed(order("title_string asc")))
    assert order("score desc, metadata_modified desc") == order("metadata_modified desc")
    ids = [p["id"] for p in search(api_client, sort="id asc", rows=100)["results"]]
    assert ids == sorted(ids)
    scored = search(api_client, q="hospital admissions", sort="score desc")
    assert scored["results"][0]["name"] == "hospital-admissions"
    paged = [search(api_client, sort="title_string asc", rows=1, start=i) for i in range(3)]
    assert [p["results"][0]["name"] for p in paged] == order("title_string asc")


def test_facets_in_ckans_two_shapes_counting_only_visible_records(api_client, ckan_site):
    found = search(
        api_client,
        **{
            "facet.field": json.dumps(
                ["organization", "groups", "tags", "res_format", "license_id"]
            )
        },
    )
    facets = found["facets"]
    assert facets["organization"] == {"department-a": 2, "department-b": 1}
    assert facets["groups"] == {"health": 1, "transport": 1}
    assert "classified-topic" not in facets["tags"]
    assert facets["tags"]["roads"] == 1
    assert facets["res_format"] == {"CSV": 3, "JSON": 1}
    assert facets["license_id"] == {"ogl-v3": 2, "cc-by-4.0": 1}
    organization = found["search_facets"]["organization"]
    assert organization["title"] == "organization"
    assert organization["items"][0] == {
        "name": "department-a",
        "display_name": "Department A",
        "count": 2,
    }
    limited = search(api_client, **{"facet.field": '["tags"]', "facet.limit": 2})
    assert len(limited["facets"]["tags"]) == 2
    narrowed = search(api_client, fq="-organization:department-a", **{"facet.field": '["tags"]'})
    assert narrowed["facets"]["tags"] == {"roads": 1, "transport": 1}
    worded = search(api_client, q="admissions", **{"facet.field": '["tags", "organization"]'})
    assert worded["facets"] == {
        "tags": {"admissions": 1, "health": 1},
        "organization": {"department-a": 1},
    }
    assert search(api_client)["facets"] == {}


def test_rows_are_capped_at_1000_like_ckan(api_client, org_a):
    Dataset.objects.bulk_create(
        Dataset(publisher=org_a, slug=f"bulk-{i}", title=f"Bulk {i}", status="published")
        for i in range(1003)
    )
    found = search(api_client, rows=5000)
    assert found["count"] == 1003
    assert len(found["results"]) == 1000
    assert len(search(api_client, rows=5000, start=1000)["results"]) == 3


@pytest.mark.parametrize(
    ("params", "kind", "field"),
    [
        ({"rows": "-1"}, "Validation Error", "rows"),
        ({"start": "ten"}, "Validation Error", "start"),
        ({"facet.field": '["nope"]'}, "Validation Error", "facet.field"),
        ({"facet.field": "[broken"}, "Validation Error", "facet.field"),
        ({"sort": "popularity desc"}, "Search Query Error", None),
        ({"sort": "title_string sideways"}, "Search Query Error", None),
        ({"fq": "colour:blue"}, "Search Query Error", None),
        ({"fq": "metadata_modified:[yesterday TO *]"}, "Search Query Error", None),
        ({"fq": "just words"}, "Search Query Error", None),
    ],
)
def test_bad_parameters_get_a_clear_ckan_error_and_change_nothing(
    api_client, ckan_site, params, kind, field
):
    before = snapshot()
    for response in (
        get(api_client, "package_search", **params),
        api_client.post("/api/action/package_search", params, format="json"),
    ):
        assert response.status_code == 400
        body = response.json()
        assert body["success"] is False
        assert body["error"]["__type"] == kind
        if field:
            assert body["error"][field]
        else:
            assert body["error"]["message"].startswith("Search Query is invalid: ")
    assert snapshot() == before


def test_missing_and_unknown_ids(api_client, ckan_site):
    missing = get(api_client, "package_show")
    assert missing.status_code == 400
    assert missing.json()["error"] == {"__type": "Validation Error", "id": ["Missing value"]}
    for name in ("organization_show", "group_show"):
        response = get(api_client, name, id="no-such-thing")
        assert response.status_code == 404
        assert response.json()["error"]["__type"] == "Not Found Error"
    bad_limit = get(api_client, "package_list", limit="many")
    assert bad_limit.status_code == 400
    assert bad_limit.json()["error"]["limit"] == ["Invalid integer"]


def test_an_invalid_token_is_ckans_authorization_error(api_client, ckan_site):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = get(api_client, "package_list")
    assert response.status_code == 403
    assert response.json()["error"]["__type"] == "Authorization Error"


def test_lists_paging_and_current_packages(api_client, ckan_site):
    assert result(get(api_client, "package_list", limit=2, offset=1)) == [
        "prison-population",
        "road-traffic-counts",
    ]
    current = result(get(api_client, "current_package_list_with_resources", limit=2))
    assert [p["name"] for p in current] == ["road-traffic-counts", "prison-population"]
    assert current[0]["resources"][0]["format"] == "JSON"
    second = result(get(api_client, "current_package_list_with_resources", limit=2, offset=2))
    assert [p["name"] for p in second] == ["hospital-admissions"]


def test_organisations_and_groups(api_client, ckan_site):
    assert result(get(api_client, "organization_list")) == ["department-a", "department-b"]
    full = result(get(api_client, "organization_list", all_fields="true"))
    assert {o["name"]: o["package_count"] for o in full} == {"department-a": 2, "department-b": 1}
    by_count = result(get(api_client, "organization_list", sort="package_count desc"))
    assert by_count == ["department-a", "department-b"]
    shown = result(get(api_client, "organization_show", id="department-b", include_datasets=True))
    assert shown["is_organization"] is True and shown["package_count"] == 1
    assert [p["name"] for p in shown["packages"]] == ["road-traffic-counts"]
    assert "packages" not in result(get(api_client, "organization_show", id="department-b"))
    groups = result(get(api_client, "group_list", all_fields=True))
    health = next(g for g in groups if g["name"] == "health")
    assert health["package_count"] == 1 and health["is_organization"] is False
    group = result(get(api_client, "group_show", id=health["id"], include_datasets="true"))
    assert [p["name"] for p in group["packages"]] == ["hospital-admissions"]


def test_tags_licences_status_and_site(api_client, ckan_site):
    tags = result(get(api_client, "tag_list"))
    assert "classified-topic" not in tags
    assert {"health", "admissions", "justice", "roads", "transport"} <= set(tags)
    assert result(get(api_client, "tag_list", query="ro")) == ["roads"]
    licences = {lic["id"]: lic for lic in result(get(api_client, "license_list"))}
    assert licences["ogl-v3"]["url"].startswith("http://www.nationalarchives.gov.uk/")
    assert licences["ogl-v3"]["od_conformance"] == "approved"
    assert licences["data-share-agreement"]["is_okd_compliant"] is False
    assert result(get(api_client, "status_show"))["ckan_version"].startswith("2.")
    assert result(get(api_client, "site_read")) is True
    assert "Search datasets" in result(get(api_client, "help_show", name="package_search"))


def test_value_lists_not_exclusive_ranges_and_organisation_ids(api_client, ckan_site):
    a_or_b = search(api_client, fq="tags:(justice OR roads)")
    assert names(a_or_b) == {"prison-population", "road-traffic-counts"}
    assert names(search(api_client, fq="NOT organization:department-b")) == {
        "hospital-admissions",
        "prison-population",
    }
    # Exclusive at both ends: the record modified at exactly 2026-01-02T12:00 is left out.
    exclusive = search(
        api_client, fq="metadata_modified:{2026-01-01T12:00:00Z TO 2026-01-03T12:00:00Z}"
    )
    assert names(exclusive) == {"prison-population"}
    assert search(api_client, fq="metadata_modified:[NOW-1DAY TO NOW]")["count"] == 0
    org_id = result(get(api_client, "organization_show", id="department-b"))["id"]
    assert names(search(api_client, fq=f"organization:{org_id}")) == {"road-traffic-counts"}
    assert names(search(api_client, fq="dataset_type:dataset", rows=100)) == VISIBLE
    assert names(search(api_client, fq="+state:active +capacity:public", rows=100)) == VISIBLE
    assert search(api_client, fq="private:true")["count"] == 0


def test_repeated_fq_all_hold_and_impossible_dates_are_refused(api_client, ckan_site):
    repeated = api_client.get(
        "/api/action/package_search?fq=organization:department-a&fq=-tags:justice"
    )
    assert names(result(repeated)) == {"hospital-admissions"}
    impossible = get(api_client, "package_search", fq="metadata_modified:[2026-13-45 TO *]")
    assert impossible.status_code == 400
    assert impossible.json()["error"]["__type"] == "Search Query Error"


def test_tags_are_names_a_ckan_site_accepts(api_client, ckan_site):
    hospital = ckan_site["hospital"]
    hospital.keyword = ["COVID-19: vaccines", "A&E", "x", "!!", "health", "health "]
    hospital.save()
    package = result(get(api_client, "package_show", id="hospital-admissions"))
    tags = [t["name"] for t in package["tags"]]
    assert tags == ["COVID-19 vaccines", "A E", "x_", "health"]
    assert all(re.fullmatch(r"[\w .-]{2,100}", t) for t in tags)
    assert "COVID-19 vaccines" in result(get(api_client, "tag_list"))
    facet = search(api_client, **{"facet.field": '["tags"]'})["facets"]["tags"]
    assert facet["A E"] == 1
