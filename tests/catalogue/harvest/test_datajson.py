import datetime as dt
import json
from pathlib import Path

import orjson
import pytest

from catalogue.harvest.parsers.common import (
    CC0,
    MAX_TEXT,
    ODBL,
    US_PD,
    map_frequency,
    parse_datetime,
    parse_temporal,
)
from catalogue.harvest.parsers.datajson import check_datajson, parse_datajson
from catalogue.harvest.parsers.errors import SourceMalformed
from catalogue.harvest.parsers.records import DatasetRecord, RecordError

DATAJSON = Path(__file__).resolve().parents[2] / "fixtures" / "datajson"
# WPRDC's catalogue carries no licence we can verify, so it is not shipped in the repo; it is
# checked from the shared data folder when that is present (see tests/fixtures/SOURCES.md).
WPRDC = Path("/work/shared/data/datajson/wprdc.data.json")
REAL_FILES = [*sorted(DATAJSON.glob("*.json")), WPRDC]
ACCESS = {"public": "OPEN", "restricted public": "RESTRICTED", "non-public": "INTERNAL"}
LICENCES = {
    "https://www.usa.gov/government-works": US_PD,
    "http://www.usa.gov/publicdomain/label/1.0/": US_PD,
    "http://opendatacommons.org/licenses/odbl/1.0/": ODBL,
    "http://creativecommons.org/publicdomain/zero/1.0/legalcode": CC0,
    "http://www.opendefinition.org/licenses/cc-zero": CC0,
}


