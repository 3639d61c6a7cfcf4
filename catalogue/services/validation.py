"""Validation of datasets: link checks of their distributions, detected formats, quality.

Links are checked through the same guarded outbound client as harvesting (no private
addresses unless allow-listed, capped size and time), one client per run with a per-host
delay so a publisher's server is never hammered. Only the first bytes of a file are read.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalogue.harvest.parsers.errors import HarvestError, SourceTooLarge, SourceUnavailable
from catalogue.harvest.parsers.http import OutboundClient
from catalogue.models import Dataset, Distribution
from catalogue.services.changes import datasets_changed
from catalogue.services.datasets import dataset_refresh_quality

SAMPLE_BYTES = 64 * 1024
SIGNATURES = [
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP"),
    (b"\x89PNG", "PNG"),
    (b"<?xml", "XML"),
    (b"{", "JSON"),
    (b"[", "JSON"),
]


def outbound_client(**overrides) -> OutboundClient:
    options = {
        "allow_networks": settings.OUTBOUND_ALLOW_NETWORKS,
        "timeout": settings.LINK_CHECK_TIMEOUT,
        "total_timeout": settings.LINK_CHECK_TIMEOUT * 2,
        "per_host_delay": settings.LINK_CHECK_HOST_DELAY,
        **overrides,
    }
    return OutboundClient(**options)


def detect_format(sample: bytes, content_type: str = "") -> str:
    """A format name from the first bytes of a file (or its content type), '' when unsure."""
    head = sample.lstrip(b"\xef\xbb\xbf \t\r\n")[:16]
    for signature, name in SIGNATURES:
        if head.startswith(signature):
            return name
    if head.lower().startswith((b"<!doctype html", b"<html")):
        return "HTML"
    lines = sample[:4096].decode("utf-8", "replace").splitlines()
    if len(lines) > 1 and lines[0].count(",") >= 1 and lines[0].count(",") == lines[1].count(","):
        return "CSV"
    return content_type.split(";")[0].split("/")[-1].upper() if content_type else ""


def distribution_check_link(*, distribution: Distribution, client: OutboundClient) -> Distribution:
    """Fetch the start of the distribution's file and record whether the link works."""
    url = distribution.download_url or distribution.access_url
    result = {"link_ok": None, "link_status": None, "link_error": "", "detected_format": ""}
    if not url:
        result["link_error"] = "No link to check."
    else:
        try:
            sample = client.get_bytes(url)
            result.update(link_ok=True, detected_format=detect_format(sample))
        except SourceTooLarge:
            result["link_ok"] = True  # it answered with more than we read: the link works
        except SourceUnavailable as exc:
            result.update(link_ok=False, link_status=exc.status_code, link_error=str(exc)[:500])
        except HarvestError as exc:
            result.update(link_ok=False, link_error=str(exc)[:500])
    result["link_checked_at"] = timezone.now()
    Distribution.objects.filter(pk=distribution.pk).update(**result)
    for field, value in result.items():
        setattr(distribution, field, value)
    return distribution


def dataset_validate(
    *, dataset: Dataset, check_links: bool = True, client: OutboundClient | None = None
) -> Dataset:
    """Check the dataset's links (optionally) and recompute its metadata quality."""
    if check_links:
        own = client or outbound_client(max_bytes=SAMPLE_BYTES)
        try:
            for distribution in dataset.distributions.all():
                distribution_check_link(distribution=distribution, client=own)
        finally:
            if client is None:
                own.close()
    return dataset_refresh_quality(dataset=dataset)


def distributions_due_for_check(*, older_than: timedelta, limit: int) -> Iterable[Distribution]:
    """Links never checked, or checked longer ago than `older_than`, grouped by host order."""
    cutoff = timezone.now() - older_than
    return (
        Distribution.objects.filter(dataset__status=Dataset.Status.PUBLISHED)
        .filter(Q(link_checked_at__isnull=True) | Q(link_checked_at__lt=cutoff))
        .exclude(download_url="", access_url="")
        .select_related("dataset")
        .order_by("link_checked_at", "pk")[:limit]
    )


def links_check_due(*, limit: int = 500) -> int:
    """Check the links most overdue for a check; returns how many were checked."""
    checked = set()
    with outbound_client(max_bytes=SAMPLE_BYTES) as client:
        for distribution in distributions_due_for_check(
            older_than=timedelta(days=settings.LINK_CHECK_EVERY_DAYS), limit=limit
        ):
            distribution_check_link(distribution=distribution, client=client)
            checked.add(distribution.dataset_id)
    # One pass through the changed path for every dataset whose links were checked.
    with transaction.atomic():
        datasets_changed(ids=checked, reason="links checked")
    return len(checked)
