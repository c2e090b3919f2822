"""Request bodies: parsed within the server's limits and checked before a handler uses them.

A body the server cannot take is answered 400 (or 413 beyond a size or the quota) with a
message saying what to send instead: not JSON, nested too deep, NaN or a number beyond
the double range, an unpaired surrogate no UTF-8 text can hold, or the wrong shape for
its route (an object without a usable name, a duration out of range, …).
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterable
from typing import Any

from werkzeug.wrappers import Request

from fake_server.answers import ApiError
from fake_server.config import MAX_PAUSE_SECONDS, Limits
from fake_server.faults import FaultRule, FaultSpecError
from fake_server.store import JsonObject
from spacestudio_contract.json_types import json_type_phrase
from spacestudio_contract.wire import COMPUTATION_LOG_ID, PAUSED_PARENT_MISSION_ID

#: Fields of a stored object that name other objects: ids are strings.
_ID_FIELDS = (COMPUTATION_LOG_ID, PAUSED_PARENT_MISSION_ID)
#: Bodies of the realm's pages and endpoints, held to the smaller form limit.
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

_NOT_FINITE = (
    "the JSON body holds NaN, Infinity or a number beyond ±1.8e308, which JSON cannot "
    "carry; send finite numbers"
)
_SURROGATE_PROBLEM = (
    "the JSON body holds an unpaired UTF-16 surrogate (an escape such as \\ud800 without "
    "its pair) in a string; send valid Unicode text"
)
#: The one thing raw bytes must hold for a parsed body to carry an unpaired surrogate:
#: a ``\\uD800``-``\\uDFFF`` escape.  A fixed-length pattern, so the search is linear.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class _NotJson(ValueError):
    """A body Python's parser would take but that is not JSON."""


def size_limit(request: Request, limits: Limits) -> int:
    """The most bytes the body of ``request`` may hold (413 beyond)."""
    return limits.max_form_bytes if request.mimetype in _FORM_TYPES else limits.max_body_bytes


def buffer_unsized_body(environ: dict[str, Any], limit: int | None) -> bool:
    """Read a body sent without ``Content-Length`` (chunked) into memory, up to ``limit``
    bytes, and give it its length; False when it holds more.

    Werkzeug reads such a body only up to the limit and stops there without a word, so a
    form cut at 64 KiB would be parsed as if whole; with its length known, a larger body
    is a 413 like any other. A malformed chunked body is a 400.
    """
    if limit is None or environ.get("CONTENT_LENGTH") or not environ.get("wsgi.input_terminated"):
        return True
    try:
        data = environ["wsgi.input"].read(limit + 1)
    except OSError as error:  # werkzeug's word for a chunk header that is not hex
        raise ApiError(
            400,
            f"the chunked body could not be read ({error}); send each chunk's length in "
            "hexadecimal, or the body with a Content-Length",
        ) from None
    if len(data) > limit:
        return False
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))
    return True