def _records(path):
    return list(parse_datajson(path))


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_real_datajson_dataset_is_imported_without_record_errors(path):
    if not path.exists():
        pytest.skip(f"{path} not available (unlicensed file, not shipped)")
    expected = len(json.loads(path.read_bytes())["dataset"])
    records = _records(path)
    assert len(records) == expected
    assert [r for r in records if isinstance(r, RecordError)] == []
    assert check_datajson(path) == expected


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_datajson_fields_match_the_raw_json(path):
    if not path.exists():
        pytest.skip(f"{path} not available (unlicensed file, not shipped)")
    raw = json.loads(path.read_bytes())["dataset"]
    records = _records(path)
    for i in sorted({0, 1, len(raw) // 2, len(raw) - 1}):
        source, record = raw[i], records[i]
        assert isinstance(record, DatasetRecord)
        assert record.title == source["title"].strip()
        assert record.description == (source.get("description") or "").strip()
        assert record.source_identifier == source["identifier"].strip()
        raw_tags = [" ".join(k.split()) for k in source.get("keyword", []) if k.strip()]
        assert [k.lower() for k in record.keyword] == list(
            dict.fromkeys(t.lower() for t in raw_tags)
        )
        assert record.publisher_name == source["publisher"]["name"]
        assert record.access_rights == ACCESS[source["accessLevel"]]
        if source.get("license") in LICENCES:
            assert record.licence == LICENCES[source["license"]]
        assert len(record.distribution) == len(source.get("distribution", []))
        for dist, raw_dist in zip(record.distribution, source.get("distribution", []), strict=True):
            assert dist.download_url == raw_dist.get("downloadURL", "")
            assert dist.access_url == raw_dist.get("accessURL", "")
            assert dist.media_type == raw_dist.get("mediaType", "")
        contact = source.get("contactPoint") or {}
        if contact.get("hasEmail"):
            assert record.contact_point[0].email == contact["hasEmail"].removeprefix("mailto:")
        assert len(record.content_hash) == 64


def test_cdc_sample_is_mapped_field_by_field():
    records = {r.source_identifier: r for r in _records(DATAJSON / "data.cdc.gov.data.json")}
    raw = {
        d["identifier"]: d
        for d in json.loads((DATAJSON / "data.cdc.gov.data.json").read_bytes())["dataset"]
    }
    weekly = next(i for i, d in raw.items() if d.get("accrualPeriodicity") == "R/P1W")
    assert records[weekly].update_frequency == "weekly"
    word = next(i for i, d in raw.items() if d.get("accrualPeriodicity") == "Monthly")
    assert records[word].update_frequency == "monthly"
    odd = next(
        i
        for i, d in raw.items()
        if d.get("accrualPeriodicity") == "No longer updated (dataset archived)"
    )
    assert records[odd].update_frequency == ""
    assert records[odd].extras["update_frequency"] == "No longer updated (dataset archived)"
    assert any("update frequency" in w for w in records[odd].warnings)
    ranged = next(i for i, d in raw.items() if d.get("temporal") == "1999/2018")
    assert records[ranged].temporal_start == dt.date(1999, 1, 1)
    restricted = next(i for i, d in raw.items() if d["accessLevel"] == "restricted public")
    assert records[restricted].access_rights == "RESTRICTED"
    first = records["https://data.cdc.gov/api/views/235m-gsry"]
    assert first.contact_point[0].email == "sa-cin-webteam@cdc.gov"
    assert first.issued == dt.datetime(2024, 11, 15, tzinfo=dt.UTC)
    assert first.landing_page == "https://data.cdc.gov/d/235m-gsry"


def test_content_hash_is_stable_across_runs():
    path = DATAJSON / "opendata.fcc.gov.data.json"
    assert [r.content_hash for r in _records(path)] == [r.content_hash for r in _records(path)]


def _catalog(tmp_path, datasets, name="data.json"):
    path = tmp_path / name
    path.write_bytes(orjson.dumps({"conformsTo": "x", "dataset": datasets}))
    return path


def test_messy_tags_and_publisher_hierarchy_are_repaired_not_rejected(tmp_path):
    path = _catalog(
        tmp_path,
        [
            {
                "title": "  Roads \n",
                "identifier": "r1",
                "accessLevel": "public",
                "keyword": [" traffic\n", "", "Traffic", "road  counts", "\t"],
                "publisher": {"name": "DfT", "subOrganizationOf": {"name": "HMG"}},
                "contactPoint": {"fn": "Desk", "hasEmail": "mailto:desk@example.gov"},
                "accrualPeriodicity": "R/P3M",
                "temporal": "R/2010-01-01/P1Y",
                "license": "https://creativecommons.org/licenses/by/4.0/",
                "modified": "March 2020",
                "theme": ["Transport", "Roads"],
                "spatial": "England",
            }
        ],
    )
    (record,) = _records(path)
    assert record.title == "Roads"
    assert record.keyword == ["traffic", "road counts"]
    assert record.extras["publisher_hierarchy"] == ["HMG"]
    assert record.update_frequency == "quarterly"
    assert (record.temporal_start, record.temporal_end) == (
        dt.date(2010, 1, 1),
        dt.date(2011, 1, 1),
    )
    assert record.modified == dt.datetime(2020, 3, 1, tzinfo=dt.UTC)
    assert record.theme == ["transport"] and record.extras["theme"] == ["Roads"]
    assert record.licence == "https://creativecommons.org/licenses/by/4.0/"


def test_unknown_values_are_kept_verbatim_with_warnings(tmp_path):
    path = _catalog(
        tmp_path,
        [
            {
                "title": "X",
                "identifier": "x",
                "accessLevel": "secret-ish",
                "license": "my-licence",
                "accrualPeriodicity": "every full moon",
                "modified": "not a date",
                "temporal": "ages",
            }
        ],
    )
    (record,) = _records(path)
    # Unknown is never more open than the source: treated as restricted, the text kept.
    assert record.access_rights == "RESTRICTED" and record.extras["access_level"] == "secret-ish"
    assert record.licence == "my-licence"
    assert record.extras["update_frequency"] == "every full moon"
    assert record.modified is None and record.extras["temporal"] == "ages"
    assert len(record.warnings) == 5


def test_a_record_without_title_is_a_record_error_and_the_rest_go_on(tmp_path):
    path = _catalog(
        tmp_path,
        [
            {"title": "A", "identifier": "a"},
            {"identifier": "b", "title": "  "},
            {"title": "C", "landingPage": "https://example.org/c"},
            {"title": "D"},
            "junk",
        ],
    )
    records = _records(path)
    assert [type(r).__name__ for r in records] == [
        "DatasetRecord",
        "RecordError",
        "DatasetRecord",
        "DatasetRecord",
        "RecordError",
    ]
    assert records[1].source_identifier == "b" and "no title" in records[1].message
    assert records[2].source_identifier == "https://example.org/c"
    assert records[3].source_identifier.startswith("title:")


def test_invalid_json_raises_source_malformed(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b'{"dataset": [{"title": "A",, }]}')
    with pytest.raises(SourceMalformed, match="not valid JSON"):
        _records(path)
    with pytest.raises(SourceMalformed, match="not valid JSON"):
        check_datajson(path)


def test_truncated_file_fails_the_run_after_the_records_before_the_cut(tmp_path):
    data = (DATAJSON / "opm.gov.data.json").read_bytes()
    path = tmp_path / "truncated.json"
    path.write_bytes(data[: len(data) // 2])
    yielded = []
    with pytest.raises(SourceMalformed, match=r"not valid JSON \(after \d+ datasets\)"):
        yielded.extend(parse_datajson(path))
    assert 0 < len(yielded) < 134  # streaming: the service must treat the run as failed
    with pytest.raises(SourceMalformed):  # the cheap pre-check catches it before any record
        check_datajson(path)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"<html>", "not a JSON object"),
        (b'{"foo": []}', "no 'dataset' array"),
    ],
)
def test_documents_that_are_not_catalogues_are_malformed(tmp_path, body, message):
    path = tmp_path / "x.json"
    path.write_bytes(body)
    with pytest.raises(SourceMalformed, match=message):
        _records(path)


def test_a_bare_array_of_datasets_is_accepted(tmp_path):
    path = tmp_path / "v10.json"
    path.write_bytes(orjson.dumps([{"title": "Old style", "identifier": "o"}]))
    assert [r.title for r in _records(path)] == ["Old style"]


def test_a_50_mb_string_is_cut_with_a_warning(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.write(b'{"dataset": [{"title": "Huge", "identifier": "h", "description": "')
        chunk = b"a" * (1 << 20)
        for _ in range(50):
            fh.write(chunk)
        fh.write(b'"}, {"title": "Next", "identifier": "n"}]}')
    huge, after = _records(path)
    assert len(huge.description) == MAX_TEXT
    assert any("description" in w and "cut to" in w for w in huge.warnings)
    assert after.title == "Next"


def test_frequency_and_date_helpers_are_lenient():
    extras: dict = {}
    warnings: list[str] = []
    assert map_frequency("R/P1D", warnings, extras) == "daily"
    assert map_frequency("R/P1Y", warnings, extras) == "annual"
    assert map_frequency("irregular", warnings, extras) == "irregular"
    assert (
        map_frequency(
            "http://publications.europa.eu/resource/authority/frequency/QUARTERLY", warnings, extras
        )
        == "quarterly"
    )
    assert map_frequency("http://purl.org/cld/freq/biennial", warnings, extras) == "biennial"
    assert warnings == []
    assert parse_datetime("2023", warnings, "x") == dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    assert parse_datetime("2019-06-26T13:10:03.558442", warnings, "x").year == 2019
    assert parse_datetime("01/31/2020", warnings, "x").month == 1
    assert parse_temporal("2019-01-01/2019-12-31", warnings, extras) == (
        dt.date(2019, 1, 1),
        dt.date(2019, 12, 31),
    )
    assert parse_temporal("2019-01-01T00:00:00Z/P1M", warnings, extras)[1] == dt.date(2019, 2, 1)
    assert parse_temporal("P1Y/2020-01-01", warnings, extras)[0] == dt.date(2019, 1, 1)
    assert parse_temporal("2023-2024", warnings, extras) == (
        dt.date(2023, 1, 1),
        dt.date(2024, 12, 31),
    )
    assert warnings == []


def _peak_memory_parsing(path):
    import tracemalloc

    tracemalloc.start()
    try:
        count = sum(1 for _ in parse_datajson(path))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_with_catalogue_size(tmp_path):
    entry = {
        "title": "T",
        "description": "d" * 3000,
        "keyword": ["a", "b"],
        "accessLevel": "public",
        "distribution": [{"downloadURL": "https://x/y.csv"}],
    }
    peaks = []
    for n in (3000, 9000):
        path = tmp_path / f"big{n}.json"
        with path.open("wb") as fh:
            fh.write(b'{"dataset": [')
            for i in range(n):
                fh.write((b"," if i else b"") + orjson.dumps({**entry, "identifier": str(i)}))
            fh.write(b"]}")
        count, peak = _peak_memory_parsing(path)
        assert count == n
        peaks.append(peak)
    # three times the catalogue, about the same peak: bounded by the read buffer, not the file
    assert peaks[1] < peaks[0] * 1.3, peaks


def test_records_the_caller_already_holds_are_not_mapped_again():
    path = DATAJSON / "opm.gov.data.json"
    records = [r for r in parse_datajson(path) if isinstance(r, DatasetRecord)]
    held = {(r.source_identifier, r.content_hash) for r in records[:100]}

    again = list(parse_datajson(path, known=lambda sid, digest: (sid, digest) in held))

    assert [type(r).__name__ for r in again] == ["UnchangedRecord"] * 100 + ["DatasetRecord"] * (
        len(records) - 100
    )
    assert [r.source_identifier for r in again] == [r.source_identifier for r in records]
