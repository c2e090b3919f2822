"""The one place the cassettes meet vcrpy: its public API, and the few private members kept.

Every other module of the cassette layer (and ``spacestudio.verify_fake``) takes what it
needs from vcrpy from here. Where vcrpy has a public API it is used: ``Cassette.load``,
``filter_request`` (the ``before_record_request`` hook), persisters, record modes,
``Request`` and ``read_body``, and ``VCR`` with its ``FilesystemPersister`` for the plain
vcrpy cassettes of other services' tests. What no public API offers is listed in
:data:`PRIVATE_MEMBERS`, with why it is needed; :func:`check_vcrpy` runs when the
cassette layer is first used and names the installed vcrpy version and the member that
moved, instead of an ``AttributeError`` in the middle of a replay.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from unittest import mock

import vcr.patch as _vcr_patch
import vcr.stubs as _vcr_stubs
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


@contextlib.contextmanager
def patched(cassette: SeamCassette) -> Iterator[None]:
    """Route the HTTP libraries vcrpy knows through ``cassette`` inside the block."""
    with contextlib.ExitStack() as stack:
        for patcher in _vcr_patch.CassettePatcherBuilder(cassette).build():
            stack.enter_context(patcher)
        stack.enter_context(mock.patch.object(_vcr_stubs, "VCRHTTPResponse", ReplayedResponse))
        yield
