"""Fault rules: parsing, matching and how often they fire."""

from __future__ import annotations

import pytest

from fake_server.faults import FaultInjector, FaultRule, FaultSpecError, parse_fault_spec


def test_a_flag_spec_names_pattern_kind_and_options() -> None:
    rule = parse_fault_spec("/exoops/*:status=503:share=0.5:retry-after=1:methods=get,post")
    assert (rule.pattern, rule.kind, rule.status) == ("/exoops/*", "status", 503)
    assert rule.share == 0.5
    assert rule.retry_after == "1"
    assert rule.methods == frozenset({"GET", "POST"})
    latency = parse_fault_spec("*/token:latency=0.25:times=2")
    assert (latency.kind, latency.seconds, latency.times) == ("latency", 0.25, 2)
    drop = parse_fault_spec("re:^/exoops/users/[^/]+/orbitdefinitions$:drop")
    assert drop.regex and drop.kind == "drop"
    assert drop.matches("GET", "/exoops/users/abc/orbitdefinitions")
    assert not drop.matches("GET", "/exoops/users/abc/orbitdefinitions/x")


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("/exoops/*", "says nothing to do"),
        ("/exoops/*:status=abc", "not a number"),
        ("/exoops/*:status=200", "4xx or 5xx"),
        ("/exoops/*:status=503:drop", "exactly one"),
        ("/exoops/*:latency=1:share=2", "between 0 and 1"),
        ("/exoops/*:drop:times=0", "positive"),
        ("re:([:drop", "regular expression"),
        ("/x:drop:methods=FETCH", "unknown HTTP method"),
        (":drop", "needs a path pattern"),
    ],
)
def test_bad_specs_say_what_to_change(spec: str, fragment: str) -> None:
    with pytest.raises(FaultSpecError, match=fragment):
        parse_fault_spec(spec)


def test_share_fires_on_a_predictable_subset_of_calls() -> None:
    injector = FaultInjector([FaultRule(pattern="/a*", kind="drop", share=0.5)])
    fired = [injector.plan("GET", "/abc").drop for _ in range(6)]
    assert fired == [False, True, False, True, False, True]
    third = FaultInjector([FaultRule(pattern="/a*", kind="drop", share=0.3)])
    assert sum(third.plan("GET", "/a").drop for _ in range(100)) == 30


def test_times_limits_how_often_a_rule_fires() -> None:
    injector = FaultInjector([FaultRule(pattern="*", kind="status", status=500, times=2)])
    statuses = [injector.plan("GET", "/x").status_rule for _ in range(4)]
    assert [rule is not None for rule in statuses] == [True, True, False, False]
    assert injector.rules()[0].fired == 2


def test_non_matching_requests_do_not_count() -> None:
    rule = FaultRule(pattern="/exoops/*", kind="latency", seconds=0.1, methods=frozenset({"POST"}))
    injector = FaultInjector([rule])
    assert injector.plan("GET", "/exoops/x").delay == 0
    assert injector.plan("POST", "/realms/x").delay == 0
    assert injector.plan("POST", "/exoops/x").delay == 0.1


def test_rules_from_json_and_back() -> None:
    rule = FaultRule.from_json(
        {"pattern": "/exoops/*", "kind": "status", "status": 429, "retryAfter": 2, "times": 1}
    )
    data = rule.to_json()
    assert data["retryAfter"] == "2"
    assert (data["kind"], data["status"], data["times"]) == ("status", 429, 1)
    for bad in (
        {"kind": "drop"},
        {"pattern": "*", "kind": "explode"},
        {"pattern": "*", "kind": "drop", "share": "half"},
        {"pattern": "*", "kind": "drop", "surprise": 1},
        {"pattern": "*", "kind": "status", "status": True},
        {"pattern": "*", "kind": "drop", "methods": "GET"},
    ):
        with pytest.raises(FaultSpecError):
            FaultRule.from_json(bad)


def test_removing_and_clearing_rules() -> None:
    injector = FaultInjector()
    first = injector.add(FaultRule(pattern="*", kind="drop"))
    injector.add(FaultRule(pattern="*", kind="drop"))
    assert injector.remove(first.id)
    assert not injector.remove(first.id)
    assert len(injector.rules()) == 1
    injector.clear()
    assert not injector.plan("GET", "/x").drop
