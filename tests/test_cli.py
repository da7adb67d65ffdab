"""The command line: exit codes, messages, init and check."""

from __future__ import annotations

from pathlib import Path

from briefing.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "data" / "liujiang-2024.yaml"
INVALID = Path(__file__).parent / "fixtures" / "invalid"


def test_check_real_dataset(capsys):
    assert main(["check", str(DATASET)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out
    assert "柳江区" in out
    assert "business" in out
    assert "一（二）" in out
    assert "more_than" in out


def test_check_many_files_reports_each(capsys):
    assert main(["check", str(DATASET), str(INVALID / "empty.yaml")]) == 1
    captured = capsys.readouterr()
    assert "valid" in captured.out
    assert "empty.yaml" in captured.err


def test_usage_errors_exit_2(capsys):
    assert main([]) == 2
    assert main(["build"]) == 2
    assert main(["build", str(DATASET), "--only", "poster"]) == 2
    assert main(["frobnicate"]) == 2


def test_help_exits_0(capsys):
    for cmd in (
        [],
        ["check"],
        ["build"],
        ["fonts"],
        ["init"],
        ["specimen"],
        ["batch"],
        ["handout"],
        ["extract"],
    ):
        assert main([*cmd, "--help"]) == 0
    assert "briefing" in capsys.readouterr().out


def test_missing_file(capsys):
    assert main(["check", "no/such/file.yaml"]) == 1
    assert "no such file" in capsys.readouterr().err


def test_init_writes_valid_starter(tmp_path, capsys):
    target = tmp_path / "new.yaml"
    assert main(["init", str(target)]) == 0
    assert main(["check", str(target)]) == 0
    assert main(["init", str(target)]) == 1  # refuses to overwrite
    assert "--force" in capsys.readouterr().err
    assert main(["init", str(target), "--force"]) == 0


def test_build_checks_font_coverage_before_drawing(tmp_path, capsys):
    raw = (Path(__file__).parent / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "rare.yaml"
    bad.write_text(raw.replace("执法监督检查", "执法监督\U00020000检查"), encoding="utf-8")
    assert main(["build", str(bad), "-o", str(tmp_path / "out")]) == 1
    assert "U+20000" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_python_dash_m_runs_the_command_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "check", str(DATASET)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "柳江区" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "frobnicate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "usage" in proc.stderr
