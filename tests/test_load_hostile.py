"""Hostile and strange dataset files → a DatasetError naming file, line and field, or a correct
Dataset.

Each file in fixtures/invalid/ carries one defect and says in its header what the message must
contain (`# expect: …`); files marked `FONTS:` load and are refused later by the font coverage
check. Cases that are awkward as files (other encodings, raw control bytes, megabytes) are built
here.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

from briefing import load
from briefing.errors import DatasetError
from briefing.load import (
    LIMITS,
    MAX_FILE_BYTES,
    MAX_INDICATORS,
    MAX_PROBLEMS,
    load_dataset,
    parse_dataset,
)

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
MINIMAL = (FIXTURES / "valid" / "minimal.yaml").read_text(encoding="utf-8")


def header(path: Path) -> str:
    """The fixture's text as far as it can be read: one fixture is deliberately not UTF-8."""
    return path.read_bytes().decode("utf-8", errors="replace")


def expectation(path: Path) -> str:
    for line in header(path).splitlines():
        if line.startswith("# expect: "):
            return line.removeprefix("# expect: ")
    raise AssertionError(f"{path.name} has no '# expect:' line")


def problems_of(raw: bytes | str, name: str = "test.yaml") -> list[str]:
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    with pytest.raises(DatasetError) as info:
        parse_dataset(data, name)
    return [str(p) for p in info.value.problems]


def with_label(label: str) -> str:
    """The minimal dataset with the first label replaced by raw text (quoted as YAML needs)."""
    return MINIMAL.replace("    label: 受理纠纷", f"    label: {label}")


# ---------------------------------------------------------------------------------------------
# The fixture files


def test_every_fixture_declares_one_defect() -> None:
    assert len(INVALID) >= 40
    for path in INVALID:
        assert header(path).startswith("# Defect: "), path.name
        expectation(path)


