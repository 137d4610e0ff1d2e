"""URL imports cannot reach this machine or its network (issue 9, defect 2: SSRF).

Every refusal is proven with a real listening socket on loopback that must have accepted no
connection. DNS is the one boundary patched (``socket.getaddrinfo``), to make public-looking
names answer loopback, or answer differently the second time (rebinding).
"""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from planner.importers.base import ScheduleFormatError
from planner.services.imports import fetch_schedule

GENERIC = "could not fetch the URL"
PUBLIC_IP = "93.184.215.14"  # a globally routed address; never actually connected to here


class Trap:
    """A socket listening on ``host`` that counts the connections it is offered."""

    def __init__(self, family: int, host: str) -> None:
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.sock.close()
        self._thread.join(timeout=2)


@pytest.fixture
def trap() -> Iterator[Trap]:
    t = Trap(socket.AF_INET, "127.0.0.1")
    yield t
    t.close()


@pytest.fixture
def trap6() -> Iterator[Trap]:
    try:
        t = Trap(socket.AF_INET6, "::1")
    except OSError as error:  # pragma: no cover - every CI host has IPv6 loopback
        pytest.fail(f"no IPv6 loopback to listen on: {error}")
    yield t
    t.close()


@pytest.fixture
def fake_dns(monkeypatch) -> Callable[[dict[str, list]], list[str]]:
    """``fake_dns({"name": [answer1, answer2, ...]})``: each lookup of ``name`` returns the next
    answer (a list of IPs, or an OSError to raise); the last one repeats. Other names (and IP
    literals, which the connection layer resolves too) go to the real resolver. Returns the
    list of every host looked up, in order."""
    real = socket.getaddrinfo
    looked_up: list[str] = []
    answers: dict[str, list] = {}

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        looked_up.append(host)
        if host in answers:
            queue = answers[host]
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
            if isinstance(answer, BaseException):
                raise answer
            port = int(port or 0)
            return [
                (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, port, 0, 0))
                if ":" in ip
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
                for ip in answer
            ]
        return real(host, port, family, type, proto, flags)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def install(mapping: dict[str, list]) -> list[str]:
        answers.update({name: list(seq) for name, seq in mapping.items()})
        return looked_up

    return install


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers with the server's ``respond(handler)``; records each request's Host header."""

    def do_GET(self):
        self.server.hosts.append(self.headers.get("Host"))
        self.server.respond(self)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server() -> Iterator[Callable]:
    servers = []

    def start(respond: Callable) -> http.server.ThreadingHTTPServer:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.respond = respond
        server.hosts = []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _ok(body: bytes) -> Callable:
    def respond(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return respond


def _refused(url: str) -> ScheduleFormatError:
    with pytest.raises(ScheduleFormatError) as caught:
        fetch_schedule(url)
    return caught.value


# --- addresses that are never fetched -----------------------------------------------------------

LOOPBACK_AND_PRIVATE = [
    "http://127.0.0.1:{port}/schedule.xml",
    "http://127.1:{port}/schedule.xml",
    "http://0x7f.0.0.1:{port}/schedule.xml",
    "http://2130706433:{port}/schedule.xml",
    "http://localhost:{port}/schedule.xml",
    "http://LOCALHOST.:{port}/schedule.xml",
    "http://0.0.0.0:{port}/schedule.xml",
    "http://10.0.0.1:{port}/schedule.xml",
    "http://172.16.0.1:{port}/schedule.xml",
    "http://172.31.255.254:{port}/schedule.xml",
    "http://192.168.1.1:{port}/schedule.xml",
    "http://169.254.169.254:{port}/latest/meta-data/",
    "http://100.64.0.1:{port}/schedule.xml",
    "http://224.0.0.1:{port}/schedule.xml",
    "http://255.255.255.255:{port}/schedule.xml",
    "http://[::ffff:127.0.0.1]:{port}/schedule.xml",
    "http://[::127.0.0.1]:{port}/schedule.xml",
    "http://[::]:{port}/schedule.xml",
    "http://[fe80::1]:{port}/schedule.xml",
    "http://[fc00::1]:{port}/schedule.xml",
    "http://[ff02::1]:{port}/schedule.xml",
    "http://[2002:7f00:1::1]:{port}/schedule.xml",  # 6to4 wrapping 127.0.0.1
    "http://[2002:a00:1::1]:{port}/schedule.xml",  # 6to4 wrapping 10.0.0.1
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:{port}/",  # Teredo, client 127.0.0.1
    "http://[64:ff9b::7f00:1]:{port}/schedule.xml",  # NAT64 of 127.0.0.1
    "https://127.0.0.1:{port}/schedule.xml",
]


@pytest.mark.parametrize("template", LOOPBACK_AND_PRIVATE)
def test_fetch_refuses_non_public_address_before_connecting(trap, template):
    error = _refused(template.format(port=trap.port))

    assert error.message == GENERIC
    assert trap.accepted == 0


def test_fetch_refuses_ipv6_loopback_before_connecting(trap6):
    error = _refused(f"http://[::1]:{trap6.port}/schedule.xml")

    assert error.message == GENERIC
    assert trap6.accepted == 0


def test_fetch_refuses_public_name_resolving_to_loopback(trap, fake_dns):
    looked_up = fake_dns({"evil.example": [["127.0.0.1"]]})

    error = _refused(f"http://evil.example:{trap.port}/schedule.xml")

    assert error.message == GENERIC
    assert trap.accepted == 0
    assert looked_up == ["evil.example"]  # resolved once, then nothing was connected to


def test_fetch_refuses_name_with_one_public_and_one_private_address(trap, fake_dns):
    looked_up = fake_dns({"mixed.example": [[PUBLIC_IP, "127.0.0.1"]]})

    error = _refused(f"http://mixed.example:{trap.port}/schedule.xml")

    assert error.message == GENERIC
    assert trap.accepted == 0
    assert looked_up == ["mixed.example"]  # not even the public address was tried


def test_fetch_refuses_redirect_to_loopback(trap, http_server, settings):
    settings.IMPORT_URL_ALLOWED_HOSTS = ["localhost"]

    def redirect(handler):
        handler.send_response(302)
        handler.send_header("Location", f"http://127.0.0.1:{trap.port}/schedule.xml")
        handler.end_headers()

    server = http_server(redirect)

    error = _refused(f"http://localhost:{server.server_address[1]}/schedule.xml")

    assert error.message == GENERIC
    assert len(server.hosts) == 1  # the allowed host was asked once
    assert trap.accepted == 0


def test_fetch_refuses_redirect_to_name_resolving_to_private(trap, http_server, settings, fake_dns):
    settings.IMPORT_URL_ALLOWED_HOSTS = ["localhost"]
    fake_dns({"internal.example": [["10.1.2.3"]]})

    def redirect(handler):
        handler.send_response(301)
        handler.send_header("Location", f"http://internal.example:{trap.port}/")
        handler.end_headers()

    server = http_server(redirect)

    error = _refused(f"http://localhost:{server.server_address[1]}/schedule.xml")

    assert error.message == GENERIC
    assert trap.accepted == 0


def test_fetch_follows_at_most_five_redirects(http_server, settings):
    settings.IMPORT_URL_ALLOWED_HOSTS = ["localhost"]

    def loop(handler):
        handler.send_response(307)
        handler.send_header("Location", "/again")
        handler.end_headers()

    server = http_server(loop)

    error = _refused(f"http://localhost:{server.server_address[1]}/schedule.xml")

    assert error.message == GENERIC
    assert len(server.hosts) == 6  # the first request and five redirects


def test_fetch_dns_rebinding_cannot_reach_loopback(trap, fake_dns):
    """The name answers a public address when checked, loopback afterwards: the connection
    goes to the checked address (the only further lookup is of that literal) and never to
    loopback."""
    unreachable = OSError("network unreachable (test)")
    looked_up = fake_dns({"rebind.example": [[PUBLIC_IP], ["127.0.0.1"]], PUBLIC_IP: [unreachable]})

    error = _refused(f"http://rebind.example:{trap.port}/schedule.xml")

    assert error.message == GENERIC
    assert looked_up == ["rebind.example", PUBLIC_IP]
    assert trap.accepted == 0


# --- what the URL may look like -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://example.org/schedule.xml", "only http:// and https://"),
        ("file:///etc/passwd", "only http:// and https://"),
        ("gopher://example.org:70/", "only http:// and https://"),
        ("http://user:secret@example.org/schedule.xml", "user name or password"),
        ("http://user@example.org/schedule.xml", "user name or password"),
        ("http:///schedule.xml", "names no host"),
    ],
)
def test_fetch_refuses_url_forms_without_any_lookup(fake_dns, url, says):
    looked_up = fake_dns({})

    error = _refused(url)

    assert says in error.message
    assert looked_up == []


# --- one message for every network failure -----------------------------------------------------


def test_open_and_closed_ports_give_the_same_error(settings, fake_dns):
    """Loopback is refused either way; on an allowed host, a port that accepts and hangs up,
    a port nobody listens on, a silent port (timeout) and a name that does not resolve all
    read the same."""
    settings.IMPORT_URL_TIMEOUT = 1
    open_port = Trap(socket.AF_INET, "127.0.0.1")  # accepts, then closes at once
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)  # accepts in the kernel, never answers
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    fake_dns({"gone.example": [socket.gaierror(socket.EAI_NONAME, "Name or service not known")]})
    try:
        refused_open = _refused(f"http://127.0.0.1:{open_port.port}/").message
        refused_closed = _refused(f"http://127.0.0.1:{closed_port}/").message
        settings.IMPORT_URL_ALLOWED_HOSTS = ["127.0.0.1", "gone.example"]
        allowed_open = _refused(f"http://127.0.0.1:{open_port.port}/").message
        allowed_closed = _refused(f"http://127.0.0.1:{closed_port}/").message
        allowed_silent = _refused(f"http://127.0.0.1:{silent.getsockname()[1]}/").message
        no_dns = _refused("http://gone.example/").message
    finally:
        open_port.close()
        silent.close()

    assert open_port.accepted == 1  # only the allowed fetch connected
    assert {
        refused_open,
        refused_closed,
        allowed_open,
        allowed_closed,
        allowed_silent,
        no_dns,
    } == {GENERIC}


def test_fetch_failure_reason_is_logged_not_shown(trap, caplog):
    error = _refused(f"http://169.254.169.254:{trap.port}/latest/meta-data/")

    assert "169.254" not in error.message
    assert any("link-local" in r.getMessage() for r in caplog.records)


# --- limits -------------------------------------------------------------------------------------


def test_fetch_aborts_an_oversize_body(http_server, settings):
    """The server streams without end and without a length: the read stops at the cap."""
    settings.IMPORT_URL_ALLOWED_HOSTS = ["localhost"]
    settings.IMPORT_URL_MAX_BYTES = 1024 * 1024
    written = []

    def endless(handler):
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        chunk = b"x" * 65536
        try:
            while True:
                handler.wfile.write(chunk)
                written.append(len(chunk))
        except OSError:
            return

    server = http_server(endless)

    error = _refused(f"http://localhost:{server.server_address[1]}/big.xml")

    assert error.message == "the response is larger than 1,048,576 bytes"


def test_fetch_gives_up_at_the_overall_deadline(http_server, settings):
    """A server that drips a byte at a time cannot hold the worker beyond the deadline."""
    settings.IMPORT_URL_ALLOWED_HOSTS = ["localhost"]
    settings.IMPORT_URL_TIMEOUT = 1
    stop = threading.Event()

    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "1000000")
        handler.end_headers()
        try:
            while not stop.wait(0.05):
                handler.wfile.write(b"x")
                handler.wfile.flush()
        except OSError:
            return

    server = http_server(drip)
    try:
        error = _refused(f"http://localhost:{server.server_address[1]}/slow.xml")
    finally:
        stop.set()

    assert error.message == GENERIC


# --- what still works ---------------------------------------------------------------------------


def test_fetch_from_allowed_host_is_pinned_to_the_checked_address(http_server, settings, fake_dns):
    """An allowed name answers loopback once, then an address nobody listens on: the fetch
    uses the first answer, and sends the name in the Host header."""
    settings.IMPORT_URL_ALLOWED_HOSTS = ["schedule.test"]
    server = http_server(_ok(b"<schedule/>"))
    port = server.server_address[1]
    looked_up = fake_dns({"schedule.test": [["127.0.0.1"], ["10.255.255.1"]]})

    fetched = fetch_schedule(f"http://schedule.test:{port}/schedule.xml")

    assert (fetched.status, fetched.data, fetched.filename) == (200, b"<schedule/>", "schedule.xml")
    assert server.hosts == [f"schedule.test:{port}"]
    assert looked_up.count("schedule.test") == 1


def test_fetch_reports_http_errors_of_an_allowed_server(http_server, settings):
    settings.IMPORT_URL_ALLOWED_HOSTS = ["localhost"]

    def missing(handler):
        handler.send_error(404, "Not Found")

    server = http_server(missing)

    error = _refused(f"http://localhost:{server.server_address[1]}/nope.xml")

    assert error.message == "the server answered HTTP 404 Not Found"


def test_fetch_keeps_validators_whatever_their_header_case(http_server, settings):
    settings.IMPORT_URL_ALLOWED_HOSTS = ["localhost"]

    def respond(handler):
        handler.send_response(200)
        handler.send_header("etag", '"v7"')
        handler.send_header("LAST-MODIFIED", "Sat, 05 Dec 2026 10:00:00 GMT")
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"{}")

    server = http_server(respond)

    fetched = fetch_schedule(f"http://localhost:{server.server_address[1]}/s.json")

    assert (fetched.etag, fetched.last_modified) == ('"v7"', "Sat, 05 Dec 2026 10:00:00 GMT")


def test_fetch_refuses_control_characters_in_the_path_with_the_generic_error(fake_dns):
    fake_dns({"schedule.example": [[PUBLIC_IP]], PUBLIC_IP: [OSError("unreachable (test)")]})

    error = _refused("http://schedule.example/a\x01b")

    assert error.message == GENERIC
