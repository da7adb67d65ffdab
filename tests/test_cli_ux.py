"""The command line as clerks meet it: every option explained, --quiet and --verbose, data on
stdout and the rest on stderr, and exit statuses a closed pipe cannot change.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "data" / "liujiang-2024.yaml"
MINIMAL = Path(__file__).parent / "fixtures" / "minimal.yaml"
INVALID = Path(__file__).parent / "fixtures" / "invalid" / "missing-field.yaml"


def _parsers(parser: argparse.ArgumentParser, name: str = "briefing"):
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


def test_every_option_of_every_command_has_help():
    missing = [
        f"{name}: {'/'.join(action.option_strings) or action.dest}"
        for name, parser in _parsers(build_parser())
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction)
        and (not action.help or action.help == argparse.SUPPRESS)
    ]
    assert not missing, missing
    names = [name for name, _ in _parsers(build_parser())]
    assert {"briefing batch", "briefing handout", "briefing watch", "briefing schema"} <= set(names)


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_prints_nothing_on_success_and_only_errors_on_failure(where, capsys):
    def argv(*rest: str) -> list[str]:
        return ["-q", *rest] if where == "before" else [rest[0], "-q", *rest[1:]]

    assert main(argv("check", str(DATASET))) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""
    assert main(argv("check", str(DATASET), str(INVALID))) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("DatasetError: ")
    assert "missing-field.yaml" in captured.err


def test_quiet_and_verbose_exclude_each_other(capsys):
    assert main(["check", "-q", "-v", str(DATASET)]) == 2
    assert "not allowed with" in capsys.readouterr().err


def test_verbose_build_reports_each_step_on_stderr_and_results_on_stdout(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["build", str(MINIMAL), "-o", str(out), "--only", "briefing", "--no-pdfa"]
    assert main(args) == 0
    normal = capsys.readouterr()
    assert normal.err == ""
    assert normal.out.startswith(str(out / "minimal-briefing.pdf"))
    assert main(["-v", *args]) == 0
    verbose = capsys.readouterr()
    assert verbose.out.splitlines()[0].split("  ")[0] == str(out / "minimal-briefing.pdf")
    steps = verbose.err.splitlines()
    assert [s.split(":")[0].strip() for s in steps] == [
        "load, check the fonts, verify",
        "render briefing",
        "write and publish",
    ]
    assert all(s.endswith(" s") for s in steps)
    assert main(["-q", *args]) == 0
    assert capsys.readouterr() == ("", "")


def test_verbose_check_lists_the_consistent_checks_too(capsys):
    assert main(["check", str(DATASET)]) == 0
    normal = capsys.readouterr().out
    assert main(["check", "--verbose", str(DATASET)]) == 0
    verbose = capsys.readouterr()
    assert len(verbose.out.splitlines()) > len(normal.splitlines())
    assert "load, check the fonts, verify" in verbose.err


# ---------------------------------------------------------------------------------------------
# A reader that has gone away (`briefing check X | head -1`) never changes the exit status.


def _closed_pipe_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run `briefing args` with stdout a pipe whose reader has already gone: the first write
    fails at once, the worst case of `| head -1`, with no timing involved.
    """
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-m", "briefing", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            cwd=cwd,
            timeout=240,
            check=False,
            env={**os.environ, "LANG": "C.UTF-8", "LANGUAGE": ""},
        )
    finally:
        os.close(write)


CASES = {
    "check valid": (["check", str(DATASET)], 0),
    "check invalid": (["check", str(DATASET), str(INVALID)], 1),
    "schema": (["schema"], 0),
    "init": (["init", "new.yaml"], 0),
    "build": (["build", str(MINIMAL), "-o", "out", "--only", "briefing", "--no-pdfa"], 0),
    "build invalid": (["build", str(INVALID), "-o", "out"], 1),
    "batch": (["batch", str(MINIMAL), "-o", "out", "-j", "1", "--only", "briefing"], 0),
    "handout": (["handout", str(MINIMAL), "--copies", "1", "-o", "h.pdf"], 0),
    "fonts check": (["fonts", "check"], 0),
    "extract": (["extract", "report.txt", "-o", "draft.yaml"], 0),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_closed_pipe_keeps_the_exit_status(case, tmp_path):
    args, status = CASES[case]
    (tmp_path / "report.txt").write_text(
        "某某县2024年法治政府建设情况报告\n一、主要工作\n全年办理行政复议案件120件，同比增长20%。\n",
        encoding="utf-8",
    )
    proc = _closed_pipe_run(args, tmp_path)
    assert proc.returncode == status, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    assert b"BrokenPipe" not in proc.stderr
