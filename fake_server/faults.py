"""Fault injection: make chosen requests slow, fail with a status, or lose their connection.

A :class:`FaultRule` names the requests it applies to (a glob or regular expression on
the path, optionally some methods), how often it fires (``share`` of the matching
calls, deterministic) and what it does (``latency``, ``status`` or ``drop``).  Regular
expressions run on RE2, in time linear in the path: no pattern can stall the server by
backtracking.  Rules
come from ``--fault`` flags (:func:`parse_fault_spec`) or from ``/__admin/faults``
(:meth:`FaultRule.from_json`); :class:`FaultInjector` holds them and decides, per
request, which ones fire.

``share`` is applied by error diffusion rather than by chance: each matching call adds
``share`` to a running total and the rule fires whenever the total reaches the next
whole number.  A rule with ``share=0.5`` therefore fires on the 2nd, 4th, 6th …
matching call, and ``share=1`` on every one, so tests can predict exactly which calls
fail.

The rules and their counters live in the server's store, so that with a state file every
worker process of one server applies the same rules and counts their matches together:
a rule added through one worker fires in all of them, and ``share=0.5`` fires on every
second matching request whichever worker answers it.
"""

from __future__ import annotations

import fnmatch
import functools
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from fake_server.store.fault_rules import FaultRuleStore, MemoryFaultRules

FaultKind = Literal["latency", "status", "drop"]
FAULT_KINDS: tuple[FaultKind, ...] = ("latency", "status", "drop")
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
#: Longest latency a rule may ask for; longer ones are surely typing mistakes.
MAX_LATENCY_SECONDS = 600.0
#: The largest compiled regular expression a rule may hold, in RE2's program size (about
#: one unit per character class or alternative): past about 1 000, RE2's DFA outgrows its
#: memory on a long path and falls back to a matcher costing seconds per request.
MAX_REGEX_PROGRAM_SIZE = 1000
#: The prefix that marks a pattern as a regular expression, in a flag or a JSON rule.
REGEX_PREFIX = "re:"


@functools.cache
def _re2() -> tuple[Any, Any]:
    """The RE2 module and its options, loaded by the first regular-expression rule: a
    server with glob rules only (and a module parsing request bodies) never needs it."""
    import re2

    options = re2.Options()
    options.log_errors = False  # a refused pattern is reported to the client, not stderr
    return re2, options


class FaultSpecError(ValueError):
    """A fault rule that cannot be understood; the message says what to change."""


class ConnectionDropped(ConnectionAbortedError):
    """Raised by the application to close a connection without answering.

    Werkzeug's server treats a :class:`ConnectionError` from the application as a
    dropped connection and writes nothing back; the in-process mount turns it into
    ``requests.ConnectionError``.
    """


