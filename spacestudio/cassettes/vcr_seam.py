"""The one place the cassettes meet vcrpy: its public API, and the few private members kept.

Every other module of the cassette layer (and ``spacestudio.verify_fake``) takes what it
needs from vcrpy from here. Where vcrpy has a public API it is used: ``Cassette.load``,
``filter_request`` (the ``before_record_request`` hook), persisters, record modes,
``Request`` and ``read_body``, and ``VCR`` with its ``FilesystemPersister`` for the plain
vcrpy cassettes of other services' tests. What no public API offers is listed in
:data:`PRIVATE_MEMBERS`, with why it is needed; :func:`check_vcrpy` runs when the
cassette layer is first used and names the installed vcrpy version and the member that
moved, instead of an ``AttributeError`` in the middle of a replay.

While a cassette only replays, :func:`patched` also answers ``requests`` calls at its
adapter (:func:`replaying_send`), the way vcrpy's patched connection would, without
urllib3's connection pool; anything that path cannot prove it answers the same way goes
through vcrpy's as before.
"""

from __future__ import annotations

import contextlib
import http.client
import re
from collections.abc import Callable, Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import requests
import vcr.patch as _vcr_patch
import vcr.stubs as _vcr_stubs
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager
from urllib3.util import Retry, Timeout
from vcr import VCR
from vcr.cassette import Cassette as _VcrCassette
from vcr.errors import CannotOverwriteExistingCassetteException, UnhandledHTTPRequestError
from vcr.persisters.filesystem import CassetteNotFoundError, FilesystemPersister
from vcr.record_mode import RecordMode
from vcr.request import Request
from vcr.util import read_body

#: vcrpy's members the cassettes rely on that it does not publish, and why each is needed.
#: Checked by :func:`check_vcrpy`; tested with the oldest vcrpy allowed and the newest.
PRIVATE_MEMBERS: dict[str, str] = {
    "vcr.cassette.Cassette._responses": (
        "the generator behind ``__contains__`` and ``play_response``; overridden so a "
        "request is compared only with the recordings of its method and path"
    ),
    "vcr.cassette.Cassette._rerecorded_interactions": (
        "what the ``all`` mode saves; overridden to compare recordings by key"
    ),
    "vcr.cassette.Cassette._save": (
        "vcrpy's own save, whose record mode decides what is kept; public only through "
        "``use_cassette``'s exit, which cannot skip a discarded or refused recording"
    ),
    "vcr.patch.CassettePatcherBuilder": (
        "the patches that route HTTP through a cassette; public only through "
        "``use_cassette``, which builds a cassette of its own"
    ),
    "vcr.stubs.VCRHTTPResponse": (
        "the replayed response's class, replaced inside :func:`patched` by "
        ":class:`ReplayedResponse`, which hands a recorded body over without copying it"
    ),
    "vcr.stubs.parse_headers": (
        "turns a recording's headers into the replayed response's ``HTTPMessage``; "
        "replaced inside :func:`patched` by :func:`replayed_headers`, which builds the same "
        "message without the e-mail parser"
    ),
    "vcr.stubs.VCRConnection.cassette": (
        "the cassette a patched connection class answers from: :func:`replaying_send` "
        "answers only a request that vcrpy's patched connection would take to the same "
        "cassette"
    ),
    "vcr.stubs.VCRConnection._uri": (
        "the URI vcrpy's patched connection looks a request up with (scheme, host, port "
        "left out when it is the default); :func:`replaying_send` builds it with this very "
        "function, so both paths look up the same request"
    ),
    "vcr.stubs.VCRConnection._real_host": "called by ``_uri``",
    "vcr.stubs.VCRConnection._port_postfix": "called by ``_uri``",
}

__all__ = [
    "PRIVATE_MEMBERS",
    "VCR",
    "CannotOverwriteExistingCassetteException",
    "CassetteNotFoundError",
    "FilesystemPersister",
    "RecordMode",
    "Request",
    "SeamCassette",
    "UnhandledHTTPRequestError",
    "VcrpyIncompatibleError",
    "check_vcrpy",
    "patched",
    "read_body",
]


class VcrpyIncompatibleError(ImportError):
    """The installed vcrpy lacks a member the cassettes rely on."""


def installed_vcrpy_version() -> str:
    """The installed vcrpy's version, as its distribution says."""
    try:
        return version("vcrpy")
    except PackageNotFoundError:
        return "unknown"


