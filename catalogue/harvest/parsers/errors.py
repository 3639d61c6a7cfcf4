"""Exceptions that end a harvest run, so the service can tell a retry from a broken source.

A *source-level* failure raises one of these; a single bad record never does (parsers yield
`RecordError` for that and carry on). Messages are written for the publisher who owns the
source, and never contain credentials: `http.py` redacts URLs before it builds them.
"""

from __future__ import annotations


class HarvestError(Exception):
    """Base class: the run cannot go on. `retryable` tells Celery whether to try again."""

    retryable: bool = False

    def __init__(self, message: str, *, retryable: bool | None = None) -> None:
        super().__init__(message)
        self.message = message
        if retryable is not None:
            self.retryable = retryable

    def __str__(self) -> str:
        return self.message


class SourceUnavailable(HarvestError):
    """Network failure, timeout or an HTTP error status: usually worth retrying later."""

    retryable = True

    def __init__(
        self, message: str, *, retryable: bool | None = None, status_code: int | None = None
    ) -> None:
        super().__init__(message, retryable=retryable)
        self.status_code = status_code


class SourceRefused(HarvestError):
    """We will not fetch this: forbidden scheme or address, too many redirects."""


class SourceTooLarge(HarvestError):
    """The response went over the configured size cap (detected while streaming)."""


class SourceMalformed(HarvestError):
    """The document cannot be parsed (invalid JSON/RDF, truncated, unsafe XML)."""
