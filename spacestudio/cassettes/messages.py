"""Recorded HTTP messages: the request and response a cassette holds, and reading them.

Both the scrubber (on the way in) and the cassette file (on the way back) make these
messages; matching, storage and the fake's verification read their bodies and headers
through the functions here, so each reads them the same way.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Mapping
from typing import Any

from spacestudio.cassettes.vcr_seam import Request, read_body


class ScrubbedRequest(Request):  # type: ignore[misc]
    """A request already scrubbed (or read back from a cassette): the hooks pass it through."""


class LoadedResponse(dict[str, Any]):
    """A response read back from a cassette: already scrubbed."""


def header_value(headers: Mapping[str, Any], name: str) -> str | None:
    """The (first) value of header ``name`` (lower case) in ``headers``, in any case."""
    for key in headers:
        if key.lower() == name:
            value = headers[key]
            if isinstance(value, list | tuple):
                value = value[0] if value else None
            return None if value is None else str(value)
    return None


def request_content_type(request: Any) -> str | None:
    """The ``Content-Type`` a request was sent with, if any."""
    return header_value(request.headers, "content-type")


def body_bytes(request: Any) -> bytes:
    """The request's body as bytes (empty when it has none)."""
    body = read_body(request)
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    return bytes(body)


def is_json_content(content_type: str | None) -> bool:
    """Whether a media type is JSON (``application/json`` or any ``…+json``)."""
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def is_form_content(content_type: str | None) -> bool:
    """Whether a media type is an HTML form (``application/x-www-form-urlencoded``)."""
    return bool(content_type) and "application/x-www-form-urlencoded" in str(content_type).lower()


def decompress(data: bytes, encoding: str) -> bytes | None:
    """``data`` decoded from its ``Content-Encoding`` (gzip, deflate); None if it cannot be."""
    try:
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(data)
        if encoding == "deflate":
            try:
                return zlib.decompress(data)
            except zlib.error:
                return zlib.decompress(data, -zlib.MAX_WBITS)
    except (OSError, zlib.error, EOFError):
        return None
    return None
