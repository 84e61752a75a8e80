"""The direct path's HTTP/1.1 client against a server that answers with scripted raw bytes: the
shapes of answer S3 servers send (known length, chunked, close-delimited, interim 100), kept-alive
connections reused, a connection the server closed while idle replaced without failing the
request, and every other failure a `WireError`."""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from archivist.connectors.s3.wire import Wire, WireError


@dataclass
class Script:
    """For each request, in order: the raw answer, and whether to close the connection after
    it (`None` as answer: close without answering)."""

    answers: list[tuple[bytes | None, bool]] = field(default_factory=list)
    requests: list[tuple[int, bytes, bytes]] = field(default_factory=list)
    """(connection number, head, body) of each request received."""
    connections: int = 0


def _serve(listener: socket.socket, script: Script, tls: ssl.SSLContext | None = None) -> None:
    while True:
        try:
            conn, _ = listener.accept()
            if tls is not None:
                conn = tls.wrap_socket(conn, server_side=True)
        except OSError:  # closed, or a client that refused the certificate
            if listener.fileno() < 0:
                return
            continue
        script.connections += 1
        threading.Thread(
            target=_answer, args=(conn, script.connections, script), daemon=True
        ).start()


def _answer(conn: socket.socket, number: int, script: Script) -> None:
    with conn, contextlib.suppress(OSError):  # a client that went away ends the exchange
        _exchange(conn, number, script)


def _exchange(conn: socket.socket, number: int, script: Script) -> None:
    buffer = b""
    while True:
        while b"\r\n\r\n" not in buffer:
            chunk = conn.recv(65536)
            if not chunk:
                return
            buffer += chunk
        head, _, buffer = buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(buffer) < length:
            buffer += conn.recv(65536)
        body, buffer = buffer[:length], buffer[length:]
        script.requests.append((number, head, body))
        answer, close = script.answers.pop(0)
        if answer is None:
            return
        conn.sendall(answer)
        if close:
            return


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    listener = socket.create_server(("127.0.0.1", 0))
    script = Script()
    threading.Thread(target=_serve, args=(listener, script), daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/", script
    listener.close()


@pytest.fixture
def wires() -> Iterator[list[Wire]]:
    """Wires to close after the test (their kept connections)."""
    made: list[Wire] = []
    yield made
    for wire in made:
        wire.close()


def opened(wires: list[Wire], url: str, **options: float) -> Wire:
    wire = Wire(url, pool_size=2, **options)  # type: ignore[arg-type]
    wires.append(wire)
    return wire


OK = b'HTTP/1.1 200 OK\r\nETag: "abc"\r\nContent-Length: 0\r\n\r\n'


def test_a_put_sends_head_and_body_and_reuses_its_connection(server, wires):
    url, script = server
    script.answers[:] = [(OK, False), (OK, False)]
    wire = opened(wires, url)
    first = wire.request("PUT", "/b/k%20ey", {"X-Test": "1"}, b"x" * 300_000)
    second = wire.request("PUT", "/b/other", {}, bytearray(b"y"))
    assert first.status == 200 and first.headers["etag"] == '"abc"' and first.body == b""
    assert second.status == 200
    (one, head, body), (two, _, small) = script.requests
    assert one == two == 1 and body == b"x" * 300_000 and small == b"y"
    assert head.startswith(b"PUT /b/k%20ey HTTP/1.1\r\n")
    assert b"X-Test: 1" in head and b"Content-Length: 300000" in head


def test_chunked_close_delimited_and_interim_answers_are_read_whole(server, wires):
    url, script = server
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nX-A: 2\r\n\r\n"
        b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n"
    )
    interim = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
    delimited = b"HTTP/1.0 200 OK\r\n\r\nuntil the end"
    script.answers[:] = [(chunked, False), (interim, False), (delimited, True)]
    wire = opened(wires, url)
    answer = wire.request("GET", "/b?list-type=2", {})
    assert answer.body == b"hello world" and answer.headers["x-a"] == "1, 2"
    assert wire.request("PUT", "/b/k", {}, b"z").body == b"ok"
    assert wire.request("GET", "/b", {}).body == b"until the end"
    assert [number for number, _, _ in script.requests] == [1, 1, 1]


