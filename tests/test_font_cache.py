"""Check the per-user cache of parsed faces: a cached face in, the same metrics, subsets and PDF
bytes out; a bad record never used.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from briefing import fonts

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_TEXT = "法治政府建设年度报告 −12.5% • 2024·一—柳江区（）、。"


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv(fonts.CACHE_DIR_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def _parsed(name: str) -> TTFont:
    """A face parsed by ReportLab itself, bypassing the cache and the per-process memo."""
    import io

    data = io.BytesIO(fonts.font_bytes(fonts.font_path(name)))
    data.name = str(fonts.font_path(name))
    return TTFont(name, data)


def _load(name: str) -> TTFont | None:
    path = fonts.font_path(name)
    raw, digest = fonts._checked_font(path)
    return fonts._load_cached_font(name, path, raw, fonts._cache_key(digest))


def _store(name: str) -> Path:
    path = fonts.font_path(name)
    key = fonts._cache_key(fonts._checked_font(path)[1])
    fonts._store_cached_font(_parsed(name), path, key)
    file = fonts._cache_file(path, key)
    assert file is not None
    return file


def _same_font(a: TTFont, b: TTFont) -> None:
    skip = {"_pdfScale", "_ttf_data"}
    face_a = {k: v for k, v in vars(a.face).items() if k not in skip}
    face_b = {k: v for k, v in vars(b.face).items() if k not in skip}
    assert fonts._same(face_a, face_b)
    for field in fonts._NAME_FIELDS:
        assert getattr(a.face, field).ustr == getattr(b.face, field).ustr
    assert a.face._ttf_data == b.face._ttf_data
    assert [a.face._pdfScale(v) for v in (0, 7, 1000, -321)] == [
        b.face._pdfScale(v) for v in (0, 7, 1000, -321)
    ]
    rest = {"face", "state", "encoding"}
    assert fonts._same(
        {k: v for k, v in vars(a).items() if k not in rest},
        {k: v for k, v in vars(b).items() if k not in rest},
    )
    assert a.encoding.name == b.encoding.name
    assert a.stringWidth(SAMPLE_TEXT, 10.5) == b.stringWidth(SAMPLE_TEXT, 10.5)
    chars = [ord(c) for c in SAMPLE_TEXT]
    assert a.face.makeSubset(chars) == b.face.makeSubset(chars)


@pytest.mark.parametrize("name", [fonts.KAI, fonts.SERIF_BOLD])
def test_a_cached_face_is_the_parsed_face(cache: Path, name: str) -> None:
    assert _load(name) is None  # nothing cached yet
    file = _store(name)
    assert file.is_file()
    assert file.parent.parent == cache
    cached = _load(name)
    assert cached is not None
    _same_font(cached, _parsed(name))


def test_the_record_is_keyed_by_the_font_bytes_and_the_reportlab_version(cache: Path) -> None:
    from reportlab import Version

    digest = fonts._checked_font(fonts.font_path(fonts.SANS))[1]
    key = fonts._cache_key(digest)
    assert digest in key
    assert Version in key
    other = fonts._cache_key(hashlib.sha256(b"another face").hexdigest())
    path = fonts.font_path(fonts.SANS)
    assert fonts._cache_file(path, key) != fonts._cache_file(path, other)


@pytest.mark.parametrize(
    "damage",
    ["flip a byte of the record", "truncate", "empty", "another key in the header", "junk"],
)
def test_a_damaged_or_foreign_record_is_ignored_and_rebuilt(cache: Path, damage: str) -> None:
    name = fonts.SANS
    file = _store(name)
    blob = file.read_bytes()
    if damage == "flip a byte of the record":
        at = len(blob) - 1000
        bad = blob[:at] + bytes([blob[at] ^ 0x01]) + blob[at + 1 :]
    elif damage == "truncate":
        bad = blob[: len(blob) // 2]
    elif damage == "empty":
        bad = b""
    elif damage == "another key in the header":
        # A whole, self-consistent record written for another face or ReportLab under this name.
        head = fonts._CACHE_MAGIC + fonts._cache_key("0" * 64).encode() + b"\n"
        payload = blob[blob.index(b"\n", len(fonts._CACHE_MAGIC)) + 1 + 32 :]
        bad = head + hashlib.sha256(payload).digest() + payload
    else:
        bad = os.urandom(5000)
    file.write_bytes(bad)
    assert _load(name) is None
    # What the build does on a miss: parse, then write a good record over the bad one.
    fonts._reportlab_font.cache_clear()
    try:
        font = fonts._reportlab_font(name, fonts.font_path(name))
    finally:
        fonts._reportlab_font.cache_clear()
    _same_font(font, _parsed(name))
    assert file.read_bytes() == blob
    cached = _load(name)
    assert cached is not None


def test_no_cache_when_the_folder_is_set_empty_or_unwritable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(fonts.CACHE_DIR_ENV, "")
    assert fonts.cache_dir() is None
    assert _load(fonts.KAI) is None
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    monkeypatch.setenv(fonts.CACHE_DIR_ENV, str(blocked))
    _store(fonts.KAI)  # cannot write under a file: quietly nothing
    assert _load(fonts.KAI) is None


def test_cache_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(fonts.CACHE_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert fonts.cache_dir() == tmp_path / "briefing"
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert fonts.cache_dir() == tmp_path / "home" / ".cache" / "briefing"


def test_briefing_is_byte_identical_with_and_without_the_cache(tmp_path: Path) -> None:
    """Three processes: no cache (ReportLab parses), an empty cache (parse, write), a full one."""
    cache = tmp_path / "cache"
    outputs = []
    for i, folder in enumerate(["", str(cache), str(cache)]):
        out = tmp_path / f"out{i}"
        env = {**os.environ, fonts.CACHE_DIR_ENV: folder, "SOURCE_DATE_EPOCH": "1700000000"}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "briefing",
                "build",
                "data/liujiang-2024.yaml",
                *("--only", "briefing"),
                "-o",
                str(out),
            ],
            check=False,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        outputs.append((out / "liujiang-2024-briefing.pdf").read_bytes())
        if i == 1:
            assert len(list((cache / "fonts").glob("*.face"))) == len(fonts.FILES)
    assert outputs[0] == outputs[1] == outputs[2]
