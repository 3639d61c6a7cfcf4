import socket
import time

import pytest

from catalogue.harvest.parsers import http as harvest_http
from catalogue.harvest.parsers.errors import (
    SourceMalformed,
    SourceRefused,
    SourceTooLarge,
    SourceUnavailable,
)
from catalogue.harvest.parsers.http import OutboundClient, address_block_reason, redact_url


def test_fetches_json_from_an_allow_listed_loopback_server(server, client):
    server.static("/ok.json", b'{"hello": "world"}')
    assert client.get_json(server.url("/ok.json")) == {"hello": "world"}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/data.json", "private"),
        ("http://127.0.0.1/data.json", "loopback"),
        ("http://[::1]/data.json", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[fd00:ec2::254]/latest/meta-data/", "cloud metadata"),
        ("http://169.254.1.1/", "link-local"),
        ("http://224.0.0.1/", "multicast"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://100.64.0.1/", "not a public address"),
        ("http://[::ffff:10.0.0.1]/", "private"),
    ],
)
def test_internal_addresses_are_refused_without_an_allow_list(url, reason):
    with OutboundClient() as c, pytest.raises(SourceRefused, match=reason) as exc:
        c.get_bytes(url)
    assert "OUTBOUND_ALLOW_NETWORKS" in str(exc.value) or "metadata" in str(exc.value)


def test_a_hostname_resolving_to_loopback_is_refused(server):
    server.static("/x", b"{}")
    with OutboundClient() as c, pytest.raises(SourceRefused, match="loopback"):
        c.get_bytes(f"http://localhost:{server.port}/x")


def test_metadata_address_stays_refused_even_when_allow_listed():
    with (
        OutboundClient(allow_networks="169.254.0.0/16") as c,
        pytest.raises(SourceRefused, match="cloud metadata"),
    ):
        c.get_bytes("http://169.254.169.254/latest/meta-data/")


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "gopher://x/"])
def test_only_http_and_https_schemes_are_fetched(url):
    with OutboundClient() as c, pytest.raises(SourceRefused, match="only http and https"):
        c.get_bytes(url)


def test_redirect_to_the_cloud_metadata_address_is_refused(server, client):
    server.redirect("/go", "http://169.254.169.254/latest/meta-data/iam/")
    with pytest.raises(SourceRefused, match=r"169\.254\.169\.254.*cloud metadata"):
        client.get_bytes(server.url("/go"))


def test_redirect_to_a_private_address_is_refused(server, client):
    server.redirect("/go", "http://10.0.0.1/internal")
    with pytest.raises(SourceRefused, match="private"):
        client.get_bytes(server.url("/go"))


def test_redirect_to_another_scheme_is_refused(server, client):
    server.redirect("/go", "file:///etc/passwd")
    with pytest.raises(SourceRefused, match="only http and https"):
        client.get_bytes(server.url("/go"))


def test_redirects_are_followed_but_capped(server):
    server.static("/final", b'{"ok": 1}')
    server.redirect("/a", "/b")
    server.redirect("/b", "/final")
    server.redirect("/loop", "/loop")
    with OutboundClient(allow_networks="127.0.0.0/8", max_redirects=3) as c:
        assert c.get_json(server.url("/a")) == {"ok": 1}
        with pytest.raises(SourceRefused, match="more than 3 redirects"):
            c.get_bytes(server.url("/loop"))


def test_dns_rebinding_between_check_and_connect_is_caught(server, monkeypatch):
    """The first lookup says public, the one at connect time says loopback: still refused."""
    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1"])

    def fake_getaddrinfo(host, port, *args, **kwargs):
        ip = next(answers)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    monkeypatch.setattr(harvest_http.socket, "getaddrinfo", fake_getaddrinfo)
    with OutboundClient() as c, pytest.raises(SourceRefused, match="loopback"):
        c.get_bytes(f"http://rebind.example:{server.port}/")
    assert server.requests == []  # nothing ever reached the internal address


