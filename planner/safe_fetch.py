"""Fetch a URL a user gave us without letting them reach our own network (SSRF).

The schedule importer and the periodic source refresh GET URLs that organizers type. Without
care the worker becomes a proxy into the machine and its network: ``http://127.0.0.1:6379/``,
the cloud metadata service at ``169.254.169.254``, a name whose DNS answer is ``10.0.0.5``, a
public page that redirects to ``http://[::1]/``, or a name that answers a public address when
checked and a private one when connected (DNS rebinding). So :func:`fetch`:

1. accepts only ``http``/``https`` URLs without credentials (:func:`check_url`);
2. resolves the host itself and refuses it when ANY address it resolves to is not public
   (:func:`address_refusal`: loopback, private, link-local, CGNAT, multicast, reserved,
   unspecified, and IPv6 forms that embed such an IPv4 address: mapped, compatible, 6to4,
   Teredo, NAT64);
3. connects to the very address it checked (urllib3 pool on the IP, with the ``Host`` header,
   TLS SNI and certificate check for the name), so a second DNS answer is never used;
4. follows redirects itself, at most ``max_redirects``, checking every hop like the first;
5. streams the body and stops past ``max_bytes``; bounds connect, each read and the whole.

Every network failure (refused address, DNS failure, refused connection, timeout, reset,
garbage instead of HTTP) raises :class:`FetchFailed` with the same public message, so the
answer cannot tell an open port from a closed one; the real reason is logged here and kept
in ``FetchFailed.reason``. A host named in ``settings.IMPORT_URL_ALLOWED_HOSTS`` skips the
address check (self-hosted deployments that import from an intranet server); redirects from
it are checked like any other hop.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import time
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)

PUBLIC_MESSAGE = "could not fetch the URL"
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
CONNECT_TIMEOUT = 10.0  # seconds per connection attempt
READ_TIMEOUT = 10.0  # seconds any single read may wait; the deadline bounds the total
CHUNK = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges that ipaddress's flags miss or that Python versions disagree about.
_REFUSED_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # "this network"
        "100.64.0.0/10",  # CGNAT shared address space
        "192.0.0.0/24",  # IETF protocol assignments
        "198.18.0.0/15",  # benchmarking
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_V4_COMPATIBLE = ipaddress.IPv6Network("::/96")


class UnsafeURL(Exception):
    """The URL itself is refused (scheme, credentials, a host that is never public).
    The message is safe to show: it only repeats what the user typed."""


class RefusedAddress(UnsafeURL):
    """The URL's host is an address (or ``localhost``) that is not public and not allowed."""


class FetchFailed(Exception):
    """The URL could not be fetched. ``str()`` is the one public message; ``reason`` is the
    real cause for the log, never for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(PUBLIC_MESSAGE)
        self.reason = reason


class HTTPStatusError(Exception):
    """A public (or allowed) server answered with an error status."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"the server answered HTTP {status} {reason}".rstrip())
        self.status = status


class BodyTooLarge(Exception):
    """The body passed the size limit; reading stopped there."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the response is larger than {limit:,} bytes")
        self.limit = limit


@dataclass(slots=True)
class Response:
    status: int
    url: str  # after redirects
    headers: Mapping[str, str] = field(default_factory=dict)  # case-insensitive
    body: bytes = b""


def address_refusal(address: IPAddress) -> str | None:
    """Why ``address`` must not be fetched from, or None when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return "a scoped (link-local) IPv6 address"
        embedded = _embedded_v4(address)
        if embedded is not None:
            why = address_refusal(embedded)
            return f"IPv6 address embedding {embedded} ({why})" if why else None
    flags = {
        "loopback": address.is_loopback,
        "private": address.is_private,
        "link-local": address.is_link_local,
        "multicast": address.is_multicast,
        "reserved": address.is_reserved,
        "unspecified": address.is_unspecified,
        "site-local": isinstance(address, ipaddress.IPv6Address) and address.is_site_local,
        "not global": not address.is_global,
    }
    if isinstance(address, ipaddress.IPv4Address):
        flags["special-purpose"] = any(address in net for net in _REFUSED_V4)
    else:
        flags["NAT64 local-use"] = address in _NAT64_LOCAL
    named = [name for name, hit in flags.items() if hit]
    return ", ".join(named) if named else None


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries to an IPv4 host: mapped, 6to4, Teredo, NAT64,
    or the deprecated IPv4-compatible ``::a.b.c.d``."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _V4_COMPATIBLE and int(address) > 1:  # :: and ::1 are their own cases
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def allowed_hosts(names: Iterable[str] | None = None) -> frozenset[str]:
    """The host names that skip the address check: ``names`` (e.g. PUSH_ALLOWED_HOSTS), by
    default IMPORT_URL_ALLOWED_HOSTS."""
    names = settings.IMPORT_URL_ALLOWED_HOSTS if names is None else names
    return frozenset(h.strip().lower().strip("[]") for h in names if h.strip())


