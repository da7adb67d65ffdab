"""`briefing check` on every hostile fixture → exit 1 and one line per problem naming the file and
line, never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.cli import main

INVALID = sorted((Path(__file__).parent / "fixtures" / "invalid").glob("*.yaml"))
WHOLE_FILE = ("empty", "only-document-marker")  # defects of the whole file have no line


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_check_refuses_each_fixture_with_located_lines(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(path)]) == 1
    captured = capsys.readouterr()
    err = captured.err
    assert "Traceback" not in err
    assert "Traceback" not in captured.out
    head, *lines = err.rstrip("\n").splitlines()
    match = re.fullmatch(
        r"(DatasetError|FontCoverageError): (\d+) (problems?|characters?) .*", head
    )
    assert match, head
    count = int(match[2])
    assert len(lines) == min(count, 101)
    for raw in lines:
        line = raw.strip()
        assert line.startswith(str(path)), line
        if path.stem not in WHOLE_FILE:
            assert re.match(rf"{re.escape(str(path))}:\d+:", line), line


def test_check_output_never_contains_terminal_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "escape.yaml"
    bad.write_text('"\\e]0;owned\\a\\e[2J": 1\n', encoding="utf-8")
    assert main(["check", str(bad)]) == 1
    captured = capsys.readouterr()
    assert "\x1b" not in captured.err + captured.out
    assert "\x07" not in captured.err