#: Where each owner named in :data:`PRIVATE_MEMBERS` is.
_OWNERS: dict[str, object] = {
    "vcr.cassette.Cassette": _VcrCassette,
    "vcr.patch": _vcr_patch,
    "vcr.stubs": _vcr_stubs,
    "vcr.stubs.VCRConnection": _vcr_stubs.VCRConnection,
}


_checked = False


def check_vcrpy() -> None:
    """Raise :class:`VcrpyIncompatibleError` when a member of :data:`PRIVATE_MEMBERS` is gone."""
    global _checked
    if _checked:
        return
    for dotted, why in PRIVATE_MEMBERS.items():
        owner, member = dotted.rsplit(".", 1)
        if not hasattr(_OWNERS[owner], member):
            raise VcrpyIncompatibleError(
                f"The installed vcrpy {installed_vcrpy_version()} has no {dotted}, which the "
                f"spacestudio cassettes rely on ({why}). Install a vcrpy version that "
                f"spacestudio's requirements allow (pip install 'vcrpy>=9,<10'), or a "
                f"spacestudio release that supports this vcrpy."
            )
    _checked = True


class SeamCassette(_VcrCassette):  # type: ignore[misc]
    """vcrpy's ``Cassette`` with its private hooks under public names.

    A subclass overrides :meth:`candidate_responses` and :meth:`interactions_to_rerecord`
    and calls :meth:`save`; the private names they stand for live here alone.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        check_vcrpy()
        super().__init__(*args, **kwargs)

    def candidate_responses(self, request: Any) -> Iterator[tuple[int, Any]]:
        """(position, response) of each recorded interaction matching ``request``."""
        return _VcrCassette._responses(self, request)  # type: ignore[no-any-return]

    def interactions_to_rerecord(self) -> list[tuple[Any, Any]]:
        """The interactions the ``all`` record mode saves."""
        return list(_VcrCassette._rerecorded_interactions(self))

    def save(self) -> None:
        """Save the cassette as vcrpy does: its record mode decides what is kept."""
        self._save()

    def _responses(self, request: Any) -> Iterator[tuple[int, Any]]:
        return self.candidate_responses(request)

    def _rerecorded_interactions(self) -> list[tuple[Any, Any]]:
        return self.interactions_to_rerecord()


class ReplayedResponse(_vcr_stubs.VCRHTTPResponse):  # type: ignore[misc]
    """vcrpy's replayed response, handing its recorded body over as the very bytes object.

    vcrpy's own copies a large body twice more: urllib3 logs ``length_remaining``, which
    vcrpy computes from ``BytesIO.getbuffer()`` (that unshares the buffer: a copy), and
    requests reads ``content`` in 10 kB pieces and joins them (another). Here the size
    comes from the body's length, and :meth:`stream` (which requests prefers to ``read``)
    hands the unread rest over in one piece: it is in memory already, so slicing it would
    only copy it. ``content`` is then the cassette's own bytes object.
    """

    def _recorded_body(self) -> bytes:
        body = self.recorded_response["body"]["string"]
        return body.encode("utf-8") if isinstance(body, str) else bytes(body)

    @property
    def length_remaining(self) -> int:
        return len(self._recorded_body()) - int(self.tell())

    @property
    def data(self) -> bytes:
        return self._recorded_body()

    def stream(self, amt: int | None = None, decode_content: bool | None = None) -> Iterator[bytes]:
        # ``read()`` of a BytesIO from its start returns the bytes it was made from.
        rest = self.read()
        if rest:
            yield rest


#: vcrpy's own ``parse_headers``, kept for what :func:`replayed_headers` does not build.
_parse_headers: Callable[[dict[str, list[str]]], http.client.HTTPMessage] = _vcr_stubs.parse_headers
#: A header name the e-mail parser reads back as written (its ``headerRE``, at least one
#: character): printable ASCII without the colon.
_PLAIN_HEADER_NAME = re.compile(r"[!-9;-~]+")
#: A header value it reads back as written, leading blanks aside: printable ASCII and tabs
#: (anything else may end a line for ``str.splitlines``, or change under vcrpy's UTF-8).
_PLAIN_HEADER_VALUE = re.compile(r"[ -~\t]*")
#: vcrpy's parser is ``http.client.parse_headers``, which refuses more header lines (it
#: counts the end of the headers as one of its 100).
_MAX_PARSED_HEADERS = 99
_MAX_PARSED_LINE = 65536 - len(":\r\n")


def replayed_headers(recorded: dict[str, list[str]]) -> http.client.HTTPMessage:
    """The ``HTTPMessage`` vcrpy's ``parse_headers`` makes of a recording's headers.

    vcrpy writes each value as a ``name:value`` line and hands them to the e-mail parser,
    which costs more than the rest of a replayed response. Where every name and value is
    plain (see :data:`_PLAIN_HEADER_NAME`) the parser only strips the value's leading
    blanks and stores each pair in order, so the message is filled the same way here;
    anything else goes through vcrpy's own parser.
    """
    lines = 0
    for name, values in recorded.items():
        lines += len(values)
        if not (isinstance(name, str) and _PLAIN_HEADER_NAME.fullmatch(name)) or not all(
            isinstance(value, str)
            and _PLAIN_HEADER_VALUE.fullmatch(value)
            and len(name) + len(value) <= _MAX_PARSED_LINE
            for value in values
        ):
            return _parse_headers(recorded)
    if lines > _MAX_PARSED_HEADERS:
        return _parse_headers(recorded)
    message = http.client.HTTPMessage()
    for name, values in recorded.items():
        for value in values:
            message.set_raw(name, value.lstrip(" \t"))
    message.set_payload("")  # what the parser leaves after the headers: nothing
    return message


#: A request target urllib3 sends as it is: ``_encode_target`` percent-encodes whatever
#: else it meets (and upper-cases a lower-case ``%xx``), so vcrpy would see another URI.
_TARGET_SENT_AS_IS = re.compile(
    r"/(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-F]{2})*"
    r"(?:\?(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-F]{2})*)?"
)


class _ConnectionEndpoint:
    """The host and port a urllib3 connection of a pool is opened with (no proxy tunnel)."""

    _tunnel_host = None

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port


class _VcrConnectionAddress:
    """Just enough of vcrpy's patched connection for its own ``_uri`` to run on."""

    _uri = _vcr_stubs.VCRConnection._uri
    _real_host = _vcr_stubs.VCRConnection._real_host
    _port_postfix = _vcr_stubs.VCRConnection._port_postfix

    def __init__(self, protocol: str, pool: HTTPConnectionPool) -> None:
        self._protocol = protocol
        # urllib3's connection drops a host's trailing dot (its ``host`` property).
        self.real_connection = _ConnectionEndpoint(str(pool.host).rstrip("."), int(pool.port or 0))


