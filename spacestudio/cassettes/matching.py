"""Matching: which recorded request answers the request being sent.

Both sides are scrubbed first (the recorded one when it was recorded, the sent one by
the same :class:`~spacestudio.cassettes.scrubbing.Scrubber`), then compared on
method, path, query and body; scheme, host and port are ignored, so a cassette recorded
against one URL replays against any. JSON bodies are compared as JSON, form bodies
field by field without their credentials. Each matcher raises ``AssertionError`` with
the differences, as vcrpy expects, so a refused request can say exactly what differs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, unquote

from spacestudio.cassettes.messages import (
    body_bytes,
    is_form_content,
    is_json_content,
    request_content_type,
)

#: Form and query fields left out of comparisons: they hold credentials, which differ
#: between the recording and any replay and are placeholders in the cassette anyway. The
#: refresh token is compared: a replay hands out the recorded placeholders, so each refresh
#: sends the one its recorded twin sent, and which token is refreshed decides the answer
#: (a stale one gets a 400).
IGNORED_FIELDS = frozenset({"password", "username", "client_secret"})
#: How many differences one mismatch lists.
MAX_LISTED_DIFFERENCES = 8
#: Longest value quoted in a difference.
MAX_QUOTED_VALUE = 80

Matcher = Callable[[Any, Any], None]


def _quote(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, bytes) else repr(value)
    if len(text) > MAX_QUOTED_VALUE:
        text = text[: MAX_QUOTED_VALUE - 1] + "…"
    return text


#: Bodies up to this size keep their parsed JSON between comparisons.
_CACHED_BODY_BYTES = 256 * 1024


def _parse_json(body: bytes) -> tuple[bool, Any]:
    try:
        return True, json.loads(body)
    except ValueError:
        return False, None


# Cached: the same recorded body is compared with every request sent during a replay.
_parse_json_cached = lru_cache(maxsize=128)(_parse_json)


def _parsed_json(body: bytes) -> tuple[bool, Any]:
    return _parse_json_cached(body) if len(body) <= _CACHED_BODY_BYTES else _parse_json(body)


def json_path(path: str, key: str | int) -> str:
    """``path`` extended by one key or index, in JSONPath notation (``$.a[2]["b c"]``)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key.isidentifier():
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def json_differences(recorded: Any, sent: Any, path: str = "$") -> Iterator[str]:
    """Every place where two JSON values differ, as ``path: recorded X, sent Y`` lines."""
    if isinstance(recorded, dict) and isinstance(sent, dict):
        for key in recorded:
            if key not in sent:
                yield f"{json_path(path, key)}: only in the recorded body"
            else:
                yield from json_differences(recorded[key], sent[key], json_path(path, key))
        for key in sent:
            if key not in recorded:
                yield f"{json_path(path, key)}: only in the sent body ({_quote(sent[key])})"
        return
    if isinstance(recorded, list) and isinstance(sent, list):
        for index, (old, new) in enumerate(zip(recorded, sent, strict=False)):
            yield from json_differences(old, new, json_path(path, index))
        if len(recorded) != len(sent):
            yield f"{path}: {len(recorded)} items recorded, {len(sent)} sent"
        return
    same_type = isinstance(recorded, bool) == isinstance(sent, bool)
    if recorded != sent or not same_type:
        yield f"{path}: recorded {_quote(recorded)}, sent {_quote(sent)}"


def _fields(body: bytes) -> list[tuple[str, str]]:
    pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    return sorted((name, value) for name, value in pairs if name not in IGNORED_FIELDS)


def _field_differences(recorded: list[tuple[str, str]], sent: list[tuple[str, str]]) -> list[str]:
    recorded_by_name: dict[str, list[str]] = {}
    sent_by_name: dict[str, list[str]] = {}
    for name, value in recorded:
        recorded_by_name.setdefault(name, []).append(value)
    for name, value in sent:
        sent_by_name.setdefault(name, []).append(value)
    lines = []
    for name in sorted(recorded_by_name.keys() | sent_by_name.keys()):
        old, new = recorded_by_name.get(name), sent_by_name.get(name)
        if old == new:
            continue
        if old is None:
            lines.append(f"field {name}: only in the sent body")
        elif new is None:
            lines.append(f"field {name}: only in the recorded body")
        else:
            shown_old = old[0] if len(old) == 1 else old
            shown_new = new[0] if len(new) == 1 else new
            lines.append(f"field {name}: recorded {_quote(shown_old)}, sent {_quote(shown_new)}")
    return lines


