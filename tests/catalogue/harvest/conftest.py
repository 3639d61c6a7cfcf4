"""Fixtures for the harvest layer: a real local HTTP server (no other network) and clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from catalogue.harvest.parsers.http import OutboundClient

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def client() -> Iterator[OutboundClient]:
    """A client that may reach the local test server (loopback allow-listed, as in tests)."""
    with OutboundClient(
        allow_networks="127.0.0.0/8", timeout=2.0, total_timeout=10.0, max_bytes=20 * 1024 * 1024
    ) as c:
        yield c


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