def _never_retries(retries: Any) -> bool:
    """Whether urllib3 would hand back any answer as it came (no retry on its status)."""
    return (
        type(retries).is_retry is Retry.is_retry
        and not retries.status_forcelist
        and not (retries.total and retries.respect_retry_after_header)
    )


def _valid_timeout(timeout: Any) -> bool:
    """Whether ``HTTPAdapter.send`` accepts ``timeout`` (it raises ValueError otherwise)."""
    try:
        if isinstance(timeout, tuple):
            connect, read = timeout
            Timeout(connect=connect, read=read)
        elif not isinstance(timeout, Timeout):
            Timeout(connect=timeout, read=timeout)
    except ValueError:
        return False
    return True


#: Pools found per (pool manager, scheme and host, TLS settings, proxies): see :func:`_pool_for`.
PoolMemo = dict[tuple[Any, ...], Any]

#: ``HTTPAdapter``'s members that decide which pool a request goes to.
_POOL_CHOOSERS = ("get_connection_with_tls_context", "build_connection_pool_key_attributes")


def _pool_for(
    memo: PoolMemo,
    adapter: HTTPAdapter,
    request: requests.PreparedRequest,
    verify: Any,
    cert: Any,
    proxies: Any,
) -> Any:
    """The pool ``adapter.get_connection_with_tls_context`` gives ``request``, asked once per
    host: requests' own adapter and urllib3's own pool manager choose it from the URL's
    scheme, host and port, the TLS settings and the proxies alone (which urllib3 pool
    object of that host it is does not matter: only its class, host, port and proxy are
    read). A subclass of either is asked every time."""
    url = str(request.url)
    key: tuple[Any, ...] | None = None
    if type(adapter.poolmanager) is PoolManager and all(
        getattr(type(adapter), name) is getattr(HTTPAdapter, name) for name in _POOL_CHOOSERS
    ):
        parts = urlsplit(url)
        try:
            key = (
                adapter.poolmanager,
                parts.scheme,
                parts.netloc,
                verify,
                cert,
                tuple(sorted((proxies or {}).items())),
            )
            known = memo.get(key)
        except TypeError:  # settings that cannot be a key: ask every time
            key = known = None
        if known is not None:
            return known
    pool = adapter.get_connection_with_tls_context(request, verify, proxies=proxies, cert=cert)
    if key is not None:
        memo[key] = pool
    return pool