@dataclass
class FaultRule:
    """One fault: which requests it matches, how often it fires, what it does."""

    pattern: str
    kind: FaultKind
    regex: bool = False
    methods: frozenset[str] = frozenset()  # empty: every method
    share: float = 1.0
    times: int | None = None  # fire at most this many times, then stay inert
    seconds: float = 0.0  # latency
    status: int = 503
    retry_after: str | None = None
    body: dict[str, Any] | None = None
    id: int = 0
    fired: int = 0
    _compiled: Any = field(init=False, repr=False)  # re2 for regexes, re for globs

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise FaultSpecError(
                f"unknown fault kind {self.kind!r}; use one of {', '.join(FAULT_KINDS)}"
            )
        if not self.pattern:
            raise FaultSpecError("a fault needs a path pattern, e.g. '/exoops/*'")
        if self.regex:
            re2, options = _re2()
            try:
                self._compiled = re2.compile(self.pattern, options)
            except re2.error as exc:
                reason = (
                    exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
                )
                raise FaultSpecError(
                    f"bad regular expression {self.pattern!r}: {reason} (patterns use RE2 "
                    "syntax: no backreferences or lookarounds)"
                ) from None
            if self._compiled.programsize > MAX_REGEX_PROGRAM_SIZE:
                raise FaultSpecError(
                    f"regular expression {self.pattern[:80]!r} is too large: it compiles to "
                    f"{self._compiled.programsize} RE2 instructions, more than the "
                    f"{MAX_REGEX_PROGRAM_SIZE} a rule may use (matching it against a long "
                    "path would cost seconds); use fewer repetitions or a glob"
                )
        else:
            # fnmatch's translation emulates atomic groups: no backtracking blow-up either.
            self._compiled = re.compile(fnmatch.translate(self.pattern))
        if not 0.0 <= self.share <= 1.0:
            raise FaultSpecError(f"share must be between 0 and 1, got {self.share}")
        if self.times is not None and self.times < 1:
            raise FaultSpecError(f"times must be a positive count, got {self.times}")
        if not 0.0 <= self.seconds <= MAX_LATENCY_SECONDS:
            raise FaultSpecError(
                f"latency must be between 0 and {MAX_LATENCY_SECONDS:g} seconds, got {self.seconds}"
            )
        if self.kind == "status" and not 400 <= self.status <= 599:
            raise FaultSpecError(f"a status fault needs a 4xx or 5xx code, got {self.status}")
        unknown = self.methods - HTTP_METHODS
        if unknown:
            raise FaultSpecError(f"unknown HTTP method(s): {', '.join(sorted(unknown))}")

    def matches(self, method: str, path: str) -> bool:
        """Whether this rule concerns a request (not whether it fires)."""
        if self.methods and method.upper() not in self.methods:
            return False
        if self.regex:
            return self._compiled.search(path) is not None
        return self._compiled.match(path) is not None

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def step(self, fired: int, credit: float) -> tuple[int, float, bool]:
        """Count one matching request: the new fired count and credit, and whether the
        rule fires for it."""
        if self.times is not None and fired >= self.times:
            return fired, credit, False
        credit += self.share
        # The small tolerance keeps shares such as 0.1 exact despite float rounding.
        if credit >= 1.0 - 1e-9:
            return fired + 1, credit - 1.0, True
        return fired, credit, False

    def definition(self) -> dict[str, Any]:
        """What :meth:`from_json` rebuilds the rule from (no id, no counters)."""
        data = self.to_json()
        del data["id"], data["fired"]
        return data

    def to_json(self) -> dict[str, Any]:
        """The rule as ``GET /__admin/faults`` lists it."""
        data: dict[str, Any] = {
            "id": self.id,
            "pattern": self.pattern,
            "patternType": "regex" if self.regex else "glob",
            "methods": sorted(self.methods),
            "kind": self.kind,
            "share": self.share,
            "times": self.times,
            "fired": self.fired,
        }
        if self.kind == "latency":
            data["seconds"] = self.seconds
        if self.kind == "status":
            data["status"] = self.status
            data["retryAfter"] = self.retry_after
            data["body"] = self.body
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FaultRule:
        """A rule from the JSON body of ``POST /__admin/faults``."""
        allowed = {
            "pattern",
            "patternType",
            "methods",
            "kind",
            "share",
            "times",
            "seconds",
            "status",
            "retryAfter",
            "body",
        }
        unknown = set(data) - allowed
        if unknown:
            raise FaultSpecError(
                f"unknown field(s) {', '.join(sorted(unknown))}; "
                f"allowed: {', '.join(sorted(allowed))}"
            )
        pattern = _typed(data, "pattern", str, required=True)
        pattern_type = _typed(data, "patternType", str)
        if pattern.startswith(REGEX_PREFIX):  # as in a --fault flag
            if pattern_type == "glob":
                raise FaultSpecError(
                    f"pattern {pattern!r} starts with {REGEX_PREFIX!r}, which marks a regular "
                    "expression, but patternType is 'glob'; drop one of them"
                )
            pattern, pattern_type = pattern[len(REGEX_PREFIX) :], "regex"
        pattern_type = pattern_type or "glob"
        if pattern_type not in ("glob", "regex"):
            raise FaultSpecError("patternType must be 'glob' or 'regex'")
        methods = data.get("methods") or []
        if not isinstance(methods, list) or not all(isinstance(m, str) for m in methods):
            raise FaultSpecError('methods must be a list of strings, e.g. ["GET", "POST"]')
        strangers = sorted(set(methods) - HTTP_METHODS)
        if strangers:
            raise FaultSpecError(
                f"unknown HTTP method(s) {', '.join(map(repr, strangers))}; use upper-case "
                f"names among {', '.join(sorted(HTTP_METHODS))}"
            )
        kind = _typed(data, "kind", str, required=True)
        body = data.get("body")
        if body is not None and not isinstance(body, dict):
            raise FaultSpecError("body must be a JSON object")
        retry_after = data.get("retryAfter")
        if retry_after is not None and not isinstance(retry_after, (str, int, float)):
            raise FaultSpecError("retryAfter must be a number of seconds or an HTTP date")
        share = _typed(data, "share", (int, float))
        seconds = _typed(data, "seconds", (int, float))
        status = _typed(data, "status", int)
        if status is not None and not 400 <= status <= 599:
            raise FaultSpecError(f"status must be a 4xx or 5xx code, got {status}")
        return cls(
            pattern=pattern,
            kind=kind,  # checked in __post_init__
            regex=pattern_type == "regex",
            methods=frozenset(methods),
            share=1.0 if share is None else float(share),
            times=_typed(data, "times", int),
            seconds=0.0 if seconds is None else float(seconds),
            status=503 if status is None else status,
            retry_after=None if retry_after is None else _retry_after_text(retry_after),
            body=body,
        )


