import datetime as dt
import json
import math
from pathlib import Path

import orjson
import pytest

from catalogue.harvest.parsers.ckan import CkanHarvest, harvest_ckan, parse_ckan_file, parse_package
from catalogue.harvest.parsers.common import CC0, OGL3
from catalogue.harvest.parsers.errors import SourceMalformed
from catalogue.harvest.parsers.records import DatasetRecord, RecordError

CKAN = Path(__file__).resolve().parents[2] / "fixtures" / "ckan"
BASE = "https://ckan.example"


def _raw_packages(path):
    payload = json.loads(path.read_bytes())
    result = payload.get("result", payload)
    return result.get("results", [result])


@pytest.mark.parametrize("path", sorted(CKAN.glob("*.json")), ids=lambda p: p.name)
def test_every_saved_ckan_response_parses_field_by_field(path):
    raw = _raw_packages(path)
    records = list(parse_ckan_file(path, base_url=BASE))
    assert len(records) == len(raw)
    for record, package in zip(records, raw, strict=True):
        assert isinstance(record, DatasetRecord), record
        assert record.source_identifier == package["id"]
        assert record.title == package["title"].strip()
        assert record.description == (package.get("notes") or "").strip()
        assert record.source_url == f"{BASE}/dataset/{package['name']}"
        assert len(record.distribution) == len(package.get("resources", []))
        for dist, res in zip(record.distribution, package.get("resources", []), strict=True):
            url = res["url"].strip()
            if url.startswith(("http://", "https://")):
                assert dist.access_url == url
            else:  # ftp:// and the like are kept as text, never as a link
                assert dist.access_url == ""
                assert url in str(record.extras["invalid_values"]["resource.url"])
                assert any("resource.url" in w and "ftp: scheme" in w for w in record.warnings)
        tags = {
            " ".join((t.get("display_name") or t["name"]).split()).lower()
            for t in package.get("tags", [])
        }
        assert {k.lower() for k in record.keyword} == tags
        org = package.get("organization") or {}
        if org.get("title"):
            assert record.publisher_name == org["title"]
        assert record.modified is not None and record.modified.tzinfo is not None
        assert len(record.content_hash) == 64


def _by_name(records):
    return {r.extras["ckan_name"]: r for r in records}


def test_data_gov_uk_search_result_maps_harvested_fields():
    records = _by_name(parse_ckan_file(CKAN / "data.gov.uk_package_search.json"))
    bees = next(r for r in records.values() if r.title.startswith("Pollinator"))
    assert bees.publisher_name == "Environmental Information Data Centre"
    assert bees.licence == OGL3
    assert (bees.temporal_start, bees.temporal_end) == (dt.date(2015, 1, 1), dt.date(2015, 12, 31))
    assert [c.email for c in bees.contact_point] == ["m.p.garratt@reading.ac.uk"]
    assert bees.spatial.startswith('{"type": "Polygon"')
    assert bees.extras["ckan_extras"]["guid"] == "5822900b-3af4-4bb9-a2d6-0b5d384e2a3c"
    assert bees.distribution[0].format == "ZIP" and bees.distribution[0].download_url
    assert bees.issued == dt.datetime(2016, 8, 16, 18, 34, 6, 445687, tzinfo=dt.UTC)


def test_catalog_data_gov_maps_datajson_extras_and_groups():
    records = list(parse_ckan_file(CKAN / "catalog.data.gov_package_search_rows10.json"))
    loans = records[0]
    assert loans.title == "National Student Loan Data System"
    assert loans.licence == CC0
    assert loans.theme == ["education"]
    assert loans.update_frequency == "quarterly"
    assert loans.access_rights == "RESTRICTED"
    assert loans.spatial == "United States"
    assert loans.publisher_name == "Department of Education"
    assert loans.contact_point[0].email == "tara.marini@ed.gov"
    assert loans.distribution[0].media_type.startswith("application/vnd.openxmlformats")
    complaints = next(r for r in records if r.title == "Consumer Complaint Database")
    assert complaints.temporal_start == dt.date(2011, 12, 1)


def test_data_gov_uk_themes_and_contacts():
    (ford,) = parse_ckan_file(CKAN / "data.gov.uk_v26_package_show_update.json")
    assert ford.theme == ["environment", "transport"]
    assert ford.publisher_name == "Durham County Council"
    (survey,) = parse_ckan_file(
        CKAN / "data.gov.uk_package_show_result_civil-service-people-survey-2011.json"
    )
    assert survey.theme == ["government"]
    assert survey.extras["update_frequency"] == "never"  # kept, with a warning
    (york,) = parse_ckan_file(CKAN / "data.gov.uk_v26_package_show_create.json")
    assert york.update_frequency == "monthly"


def test_unmapped_groups_are_kept_and_tags_are_cleaned():
    record = parse_package(
        {
            "id": "p1",
            "name": "p1",
            "title": "P",
            "license_id": "odc-odbl",
            "tags": [{"name": "a\n"}, {"display_name": "  A "}, {"name": ""}, "plain"],
            "groups": [
                {"name": "transport", "title": "Transport"},
                {"name": "x", "title": "Crime & Justice"},
                {"name": "misc", "title": "Misc"},
            ],
            "resources": [
                {"url": "https://x/a.csv", "format": "CSV", "size": "12", "hash": "h"},
                {"url": "https://x/api", "format": "API", "size": "big"},
            ],
        }
    )
    assert record.keyword == ["a", "plain"]
    assert record.theme == ["transport", "crime-and-justice"]
    assert record.extras["groups"] == ["Misc"]
    csv, api = record.distribution
    assert (csv.download_url, csv.byte_size, csv.checksum) == ("https://x/a.csv", 12, "h")
    assert (api.download_url, api.access_url, api.byte_size) == ("", "https://x/api", None)
    assert record.licence == "https://opendatacommons.org/licenses/odbl/1-0/"


