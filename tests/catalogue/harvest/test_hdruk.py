"""HDR UK Innovation Gateway exports (dataset schema v2), parsed from the real 531-dataset file."""

import datetime as dt
import json
from pathlib import Path

import pytest

from catalogue.harvest.parsers.common import content_hash
from catalogue.harvest.parsers.errors import SourceMalformed
from catalogue.harvest.parsers.hdruk import (
    check_hdruk,
    map_data_model,
    parse_file,
    parse_hdruk,
)
from catalogue.harvest.parsers.records import DatasetRecord, RecordError, UnchangedRecord
from catalogue.harvest.types import open_harvest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
GATEWAY = FIXTURES / "uk" / "hdruk_gateway_datasets_v2_2020-11.json"
GATEWAY_PAGE = "https://web.www.healthdatagateway.org/dataset/"


@pytest.fixture(scope="module")
def raw() -> list[dict]:
    return json.loads(GATEWAY.read_bytes())["dataModels"]


@pytest.fixture(scope="module")
def records() -> dict[str, DatasetRecord]:
    parsed = list(parse_file(GATEWAY))
    assert all(isinstance(r, DatasetRecord) for r in parsed)
    return {r.source_identifier: r for r in parsed}


def test_every_data_model_of_the_real_export_becomes_one_record(raw, records):
    assert check_hdruk(GATEWAY) == (531, 531)
    assert len(raw) == 531
    assert set(records) == {m["identifier"] for m in raw}
    assert [r.title for r in records.values()] == [m["summary"]["title"] for m in raw]


def test_a_hub_dataset_is_mapped_field_by_field(records):
    record = records[GATEWAY_PAGE + "0048a401-e54c-49d7-8afc-6c5390fb66b9"]
    assert record.title == "Acute care patients within the 100K Genome project"
    assert record.summary.startswith("A deeply phenotyped and longitudinal dataset")
    # The documentation is only a link to another page: kept as a link, the abstract describes.
    assert record.description == record.summary
    assert record.extras["documentation_url"] == (
        GATEWAY_PAGE + "f202a9da-f036-4e8c-a069-a20ff6c8a9e1"
    )
    assert record.keyword == ["Genomics", "PIONEER", "West Midlands"]
    assert record.publisher_name == "PIONEER"
    assert [(c.name, c.email) for c in record.contact_point] == [("", "PioneerDIH@UHB.NHS.UK")]
    assert record.identifier == record.landing_page == record.source_url == record.source_identifier
    assert record.spatial == "West Midlands Region, UK"
    assert (record.temporal_start, record.temporal_end) == (
        dt.date(2015, 3, 1),
        dt.date(2019, 9, 1),
    )
    assert record.issued == dt.datetime(2020, 11, 4, 17, 23, 14, tzinfo=dt.UTC)
    assert record.modified == dt.datetime(2020, 11, 16, 8, 49, 24, tzinfo=dt.UTC)
    assert record.version == "1.0.0"
    assert record.theme == ["health"]
    # "Governance of the datasets is yet to be determined" is not a statement of open data.
    assert record.access_rights == "RESTRICTED"
    access = record.extras["accessibility"]["access"]
    assert access["accessRights"] == "Governance of the datasets is yet to be determined"
    assert access["dataController"] == "University Hospitals Birmingham NHS Foundation Trust"
    assert access["jurisdiction"] == ["GB-GBN"]
    assert "dataProcessor" not in access  # "NOT APPLICABLE"
    assert "deliveryLeadTime" not in access  # "YET TO BE DECIDED"
    assert record.extras["summary"]["publisher"]["memberOf"] == "HUB"
    assert "doiName" not in record.extras["summary"]  # "not available"
    # STATIC has no Dublin Core frequency term: kept, with a warning.
    assert record.update_frequency == ""
    assert record.extras["update_frequency"] == "STATIC"
    assert record.warnings == ["update frequency 'STATIC' not recognised; kept in extras"]


def test_an_alliance_dataset_keeps_its_doi_formats_and_standards(records):
    record = records[GATEWAY_PAGE + "1048c3d9-42f6-4950-89be-c51fe7421753"]
    assert record.title == "Cystic Fibrosis Patient Liver Enzyme"
    assert record.update_frequency == "annual"
    assert (record.temporal_start, record.temporal_end) == (
        dt.date(1996, 1, 1),
        dt.date(2019, 9, 1),
    )
    assert record.extras["summary"]["doiName"] == "10.1093/ije/dyx196"
    standards = record.extras["accessibility"]["formatAndStandards"]
    assert (standards["format"], standards["conformsTo"], standards["language"]) == (
        ["csv"],
        ["LOCAL"],
        ["en"],
    )
    assert record.access_rights == "RESTRICTED"
    assert record.extras["accessibility"]["access"]["accessRights"].startswith(
        "https://www.cysticfibrosis.org.uk/"
    )
    assert record.warnings == []


def test_us_style_and_open_ended_dates_are_read(records):
    mhmds = records[GATEWAY_PAGE + "0e6e6ed5-ab81-4d7f-b06a-768bf33357ca"]  # 4/1/11 to 3/31/13
    assert (mhmds.temporal_start, mhmds.temporal_end) == (dt.date(2011, 4, 1), dt.date(2013, 3, 31))
    ongoing = records[GATEWAY_PAGE + "0c98200b-48b5-418a-b8d0-a7708abc1f39"]  # 1/1/16 to Ongoing
    assert (ongoing.temporal_start, ongoing.temporal_end) == (dt.date(2016, 1, 1), None)
    assert not [w for w in ongoing.warnings if "endDate" in w]


