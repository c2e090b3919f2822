"""The cassette file format: interactions to stable, diffable YAML and back.

A cassette is one YAML file::

    format: spacestudio-cassette/2
    interactions:
    - request:  {body: …, headers: {…}, method: GET, uri: https://spacestudio.invalid/…}
      response: {body: …, headers: {…}, status: {code: 200, message: OK}}

Keys are sorted and volatile headers are gone (see the scrubber). A body is stored as
``{json: |- …}`` when it is a JSON object or array: the document as indented JSON text, one
field per line, in the server's key order so a replay hands the client the same object.
It is one YAML scalar that ``json.loads`` reads in C, where the same document as YAML
structure costs a Python object per value to load (version 1 cassettes stored that, and
still load). ``{text: …}`` holds other text,
``{base64: …}`` for binary data, or, above
:data:`~spacestudio.cassettes.body_files.BODY_FILE_THRESHOLD` bytes,
``{file: HASH.EXT, sha256: …, bytes: …}``: the exact bytes in a body file beside the
cassette (:mod:`~spacestudio.cassettes.body_files`). The entry names the file alone, never
its folder, so a cassette renamed together with its ``.bodies`` folder still replays
(format 2 cassettes that wrote ``NAME.bodies/HASH.EXT`` still load).

A cassette that cannot be read back raises
:class:`~spacestudio.cassettes.errors.CassetteFormatError` with the line at fault. A
cassette is read as hostile until it has been checked: its YAML is scanned as a stream of
events first, refusing anchors, aliases and explicit tags (which a cassette never needs,
and which let a few hundred bytes expand into gigabytes) and counting nodes and nesting
against :data:`MAX_YAML_NODES` and :data:`MAX_YAML_DEPTH`, before any of it is built.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from spacestudio.cassettes.body_files import (
    BODIES_SUFFIX,
    BODY_FILE_NAME,
    BODY_FILE_THRESHOLD,
    MAX_BODY_FILE_BYTES,
    body_file_directory,
    body_file_name,
    read_body_file,
)
from spacestudio.cassettes.errors import CassetteFormatError
from spacestudio.cassettes.messages import (
    LoadedResponse,
    ScrubbedRequest,
    body_bytes,
    header_value,
    is_json_content,
)

FORMAT = "spacestudio-cassette/2"
#: The largest cassette file read; bodies above 64 KiB live in body files beside it.
MAX_CASSETTE_BYTES = 64 * 1024 * 1024
#: The most YAML nodes (scalars, lists, mappings) a cassette may hold: a format 2
#: interaction takes about 30, a format 1 one a node per JSON value of its bodies.
MAX_YAML_NODES = 500_000
#: The deepest a cassette's YAML may nest (format 1 bodies nest as their JSON does).
MAX_YAML_DEPTH = 100
#: Versions this code reads: 1 stored JSON bodies as YAML structure.
READABLE_FORMATS = frozenset({FORMAT, "spacestudio-cassette/1"})
HEADER_COMMENT = (
    "# spacestudio cassette: recorded HTTP interactions, secrets replaced by placeholders.\n"
    "# Replayed offline by spacestudio.cassettes (see docs/cassettes.md); record it again\n"
    "# rather than editing it.\n"
)

try:  # libyaml's C loader and dumper are many times faster than the pure-Python ones
    from yaml import CSafeDumper as _BaseDumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class _Dumper(_BaseDumper):
    """Writes multi-line text as literal blocks, so a changed line shows as one diff line."""


def _represent_str(dumper: _Dumper, text: str) -> yaml.ScalarNode:
    if "\n" in text and "\r" not in text:
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


_Dumper.add_representer(str, _represent_str)

_BODY_FORMS = frozenset({"json", "text", "base64", "file"})


class _InvalidJsonText(ValueError):
    """A body's JSON text does not parse; ``side`` and ``json_line`` place it in the file."""

    def __init__(self, message: str, side: str, json_line: int) -> None:
        super().__init__(message)
        self.side = side
        self.json_line = json_line