def literal_address(host: str) -> IPAddress | None:
    """``host`` as an IP address when it is one in any spelling the resolver accepts
    (``127.1``, ``0x7f.0.0.1``, ``2130706433``, ``[::1]``), else None."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host) and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


@dataclass(slots=True, frozen=True)
class Target:
    scheme: str
    host: str  # lower-case, IDNA-encoded, without brackets
    port: int
    path: str  # path and query, never empty

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def check_url(url: str, *, allowed: frozenset[str] | None = None) -> Target:
    """Refuse what is wrong with ``url`` before any DNS: scheme, credentials, no host, a port
    out of range, or an IP literal / ``localhost`` name that is not public and not allowed
    (``allowed``: host names that skip the check; default :func:`allowed_hosts`).
    Names are checked by :func:`fetch` at fetch time, since DNS answers change."""
    allowed = allowed_hosts() if allowed is None else allowed
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise UnsafeURL(f"not a valid URL: {error}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UnsafeURL("only http:// and https:// URLs can be imported")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeURL("URLs with a user name or password are not accepted")
    raw_host = (parts.hostname or "").rstrip(".")
    if not raw_host:
        raise UnsafeURL("the URL names no host")
    try:
        host = raw_host.encode("idna").decode("ascii").lower() if ":" not in raw_host else raw_host
    except UnicodeError:
        raise UnsafeURL("the URL's host name is not valid") from None
    scheme = parts.scheme.lower()
    target = Target(
        scheme=scheme,
        host=host,
        port=port or (443 if scheme == "https" else 80),
        path=urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, "")),
    )
    if host in allowed:
        return target
    if host == "localhost" or host.endswith(".localhost"):
        raise RefusedAddress("the URL's host is this machine (localhost)")
    address = literal_address(host)
    if address is not None:
        why = address_refusal(address)
        if why:
            raise RefusedAddress(f"the URL's address {address} is not a public address ({why})")
    return target


def validate_public_url(url: str) -> None:
    """:func:`check_url` as a Django validator (forms, DRF fields): a field error, not an
    exception of ours, for the admin's upload and source URL and the import API."""
    if not url:
        return
    try:
        check_url(url)
    except UnsafeURL as error:
        raise ValidationError(str(error)) from None


def resolve_checked(target: Target, *, allowed: frozenset[str] | None = None) -> list[str]:
    """Every address ``target.host`` resolves to, all checked (unless the host is in
    ``allowed``, default :func:`allowed_hosts`). Raises FetchFailed."""
    return _resolve(target, allowed=allowed)


