"""Formats and media types fill each other in; a distribution is never shown as "Untitled"."""

import pytest

from catalogue import mediatypes
from catalogue.harvest.parsers.records import DatasetRecord, DistributionRecord
from catalogue.harvest.services.records import distribution_fields_from_record
from catalogue.models import Distribution


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"format": "", "media_type": "text/csv", "url": ""}, ("CSV", "text/csv")),
        (
            {"format": "", "media_type": "text/csv; charset=utf-8", "url": ""},
            ("CSV", "text/csv"),
        ),
        (
            {"format": "", "media_type": "", "url": "https://x.example/a/counts.XLSX?v=2"},
            ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ),
        ({"format": "csv", "media_type": "", "url": ""}, ("csv", "text/csv")),
        ({"format": "Esri REST", "media_type": "", "url": ""}, ("Esri REST", "")),
        ({"format": "", "media_type": "", "url": "https://x.example/api/"}, ("", "")),
        (
            {
                "format": "",
                "media_type": "https://www.iana.org/assignments/media-types/application/json",
                "url": "",
            },
            ("JSON", "application/json"),
        ),
    ],
)
def test_a_missing_format_or_media_type_is_derived_from_what_was_given(given, expected):
    assert mediatypes.derive(**given) == expected


def test_eu_file_type_iris_and_extensions_name_the_same_format():
    csv = mediatypes.lookup("CSV")
    assert mediatypes.lookup(mediatypes.EU_FILE_TYPE + "CSV") is csv
    assert mediatypes.lookup(".csv") is csv
    assert mediatypes.lookup("no such format") is None


def test_harvested_distributions_get_a_format_from_their_media_type_or_link():
    record = DatasetRecord(
        source_identifier="x",
        title="x",
        distribution=[
            DistributionRecord(media_type="application/json", access_url="https://x.example/a"),
            DistributionRecord(download_url="https://x.example/files/rates.csv"),
        ],
    )
    first, second = distribution_fields_from_record(record)
    assert (first["format"], first["media_type"]) == ("JSON", "application/json")
    assert (second["format"], second["media_type"]) == ("CSV", "text/csv")
    assert first["title"] == second["title"] == ""  # shown by format or file name, not stored


def test_a_distribution_without_a_title_is_called_by_its_format_then_its_file_name():
    assert Distribution(title="Counts", format="CSV").label == "Counts"
    assert Distribution(format="CSV").label == "CSV"
    assert Distribution(download_url="https://x.example/files/rates.ods").label == "rates.ods"
    assert Distribution().label == "Data file"