def test_package_without_title_uses_name_and_one_without_id_fails():
    named = parse_package({"id": "i", "name": "only-a-name"})
    assert named.title == "only-a-name" and named.warnings
    assert isinstance(parse_package({"title": ""}), RecordError)
    assert isinstance(parse_package("junk"), RecordError)


def test_saved_file_with_invalid_json_or_failed_action_is_malformed(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"result": {')
    with pytest.raises(SourceMalformed, match="not valid JSON"):
        list(parse_ckan_file(bad))
    failed = tmp_path / "failed.json"
    failed.write_bytes(b'{"success": false, "error": {"message": "Access denied"}}')
    with pytest.raises(SourceMalformed, match="Access denied"):
        list(parse_ckan_file(failed))


# -- paging through a fake CKAN Action API built from the real records --------------------


def _all_packages():
    packages = []
    for name in (
        "catalog.data.gov_package_search_rows10.json",
        "data.gov.uk_package_search.json",
        "demo.ckan.org_package_search_rows3.json",
    ):
        packages += _raw_packages(CKAN / name)
    return sorted(packages, key=lambda p: (p["metadata_modified"], p["id"]))


def _fake_ckan(server, packages, *, lie=None):
    calls = []

    def package_search(_req, query):
        rows = int(query.get("rows", ["10"])[0])
        start = int(query.get("start", ["0"])[0])
        selected = packages
        fq = query.get("fq", [""])[0]
        if fq.startswith("metadata_modified:["):
            since = fq.split("[", 1)[1].split(" TO ", 1)[0].rstrip("Z")
            selected = [p for p in packages if p["metadata_modified"] >= since]
        calls.append({"rows": rows, "start": start, "fq": fq})
        count, page = len(selected), selected[start : start + rows]
        if lie:
            count, page = lie(len(calls), count, page, selected, rows)
        body = {"success": True, "result": {"count": count, "results": page}}
        return 200, {"Content-Type": "application/json"}, orjson.dumps(body)

    server.route("/api/3/action/package_search", package_search)
    return calls


def test_paging_reads_every_package_once(server, client):
    packages = _all_packages()
    calls = _fake_ckan(server, packages)
    run = harvest_ckan(client, server.url(""), page_size=4)
    records = list(run)
    assert [r.source_identifier for r in records] == [p["id"] for p in packages]
    assert run.complete and run.expected_count == len(packages) == 17
    assert len(calls) == math.ceil(17 / 4)
    assert records[0].source_url == server.url(f"/dataset/{packages[0]['name']}")


def test_incremental_run_asks_only_for_packages_modified_since(server, client):
    packages = _all_packages()
    calls = _fake_ckan(server, packages)
    since = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    run = CkanHarvest(client, server.url(""), since=since, page_size=100)
    records = list(run)
    expected = [p["id"] for p in packages if p["metadata_modified"] >= "2019-01-01"]
    assert 0 < len(expected) < len(packages)
    assert [r.source_identifier for r in records] == expected
    assert calls[0]["fq"] == "metadata_modified:[2019-01-01T00:00:00.000000Z TO *]"
    assert not run.complete  # an incremental listing never justifies withdrawals


def test_a_source_whose_count_changes_is_read_to_the_empty_page_and_marked_incomplete(
    server, client
):
    packages = _all_packages()
    _fake_ckan(server, packages, lie=lambda n, count, page, *_: (count + 5 * n, page))
    run = harvest_ckan(client, server.url(""), page_size=5)
    records = list(run)
    assert len(records) == 17
    assert not run.complete
    assert any("count changed" in w for w in run.warnings)


def test_a_source_ignoring_start_stops_instead_of_looping(server, client):
    packages = _all_packages()
    calls = _fake_ckan(
        server, packages, lie=lambda n, count, page, selected, rows: (count, selected[:rows])
    )
    run = harvest_ckan(client, server.url(""), page_size=5)
    assert len(list(run)) == 5
    assert len(calls) == 2 and not run.complete
    assert any("nothing new" in w for w in run.warnings)


def test_a_source_that_runs_dry_early_is_marked_incomplete(server, client):
    packages = _all_packages()
    _fake_ckan(server, packages, lie=lambda n, count, page, *_: (count, page if n < 2 else []))
    run = harvest_ckan(client, server.url(""), page_size=5)
    assert len(list(run)) == 5
    assert not run.complete
    assert any("17 packages but 5" in w for w in run.warnings)


def test_a_failed_action_or_odd_payload_stops_the_run(server, client):
    server.static(
        "/api/3/action/package_search", b'{"success": false, "error": {"message": "Solr is down"}}'
    )
    with pytest.raises(SourceMalformed, match="Solr is down"):
        list(harvest_ckan(client, server.url("")))
    server.static("/api/3/action/package_search", b'{"success": true, "result": {"x": 1}}')
    with pytest.raises(SourceMalformed, match="no 'results' list"):
        list(harvest_ckan(client, server.url("")))


def test_packages_the_caller_already_holds_are_not_mapped_again():
    path = CKAN / "data.gov.uk_package_search.json"
    records = list(parse_ckan_file(path))
    held = {(records[1].source_identifier, records[1].content_hash)}

    again = list(parse_ckan_file(path, known=lambda sid, digest: (sid, digest) in held))

    assert [type(r).__name__ for r in again] == [
        "UnchangedRecord" if i == 1 else "DatasetRecord" for i in range(len(records))
    ]
    assert [r.source_identifier for r in again] == [r.source_identifier for r in records]