def _text_difference(recorded: bytes, sent: bytes) -> str:
    shorter = min(len(recorded), len(sent))
    index = next(
        (position for position in range(shorter) if recorded[position] != sent[position]),
        shorter,
    )
    start = max(index - 20, 0)
    return (
        f"bodies differ from byte {index} ({len(recorded)} bytes recorded, {len(sent)} sent): "
        f"recorded {_quote(recorded[start : index + 40])}, sent {_quote(sent[start : index + 40])}"
    )


def body_differences(recorded: Any, sent: Any) -> list[str]:
    """What differs between two requests' bodies (empty when they match)."""
    old, new = body_bytes(recorded), body_bytes(sent)
    if old == new:
        return []
    content_type = request_content_type(sent) or request_content_type(recorded)
    if is_form_content(content_type):
        return _field_differences(_fields(old), _fields(new))
    if not old or not new:
        return [f"only the {'recorded' if old else 'sent'} request has a body"]
    old_ok, old_json = _parsed_json(old)
    new_ok, new_json = _parsed_json(new)
    if old_ok and new_ok:
        return list(json_differences(old_json, new_json))
    if is_json_content(content_type) and old_ok != new_ok:
        return ["the " + ("sent" if old_ok else "recorded") + " body is not valid JSON"]
    return [_text_difference(old, new)]


def _fail(lines: list[str]) -> None:
    if lines:
        shown = lines[:MAX_LISTED_DIFFERENCES]
        if len(lines) > len(shown):
            shown.append(f"… and {len(lines) - len(shown)} more differences")
        raise AssertionError("\n".join(shown))


#: What :func:`method` and :func:`path` compare, as one hashable value.
RequestKey = tuple[str, str]


def normalised_method(request: Any) -> str:
    """The request's method, in capitals."""
    return str(request.method).upper()


def normalised_path(request: Any) -> str:
    """The request's path, percent-decoded (``/`` when empty)."""
    return unquote(request.path or "/")


def request_key(request: Any) -> RequestKey:
    """Method and path as :data:`MATCHERS` compare them.

    Two requests the ``method`` and ``path`` matchers accept have equal keys (both use
    the same normalisation), so recordings can be looked up by key before the full
    comparison runs.
    """
    return normalised_method(request), normalised_path(request)


def is_identity_request(request: Any) -> bool:
    """Whether ``request`` logs in, refreshes, or asks who is logged in: the requests whose
    answers (tokens, the user's id) every later request carries."""
    path = normalised_path(request)
    return "/protocol/openid-connect/" in path or path.rstrip("/").endswith("/users/infos")


# vcrpy passes (sent request, recorded request); the matchers' names are the field names
# a refused request's explanation shows.


def method(sent: Any, recorded: Any) -> None:
    if normalised_method(sent) != normalised_method(recorded):
        raise AssertionError(f"recorded {recorded.method}, sent {sent.method}")


def path(sent: Any, recorded: Any) -> None:
    old, new = normalised_path(recorded), normalised_path(sent)
    if old != new:
        raise AssertionError(f"recorded {old}, sent {new}")


def query(sent: Any, recorded: Any) -> None:
    old = [(k, v) for k, v in recorded.query if k not in IGNORED_FIELDS]
    new = [(k, v) for k, v in sent.query if k not in IGNORED_FIELDS]
    if old != new:
        _fail(_field_differences(old, new) or [f"recorded {old}, sent {new}"])


def body(sent: Any, recorded: Any) -> None:
    _fail(body_differences(recorded, sent))


#: The matchers of every spacestudio cassette, in the order differences are reported.
MATCHERS: tuple[Matcher, ...] = (method, path, query, body)


def matches(sent: Any, recorded: Any, matchers: Iterable[Callable[[Any, Any], object]]) -> bool:
    """Whether every matcher accepts the pair, stopping at the first that does not.

    A matcher accepts by returning None or a true value, and refuses by raising
    ``AssertionError`` or returning a false value, as vcrpy allows. Unlike vcrpy's
    ``requests_match``, the differences are not collected: only a refused request is
    explained, and that is done apart (:mod:`~spacestudio.cassettes.explain`).
    """
    for matcher in matchers:
        try:
            accepted = matcher(sent, recorded)
        except AssertionError:
            return False
        if accepted is not None and not accepted:
            return False
    return True
