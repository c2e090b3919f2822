"""JSON paths as reports write them, and the patterns of ``--ignore`` / ``--identifier``."""

from __future__ import annotations

import re

import pytest

from spacestudio.verify_fake.paths import JsonPath, PathPattern, PatternError, render


def test_paths_render_as_jsonpath() -> None:
    assert render(()) == "$"
    assert render(("results", "ephemerides", 3, 0)) == "$.results.ephemerides[3][0]"
    assert render((0, "not-before-policy")) == "$[0].not-before-policy"
    assert render(("x5t#S256", "a b")) == '$["x5t#S256"]["a b"]'


@pytest.mark.parametrize(
    ("pattern", "path", "selected"),
    [
        ("id", ("id",), True),
        ("id", ("spacecraft", "thruster", "id"), True),
        ("id", ("ids",), False),
        ("*Id", (0, "computationLogId"), True),
        ("*Id", ("identity",), False),
        ("$..*Ids[*]", ("mission", "orbitIds", 2), True),
        ("$..*Ids[*]", ("mission", "orbitIds"), False),
        ("$.results.name", ("results", "name"), True),
        ("$.results.name", ("results", "finalOrbit", "name"), False),
        ("$.results.*", ("results", "maneuverReport"), True),
        ("$.results.*", ("results",), False),
        ("$[*].id", (4, "id"), True),
        ("$[1].id", (4, "id"), False),
        ("$..points[*]..average", ("mesh", "points", 7, "metrics", "REVISIT", "average"), True),
        ("$..points[*]..average", ("mesh", "points", "metrics", "average"), False),
        ('$["x5t#S256"]', ("x5t#S256",), True),
        ("$", (), True),
    ],
)
def test_patterns_select_places(pattern: str, path: JsonPath, selected: bool) -> None:
    assert PathPattern.parse(pattern).matches(path) is selected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "an empty pattern"),
        ("results.name", "neither a field name"),
        ("$.results[", "is not closed by ']'"),
        ("$.results[x]", "must be an index"),
        ("$..", "ends with '..'"),
        ("$.a.", "must be followed by a field name"),
        ("$a", "expected '.', '..' or '['"),
    ],
)
def test_a_malformed_pattern_says_what_is_accepted(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=re.escape(message)):
        PathPattern.parse(pattern)