def _finite(document: Any) -> bool:
    """Whether a JSON document holds no NaN or infinity (which YAML would not give back)."""
    try:
        json.dumps(document, allow_nan=False)
    except ValueError:
        return False
    return True


@dataclass
class EncodedCassette:
    """A cassette about to be written: its YAML text and its body files (name → bytes)."""

    text: str
    body_files: dict[str, bytes]


class _BodyCodec:
    """Turns bodies into cassette entries and back, for one cassette file."""

    def __init__(self, cassette: Path) -> None:
        self.cassette = cassette
        self.directory = body_file_directory(cassette)
        self.body_files: dict[str, bytes] = {}

    def encode(self, body: bytes, content_type: str | None) -> dict[str, Any] | None:
        if not body:
            return None
        if len(body) > BODY_FILE_THRESHOLD:
            name, digest = body_file_name(body, content_type)
            self.body_files[name] = body
            return {"bytes": len(body), "file": name, "sha256": digest}
        if is_json_content(content_type) or body[:1] in (b"{", b"["):
            try:
                document = json.loads(body)
            except ValueError:
                document = None
            if isinstance(document, dict | list) and _finite(document):
                return {"json": json.dumps(document, indent=2, ensure_ascii=False)}
        try:
            return {"text": body.decode("utf-8")}
        except UnicodeDecodeError:
            return {"base64": base64.b64encode(body).decode("ascii")}

    def decode(self, entry: Any, where: str, side: str = "") -> bytes:
        if entry is None:
            return b""
        if not isinstance(entry, dict) or len(entry.keys() & _BODY_FORMS) != 1:
            raise ValueError(f"{where} must be null or have one of json, text, base64 or file")
        if "json" in entry:
            document = entry["json"]
            if isinstance(document, str):  # the document as JSON text (format 2)
                try:
                    document = json.loads(document)
                except json.JSONDecodeError as error:
                    raise _InvalidJsonText(
                        f"{where}.json is not valid JSON ({error.msg})", side, error.lineno
                    ) from None
                except (ValueError, RecursionError) as error:  # a 5000-digit number, depth
                    raise ValueError(f"{where}.json cannot be read ({error})") from None
            try:
                text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
            except (TypeError, ValueError, RecursionError) as error:
                raise ValueError(f"{where}.json is not a JSON document ({error})") from None
            return text.encode("utf-8")
        if "text" in entry:
            if not isinstance(entry["text"], str):
                raise ValueError(f"{where}.text must be a string")
            return str(entry["text"]).encode("utf-8")
        if "base64" in entry:
            try:
                return base64.b64decode(str(entry["base64"]), validate=True)
            except binascii.Error as error:
                raise ValueError(f"{where}.base64 is not valid base64 ({error})") from None
        return self._read_body_file(entry, where)

    def _body_file_name(self, entry: dict[str, Any], where: str) -> str:
        """The file an entry names, checked to be a body file of this cassette's folder."""
        name = entry["file"]
        if not isinstance(name, str):
            raise ValueError(f"{where}.file must be a body file name")
        folder, _, base = name.rpartition("/")
        # Format 2 cassettes named the folder too ("NAME.bodies/HASH.json"): whichever
        # name it had, the file is looked up in this cassette's own folder.
        if folder and (not folder.endswith(BODIES_SUFFIX) or "/" in folder or folder[:1] == "."):
            raise ValueError(
                f"{where}.file must name a file of {self.directory.name}/, not {name!r}"
            )
        if not BODY_FILE_NAME.fullmatch(base):
            raise ValueError(
                f"{where}.file must be a body file name such as 0123456789abcdef01234567.json "
                f"(in {self.directory.name}/), not {name!r}"
            )
        size = entry.get("bytes")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ValueError(f"{where}.bytes must give the size of {base}")
        if size > MAX_BODY_FILE_BYTES:
            raise ValueError(
                f"{where}.bytes is {size}, more than the largest body file read "
                f"({MAX_BODY_FILE_BYTES} bytes)"
            )
        return base

    def _read_body_file(self, entry: dict[str, Any], where: str) -> bytes:
        name = self._body_file_name(entry, where)
        return read_body_file(self.cassette, name, entry["bytes"], entry.get("sha256"), where)