def test_a_connection_the_server_closed_while_idle_is_replaced(server, wires):
    url, script = server
    script.answers[:] = [(OK, False), (None, False), (OK, False)]
    wire = opened(wires, url)
    wire.request("PUT", "/b/one", {}, b"1")
    answer = wire.request("PUT", "/b/two", {}, b"2")  # the kept connection is dead
    assert answer.status == 200
    assert [number for number, _, _ in script.requests] == [1, 1, 2]


def test_connection_close_is_honoured(server, wires):
    url, script = server
    closing = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    script.answers[:] = [(closing, True), (OK, False)]
    wire = opened(wires, url)
    wire.request("PUT", "/b/one", {}, b"1")
    wire.request("PUT", "/b/two", {}, b"2")
    assert [number for number, _, _ in script.requests] == [1, 2]


def test_failures_of_a_new_connection_are_wire_errors(server, wires):
    url, script = server
    script.answers[:] = [(None, False), (b"garbage\r\n\r\n", True), (b"HTTP/1.1 200 OK\r\n", True)]
    wire = opened(wires, url)
    for expected in ("closed before an answer", "not an HTTP answer", "closed before an answer"):
        with pytest.raises(WireError, match=expected):
            wire.request("PUT", "/b/k", {}, b"x")
    with pytest.raises(WireError, match="cannot connect"):
        Wire("http://127.0.0.1:9/", pool_size=1).request("GET", "/", {})


def test_a_silent_server_times_out(server, wires):
    url, script = server
    script.answers[:] = [(b"", False)]  # answers nothing and keeps the connection open
    wire = opened(wires, url, read_timeout=0.3)
    with pytest.raises(WireError):
        wire.request("PUT", "/b/k", {}, b"x")


def test_a_long_error_body_is_cut_and_its_connection_dropped(server, wires):
    url, script = server
    big = b"HTTP/1.1 500 Oops\r\nContent-Length: 100000\r\n\r\n" + b"e" * 100_000
    script.answers[:] = [(big, False), (OK, False)]
    wire = opened(wires, url)
    answer = wire.request("PUT", "/b/k", {}, b"x", body_limit=1000)
    assert answer.status == 500 and answer.body == b"e" * 1000
    wire.request("PUT", "/b/k", {}, b"x")
    assert [number for number, _, _ in script.requests] == [1, 2]


def test_only_http_urls_are_accepted():
    with pytest.raises(ValueError, match="not an http"):
        Wire("ftp://127.0.0.1/", pool_size=1)


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "archivist test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_https_checks_the_servers_certificate(tmp_path, wires):
    cert_file, key_file = self_signed(tmp_path)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_file, key_file)
    listener = socket.create_server(("127.0.0.1", 0))
    script = Script(answers=[(OK, False), (OK, False)])
    threading.Thread(target=_serve, args=(listener, script, tls), daemon=True).start()
    url = f"https://127.0.0.1:{listener.getsockname()[1]}/"
    try:
        with pytest.raises(WireError, match="TLS"):  # not a certificate the system trusts
            opened(wires, url).request("PUT", "/b/k", {}, b"x")
        trusting = Wire(url, pool_size=2, ca_file=str(cert_file))
        wires.append(trusting)
        for body in (b"first", b"second" * 50_000):
            assert trusting.request("PUT", "/b/k", {}, body).status == 200
        # one kept connection served both (the refused handshake is not counted)
        assert [(number, len(body)) for number, _, body in script.requests] == [
            (1, 5),
            (1, 300_000),
        ]
    finally:
        listener.close()
