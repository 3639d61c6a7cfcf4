"""The link, email and POD-field checks every parser shares (catalogue/harvest/parsers/links)."""

import pytest

from catalogue.harvest.parsers.common import (
    clean_emails,
    clean_url,
    is_web_url,
    keep_pod_values,
    unresolved,
)

BASE = "http://host.example/dcat/catalog.ttl"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("javascript:alert(1)", "javascript: scheme"),
        ("JavaScript:alert(1)", "javascript: scheme"),
        ("data:text/html,<b>x</b>", "data: scheme"),
        ("vbscript:msgbox(1)", "vbscript: scheme"),
        ("ftp://ftp.example.gov/a.csv", "ftp: scheme"),
        ("file:///etc/passwd", "file: scheme"),
        ("someone@example.gov.uk", "is an email address"),
        ("mailto:someone@example.gov.uk", "mailto: scheme"),
        ("Birmingham City Council", "not an absolute http(s) URL"),
        ("CSV", "not an absolute http(s) URL"),
        ("http://", "not an absolute http(s) URL"),
        ("http://host:99999/", "not an absolute http(s) URL"),
        ("https://host/a\nb", "not an absolute http(s) URL"),
    ],
)
def test_a_value_that_is_not_a_web_link_is_kept_as_text_with_a_warning(value, reason):
    warnings: list[str] = []
    extras: dict = {}

    assert clean_url(value, warnings, "landingPage", extras=extras, base=BASE) == ""

    assert extras == {"invalid_values": {"landingPage": value.strip()}}
    assert len(warnings) == 1 and warnings[0].startswith("landingPage ") and reason in warnings[0]


def test_web_links_are_kept_and_characters_a_uri_may_not_hold_are_percent_encoded():
    warnings: list[str] = []
    assert clean_url(" https://a.gov/x?y=1#z ", warnings, "f") == "https://a.gov/x?y=1#z"
    assert clean_url("https://a.gov/my file|2.csv", warnings, "f") == (
        "https://a.gov/my%20file%7C2.csv"
    )
    assert clean_url("https://a.gov/%20already", warnings, "f") == "https://a.gov/%20already"
    # "[", "]" and a second "#" are not allowed there by RFC 3986 (POD checks "format": "uri")
    assert clean_url("https://a.gov/q?a=[1]", warnings, "f") == "https://a.gov/q?a=%5B1%5D"
    assert clean_url("https://a.gov/#!/x#y", warnings, "f") == "https://a.gov/#!/x%23y"
    assert warnings == []
    assert is_web_url("HTTPS://A.GOV/") and not is_web_url("https://a.gov/a b")


def test_relative_references_resolve_only_against_a_base_and_never_from_a_bare_word():
    warnings: list[str] = []
    assert (
        clean_url("files/a.csv", warnings, "f", base=BASE) == "http://host.example/dcat/files/a.csv"
    )
    assert clean_url("/a.csv", warnings, "f", base=BASE) == "http://host.example/a.csv"
    assert clean_url("files/a.csv", warnings, "f") == ""  # no base: the format has none
    assert clean_url("CSV", warnings, "f", base=BASE) == ""
    assert clean_url("a@b.gov/x", warnings, "f", base=BASE) == ""


def test_emails_are_split_and_checked():
    warnings: list[str] = []
    extras: dict = {}
    cdc = "mailto:acp4@cdc.gov, krk9@cdc.gov, nnp8@cdc.gov  "
    assert clean_emails(cdc, warnings, "e") == ["acp4@cdc.gov", "krk9@cdc.gov", "nnp8@cdc.gov"]
    assert clean_emails("a@x.gov; A@X.GOV", warnings, "e") == ["a@x.gov"]
    assert clean_emails("mailto:team@x.gov?subject=Data", warnings, "e") == ["team@x.gov"]
    assert warnings == []
    assert clean_emails("mailto:CDCINFO.CDC.GOV", warnings, "e", extras=extras) == []
    assert clean_emails("http://x.gov/contact", warnings, "e", extras=extras) == []
    assert len(warnings) == 2 and all("is not an email address" in w for w in warnings)
    assert extras["invalid_values"]["e"] == ["mailto:CDCINFO.CDC.GOV", "http://x.gov/contact"]


def test_unresolved_gives_back_what_rdf_resolved_against_the_document():
    assert unresolved("http://host.example/dcat/CSV", BASE) == "CSV"
    assert unresolved("http://host.example/dcat/care@x.gov", BASE) == "care@x.gov"
    assert unresolved("http://host.example/dcat/files/a.csv", BASE) == ""  # a real path
    assert unresolved("http://elsewhere.example/dcat/CSV", BASE) == ""
    assert unresolved("http://host.example/dcat/CSV", "") == ""


def test_pod_values_are_kept_as_given_and_bad_ones_only_as_text():
    warnings: list[str] = []
    extras: dict = {}
    keep_pod_values(
        {
            "bureauCode": "015:11, 15-11",
            "programCode": '["015:001"]',
            "describedBy": "data:application/json,{}",
            "references": ["https://a.gov/doc", "javascript:x"],
            "language": "en-US",
            "dataQuality": "true",
            "spatial": {"type": "Point", "coordinates": [0, 51]},
            "temporal": "2019/2020",
            "rights": " Public domain. ",
        },
        extras,
        warnings,
    )
    assert extras["bureauCode"] == ["015:11"] and extras["programCode"] == ["015:001"]
    assert extras["references"] == ["https://a.gov/doc"] and "describedBy" not in extras
    assert extras["language"] == ["en-US"] and extras["dataQuality"] is True
    assert extras["spatial"] == {"type": "Point", "coordinates": [0, 51]}
    assert (extras["temporal"], extras["rights"]) == ("2019/2020", "Public domain.")
    assert extras["invalid_values"] == {
        "bureauCode": ["15-11"],
        "describedBy": "data:application/json,{}",
        "references": "javascript:x",
    }
    assert len(warnings) == 3