def test_response_over_the_size_cap_fails_while_streaming(server):
    def chunked(req, _query):
        req.send_response(200)
        req.send_header("Transfer-Encoding", "chunked")
        req.end_headers()
        for _ in range(64):
            req.wfile.write(b"400\r\n" + b"x" * 1024 + b"\r\n")
        req.wfile.write(b"0\r\n\r\n")

    server.route("/big", chunked)
    server.static("/declared", b"y" * 5000)
    with OutboundClient(allow_networks="127.0.0.0/8", max_bytes=4096) as c:
        with pytest.raises(SourceTooLarge, match="more than the 4096-byte limit"):
            c.get_bytes(server.url("/big"))
        with pytest.raises(SourceTooLarge, match="declares 5000 bytes"):
            c.get_bytes(server.url("/declared"))


def test_too_large_download_leaves_no_temp_file(server, tmp_path, monkeypatch):
    monkeypatch.setattr(harvest_http.tempfile, "tempdir", str(tmp_path))
    server.static("/declared", b"y" * 5000)
    with (
        OutboundClient(allow_networks="127.0.0.0/8", max_bytes=4096) as c,
        pytest.raises(SourceTooLarge),
    ):
        c.stream_to_tempfile(server.url("/declared"))
    assert list(tmp_path.iterdir()) == []


def test_stream_to_tempfile_writes_the_body_and_cleans_up(server, client):
    server.static("/f.ttl", b"<a> <b> <c> .", content_type="text/turtle")
    with client.stream_to_tempfile(server.url("/f.ttl")) as download:
        assert download.path.read_bytes() == b"<a> <b> <c> ."
        assert download.content_type == "text/turtle"
        path = download.path
    assert not path.exists()


def test_a_server_that_never_answers_times_out(server):
    def hang(_req, _query):
        server.release.wait(10)

    server.route("/hang", hang)
    started = time.monotonic()
    with (
        OutboundClient(allow_networks="127.0.0.0/8", timeout=0.3) as c,
        pytest.raises(SourceUnavailable, match="timed out") as exc,
    ):
        c.get_bytes(server.url("/hang"))
    assert time.monotonic() - started < 3
    assert exc.value.retryable


def test_a_server_trickling_bytes_hits_the_total_deadline(server):
    def trickle(req, _query):
        req.send_response(200)
        req.send_header("Content-Length", "100000")
        req.end_headers()
        for _ in range(200):
            if server.release.wait(0.05):
                return
            req.wfile.write(b"x")
            req.wfile.flush()

    server.route("/slow", trickle)
    started = time.monotonic()
    with (
        OutboundClient(allow_networks="127.0.0.0/8", timeout=1.0, total_timeout=0.6) as c,
        pytest.raises(SourceUnavailable, match="total time limit"),
    ):
        c.get_bytes(server.url("/slow"))
    assert time.monotonic() - started < 3


def test_http_errors_say_whether_to_retry(server, client):
    server.static("/gone", b"", status=404)
    server.static("/down", b"", status=503)
    with pytest.raises(SourceUnavailable, match="HTTP 404") as gone:
        client.get_bytes(server.url("/gone"))
    assert not gone.value.retryable and gone.value.status_code == 404
    with pytest.raises(SourceUnavailable, match="HTTP 503") as down:
        client.get_bytes(server.url("/down"))
    assert down.value.retryable


def test_invalid_json_is_malformed(server, client):
    server.static("/bad.json", b'{"a": ')
    with pytest.raises(SourceMalformed, match="did not return valid JSON"):
        client.get_json(server.url("/bad.json"))


def test_connection_refused_is_unavailable(client):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(SourceUnavailable, match="could not fetch"):
        client.get_bytes(f"http://127.0.0.1:{port}/")