def _vcr_request_for(
    cassette: SeamCassette,
    pools: PoolMemo,
    adapter: HTTPAdapter,
    request: requests.PreparedRequest,
    stream: bool,
    timeout: Any,
    verify: Any,
    cert: Any,
    proxies: Any,
) -> Any:
    """The ``vcr.request.Request`` vcrpy's patched connection would look up for ``request``
    in ``cassette``, or None where this cannot be shown to be the same one.

    ``HTTPAdapter.send`` gives urllib3 the pool's host and port, the target of
    ``request_url`` (encoded by urllib3) and the request's method, body and headers;
    vcrpy's connection builds its ``Request`` from those. Only a pure replay qualifies
    (vcrpy's ``write_protected``: no request is ever recorded), without a proxy, a
    streamed or chunked body, retries on a status, or a subclass that changes the headers.
    """
    body = request.body
    if (
        stream
        or not cassette.write_protected
        or not (body is None or isinstance(body, bytes | str))
        or (body is not None and "Content-Length" not in request.headers)
        or type(adapter).add_headers is not HTTPAdapter.add_headers
        or not _never_retries(adapter.max_retries)
        or not _valid_timeout(timeout)
    ):
        return None
    try:
        pool = _pool_for(pools, adapter, request, verify, cert, proxies)
        # Asked every time: it checks that the CA bundle and client certificate files exist.
        adapter.cert_verify(pool, str(request.url), verify, cert)  # type: ignore[no-untyped-call]
        target = adapter.request_url(request, proxies)
    except Exception:
        return None  # the slow path raises it as requests does
    # vcrpy patches the pools' connection class with one bound to the cassette in use.
    connection_class: Any = getattr(pool, "ConnectionCls", None)
    if (
        not isinstance(pool, HTTPConnectionPool)
        or type(pool) not in (HTTPConnectionPool, HTTPSConnectionPool)
        or pool.proxy is not None
        or getattr(connection_class, "cassette", None) is not cassette
        or not _TARGET_SENT_AS_IS.fullmatch(target)
    ):
        return None
    address = _VcrConnectionAddress(connection_class._protocol, pool)
    return Request(
        method=request.method, uri=address._uri(target), body=body, headers=request.headers
    )


Send = Callable[..., requests.Response]


def replaying_send(cassette: SeamCassette, send: Send) -> Send:
    """``HTTPAdapter.send`` answering from ``cassette`` what it can replay, ``send`` the rest.

    A replayed answer is the response vcrpy's path gives: the same :class:`ReplayedResponse`
    of the same recording, through the adapter's own ``build_response`` (status, reason,
    headers, encoding, cookies, url). What it does not answer (a request the cassette
    cannot play: refused, recorded, or let through to an allowed host) goes to ``send``
    unchanged, and so through vcrpy's patched connection as before.
    """

    pools: PoolMemo = {}

    def send_replayed(
        adapter: HTTPAdapter,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        vcr_request = _vcr_request_for(
            cassette, pools, adapter, request, stream, timeout, verify, cert, proxies
        )
        if vcr_request is not None and cassette.can_play_response_for(vcr_request):
            recorded = cassette.play_response(vcr_request)
            return adapter.build_response(request, ReplayedResponse(recorded, vcr_request.uri))
        return send(
            adapter,
            request,
            stream=stream,
            timeout=timeout,
            verify=verify,
            cert=cert,
            proxies=proxies,
        )

    return send_replayed


@contextlib.contextmanager
def patched(cassette: SeamCassette) -> Iterator[None]:
    """Route the HTTP libraries vcrpy knows through ``cassette`` inside the block."""
    with contextlib.ExitStack() as stack:
        for patcher in _vcr_patch.CassettePatcherBuilder(cassette).build():
            stack.enter_context(patcher)
        stack.enter_context(mock.patch.object(_vcr_stubs, "VCRHTTPResponse", ReplayedResponse))
        stack.enter_context(mock.patch.object(_vcr_stubs, "parse_headers", replayed_headers))
        stack.enter_context(
            mock.patch.object(HTTPAdapter, "send", replaying_send(cassette, HTTPAdapter.send))
        )
        yield