def _resolve(target: Target, *, allowed: frozenset[str] | None = None) -> list[str]:
    """Every address ``target.host`` resolves to, all checked (unless the host is allowed)."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise FetchFailed(f"cannot resolve {target.host!r}: {error}") from None
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = str(sockaddr[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise FetchFailed(f"{target.host!r} resolves to no address")
    if target.host in (allowed_hosts() if allowed is None else allowed):
        return addresses
    for ip in addresses:
        why = address_refusal(ipaddress.ip_address(ip))
        if why:
            raise FetchFailed(f"{target.host!r} resolves to {ip}, which is not public ({why})")
    return addresses


def _open(target: Target, ip: str, headers: dict[str, str], deadline: float):
    """GET ``target`` from ``ip`` (already checked): the socket goes to that address only;
    the Host header, SNI and certificate check use the name."""
    remaining = max(0.1, deadline - time.monotonic())
    timeout = urllib3.Timeout(
        connect=min(CONNECT_TIMEOUT, remaining), read=min(READ_TIMEOUT, remaining)
    )
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            ip,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    else:
        pool = urllib3.HTTPConnectionPool(
            ip, target.port, timeout=timeout, retries=False, maxsize=1
        )
    try:
        response = pool.urlopen(
            "GET",
            target.path,
            headers={**headers, "Host": target.host_header},
            redirect=False,
            retries=False,
            preload_content=False,
            decode_content=True,
            assert_same_host=False,
        )
    except BaseException:
        pool.close()
        raise
    return pool, response


def _read_capped(response, *, max_bytes: int, deadline: float) -> bytes:
    """The body, read as it arrives (``read1``: one receive at a time, decompressed in
    bounded steps), each receive waiting no longer than what is left before ``deadline``."""
    sock = getattr(response.connection, "sock", None)
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchFailed("the overall deadline passed while reading the body")
        if sock is not None:
            sock.settimeout(min(READ_TIMEOUT, remaining))
        chunk = response.read1(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge(max_bytes)
        chunks.append(chunk)


def fetch(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    max_bytes: int | None = None,
    timeout: float | None = None,
    max_redirects: int | None = None,
    ok_statuses: Iterable[int] = (200,),
) -> Response:
    """GET ``url`` safely (see the module docstring). Returns the final response when its
    status is in ``ok_statuses``. Raises UnsafeURL (the URL as written: scheme,
    credentials, no host), FetchFailed (any network failure, one public message), HTTPStatusError
    (another status) or BodyTooLarge."""
    max_bytes = settings.IMPORT_URL_MAX_BYTES if max_bytes is None else max_bytes
    timeout = settings.IMPORT_URL_TIMEOUT if timeout is None else timeout
    max_redirects = settings.IMPORT_URL_MAX_REDIRECTS if max_redirects is None else max_redirects
    ok = frozenset(ok_statuses)
    deadline = time.monotonic() + timeout
    current = url
    try:
        for _hop in range(max_redirects + 1):
            try:
                target = check_url(current)
            except RefusedAddress as error:
                raise FetchFailed(f"{current!r} refused: {error}") from None
            except UnsafeURL as error:
                if current == url:
                    raise
                # A redirect to a refused place looks like any other failure.
                raise FetchFailed(f"redirect to {current!r} refused: {error}") from None
            addresses = _resolve(target)
            pool, response = _connect_any(target, addresses, headers or {}, deadline)
            try:
                if response.status in REDIRECT_CODES and response.headers.get("Location"):
                    current = urllib.parse.urljoin(current, response.headers["Location"])
                    continue
                if response.status not in ok:
                    raise HTTPStatusError(response.status, response.reason or "")
                body = _read_capped(response, max_bytes=max_bytes, deadline=deadline)
                return Response(
                    status=response.status,
                    url=current,
                    headers=urllib3.HTTPHeaderDict(response.headers),
                    body=body,
                )
            finally:
                response.close()
                pool.close()
        raise FetchFailed(f"more than {max_redirects} redirects")
    except FetchFailed as error:
        logger.warning("fetching %s failed: %s", url, error.reason)
        raise
    except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, ValueError) as error:
        # ValueError: http.client refuses a path with control characters (InvalidURL).
        reason = f"{type(error).__name__}: {error}"
        logger.warning("fetching %s failed: %s", url, reason)
        raise FetchFailed(reason) from None


def _connect_any(target: Target, addresses: list[str], headers: dict[str, str], deadline: float):
    """Try the checked addresses in order, like socket.create_connection does for a name."""
    last: Exception | None = None
    for ip in addresses:
        try:
            return _open(target, ip, headers, deadline)
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError) as e:
            last = e
            if time.monotonic() > deadline:
                break
    raise FetchFailed(f"cannot connect to {target.host!r} at {addresses}: {last}")
