"""`spacestudio cassette list/show/diff/html` describe every committed cassette."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from spacestudio.cassette_inspector import find_cassettes, load
from spacestudio.cli import main

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = sorted((ROOT / "cassettes").rglob("*.yaml"))


def test_list_names_every_committed_cassette(capsys: pytest.CaptureFixture[str]) -> None:
    assert COMMITTED and find_cassettes(ROOT / "cassettes") == COMMITTED
    assert main(["cassette", "list", str(ROOT / "cassettes")]) == 0
    listed = capsys.readouterr().out.splitlines()[1:]
    assert len(listed) == len(COMMITTED)
    for path, line in zip(COMMITTED, listed, strict=True):
        interactions = path.read_text().count("\n- request:")
        assert re.match(rf"{re.escape(str(path))}\s+{interactions}\s+\d", line), line
        assert line.split()[-1] in ("live", "fake")


@pytest.mark.parametrize("path", COMMITTED, ids=lambda path: path.stem)
def test_show_tables_the_interactions_and_names_the_placeholders(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cassette", "show", str(path)]) == 0
    shown = capsys.readouterr().out
    rows = [line for line in shown.splitlines() if re.match(r"\d+\s+(GET|POST|PUT|DELETE)", line)]
    assert len(rows) == len(load(path).interactions)
    assert "POST    /realms/spacestudio-users/protocol/openid-connect/token" in shown
    assert "scrubbed-password" in shown and "https://spacestudio.invalid" in shown


def test_diff_explains_a_changed_answer_field_by_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = ROOT / "cassettes" / "test_workflow" / "test_orbit_raising_session.yaml"
    changed = tmp_path / "changed.yaml"
    text = original.read_text()
    # The first answer's status, and the altitude of the first answer holding one (its
    # first mention is the request that created the orbit)
    first, answer, rest = text.split('"altitude": 600000.0', 2)
    changed.write_text(
        (first + '"altitude": 600000.0' + answer + '"altitude": 3000000.0' + rest).replace(
            "code: 200", "code: 503", 1
        )
    )
    for folder in original.parent.glob(f"{original.stem}.bodies"):
        shutil.copytree(folder, tmp_path / "changed.bodies")
    assert main(["cassette", "diff", str(original), str(original)]) == 0
    assert "hold the same interactions" in capsys.readouterr().out
    assert main(["cassette", "diff", str(original), str(changed)]) == 1
    shown = capsys.readouterr().out
    assert "status 200, then 503" in shown
    assert re.search(r"\$\.altitude: .*600000.*3000000", shown), shown


def test_html_writes_one_self_contained_page_of_each_cassette(tmp_path: Path) -> None:
    for path in COMMITTED:
        page = tmp_path / f"{path.stem}.html"
        assert main(["cassette", "html", str(path), "-o", str(page)]) == 0
        html = page.read_text()
        assert "<script" not in html and 'http-equiv="Content-Security-Policy"' in html
        assert not re.search(r"""(src|href)=["']?https?:""", html)
        assert html.count("<tr><td>") >= len(load(path).interactions)


def test_a_path_that_is_no_cassette_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cassette", "show", str(tmp_path / "missing.yaml")]) == 2
    assert "no cassette at" in capsys.readouterr().err
    assert main(["cassette", "show", str(tmp_path)]) == 2
    assert "cassette list" in capsys.readouterr().err