def _retry_after_text(value: str | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _typed(data: Mapping[str, Any], key: str, kind: Any, *, required: bool = False) -> Any:
    value = data.get(key)
    if value is None:
        if required:
            raise FaultSpecError(f"a fault rule needs {key!r}")
        return None
    if kind is int and isinstance(value, float) and value.is_integer():
        return int(value)  # JSON does not tell 427 from 427.0
    if isinstance(value, bool) or not isinstance(value, kind):
        raise FaultSpecError(f"{key!r} has the wrong type: {value!r}")
    return value


def parse_fault_spec(spec: str) -> FaultRule:
    """A rule from a ``--fault`` flag: ``PATTERN:KIND[=VALUE]:OPTION=VALUE…``.

    Examples::

        /exoops/*:status=503:share=0.5:retry-after=1
        */token:latency=2:times=3
        re:^/exoops/users/[^/]+/simulationrequests$:drop:methods=POST

    The pattern is everything before the first ``:``-separated option, so regular
    expressions (prefixed ``re:``) may themselves contain colons.
    """
    parts = spec.split(":")
    options: list[str] = []
    while len(parts) > 1 and _looks_like_option(parts[-1]):
        options.insert(0, parts.pop())
    pattern = ":".join(parts)
    regex = pattern.startswith(REGEX_PREFIX)
    if regex:
        pattern = pattern[len(REGEX_PREFIX) :]
    if not options:
        raise FaultSpecError(
            f"fault {spec!r} says nothing to do; add status=CODE, latency=SECONDS or drop"
        )
    fields: dict[str, Any] = {"pattern": pattern, "regex": regex}
    kinds: list[str] = []
    for option in options:
        key, _, value = option.partition("=")
        try:
            if key == "status":
                kinds.append("status")
                fields["status"] = int(value)
            elif key == "latency":
                kinds.append("latency")
                fields["seconds"] = float(value)
            elif key == "drop":
                kinds.append("drop")
            elif key == "share":
                fields["share"] = float(value)
            elif key == "times":
                fields["times"] = int(value)
            elif key == "retry-after":
                fields["retry_after"] = value
            elif key == "methods":
                fields["methods"] = frozenset(m.strip().upper() for m in value.split(",") if m)
            elif key == "message":
                fields["body"] = {"message": value}
        except ValueError:
            raise FaultSpecError(f"fault {spec!r}: {key}={value!r} is not a number") from None
    if len(kinds) != 1:
        raise FaultSpecError(
            f"fault {spec!r} needs exactly one of status=CODE, latency=SECONDS, drop"
        )
    return FaultRule(kind=kinds[0], **fields)  # type: ignore[arg-type]


_OPTION_KEYS = ("status", "latency", "drop", "share", "times", "retry-after", "methods", "message")


def _looks_like_option(part: str) -> bool:
    key = part.partition("=")[0]
    return key in _OPTION_KEYS and (key == "drop" or "=" in part)


@dataclass(frozen=True)
class FaultPlan:
    """What the faults that fired ask of one request."""

    delay: float = 0.0
    status_rule: FaultRule | None = None
    drop: bool = False

    @property
    def names(self) -> str | None:
        """A short label for the journal, or None when nothing fired."""
        labels = []
        if self.delay:
            labels.append(f"latency={self.delay:g}")
        if self.drop:
            labels.append("drop")
        elif self.status_rule is not None:
            labels.append(f"status={self.status_rule.status}")
        return ",".join(labels) or None


#: Where a rule came from: the server's configuration (re-applied at each start) or
#: ``/__admin/faults`` at run time.
CONFIGURED = "config"
ADDED_AT_RUN_TIME = "admin"


class FaultInjector:
    """The active fault rules, kept in ``store`` (a private memory store by default);
    safe across threads, and across processes sharing one state file."""

    def __init__(
        self, rules: Sequence[FaultRule] = (), store: FaultRuleStore | None = None
    ) -> None:
        self._store = store if store is not None else MemoryFaultRules()
        self._lock = threading.Lock()
        self._version = -1
        self._compiled: dict[int, FaultRule] = {}
        # The rules this process added, whose ``fired`` it keeps current for its callers.
        self._added: dict[int, FaultRule] = {}
        for rule in rules:
            self.add(rule)

    def configure(self, definitions: Sequence[Mapping[str, Any]]) -> None:
        """Make the configured rules exactly those ``definitions`` define (rules added at
        run time stay); those already stored keep their counters, so every worker may call
        this at start.  Raises :class:`FaultSpecError` for a definition that is no rule."""
        rules = [FaultRule.from_json(definition) for definition in definitions]
        self._store.sync_fault_rules(CONFIGURED, [rule.definition() for rule in rules])

    def add(self, rule: FaultRule) -> FaultRule:
        rule.id = self._store.add_fault_rule(rule.definition(), ADDED_AT_RUN_TIME)
        rule.fired = 0
        with self._lock:
            self._added[rule.id] = rule
        return rule

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            self._added.pop(rule_id, None)
        return self._store.remove_fault_rules([rule_id]) > 0

    def clear(self) -> None:
        with self._lock:
            self._added.clear()
        self._store.remove_fault_rules()

    def rules_version(self) -> int:
        """A number that changes whenever a rule is added or removed; reading it is the
        cheapest question to the store, so it also shows that the store answers."""
        return self._store.fault_rules_version()

    def rules(self) -> list[FaultRule]:
        """The rules in the order they were added, with how often each fired."""
        rules = []
        for stored in self._store.fault_rules():
            rule = FaultRule.from_json(stored.definition)
            rule.id, rule.fired = stored.id, stored.fired
            rules.append(rule)
        return rules

    def _active(self) -> dict[int, FaultRule]:
        """The stored rules, compiled once per change of the rule set."""
        version = self._store.fault_rules_version()
        with self._lock:
            if version != self._version:
                compiled: dict[int, FaultRule] = {}
                for stored in self._store.fault_rules():
                    rule = FaultRule.from_json(stored.definition)
                    rule.id = stored.id
                    compiled[stored.id] = rule
                self._compiled, self._version = compiled, version
            return self._compiled

    def plan(self, method: str, path: str) -> FaultPlan:
        """Decide which faults fire for this request (counts it against every match)."""
        active = self._active()
        matching = [rule_id for rule_id, rule in active.items() if rule.matches(method, path)]
        if not matching:
            return FaultPlan()
        counts: dict[int, int] = {}

        def step(rule_id: int, count: int, credit: float) -> tuple[int, float, bool]:
            counts[rule_id], credit, fires = active[rule_id].step(count, credit)
            return counts[rule_id], credit, fires

        fired = self._store.advance_fault_rules(matching, step)
        with self._lock:
            for rule_id, count in counts.items():
                if rule_id in self._added:
                    self._added[rule_id].fired = count
        delay = 0.0
        status_rule: FaultRule | None = None
        drop = False
        for rule_id in matching:
            if rule_id not in fired:
                continue
            rule = active[rule_id]
            if rule.kind == "latency":
                delay += rule.seconds
            elif rule.kind == "drop":
                drop = True
            elif status_rule is None:
                status_rule = rule
        return FaultPlan(delay=delay, status_rule=status_rule, drop=drop)