def encode_cassette(
    path: Path, requests: list[Any], responses: list[Any], *, recorded_against: str | None = None
) -> EncodedCassette:
    """The YAML text and body files of a cassette holding these interactions."""
    codec = _BodyCodec(path)
    interactions = []
    for request, response in zip(requests, responses, strict=True):
        request_headers = {key: request.headers[key] for key in request.headers}
        response_headers = {
            key: list(values) if isinstance(values, list | tuple) else [values]
            for key, values in (response.get("headers") or {}).items()
        }
        status = response.get("status") or {}
        response_body = response.get("body", {}).get("string") or b""
        if isinstance(response_body, str):
            response_body = response_body.encode("utf-8")
        interactions.append(
            {
                "request": {
                    "body": codec.encode(
                        body_bytes(request), header_value(request_headers, "content-type")
                    ),
                    "headers": {key: str(request_headers[key]) for key in sorted(request_headers)},
                    "method": str(request.method),
                    "uri": str(request.uri),
                },
                "response": {
                    "body": codec.encode(
                        response_body, header_value(response_headers, "content-type")
                    ),
                    "headers": {
                        key: values[0] if len(values) == 1 else values
                        for key, values in sorted(response_headers.items())
                    },
                    "status": {
                        "code": int(status.get("code", 0)),
                        "message": str(status.get("message") or ""),
                    },
                },
            }
        )
    document: dict[str, Any] = {"format": FORMAT}
    if recorded_against:
        document["recorded_against"] = recorded_against
    document["interactions"] = interactions
    text = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return EncodedCassette(HEADER_COMMENT + text, codec.body_files)


def _line_of_interaction(text: str, index: int, *keys: str) -> int | None:
    """The line (from 1) where interaction ``index``, or the value at ``keys`` in it, starts."""
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    path: tuple[str | int, ...] = ("interactions", index, *keys)
    for key in path:
        node = _child(node, key)
    return int(node.start_mark.line) + 1 if node is not None else None


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    children: list[yaml.Node] = []
    if isinstance(key, int) and isinstance(node, yaml.SequenceNode):
        children = list(node.value[key : key + 1])
    elif isinstance(node, yaml.MappingNode):
        children = [value for name, value in node.value if getattr(name, "value", None) == key]
    return children[0] if children else None


def _decode_interaction(codec: _BodyCodec, raw: Any, where: str) -> tuple[Any, Any]:
    if not isinstance(raw, dict) or not isinstance(raw.get("request"), dict):
        raise ValueError(f"{where} must have a request and a response")
    request, response = raw["request"], raw.get("response")
    if not isinstance(response, dict):
        raise ValueError(f"{where} must have a request and a response")
    for field in ("method", "uri"):
        if not isinstance(request.get(field), str):
            raise ValueError(f"{where}.request.{field} must be a string")
    try:
        uri = urlsplit(request["uri"])
        uri.port  # noqa: B018 - checks the port, which a match reads later
    except ValueError as error:
        raise ValueError(f"{where}.request.uri is not a URL ({error})") from None
    if uri.scheme not in ("http", "https") or not uri.hostname:
        raise ValueError(f"{where}.request.uri must be an http or https URL")
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else None
    if (
        not isinstance(status, dict)
        or not isinstance(code, int)
        or isinstance(code, bool)
        or not 100 <= code <= 999
    ):
        raise ValueError(f"{where}.response.status.code must be an HTTP status (100 to 999)")
    request_headers = request.get("headers") or {}
    response_headers = response.get("headers") or {}
    if not isinstance(request_headers, dict) or not isinstance(response_headers, dict):
        raise ValueError(f"{where}: headers must be a mapping of names to values")
    loaded_request = ScrubbedRequest(
        method=request["method"],
        uri=request["uri"],
        body=codec.decode(request.get("body"), f"{where}.request.body", "request") or None,
        headers={str(key): str(value) for key, value in request_headers.items()},
    )
    loaded_response = LoadedResponse(
        status={"code": code, "message": str(status.get("message") or "")},
        headers={
            str(key): [str(item) for item in value] if isinstance(value, list) else [str(value)]
            for key, value in response_headers.items()
        },
        body={"string": codec.decode(response.get("body"), f"{where}.response.body", "response")},
    )
    return loaded_request, loaded_response


