"""Storage: the cassette file format, body files beside it, and atomic writes.

A cassette is one YAML file, stable and diffable::

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
``{base64: …}`` for binary data, or, above :data:`BODY_FILE_THRESHOLD` bytes,
``{file: HASH.EXT, sha256: …, bytes: …}``: the exact bytes in ``NAME.bodies/HASH.EXT``
beside the cassette ``NAME.yaml``, read back in one go so a 20 MB result replays about as
fast as reading it. The entry names the file alone, never its folder, so a cassette renamed
together with its ``.bodies`` folder still replays (format 2 cassettes that wrote
``NAME.bodies/HASH.EXT`` still load).

Body files are read and written only as plain files inside the cassette's own
``NAME.bodies`` folder: never through a symbolic link, never a device, and never more
bytes than the cassette says the file holds. Only files a cassette wrote (named after
the hash of their content) are ever deleted.

Every write is atomic (temporary file, then ``os.replace``), body files first and the
cassette last; body files are named after their content, so writing one never changes
a file the previous cassette refers to, and an interrupted recording leaves the previous
cassette whole. Body files no cassette refers to any more are removed afterwards, and so
are the ``.bodies`` folders of cassettes deleted from the same folder.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import logging
import os
import re
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from vcr.persisters.filesystem import CassetteNotFoundError

from spacestudio.cassettes.errors import CassetteError, CassetteFormatError, SecretLeakError
from spacestudio.cassettes.matching import body_bytes
from spacestudio.cassettes.scrubbing import (
    LoadedResponse,
    ScrubbedRequest,
    is_json_content,
)

logger = logging.getLogger("spacestudio.cassettes")

FORMAT = "spacestudio-cassette/2"
#: Versions this code reads: 1 stored JSON bodies as YAML structure.
READABLE_FORMATS = frozenset({FORMAT, "spacestudio-cassette/1"})
#: Bodies larger than this (in bytes) are kept in a file beside the cassette.
BODY_FILE_THRESHOLD = 64 * 1024
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

LeakCheck = Callable[[bytes], list[str]]


#: How a body file is named: the first 24 hex digits of its content's SHA-256, then a kind.
BODY_FILE_NAME = re.compile(r"[0-9a-f]{24}\.(?:json|csv|txt|bin)")
#: The suffix of the folder that holds a cassette's body files.
BODIES_SUFFIX = ".bodies"


def body_file_directory(cassette: Path) -> Path:
    """The directory of ``cassette``'s body files (``NAME.bodies`` beside it)."""
    return cassette.with_name(f"{cassette.stem}{BODIES_SUFFIX}")


def edited_size_limit(recorded_size: int) -> int:
    """The most bytes a body file recorded with ``recorded_size`` bytes is read with.

    A hand edit may change a body file's size a little; anything larger (a device, a file
    swapped in) is refused before it is read.
    """
    return 2 * recorded_size + 64 * 1024


def _is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def _plain_directory(directory: Path) -> bool:
    """Whether ``directory`` exists as a real folder (not a link to one)."""
    try:
        return stat.S_ISDIR(os.lstat(directory).st_mode)
    except OSError:
        return False


def _written_by_a_cassette(file: Path) -> bool:
    """Whether ``file`` is a plain file named after the hash of its content, as written here.

    Only such files are ever deleted: a file someone else put in a ``.bodies`` folder, or a
    link, stays where it is.
    """
    if not BODY_FILE_NAME.fullmatch(file.name):
        return False
    try:
        descriptor = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    digest = hashlib.sha256()
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return False
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest().startswith(file.name.split(".", 1)[0])


def remove_written_body_files(directory: Path, keep: frozenset[str] = frozenset()) -> None:
    """Delete the body files a cassette wrote in ``directory`` (but those named in ``keep``),
    then the folder if that left it empty. A link, or a file no cassette wrote, is kept."""
    if not _plain_directory(directory):
        return
    for file in directory.iterdir():
        if file.name not in keep and _written_by_a_cassette(file):
            with contextlib.suppress(OSError):
                file.unlink()
    with contextlib.suppress(OSError):
        directory.rmdir()  # only when empty


def remove_orphaned_body_folders(folder: Path) -> None:
    """Clear the ``NAME.bodies`` folders in ``folder`` whose cassette was deleted."""
    if not _plain_directory(folder):
        return
    for directory in folder.glob(f"*{BODIES_SUFFIX}"):
        stem = directory.name[: -len(BODIES_SUFFIX)]
        if any((folder / f"{stem}{suffix}").exists() for suffix in (".yaml", ".yml")):
            continue
        remove_written_body_files(directory)


