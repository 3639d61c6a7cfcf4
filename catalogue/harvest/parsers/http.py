"""The only way harvest code reaches the network, so SSRF, size and time limits live in one place.

Harvest source URLs are typed in by publishers, so every fetch is treated as hostile:

* Only http/https. The host is resolved by us, *every* address is checked against the block
  list, and the socket is opened to an address we checked (a custom httpcore network backend),
  so DNS rebinding between the check and the connect cannot reach an internal address.
* Redirects are followed by hand (capped), and each hop goes through the same checks.
* Private, loopback, link-local, multicast, reserved, unspecified and shared (CGNAT) addresses
  are refused unless they fall inside `allow_networks` (the Django side passes
  `OUTBOUND_ALLOW_NETWORKS`). Cloud metadata addresses are refused even when allow-listed:
  nobody has a legitimate catalogue there, and a broad allow-list must not expose them.
* The body is counted while it streams (after decompression, so a gzip bomb is caught too) and
  the fetch is cut off as soon as it passes `max_bytes`. Connect/read timeouts bound each
  socket operation and `total_timeout` bounds the whole fetch (checked between reads, and each
  read's timeout is shrunk to what is left), so a source trickling one byte a second fails.
* Credentials come from the source's config dict; exception messages carry a redacted URL and
  never the secrets, and original exceptions are not chained (`from None`) so a logged
  traceback cannot leak a header either.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import socket
import tempfile
import time
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpcore
import httpx
import orjson

from .errors import HarvestError, SourceMalformed, SourceRefused, SourceTooLarge, SourceUnavailable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Always refused, allow-list or not.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)
_SECRET_QUERY_KEYS = ("key", "token", "secret", "password", "passwd", "signature", "sig", "auth")
DEFAULT_USER_AGENT = "DataMarketplace-harvester/1.0 (+https://github.com/)"


def parse_networks(value: str | Iterable[str] | None) -> tuple[IPNetwork, ...]:
    """Parse `OUTBOUND_ALLOW_NETWORKS` ("127.0.0.0/8, ::1/128") or a list of CIDRs."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(ipaddress.ip_network(i.strip(), strict=False) for i in items if i.strip())


def address_block_reason(ip: IPAddress, allow: tuple[IPNetwork, ...] = ()) -> str | None:
    """Why `ip` must not be contacted, or None when it may be."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return address_block_reason(ip.ipv4_mapped, allow)
    if ip in METADATA_ADDRESSES:
        return "it is a cloud metadata address"
    if any(ip.version == net.version and ip in net for net in allow):
        return None
    for attr, label in (
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_unspecified", "unspecified"),
        ("is_reserved", "reserved"),
        ("is_private", "private"),
    ):
        if getattr(ip, attr):
            return f"it is a {label} address"
    if not ip.is_global:
        return "it is not a public address"
    return None


def redact_url(url: str | httpx.URL) -> str:
    """The URL without userinfo and with secret-looking query values masked."""
    try:
        parts = urlsplit(str(url))
    except ValueError:
        return "<unparseable URL>"
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = parts.query
    if query:
        pairs = []
        for pair in query.split("&"):
            name, sep, _value = pair.partition("=")
            if sep and any(k in name.lower() for k in _SECRET_QUERY_KEYS):
                pair = f"{name}=***"
            pairs.append(pair)
        query = "&".join(pairs)
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves and checks the host itself, then connects to the checked address."""

    def __init__(self, allow: tuple[IPNetwork, ...]) -> None:
        self.allow = allow

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve_checked(host, port, self.allow)
        for ip in addresses[:-1]:
            with contextlib.suppress(httpcore.ConnectError):  # try the next checked address
                return super().connect_tcp(str(ip), port, timeout, local_address, socket_options)
        return super().connect_tcp(str(addresses[-1]), port, timeout, local_address, socket_options)


def resolve_checked(host: str, port: int, allow: tuple[IPNetwork, ...]) -> list[IPAddress]:
    """Every address of `host`, or SourceRefused if any of them is blocked."""
    host = host.strip("[]")
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise SourceUnavailable(f"cannot resolve host {host!r}: {exc}") from None
        addresses = []
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if ip not in addresses:
                addresses.append(ip)
    if not addresses:
        raise SourceUnavailable(f"host {host!r} has no addresses")
    for ip in addresses:
        reason = address_block_reason(ip, allow)
        if reason:
            hint = (
                ""
                if "metadata" in reason
                else (
                    "; allow-list its network in OUTBOUND_ALLOW_NETWORKS if this source is trusted"
                )
            )
            raise SourceRefused(f"refused to connect to {host!r} ({ip}): {reason}{hint}")
    return addresses


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, allow: tuple[IPNetwork, ...]) -> None:
        super().__init__(trust_env=False, retries=0)
        # httpx (0.28) has no public hook for a network backend, so the pool it built is
        # replaced by one using ours. TLS still verifies the certificate against the URL's
        # host name: only the TCP connect address is ours. No proxies (trust_env=False).
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            network_backend=_GuardedBackend(allow),
            retries=0,
        )