def json_body(request: Request, limits: Limits, max_values: int | None = None) -> Any:
    """The parsed JSON body, within the size and nesting limits and, when given,
    holding at most ``max_values`` values (counted by their separators, before
    parsing: a body that cannot be kept costs no parse)."""
    data = request.get_data(cache=True)
    if not data.strip():
        raise ApiError(400, "the request needs a JSON body")
    if max_values is not None and data.count(b",") + 1 > max_values:
        raise ApiError(
            413,
            f"the body holds more than {max_values} JSON values, more than one user's "
            "objects may hold (the quota); send a smaller object",
        )
    depth_limit = limits.max_json_depth
    try:
        value = json.loads(data, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        problem: str | None = _too_deep(depth_limit)
    except _NotJson as exc:
        raise ApiError(400, str(exc)) from None
    except ValueError as exc:
        raise ApiError(400, f"the body is not valid JSON ({exc}); send a JSON document") from None
    else:
        surrogates = _SURROGATE_ESCAPE.search(data) is not None
        problem = _body_problem(value, depth_limit, exact=surrogates)
    if problem is not None:
        raise ApiError(400, problem)
    return value


def object_body(request: Request, limits: Limits) -> JsonObject:
    """A JSON object body with a usable ``name``, for a collection."""
    body = json_body(request, limits, max_values=limits.max_user_values)
    if not isinstance(body, dict):
        raise ApiError(
            400, f"the body must be a JSON object, not {json_type_phrase(body)}; send {{...}}"
        )
    body["name"] = valid_name(body.get("name"), "the body's name", limits)
    for key in _ID_FIELDS:
        if key in body and not isinstance(body[key], str):
            raise ApiError(
                400,
                f"the body's {key} must be a string (an id this server gave), not "
                f"{json_type_phrase(body[key])}; leave it out or send the id unchanged",
            )
    return body


def valid_name(name: Any, what: str, limits: Limits) -> str:
    """``name`` when it can name an object; ``what`` says where it came from."""
    limit = limits.max_name_length
    if name is None:
        raise ApiError(400, f"{what} is missing; every object needs a name")
    if not isinstance(name, str):
        raise ApiError(400, f"{what} must be a string, not {json_type_phrase(name)}")
    if not name.strip():
        raise ApiError(400, f"{what} is empty; give the object a name")
    if len(name) > limit:
        raise ApiError(400, f"{what} is {len(name)} characters long; the limit is {limit}")
    if "\x00" in name:
        raise ApiError(400, f"{what} contains a NUL character; remove it")
    return name


def duration_body(request: Request, limits: Limits) -> float:
    """The seconds after which a computation pauses."""
    duration = json_body(request, limits)
    if isinstance(duration, bool) or not isinstance(duration, (int, float)):
        raise ApiError(
            400,
            f"the body must be the duration in seconds as a JSON number, "
            f"not {json_type_phrase(duration)}",
        )
    if not math.isfinite(duration) or not 0 < duration <= MAX_PAUSE_SECONDS:
        raise ApiError(400, f"the duration must be between 0 and {MAX_PAUSE_SECONDS:g} seconds")
    return float(duration)


def results_body(request: Request, limits: Limits) -> JsonObject:
    """The paused mission's results a new mission resumes from."""
    results = json_body(request, limits)
    if not isinstance(results, dict):
        raise ApiError(
            400,
            "the body must be the paused mission's results object "
            f"(the 'results' of its computation log), not {json_type_phrase(results)}",
        )
    return results


def example_object_body(request: Request, limits: Limits, must_be: str) -> dict[str, Any]:
    """A JSON object body; ``must_be`` says what it must be, with an example."""
    body = json_body(request, limits)
    if not isinstance(body, dict):
        raise ApiError(400, f"the body must be {must_be}")
    return body


def fault_rule_body(request: Request, limits: Limits) -> FaultRule:
    """The fault rule a body describes."""
    body = example_object_body(
        request,
        limits,
        'a fault rule object, e.g. {"pattern": "/exoops/*", "kind": "status", "status": 503}',
    )
    try:
        return FaultRule.from_json(body)
    except FaultSpecError as exc:
        raise ApiError(400, str(exc)) from None


def reset_users_body(request: Request, limits: Limits) -> bool:
    """Whether a reset forgets the users and clients added at run time (no body: no)."""
    if not request.get_data(cache=True).strip():
        return False
    body = json_body(request, limits)
    if not isinstance(body, dict) or set(body) - {"users"}:
        raise ApiError(400, 'the body must be {"users": true} or {"users": false}, or empty')
    users = body.get("users", False)
    if not isinstance(users, bool):
        raise ApiError(400, '"users" must be true or false')
    return users


def _too_deep(limit: int) -> str:
    return f"the JSON body nests deeper than {limit} levels; flatten it"


def _refuse_constant(name: str) -> Any:
    raise _NotJson(f"{_NOT_FINITE} (found {name})")


def _finite_float(text: str) -> float:
    """A JSON number with a fraction or exponent, refused when beyond the double range
    (parsed as infinity, it would be answered as the non-JSON ``Infinity``)."""
    value = float(text)
    if math.isinf(value):
        raise _NotJson(f"{_NOT_FINITE} (found {text[:40]})")
    return value


def _body_problem(value: Any, depth_limit: int, *, exact: bool) -> str | None:
    """What makes a parsed body unstorable, or None.

    Arrays and objects nesting deeper than ``depth_limit``; with ``exact`` also an
    unpaired surrogate, which no UTF-8 text, and so neither the answer nor the SQLite
    store, can hold.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:  # iteratively: a deep body must not exhaust the stack
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > depth_limit:
            return _too_deep(depth_limit)
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    if exact:
        try:
            json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return _SURROGATE_PROBLEM
        except ValueError:
            return _NOT_FINITE
    return None