@pytest.fixture(params=["libyaml", "pure-python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libyaml's parser (when installed) and with PyYAML's own, which differ in
    messages.
    """
    if request.param == "pure-python":
        monkeypatch.setattr(load, "SafeLoader", yaml.SafeLoader)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("libyaml not available")
    return str(request.param)


@pytest.mark.parametrize(
    "path", [p for p in INVALID if not expectation(p).startswith("FONTS:")], ids=lambda p: p.stem
)
def test_invalid_fixture_is_refused_with_its_message(path: Path, parser: str) -> None:
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    problems = info.value.problems
    wanted = expectation(path)
    assert any(wanted in p.message for p in problems), [str(p) for p in problems]
    for p in problems:
        assert p.file == str(path)
        assert str(p).startswith(f"{path}:" if p.line else str(path))
    # One defect, one problem; only the alias bomb trips the check at every anchor and alias.
    if path.stem != "alias-bomb":
        assert len(problems) == 1, [str(p) for p in problems]
    # Only whole-file defects (empty, no data) may lack a line number.
    if path.stem not in ("empty", "only-document-marker"):
        assert all(p.line for p in problems if wanted in p.message)


@pytest.mark.parametrize(
    "path", [p for p in INVALID if expectation(p).startswith("FONTS:")], ids=lambda p: p.stem
)
def test_characters_outside_the_fonts_load_and_are_left_to_the_coverage_check(path: Path) -> None:
    code_point = expectation(path).removeprefix("FONTS:")
    dataset = load_dataset(path)
    assert any(code_point in f"U+{ord(ch):04X}" for _, text, _ in dataset.texts for ch in text)
    from briefing import fonts
    from briefing.errors import FontCoverageError

    with pytest.raises(FontCoverageError) as info:
        fonts.check_dataset_texts(dataset.texts)
    assert code_point in str(info.value)
    assert f"{path}:" in str(info.value)


def test_valid_fixtures_load() -> None:
    for path in sorted((FIXTURES / "valid").glob("*.yaml")):
        load_dataset(path)


# ---------------------------------------------------------------------------------------------
# Encoding and syntax


def test_gbk_file_is_recognised() -> None:
    (message,) = problems_of(MINIMAL.encode("gbk"))
    assert "not UTF-8" in message
    assert "GBK/GB18030" in message
    assert "iconv -f GB18030" in message
    assert message.startswith("test.yaml:5:")  # the first line with Chinese text


def test_gb18030_file_with_four_byte_characters_is_recognised() -> None:
    text = with_label("受理纠纷𠀀")  # U+20000 takes four bytes in GB18030
    (message,) = problems_of(text.encode("gb18030"))
    assert "GBK/GB18030" in message


@pytest.mark.parametrize(
    ("data", "wanted"),
    [
        (MINIMAL.encode("utf-16"), "UTF-16"),
        (MINIMAL.encode("utf-16-le"), "UTF-16 without a byte order mark"),
        (MINIMAL.encode("utf-32"), "UTF-32"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "old-style Word or Excel"),
        (b"meta:\n  title: caf\xe9\n", "not UTF-8"),
        (bytes(range(256)), "binary file"),
    ],
    ids=["utf16", "utf16-no-bom", "utf32", "pdf", "docx", "doc", "latin1", "binary"],
)
def test_files_that_are_not_utf8_text_are_named(data: bytes, wanted: str) -> None:
    (message,) = problems_of(data)
    assert wanted in message


def test_utf8_bom_and_windows_line_endings_are_accepted() -> None:
    plain = parse_dataset(MINIMAL.encode(), "a.yaml")
    for variant in (
        b"\xef\xbb\xbf" + MINIMAL.encode(),
        MINIMAL.replace("\n", "\r\n").encode(),
        b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode(),
        MINIMAL.replace("\n", "\r").encode(),  # classic Mac
    ):
        other = parse_dataset(variant, "a.yaml")
        assert other.indicators == plain.indicators
        assert other.texts == plain.texts
        assert other.meta == plain.meta


def test_line_numbers_survive_windows_line_endings() -> None:
    (message,) = problems_of(MINIMAL.replace("value: 520", "value: 0520").replace("\n", "\r\n"))
    assert message.startswith("test.yaml:21:12: indicators[0].value:")


# ---------------------------------------------------------------------------------------------
# YAML traps

BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


def test_alias_bomb_is_refused_quickly_in_bounded_memory(parser: str) -> None:
    assert len(BILLION_LAUGHS) < 400  # a few lines that would expand to 9^9 nodes
    tracemalloc.start()
    start = time.perf_counter()
    try:
        problems = problems_of(BILLION_LAUGHS)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert any("YAML alias *a is not allowed" in p for p in problems)
    assert peak < 5_000_000, peak  # expanding it would need many gigabytes
    assert elapsed < 5  # loose: the point is "not hours"; the real figure is milliseconds


def test_nesting_bomb_is_refused_before_the_parser_slows_down(parser: str) -> None:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        problems = problems_of("meta: " + "[" * 200_000 + "]" * 200_000)
        elapsed = time.perf_counter() - start
    finally:
        tracemalloc.stop()
    assert any(
        "nest more than" in p or "nest far too deep" in p for p in problems
    )  # ours or libyaml's limit
    assert elapsed < 10  # unguarded, PyYAML takes minutes and then overflows the stack


def test_python_tags_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f'meta: !!python/object/apply:os.system ["touch {marker}"]\n'
    problems = problems_of(text)
    assert any("python/object/apply:os.system is not allowed" in p for p in problems)
    assert not marker.exists()


@pytest.mark.parametrize(
    "tag", ["!!str", "!!int", "!!float", "!!binary", "!!set", "!!omap", "!!timestamp", "!custom"]
)
def test_every_explicit_tag_is_refused(tag: str) -> None:
    problems = problems_of(MINIMAL.replace("value: 520", f"value: {tag} 520"))
    assert any("is not allowed; remove it" in p for p in problems)


def test_yaml_11_lookalikes_stay_text_where_text_is_meant() -> None:
    ds = load_dataset(FIXTURES / "valid" / "lookalikes.yaml")
    first = ds.indicators[0]
    assert (first.id, first.label, first.source, first.note) == ("no", "0211", "1e3", "yes")
    assert ds.areas[0].id == "on"
    assert ds.areas[0].source == "12:30"
    assert ds.indicators[1].id == "off"
    assert ds.indicators[1].source == "0x1F"
    assert first.value == 211
    assert ds.indicators[1].value == 0.5


@pytest.mark.parametrize(
    ("literal", "hint"),
    [
        ("0211", "octal"),
        ("12:30", "base-60"),
        ("no", "true/false"),
        ("yes", "true/false"),
        ("on", "true/false"),
        ("1e3", "exponent"),
        ("1_000", "separators"),
        ("0x1F", "decimal digits"),
        ("0o17", "decimal digits"),
        ("+5", "+ sign"),
        (".5", "0.5"),
        ("~", "found nothing"),
        ("null", "found nothing"),
        ("2024-01-01", "a date"),
    ],
)
def test_yaml_11_lookalikes_are_refused_where_a_number_is_meant(literal: str, hint: str) -> None:
    (message,) = problems_of(MINIMAL.replace("value: 520", f"value: {literal}"))
    assert message.startswith("test.yaml:21:")
    assert "indicators[0].value" in message
    assert hint in message


# ---------------------------------------------------------------------------------------------
# Values


@pytest.mark.parametrize(
    ("literal", "hint"),
    [
        (".nan", "not-a-number"),
        (".NaN", "not-a-number"),
        ("-.inf", "infinity"),
        ("-3", "cannot be negative"),
        ("1e15", "implausibly large"),
        ("9" * 5000, "far too long"),
        ("0" + "1" * 5000, "far too long"),
        ('"1,313"', "remove the quotes"),
        ("1,313", "1313"),
        ("1 313", "1313"),
        ("1，313", "1313"),
        ("１３１３", "half-width"),
        ("1313件", "unit"),
        ("98.73%", "without %"),
        ("约300", "qualifier"),
    ],
)
def test_bad_counts_are_refused_with_a_hint(literal: str, hint: str) -> None:
    (message,) = problems_of(MINIMAL.replace("value: 520", f"value: {literal}"))
    assert "indicators[0].value" in message
    assert hint in message
    assert len(message) < 300  # a 5000-digit value is cut, not echoed


@pytest.mark.parametrize(
    ("value", "ok"),
    [("100", True), ("0", True), ("100.01", False), ("-0.5", False), ("250", False)],
)
def test_percent_shares_stay_within_0_and_100(value: str, ok: bool) -> None:
    text = MINIMAL.replace("value: 96.5", f"value: {value}")
    if ok:
        parse_dataset(text.encode(), "t.yaml")
    else:
        (message,) = problems_of(text)
        assert "within 0–100" in message


def test_decimals_are_kept_as_written() -> None:
    ds = parse_dataset(MINIMAL.replace("value: 96.5", "value: 96.50").encode(), "t.yaml")
    assert ds.indicators[1].decimals == 2
    assert ds.indicators[1].printed == "96.50%"


# ---------------------------------------------------------------------------------------------
# Text

MARKUP = [
    "<b>粗体</b>",
    "&amp;",
    '<img src="/etc/passwd">',
    "<font color=red",
    "a < b && c > d",
    "<br/>",
    "&#x4e00;",
    "<![CDATA[x]]>",
]


@pytest.mark.parametrize("markup", MARKUP)
def test_markup_loads_as_literal_text(markup: str) -> None:
    label = yaml.safe_dump(markup, allow_unicode=True).removesuffix("\n...\n").strip()
    ds = parse_dataset(with_label(label).encode(), "t.yaml")
    assert ds.indicators[0].label == markup
    assert ("indicators[0].label", markup) in [(f, t) for f, t, _ in ds.texts]


RAW_REFUSED = [
    *(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)),
    "\x7f",
    "\x85",
    "\x9f",
    "\u2028",
    "\u2029",
    "\ufffe",
    "\uffff",
]


@pytest.mark.parametrize("char", RAW_REFUSED, ids=lambda c: f"U+{ord(c):04X}")
def test_raw_control_characters_are_named_with_field_and_code_point(char: str, parser: str) -> None:
    (message,) = problems_of(with_label(f"受理{char}纠纷"))
    assert f"U+{ord(char):04X}" in message
    assert message.startswith("test.yaml:20:")
    assert "indicators[0].label" in message or "this line contains" in message


@pytest.mark.parametrize(
    "char",
    [
        "\u200b",
        "\u200c",
        "\u200d",
        "\u200e",
        "\u200f",
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2060",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\ufeff",
        "\u00ad",
        "\u061c",
        "\U000e0041",
        "\ue000",
        "\ufdd0",
    ],
    ids=lambda c: f"U+{ord(c):04X}",
)
def test_invisible_and_private_characters_are_refused(char: str) -> None:
    (message,) = problems_of(with_label(f"受理{char}纠纷"))
    assert message.startswith("test.yaml:20:12: indicators[0].label: contains")
    assert f"U+{ord(char):04X}" in message


@pytest.mark.parametrize(
    "escape", ["\\0", "\\a", "\\e", "\\x01", "\\u202e", "\\ud800", "\\N", "\\L"]
)
def test_escaped_control_characters_are_refused(escape: str, parser: str) -> None:
    (message,) = problems_of(with_label(f'"受理{escape}纠纷"'))
    assert message.startswith("test.yaml:20:")
    # libyaml refuses a lone surrogate escape itself; PyYAML's parser lets the text check name it.
    assert "indicators[0].label: contains" in message or "half a character" in message


def test_escaped_terminal_sequences_are_never_echoed() -> None:
    text = MINIMAL.replace("  city: 示例市", '  "\\e[2J\\e]0;owned\\a": 示例市')
    problems = problems_of(text)
    assert problems
    assert not any("\x1b" in p or "\x07" in p for p in problems)
    assert any("\\u001b[2J" in p for p in problems)


def test_a_stand_in_character_in_the_file_is_refused_as_itself() -> None:
    # Plane-15 private use stands in for refused characters inside the loader; a real one is an
    # error.
    (message,) = problems_of(with_label("受理\U000f0001纠纷"))
    assert "U+F0001" in message
    assert message.startswith("test.yaml:20:")


def test_label_of_200_characters_is_refused() -> None:
    (message,) = problems_of(with_label("很" * 200))
    assert f"at most {LIMITS['label']} fit a label" in message
    assert "200 characters" in message


def test_multi_megabyte_text_field_is_refused_with_the_size_limit() -> None:
    summary = "调解组织覆盖全部村居" * 60_000  # 600,000 characters, 1.8 MB in UTF-8
    text = MINIMAL.replace(
        "    summary: 调解组织覆盖全部村居，多数纠纷在基层化解。", f"    summary: {summary}"
    )
    assert len(text.encode()) < MAX_FILE_BYTES
    start = time.perf_counter()
    (message,) = problems_of(text)
    assert "areas[0].summary: text is 600,000 characters; at most 600" in message
    assert time.perf_counter() - start < 10


def test_file_over_the_size_limit_is_refused_before_parsing() -> None:
    (message,) = problems_of(MINIMAL + "#" * MAX_FILE_BYTES)
    assert "the limit is 2,000,000" in message


def test_reading_a_huge_or_endless_file_is_bounded() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    with pytest.raises(DatasetError) as info:
        load_dataset("/dev/zero")
    assert "is a device, not a regular file" in str(info.value)  # refused before any read


# ---------------------------------------------------------------------------------------------
# Size


def many_indicators(n: int, value: str = "7") -> str:
    head = MINIMAL.split("indicators:\n")[0] + "indicators:\n"
    rows = "".join(
        f"  - {{id: item_{i:04d}, label: 第{i}项指标, value: {value}, unit: 件, "
        "area: mediation, source: 一（一）}\n"
        for i in range(n)
    )
    return head + rows


def test_hundreds_of_indicators_load() -> None:
    ds = parse_dataset(many_indicators(600).encode(), "big.yaml")
    assert len(ds.indicators) == 600
    assert ds.indicators[599].label == "第599项指标"


def test_too_many_indicators_are_refused() -> None:
    (message,) = problems_of(many_indicators(MAX_INDICATORS + 1))
    assert f"the limit is {MAX_INDICATORS}" in message


def test_a_flood_of_problems_is_cut_to_the_first_hundred() -> None:
    problems = problems_of(many_indicators(500, value="1,0"))
    assert len(problems) == MAX_PROBLEMS + 1
    assert "400 more problems not shown" in problems[-1]


def test_unreadable_paths_are_clear(tmp_path: Path) -> None:
    for path, wanted in ((tmp_path, "is a folder"), (tmp_path / "missing.yaml", "no such file")):
        with pytest.raises(DatasetError) as info:
            load_dataset(path)
        assert wanted in str(info.value)


def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path: Path) -> None:
    raw_name = "数据".encode("gbk") + b".yaml"
    path = Path(os.fsdecode(bytes(tmp_path) + b"/" + raw_name))
    path.write_bytes(b"")
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    shown = str(info.value)
    shown.encode("utf-8")  # no lone surrogates left to crash a print
    assert "\\xca\\xfd" in shown
