"""Harvesting another Data Marketplace node through its public DCAT feed.

Nodes of this product publish `/catalog.ttl` (DCAT-AP 3, Hydra-paged, `modified_since`), so a
peer is just a DCAT source at a known address. Going through the same DCAT path keeps one
mapping to maintain; anything richer (governance policies, organisation trees) would need an
authenticated node-to-node API that does not exist yet.
"""

from __future__ import annotations

import datetime as dt

from .dcat import DcatHarvest
from .http import OutboundClient


def harvest_marketplace(
    client: OutboundClient,
    base_url: str,
    *,
    since: dt.datetime | None = None,
    max_pages: int = 1000,
) -> DcatHarvest:
    """Records of a peer node's catalogue; iterate, then read `.complete` and `.warnings`.

    With `since`, only datasets modified since then are asked for, and `.complete` stays False.
    """
    params = None
    if since is not None:
        since_utc = since.astimezone(dt.UTC) if since.tzinfo else since.replace(tzinfo=dt.UTC)
        params = {"modified_since": since_utc.isoformat().replace("+00:00", "Z")}
    return DcatHarvest(
        client,
        f"{base_url.rstrip('/')}/catalog.ttl",
        params=params,
        max_pages=max_pages,
        incremental=since is not None,
    )