LOOPBACK = "127.0.0.0/8,::1/128"  # "localhost" may also resolve to ::1
SECRET = "s3cret-Pa55word"
TOKEN = "tok-9f8e7d6c5b4a"


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "harvester", "password": SECRET},
        {"token": TOKEN},
        {"headers": {"X-Api-Key": SECRET}},
    ],
)
def test_credentials_are_sent_but_never_appear_in_errors_or_repr(server, credentials):
    server.static("/private", b"", status=500)
    with OutboundClient(allow_networks="127.0.0.0/8", credentials=credentials) as c:
        with pytest.raises(SourceUnavailable) as exc:
            c.get_bytes(server.url("/private"))
        text = f"{exc.value} {exc.value!r} {c!r} {exc.value.__cause__!r}"
    sent = server.requests[-1][1]
    assert SECRET in str(sent) or TOKEN in str(sent) or "Basic " in str(sent)
    for secret in (SECRET, TOKEN):
        assert secret not in text
    assert exc.value.__cause__ is None
    assert exc.value.__context__ is None or exc.value.__suppress_context__


def test_userinfo_in_the_url_is_used_and_redacted(server):
    server.static("/private", b"", status=401)
    url = f"http://harvester:{SECRET}@127.0.0.1:{server.port}/private?api_key={TOKEN}"
    with (
        OutboundClient(allow_networks="127.0.0.0/8") as c,
        pytest.raises(SourceUnavailable, match="HTTP 401") as exc,
    ):
        c.get_bytes(url)
    assert SECRET not in str(exc.value) and TOKEN not in str(exc.value)
    assert "api_key=***" in str(exc.value)
    assert server.requests[-1][1].get("Authorization", "").startswith("Basic ")


def test_credentials_are_not_forwarded_to_another_origin_on_redirect(server):
    other = f"http://localhost:{server.port}/landing"
    server.redirect("/start", other)
    server.static("/landing", b"{}")
    with OutboundClient(allow_networks=LOOPBACK, credentials={"token": TOKEN}) as c:
        c.get_json(server.url("/start"))
    first, second = server.requests
    assert first[1].get("Authorization") == f"Bearer {TOKEN}"
    assert "Authorization" not in second[1]


def test_address_rules_and_redaction_helpers():
    import ipaddress

    assert address_block_reason(ipaddress.ip_address("8.8.8.8")) is None
    allow = harvest_http.parse_networks("127.0.0.0/8, 10.1.0.0/16")
    assert address_block_reason(ipaddress.ip_address("10.1.2.3"), allow) is None
    assert address_block_reason(ipaddress.ip_address("10.2.0.1"), allow) is not None
    assert redact_url("https://u:p@host/x?token=abc&q=1") == "https://host/x?token=***&q=1"


def test_credentials_stay_with_the_source_origin_on_side_fetches(server):
    server.static("/feed", b"{}")
    server.static("/context", b"{}")
    with OutboundClient(allow_networks=LOOPBACK, credentials={"token": TOKEN}) as c:
        c.get_json(server.url("/feed"))
        c.get_json(f"http://localhost:{server.port}/context")  # e.g. a JSON-LD @context
    assert server.requests[0][1].get("Authorization") == f"Bearer {TOKEN}"
    assert "Authorization" not in server.requests[1][1]


def test_per_host_delay_spaces_out_requests(server):
    server.static("/a", b"{}")
    with OutboundClient(allow_networks="127.0.0.0/8", per_host_delay=0.2) as c:
        started = time.monotonic()
        c.get_json(server.url("/a"))
        c.get_json(server.url("/a"))
    assert time.monotonic() - started >= 0.2


def test_tls_certificates_are_still_verified(server, tmp_path):
    """Our network backend replaces httpx's pool; certificate checks must survive that."""
    import shutil
    import ssl
    import subprocess

    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl CLI not available to make a self-signed certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(  # noqa: S603 - fixed arguments, test only
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.static("/secure", b"{}")
    with (
        OutboundClient(allow_networks="127.0.0.0/8", timeout=2) as c,
        pytest.raises(SourceUnavailable, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        c.get_json(f"https://127.0.0.1:{server.port}/secure")
