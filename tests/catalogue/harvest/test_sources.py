import json
from pathlib import Path

import pytest

from catalogue.harvest.parsers.dcat import parse_dcat_file
from catalogue.harvest.parsers.errors import HarvestError, SourceMalformed
from catalogue.harvest.parsers.records import DatasetRecord, RecordError
from catalogue.harvest.types import open_harvest, parse_file

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
OPM = FIXTURES / "datajson" / "opm.gov.data.json"
SHARED = Path("/work/shared/data")


def test_datajson_source_is_fetched_checked_and_streamed(server, client):
    server.static("/data.json", OPM.read_bytes())
    run = open_harvest("datajson", client, server.url("/data.json"))
    records = list(run)
    assert len(records) == len(json.loads(OPM.read_bytes())["dataset"]) == run.expected_count
    assert run.complete


def test_a_truncated_datajson_download_fails_before_any_record(server, client):
    data = OPM.read_bytes()
    server.static("/data.json", data[: len(data) // 2])
    run = open_harvest("datajson", client, server.url("/data.json"))
    yielded = []
    with pytest.raises(SourceMalformed, match="not valid JSON"):
        yielded.extend(run)
    assert yielded == [] and not run.complete


@pytest.mark.parametrize(
    ("source_type", "path", "count"),
    [
        ("datajson", FIXTURES / "datajson" / "opendata.fcc.gov.data.json", 59),
        ("ckan", FIXTURES / "ckan" / "data.gov.uk_package_search.json", 4),
        ("dcat", FIXTURES / "dcat" / "catalog.ttl", 4),
    ],
)
def test_parse_file_dispatches_on_source_type(source_type, path, count):
    assert len(list(parse_file(source_type, path))) == count


def test_unknown_source_type_is_a_clear_error(client):
    with pytest.raises(HarvestError, match="Unknown source type 'oai-pmh'"):
        open_harvest("oai-pmh", client, "https://example.org/")


# Files we may read but not ship (AGPL examples, unlicensed dump): checked only where present.
UNSHIPPED_DCAT = [
    *sorted((SHARED / "dcat" / "ckanext-dcat").glob("*")),
    SHARED / "dcat" / "public.opendatasoft.com_catalog.ttl",
]


@pytest.mark.parametrize("path", UNSHIPPED_DCAT or [SHARED / "missing"], ids=lambda p: p.name)
def test_real_world_dcat_documents_parse_when_available(path):
    if not path.exists():
        pytest.skip(f"{path} not available (not shippable, read from shared data only)")
    records = parse_dcat_file(path)
    assert any(isinstance(r, DatasetRecord) for r in records)
    assert all(isinstance(r, DatasetRecord | RecordError) for r in records)
    if path.name == "public.opendatasoft.com_catalog.ttl":
        assert len(records) == 186
