"""The real `ckanapi` client from PyPI, unchanged, against a live server: every read action
through RemoteCKAN, and `ckanapi dump datasets --all` returning exactly what an anonymous
visitor may see. Our own CKAN harvester reads it too."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import ckanapi
import pytest

from catalogue.harvest.parsers.ckan import CkanHarvest
from catalogue.harvest.parsers.http import OutboundClient
from tests.catalogue.feeds.conftest import SECRET_URL

pytestmark = pytest.mark.django_db(transaction=True)

VISIBLE = {"hospital-admissions", "prison-population", "road-traffic-counts"}


@pytest.fixture
def remote(live_server, ckan_site):
    with ckanapi.RemoteCKAN(live_server.url, user_agent="marketplace-tests") as site:
        yield site


def test_ckanapi_calls_every_action(remote, ckan_site):
    action = remote.action
    assert set(action.package_list()) == VISIBLE
    found = action.package_search(
        q="tags:roads OR tags:justice",
        fq="-organization:department-a",
        sort="metadata_modified desc",
        rows=10,
        **{"facet.field": ["organization", "tags"], "facet.limit": 5},
    )
    assert [p["name"] for p in found["results"]] == ["road-traffic-counts"]
    assert found["facets"]["organization"] == {"department-b": 1}
    assert found["search_facets"]["tags"]["items"][0]["count"] == 1
    shown = action.package_show(id="road-traffic-counts")
    assert shown["id"] == str(ckan_site["roads"].pk)
    assert action.package_show(id=shown["id"])["name"] == "road-traffic-counts"
    current = action.current_package_list_with_resources(limit=1)
    assert [p["name"] for p in current] == ["road-traffic-counts"]
    assert action.organization_list() == ["department-a", "department-b"]
    organisations = action.organization_list(all_fields=True)
    assert {o["name"]: o["package_count"] for o in organisations}["department-a"] == 2
    org = action.organization_show(id="department-a", include_datasets=True)
    assert {p["name"] for p in org["packages"]} == {"hospital-admissions", "prison-population"}
    assert "health" in action.group_list()
    assert action.group_show(id="transport")["package_count"] == 1
    assert "classified-topic" not in action.tag_list()
    assert "ogl-v3" in {lic["id"] for lic in action.license_list()}
    assert action.status_show()["site_url"]
    assert action.site_read() is True


def test_ckanapi_raises_ckans_own_exceptions(remote, ckan_site):
    with pytest.raises(ckanapi.NotFound):
        remote.action.package_show(id="government-eyes-only")
    with pytest.raises(ckanapi.NotFound):
        remote.action.organization_show(id="no-such-organisation")
    with pytest.raises(ckanapi.ValidationError) as invalid:
        remote.action.package_search(rows=-1)
    assert invalid.value.error_dict["rows"] == ["Must be a natural number"]
    with pytest.raises(ckanapi.SearchQueryError):
        remote.action.package_search(sort="popularity desc")
    with pytest.raises(ckanapi.CKANAPIError):
        remote.call_action("package_create", {"name": "nope"})


def test_ckanapi_get_only_mode_reads_the_same(live_server, ckan_site):
    with ckanapi.RemoteCKAN(live_server.url, get_only=True) as site:
        assert set(site.action.package_list()) == VISIBLE
        found = site.action.package_search(fq="organization:department-a", sort="name asc")
        assert [p["name"] for p in found["results"]] == ["hospital-admissions", "prison-population"]


def test_ckanapi_dump_datasets_returns_exactly_what_a_visitor_may_see(live_server, ckan_site):
    bin_dir = Path(sys.executable).parent
    # The dump starts its workers as `ckanapi …` from PATH, so the venv's bin comes first.
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    completed = subprocess.run(  # noqa: S603 - our own venv's ckanapi, fixed arguments
        [str(bin_dir / "ckanapi"), "dump", "datasets", "--all", "-r", live_server.url],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    packages = [json.loads(line) for line in completed.stdout.decode().splitlines() if line]
    by_name = {p["name"]: p for p in packages}
    assert set(by_name) == VISIBLE
    assert len(packages) == len(VISIBLE)
    assert SECRET_URL not in completed.stdout.decode()
    prisons = by_name["prison-population"]
    assert prisons["resources"] and all(r["url"] != SECRET_URL for r in prisons["resources"])
    assert by_name["hospital-admissions"]["resources"][0]["url"].startswith("https://")


def test_our_own_ckan_harvester_reads_the_api_in_pages_and_increments(live_server, ckan_site):
    # Closed at the end: an open keep-alive connection would hold a server thread, and its
    # database connection, past the test.
    with OutboundClient(allow_networks=["127.0.0.0/8"]) as client:
        full = CkanHarvest(client, live_server.url, page_size=2)
        records = list(full)
        since = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
        recent = list(CkanHarvest(client, live_server.url, since=since, page_size=2))
    assert {r.source_identifier for r in records} == {
        str(ckan_site[key].pk) for key in ("hospital", "prisons", "roads")
    }
    assert full.complete and full.expected_count == 3
    assert {r.title for r in recent} == {"Prison population", "Road traffic counts"}