def _refuse_hostile_structure(path: Path, text: str) -> None:
    """Refuse anchors, aliases, tags, and more nodes or nesting than a cassette holds, from
    the YAML's events alone: nothing of the document is built yet."""
    nodes = depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            problem = (
                "holds a YAML anchor or alias (&name, *name), which cassettes never use (an "
                "editor that writes the same object twice makes them: with PyYAML, dump with "
                "a Dumper whose ignore_aliases returns True)"
            )
        elif (tag := getattr(event, "tag", None)) is not None:
            problem = f"holds a YAML tag ({tag}), which cassettes never use"
        elif isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            nodes += 1
            depth += isinstance(event, yaml.CollectionStartEvent)
            if nodes > MAX_YAML_NODES:
                problem = f"holds more than {MAX_YAML_NODES} YAML values; split the cassette"
            elif depth > MAX_YAML_DEPTH:
                problem = f"nests deeper than {MAX_YAML_DEPTH} levels"
            else:
                continue
        else:
            depth -= isinstance(event, yaml.CollectionEndEvent)
            continue
        mark = event.start_mark
        raise CassetteFormatError(path, problem, line=int(mark.line) + 1 if mark else None)


def decode_cassette(path: Path, text: str) -> tuple[list[Any], list[Any]]:
    """The requests and responses of the cassette at ``path`` whose YAML is ``text``."""
    if len(text) > MAX_CASSETTE_BYTES:
        raise CassetteFormatError(path, f"holds more than {MAX_CASSETTE_BYTES} characters")
    try:
        _refuse_hostile_structure(path, text)
        document = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise CassetteFormatError(
            path,
            f"invalid YAML ({problem})",
            line=int(mark.line) + 1 if mark is not None else None,
        ) from None
    except (ValueError, OverflowError) as error:  # a date such as 2024-13-45, a huge number
        raise CassetteFormatError(path, f"a value cannot be read ({error})") from None
    version = document.get("format") if isinstance(document, dict) else None
    if not isinstance(version, str) or version not in READABLE_FORMATS:
        raise CassetteFormatError(
            path, f"not a spacestudio cassette (it must start with 'format: {FORMAT}')", line=1
        )
    interactions = document.get("interactions")
    if not isinstance(interactions, list):
        raise CassetteFormatError(path, "'interactions' must be a list", line=1)
    codec = _BodyCodec(path)
    requests, responses = [], []
    for index, raw in enumerate(interactions):
        try:
            request, response = _decode_interaction(codec, raw, f"interaction {index + 1}")
        except _InvalidJsonText as error:
            # The block's first line holds "json: |-"; the JSON text starts below it.
            start = _line_of_interaction(text, index, error.side, "body", "json")
            line = start + error.json_line if start is not None else None
            raise CassetteFormatError(path, str(error), line=line) from None
        except ValueError as error:
            raise CassetteFormatError(
                path, str(error), line=_line_of_interaction(text, index)
            ) from None
        requests.append(request)
        responses.append(response)
    return requests, responses


def decode_cassette_from(path: Path, encoded: EncodedCassette) -> tuple[list[Any], list[Any]]:
    """Decode a cassette not yet written, its body files taken from memory."""

    class _InMemoryCodec(_BodyCodec):
        def _read_body_file(self, entry: dict[str, Any], where: str) -> bytes:
            return encoded.body_files[self._body_file_name(entry, where)]

    document = yaml.load(encoded.text, Loader=_Loader)
    codec = _InMemoryCodec(path)
    pairs = [
        _decode_interaction(codec, raw, f"interaction {index + 1}")
        for index, raw in enumerate(document["interactions"])
    ]
    return [request for request, _ in pairs], [response for _, response in pairs]
