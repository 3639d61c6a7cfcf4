"""Link checks against a real local HTTP server, format detection, staleness, quality."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from catalogue.quality import is_stale
from catalogue.services.validation import detect_format, links_check_due
from tests.factories import DatasetFactory, DistributionFactory
from tests.localserver import LocalServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.OUTBOUND_ALLOW_NETWORKS = ["127.0.0.0/8"]
    settings.LINK_CHECK_HOST_DELAY = 0
    server = LocalServer()
    server.thread.start()
    server.static("/counts.csv", b"year,count\n2024,10\n", "text/csv")
    server.static("/big.csv", b"a,b\n" + b"1,2\n" * 40_000, "text/csv")
    yield server
    server.release.set()
    server.httpd.shutdown()


def test_working_and_broken_links_are_recorded_and_move_the_score(site, org_a):
    dataset = DatasetFactory(publisher=org_a)
    good = DistributionFactory(dataset=dataset, download_url=site.url("/counts.csv"), format="CSV")
    big = DistributionFactory(dataset=dataset, download_url=site.url("/big.csv"))
    gone = DistributionFactory(dataset=dataset, download_url=site.url("/missing.csv"))
    call_command("validate", dataset=dataset.slug, no_links=True)
    dataset.refresh_from_db()
    before = dataset.quality_score
    call_command("validate", dataset=dataset.slug)
    good.refresh_from_db(), big.refresh_from_db(), gone.refresh_from_db(), dataset.refresh_from_db()
    assert (good.link_ok, good.detected_format) == (True, "CSV")
    assert big.link_ok is True
    assert (gone.link_ok, gone.link_status) == (False, 404)
    assert "404" in gone.link_error
    assert dataset.quality_score == before + 80


def test_private_addresses_are_not_checked_unless_allowed(site, settings, org_a):
    settings.OUTBOUND_ALLOW_NETWORKS = []
    distribution = DistributionFactory(
        dataset=DatasetFactory(publisher=org_a), download_url=site.url("/counts.csv")
    )
    call_command("validate", dataset=distribution.dataset.slug)
    distribution.refresh_from_db()
    assert distribution.link_ok is False
    assert (
        "refused" in distribution.link_error.lower()
        or "not allowed" in distribution.link_error.lower()
    )
    assert site.requests == []


def test_due_links_are_checked_once_per_period(site, org_a):
    DistributionFactory(
        dataset=DatasetFactory(publisher=org_a), download_url=site.url("/counts.csv")
    )
    assert links_check_due() == 1
    assert links_check_due() == 0


def test_validate_refuses_an_unknown_dataset(db):
    with pytest.raises(CommandError, match="No dataset matches"):
        call_command("validate", dataset="no-such-dataset")


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (b"%PDF-1.7", "PDF"),
        (b'{"a": 1}', "JSON"),
        (b"<?xml version='1.0'?>", "XML"),
        (b"a,b\n1,2\n", "CSV"),
        (b"PK\x03\x04", "ZIP"),
        (b"<!DOCTYPE html>", "HTML"),
    ],
)
def test_formats_are_detected_from_the_first_bytes(sample, expected):
    assert detect_format(sample) == expected


def test_staleness_follows_the_promised_frequency():
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    assert is_stale("monthly", now - dt.timedelta(days=60), now)
    assert not is_stale("monthly", now - dt.timedelta(days=20), now)
    assert not is_stale("irregular", now - dt.timedelta(days=2000), now)
    assert not is_stale("annual", None, now)