def test_placeholders_are_empty_not_content(records):
    record = records[GATEWAY_PAGE + "1d2a94c4-b18d-47c4-9b48-cfab8e67f126"]  # a Tissue Directory
    assert record.update_frequency == "" and "update_frequency" not in record.extras
    assert "doiName" not in record.extras["summary"]  # "not available"
    assert "format" not in record.extras["accessibility"].get("formatAndStandards", {})
    assert record.warnings == []
    placeholders = {"NOT APPLICABLE", "not available", "TBC", "None", "In Progress", "n/a"}
    for other in records.values():
        flat = json.dumps(other.extras)
        assert not any(f'"{p}"' in flat for p in placeholders), other.source_identifier


def test_only_a_plain_statement_of_open_access_makes_a_record_open(records):
    opened = [r for r in records.values() if r.access_rights == "OPEN"]
    assert [r.title for r in opened] == ["HDR UK Papers & Preprints"]
    assert {r.access_rights for r in records.values()} == {"OPEN", "RESTRICTED"}
    no_statement = records[GATEWAY_PAGE + "07188ee0-5d2d-492d-a1cc-32cbbbfbe63b"]  # accessRights ""
    assert no_statement.access_rights == "RESTRICTED"


def test_a_contact_that_is_not_an_email_is_kept_with_a_warning(records):
    record = records[GATEWAY_PAGE + "8045cbe5-738d-4d30-a360-06acbbace5a9"]
    link = "https://www.gov.uk/government/publications/accessing-public-health-england-data"
    assert record.contact_point == []
    assert record.extras["contact_point"] == [link]
    assert any("not an email address" in w for w in record.warnings)


def test_keywords_given_as_one_semicolon_list_are_split(records):
    record = records[GATEWAY_PAGE + "2e7fe631-6d25-44b5-bfd4-92d34bfb8145"]
    assert record.keyword == ["health", "population", "COVID-19"]
    assert record.update_frequency == "irregular"  # "AD HOC"


def test_a_model_without_title_or_identifier_is_a_record_error_and_the_rest_go_on(raw, tmp_path):
    no_title = json.loads(json.dumps(raw[0]))
    no_title["summary"]["title"] = "  "
    no_id = json.loads(json.dumps(raw[1]))
    no_id["identifier"] = None
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"count": 4, "dataModels": [no_title, no_id, raw[2], "x"]}))

    results = list(parse_file(path))

    assert [type(r) for r in results] == [RecordError, RecordError, DatasetRecord, RecordError]
    assert results[0] == RecordError(raw[0]["identifier"], "data model has no summary.title")
    assert results[1].message == "data model has no identifier"
    assert results[3].message == "data model #4 is not a JSON object"


def test_known_unchanged_models_are_skipped_before_mapping(raw):
    held = {(m["identifier"], content_hash(m)) for m in raw[:500]}
    results = list(parse_hdruk(GATEWAY, known=lambda sid, h: (sid, h) in held))
    assert sum(isinstance(r, UnchangedRecord) for r in results) == 500
    assert sum(isinstance(r, DatasetRecord) for r in results) == 31
    mapped = next(r for r in results if isinstance(r, DatasetRecord))
    assert mapped.content_hash == content_hash(raw[500])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"[]", "not a JSON object"),
        (b'{"count": 0}', "no 'dataModels' array"),
        (b'{"count": 3, "dataModels": [{}, {}]}', "declares 3 data models but holds 2"),
        (b'{"dataModels": [{"a": 1}, {"b": ', "not valid JSON"),
    ],
)
def test_a_broken_export_fails_before_any_record(tmp_path, content, message):
    path = tmp_path / "export.json"
    path.write_bytes(content)
    yielded = []
    with pytest.raises(SourceMalformed, match=message):
        yielded.extend(parse_file(path))
    assert yielded == []


def test_a_truncated_real_export_fails_before_any_record(tmp_path):
    data = GATEWAY.read_bytes()
    path = tmp_path / "export.json"
    path.write_bytes(data[: len(data) * 9 // 10])
    with pytest.raises(SourceMalformed, match="not valid JSON"):
        parse_file(path)  # the check runs when the type is asked for the file's records


def test_the_export_is_fetched_checked_and_streamed_from_a_server(server, client):
    server.static("/datasets.v2.json", GATEWAY.read_bytes())
    run = open_harvest("hdruk", client, server.url("/datasets.v2.json"))
    records = list(run)
    assert len(records) == 531 and run.complete and run.warnings == []


def test_an_export_holding_more_than_it_declares_is_harvested_with_a_warning(server, client, raw):
    server.static("/d.json", json.dumps({"count": 2, "dataModels": raw[:3]}).encode())
    run = open_harvest("hdruk", client, server.url("/d.json"))
    assert len(list(run)) == 3 and run.complete
    assert run.warnings == ["The export declares 2 data models but holds 3."]


def test_a_truncated_download_fails_before_any_record(server, client):
    data = GATEWAY.read_bytes()
    server.static("/d.json", data[: len(data) // 2])
    run = open_harvest("hdruk", client, server.url("/d.json"))
    yielded = []
    with pytest.raises(SourceMalformed, match="not valid JSON"):
        yielded.extend(run)
    assert yielded == [] and not run.complete


def test_map_data_model_refuses_what_is_not_an_object():
    assert map_data_model(["x"], index=7) == RecordError("#7", "data model #7 is not a JSON object")