@dataclass(slots=True)
class Download:
    """A response body saved to a temporary file; delete it with `cleanup()` or `with`."""

    path: Path
    url: str  # final URL after redirects (redacted)
    content_type: str
    size: int

    def cleanup(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def __enter__(self) -> Download:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


class OutboundClient:
    """A guarded HTTP client, one per harvest source.

    `credentials` is the source's config dict, e.g. `{"username": u, "password": p}`,
    `{"token": t}` (bearer) or `{"headers": {...}}`. They are sent only to one origin:
    `credentials_origin` (a URL) if given, else the origin of the first URL fetched. Redirects
    elsewhere and side fetches (a JSON-LD context on another host) go without them.
    """

    def __init__(
        self,
        *,
        allow_networks: str | Iterable[str] | None = None,
        max_bytes: int = 200 * 1024 * 1024,
        timeout: float = 10.0,
        total_timeout: float = 300.0,
        max_redirects: int = 5,
        credentials: Mapping[str, typing.Any] | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        per_host_delay: float = 0.0,
        credentials_origin: str | None = None,
    ) -> None:
        self.allow = parse_networks(allow_networks)
        self._cred_origin = _origin(credentials_origin) if credentials_origin else None
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.total_timeout = total_timeout
        self.max_redirects = max_redirects
        self.per_host_delay = per_host_delay
        self._last_hit: dict[str, float] = {}
        self._auth_headers, self._secrets = _auth_from_config(credentials or {})
        self._client = httpx.Client(
            transport=_GuardedTransport(self.allow),
            headers={"User-Agent": user_agent},
            follow_redirects=False,
            trust_env=False,
        )

    def __repr__(self) -> str:
        return (
            f"OutboundClient(allow_networks={[str(n) for n in self.allow]!r}, "
            f"max_bytes={self.max_bytes}, credentials={'***' if self._secrets else None})"
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> OutboundClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API ---------------------------------------------------------------------

    def get_bytes(self, url: str, params: Mapping[str, typing.Any] | None = None) -> bytes:
        chunks: list[bytes] = []
        self._fetch(url, params, chunks.append)
        return b"".join(chunks)

    def get_json(self, url: str, params: Mapping[str, typing.Any] | None = None) -> typing.Any:
        body = self.get_bytes(url, params)
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise SourceMalformed(f"{redact_url(url)} did not return valid JSON: {exc}") from None

    def stream_to_tempfile(
        self, url: str, params: Mapping[str, typing.Any] | None = None, suffix: str = ""
    ) -> Download:
        fd, name = tempfile.mkstemp(prefix="harvest-", suffix=suffix)
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as fh:
                final_url, content_type, size = self._fetch(url, params, fh.write)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Download(path=path, url=final_url, content_type=content_type, size=size)

    # -- internals ----------------------------------------------------------------------

    def _fetch(
        self,
        url: str,
        params: Mapping[str, typing.Any] | None,
        sink: typing.Callable[[bytes], object],
    ) -> tuple[str, str, int]:
        deadline = time.monotonic() + self.total_timeout
        current = self._clean_url(url)
        if self._cred_origin is None:
            self._cred_origin = _origin(current)
        query = dict(params) if params else None
        try:
            for _hop in range(self.max_redirects + 1):
                self._check_url(current)
                self._be_polite(current)
                same = _origin(current) == self._cred_origin
                headers = dict(self._auth_headers) if same else {}
                request = self._client.build_request(
                    "GET",
                    current,
                    params=query,
                    headers=headers,
                    timeout=self._timeout(deadline),
                )
                response = self._client.send(request, stream=True)
                try:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        if not location:
                            raise SourceMalformed(
                                f"{redact_url(current)} redirected without a Location"
                            )
                        target = urljoin(str(response.url), location)
                        current = self._clean_url(target, adopt_userinfo=False)
                        query = None  # already part of the URL that redirected
                        continue
                    self._check_status(response)
                    size = self._drain(response, sink, deadline)
                    content_type = response.headers.get("content-type", "")
                    return redact_url(response.url), content_type, size
                finally:
                    response.close()
        except HarvestError:
            raise
        except httpx.TimeoutException as exc:
            raise SourceUnavailable(
                f"timed out fetching {redact_url(current)} ({type(exc).__name__})"
            ) from None
        except httpx.HTTPError as exc:
            raise SourceUnavailable(
                f"could not fetch {redact_url(current)}: {self._scrub(str(exc))}"
            ) from None
        raise SourceRefused(
            f"refused to follow more than {self.max_redirects} redirects from {redact_url(url)}"
        )

    def _drain(
        self, response: httpx.Response, sink: typing.Callable[[bytes], object], deadline: float
    ) -> int:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise SourceTooLarge(
                f"{redact_url(response.url)} declares {int(declared)} bytes, over the "
                f"{self.max_bytes}-byte limit"
            )
        total = 0
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > self.max_bytes:
                raise SourceTooLarge(
                    f"{redact_url(response.url)} sent more than the {self.max_bytes}-byte limit"
                )
            if time.monotonic() > deadline:
                raise SourceUnavailable(
                    f"timed out fetching {redact_url(response.url)}: over the "
                    f"{self.total_timeout:g}s total time limit"
                )
            sink(chunk)
        return total

    def _timeout(self, deadline: float) -> httpx.Timeout:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SourceUnavailable(f"over the {self.total_timeout:g}s total time limit")
        t = min(self.timeout, left)
        return httpx.Timeout(connect=t, read=t, write=t, pool=t)

    def _clean_url(self, url: str, *, adopt_userinfo: bool = True) -> str:
        """Move userinfo into credentials (so it is redacted like them) and drop it.
        Userinfo in a redirect target is dropped, never adopted."""
        parts = urlsplit(url)
        if "@" in parts.netloc:
            userinfo, _, hostport = parts.netloc.rpartition("@")
            user, _, password = userinfo.partition(":")
            if adopt_userinfo and user and not self._auth_headers:
                headers, secrets = _auth_from_config({"username": user, "password": password})
                self._auth_headers.update(headers)
                self._secrets.extend(secrets)
            url = urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))
        return url

    def _check_url(self, url: str) -> None:
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, ValueError):
            raise SourceRefused(f"not a valid URL: {redact_url(url)}") from None
        if parsed.scheme not in ("http", "https"):
            raise SourceRefused(
                f"refused {redact_url(url)}: only http and https URLs may be harvested"
            )
        if not parsed.host:
            raise SourceRefused(f"refused {redact_url(url)}: no host")
        # Early, readable refusal; the transport checks again at connect time.
        resolve_checked(parsed.host, parsed.port or 443, self.allow)

    def _check_status(self, response: httpx.Response) -> None:
        code = response.status_code
        if code < 400:
            return
        retryable = code >= 500 or code in (408, 425, 429)
        raise SourceUnavailable(
            f"{redact_url(response.url)} answered HTTP {code}",
            retryable=retryable,
            status_code=code,
        )

    def _be_polite(self, url: str) -> None:
        if self.per_host_delay <= 0:
            return
        host = urlsplit(url).hostname or ""
        wait = self._last_hit.get(host, 0.0) + self.per_host_delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_hit[host] = time.monotonic()

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            if secret:
                text = text.replace(secret, "***")
        return text


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or ""), parts.port


def _auth_from_config(config: Mapping[str, typing.Any]) -> tuple[dict[str, str], list[str]]:
    """Headers to send and the secret strings to scrub from any message."""
    headers: dict[str, str] = {}
    secrets: list[str] = []
    if config.get("token"):
        token = str(config["token"])
        headers["Authorization"] = f"Bearer {token}"
        secrets.append(token)
    elif config.get("username"):
        auth = httpx.BasicAuth(str(config["username"]), str(config.get("password", "")))
        request = auth.sync_auth_flow(httpx.Request("GET", "http://x/")).__next__()
        headers["Authorization"] = request.headers["Authorization"]
        secrets.extend(s for s in (str(config.get("password", "")),) if s)
        secrets.append(headers["Authorization"].split(" ", 1)[1])
    extra = config.get("headers") or {}
    if isinstance(extra, str):
        extra = json.loads(extra)
    for name, value in dict(extra).items():
        headers[str(name)] = str(value)
        secrets.append(str(value))
    return headers, secrets