def _extension(content_type: str | None) -> str:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if is_json_content(media):
        return "json"
    if media == "text/csv":
        return "csv"
    if media.startswith("text/"):
        return "txt"
    return "bin"


def _header_value(headers: dict[str, Any], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            if isinstance(value, list | tuple):
                return str(value[0]) if value else None
            return str(value)
    return None


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


def same_body(first: bytes, second: bytes) -> bool:
    """Whether two bodies are the same bytes, or the same JSON document."""
    if first == second:
        return True
    try:
        return bool(json.loads(first) == json.loads(second))
    except ValueError:
        return False


@dataclass
class _Encoded:
    """A cassette being written: its YAML text and the body files it refers to."""

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
            digest = hashlib.sha256(body).hexdigest()
            name = f"{digest[:24]}.{_extension(content_type)}"
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
            return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
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
        return base

    def _read_body_file(self, entry: dict[str, Any], where: str) -> bytes:
        name = self._body_file_name(entry, where)
        size: int = entry["bytes"]
        file = self.directory / name
        if _is_link(self.directory):
            raise CassetteFormatError(
                self.cassette,
                f"{self.directory} is a symbolic link; body files are read only from a "
                "plain folder beside the cassette",
            )
        try:
            descriptor = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            raise CassetteFormatError(
                self.cassette, f"{where} refers to {file}, which does not exist"
            ) from None
        except OSError as error:
            # O_NOFOLLOW refuses a link with ELOOP (or EMLINK on some systems).
            raise CassetteFormatError(
                self.cassette, f"{where} refers to {file}, which is not a plain file ({error})"
            ) from None
        with os.fdopen(descriptor, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise CassetteFormatError(
                    self.cassette, f"{where} refers to {file}, which is not a plain file"
                )
            limit = edited_size_limit(size)
            if status.st_size > limit:
                raise CassetteFormatError(
                    self.cassette,
                    f"{where} refers to {file}, which holds {status.st_size} bytes where the "
                    f"cassette says {size} (a hand edit may change it to at most {limit})",
                )
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise CassetteFormatError(
                self.cassette, f"{file} grew past {limit} bytes while it was read"
            )
        expected = entry.get("sha256")
        if expected is not None and hashlib.sha256(data).hexdigest() != expected:
            # Edited by hand: accepted, but a broken JSON edit is reported here, with its
            # place, rather than as a puzzling error in the code being replayed.
            if file.suffix == ".json":
                try:
                    json.loads(data)
                except json.JSONDecodeError as error:
                    raise CassetteFormatError(
                        file, f"invalid JSON ({error.msg}, column {error.colno})", line=error.lineno
                    ) from None
            logger.info("%s was edited after it was recorded; replaying it as it is now", file)
        return data


def encode_cassette(
    path: Path, requests: list[Any], responses: list[Any], *, recorded_against: str | None = None
) -> _Encoded:
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
                        body_bytes(request), _header_value(request_headers, "content-type")
                    ),
                    "headers": {key: str(request_headers[key]) for key in sorted(request_headers)},
                    "method": str(request.method),
                    "uri": str(request.uri),
                },
                "response": {
                    "body": codec.encode(
                        response_body, _header_value(response_headers, "content-type")
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
    return _Encoded(HEADER_COMMENT + text, codec.body_files)


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
    status = response.get("status")
    if not isinstance(status, dict) or not isinstance(status.get("code"), int):
        raise ValueError(f"{where}.response.status.code must be a number")
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
        status={"code": status["code"], "message": str(status.get("message") or "")},
        headers={
            str(key): [str(item) for item in value] if isinstance(value, list) else [str(value)]
            for key, value in response_headers.items()
        },
        body={"string": codec.decode(response.get("body"), f"{where}.response.body", "response")},
    )
    return loaded_request, loaded_response


def decode_cassette(path: Path, text: str) -> tuple[list[Any], list[Any]]:
    """The requests and responses of the cassette at ``path`` whose YAML is ``text``."""
    try:
        document = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise CassetteFormatError(
            path,
            f"invalid YAML ({problem})",
            line=int(mark.line) + 1 if mark is not None else None,
        ) from None
    if not isinstance(document, dict) or document.get("format") not in READABLE_FORMATS:
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


_RECORDED_AGAINST = re.compile(r"^recorded_against: *([a-z]+) *$", re.MULTILINE)


def recorded_against(path: Path) -> str | None:
    """What the cassette at ``path`` was recorded against (``fake``, ``live``), if it says."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return None
    found = _RECORDED_AGAINST.search(head.split("\ninteractions:", 1)[0])
    return found.group(1) if found else None


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before the rename
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    temporary = Path(handle.name)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


class CassettePersister:
    """vcrpy's persister for spacestudio cassettes.

    ``check_leaks`` gets every byte about to be written and returns the kinds of secret
    it finds; any finding stops the write (:class:`SecretLeakError`). Without
    ``read_existing`` the cassette is treated as empty (it is being recorded afresh).
    """

    def __init__(
        self,
        check_leaks: LeakCheck | None = None,
        *,
        read_existing: bool = True,
        extra_paths: Sequence[Path] = (),
        recorded_against: str | None = None,
    ) -> None:
        self.check_leaks = check_leaks
        self.read_existing = read_existing
        #: Cassettes loaded after the main one, never written (pytest-recording's extras).
        self.extra_paths = list(extra_paths)
        #: What the cassette is recorded against (``fake`` or ``live``), written into it.
        self.recorded_against = recorded_against

    def load_cassette(self, cassette_path: str | Path, serializer: Any = None) -> Any:
        path = Path(cassette_path)
        requests: list[Any] = []
        responses: list[Any] = []
        for source in [path] * self.read_existing + self.extra_paths:
            try:
                loaded = self._load_one(source)
            except CassetteNotFoundError:
                continue
            requests += loaded[0]
            responses += loaded[1]
        if not requests:
            raise CassetteNotFoundError(str(path))
        return requests, responses

    def _load_one(self, path: Path) -> tuple[list[Any], list[Any]]:
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise CassetteNotFoundError(str(path)) from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise CassetteFormatError(path, "not UTF-8 text", line=line) from None
        if not text.strip():
            raise CassetteNotFoundError(str(path))
        return decode_cassette(path, text)

    def save_cassette(
        self, cassette_path: str | Path, cassette_dict: dict[str, Any], serializer: Any = None
    ) -> None:
        path = Path(cassette_path)
        encoded = encode_cassette(
            path,
            cassette_dict["requests"],
            cassette_dict["responses"],
            recorded_against=self.recorded_against,
        )
        self._refuse_leaks(path, encoded)
        # Read back before writing: what replays must be what was recorded.
        _check_reads_back(path, encoded, cassette_dict)
        directory = body_file_directory(path)
        if encoded.body_files:
            _plain_body_directory(path, directory)
        for name, data in sorted(encoded.body_files.items()):
            _atomic_write(directory / name, data)
        _atomic_write(path, encoded.text.encode("utf-8"))
        remove_written_body_files(directory, keep=frozenset(encoded.body_files))
        remove_orphaned_body_folders(path.parent)
        logger.info(
            "Saved cassette %s (%d interactions, %d body files)",
            path,
            len(cassette_dict["requests"]),
            len(encoded.body_files),
        )

    def _refuse_leaks(self, path: Path, encoded: _Encoded) -> None:
        if self.check_leaks is None:
            return
        kinds: list[str] = []
        where: list[str] = []
        found = self.check_leaks(encoded.text.encode("utf-8"))
        if found:
            kinds += found
            where.append(f"in {path.name}")
        for name, data in sorted(encoded.body_files.items()):
            found = self.check_leaks(data)
            if found:
                kinds += found
                where.append(f"in {name}")
        if kinds:
            raise SecretLeakError(path, kinds, where)


def _plain_body_directory(cassette: Path, directory: Path) -> None:
    """Make ``directory`` (``NAME.bodies``) as a plain folder; refuse a link or a file there."""
    cassette.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(directory)
    except FileExistsError:
        if not _plain_directory(directory):
            raise CassetteError(
                f"Not saving cassette {cassette}: {directory} is "
                + ("a symbolic link" if _is_link(directory) else "not a folder")
                + ". Body files are written only into a plain folder beside the cassette, "
                "so recording never writes or deletes files elsewhere; remove it and record "
                "again. Nothing was written."
            ) from None


def decode_cassette_from(path: Path, encoded: _Encoded) -> tuple[list[Any], list[Any]]:
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


def _check_reads_back(path: Path, encoded: _Encoded, cassette_dict: dict[str, Any]) -> None:
    requests, responses = decode_cassette_from(path, encoded)
    originals = zip(cassette_dict["requests"], cassette_dict["responses"], strict=True)
    for index, (original_request, original_response) in enumerate(originals):
        request, response = requests[index], responses[index]
        original_body = original_response.get("body", {}).get("string") or b""
        if isinstance(original_body, str):
            original_body = original_body.encode("utf-8")
        if (
            request.method != original_request.method
            or request.uri != original_request.uri
            or not same_body(body_bytes(request), body_bytes(original_request))
            or response["status"]["code"] != int(original_response["status"]["code"])
            or not same_body(response["body"]["string"], original_body)
        ):
            raise CassetteFormatError(
                path, f"interaction {index + 1} would not read back as it was recorded"
            )
