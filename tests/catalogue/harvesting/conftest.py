"""Harvest runs end to end: real catalogue files served by a local HTTP server, real database."""

from __future__ import annotations

import json

import pytest

from catalogue.harvest.services.sources import harvest_source_create
from catalogue.models import HarvestSource
from tests.localserver import LocalServer


@pytest.fixture(autouse=True)
def _harvest_settings(settings):
    settings.OUTBOUND_ALLOW_NETWORKS = ["127.0.0.0/8"]  # the local test server
    settings.HARVEST_PER_HOST_DELAY = 0
    settings.HARVEST_TIMEOUT = 2
    settings.HARVEST_TOTAL_TIMEOUT = 5
    settings.HARVEST_MAX_BYTES = 20 * 1024 * 1024
    settings.HARVEST_BATCH_SIZE = 200
    return settings


class CkanSite:
    """A CKAN Action API `package_search` over a list of package dicts, paged by start/rows."""

    def __init__(self, server: LocalServer, packages: list[dict]) -> None:
        self.packages = packages
        self.server = server
        server.route("/api/3/action/package_search", self._search)

    def _search(self, _request, query):
        start = int(query.get("start", ["0"])[0])
        rows = int(query.get("rows", ["10"])[0])
        body = {
            "success": True,
            "result": {"count": len(self.packages), "results": self.packages[start : start + rows]},
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    @property
    def url(self) -> str:
        return self.server.url("/")


@pytest.fixture
def ckan_site(server):
    def make(packages: list[dict]) -> CkanSite:
        return CkanSite(server, packages)

    return make


@pytest.fixture
def make_source(org_a):
    def make(url: str, source_type: str = "datajson", **extra) -> HarvestSource:
        return harvest_source_create(
            actor=None,
            organisation=extra.pop("organisation", org_a),
            title=extra.pop("title", "Test source"),
            url=url,
            source_type=source_type,
            **extra,
        )

    return make
