"""Drafts are drafts: a dataset with `# REVIEW` marks or placeholders in, listed fields and refusals
(or 草稿 pages) out.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest
from pdfa_check import check_pdfa2b
from pypdf import PdfReader

from briefing import batch, cli, documents, drafts
from briefing.build import build_file
from briefing.drafts import DraftError
from briefing.extract import draft as extract_draft
from briefing.handout import HandoutOptions, make_handout
from briefing.load import load_dataset, parse_dataset

ROOT = Path(__file__).resolve().parent.parent
STARTER = ROOT / "briefing" / "templates" / "starter.yaml"
LIUJIANG = ROOT / "data" / "liujiang-2024.yaml"

# A draft in the shape `briefing extract` writes, for an invented district.
DRAFT = textwrap.dedent("""\
    # REVIEW: drafted from the report text
    schema: 1
    meta:
      district: 云杉区  # REVIEW: from the title line
      city: 虚构市
      province: 虚构省
      year: 2024
      title: 待补充  # REVIEW: no title line found
      issuers: ["云杉区人民政府"]
      date: 2025-03-20
    areas:
      - id: area_1
        source: 一（一）
        title: "依法行政 # REVIEW is text here"
        summary: 待补充
        achievement: 全年办理复议案件42件。
    # REVIEW: 42件 at offset 120
    indicators:
      - id: cases
        label: 行政复议案件
        value: 42
        unit: 件
        area: area_1
        source: 一（一）
    """)


def _write(tmp_path: Path, text: str, name: str = "draft.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _pages_text(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def test_placeholder_is_the_one_extract_writes() -> None:
    assert extract_draft.PLACEHOLDER in drafts.PLACEHOLDERS


def test_unfinished_fields_name_file_line_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, DRAFT)
    ds = load_dataset(path)
    found = [(u.location.line, u.field, u.what) for u in drafts.unfinished(ds)]
    assert found == [
        (1, "schema", "# REVIEW: drafted from the report text"),  # about what follows it
        (4, "meta.district", "# REVIEW: from the title line"),
        (8, "meta.title", "placeholder 待补充"),
        (8, "meta.title", "# REVIEW: no title line found"),
        (15, "areas[0].summary", "placeholder 待补充"),
        (17, "indicators", "# REVIEW: 42件 at offset 120"),
    ]
    # The "# REVIEW" inside the quoted title is text, not a mark.
    assert not any(u.location.line == 14 for u in drafts.unfinished(ds))


def test_finished_datasets_are_not_drafts() -> None:
    assert drafts.unfinished(load_dataset(LIUJIANG)) == []


def test_the_starter_is_a_draft() -> None:
    items = drafts.unfinished(load_dataset(STARTER))
    fields = {u.field for u in items}
    assert {"meta.district", "meta.title", "areas[0].summary", "indicators[0].id"} <= fields


def test_check_lists_and_strict_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, DRAFT)
    assert cli.main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "draft: 6 unfinished fields (2 placeholders 待补充/某某, 4 `# REVIEW` marks)" in out
    assert f"{path}:8:10: meta.title: placeholder 待补充" in out
    assert f"{path}:15:14: areas[0].summary: placeholder 待补充" in out
    assert f"{path}: valid, but a draft — 待补充" in out
    assert cli.main(["check", "--strict", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("DraftError: ")
    assert "is a draft" in err
    assert "--draft" in err
    cli.main(["check", "--strict", str(LIUJIANG)])  # fails on its figures, never as a draft
    assert "DraftError" not in capsys.readouterr().err


def test_build_refuses_a_draft_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, DRAFT)
    out = tmp_path / "out"
    assert cli.main(["build", str(path), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "DraftError:" in err
    assert "meta.title" in err
    assert "pass --draft" in err
    assert not out.exists() or not list(out.iterdir())
    with pytest.raises(DraftError):
        build_file(path, out)


@pytest.fixture(scope="module")
def draft_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("draft")
    path = _write(folder, DRAFT)
    assert cli.main(["build", "--draft", str(path), "-o", str(folder / "out")]) == 0
    return folder / "out"


@pytest.mark.parametrize("name", documents.names())
def test_draft_builds_stamp_every_page(draft_build: Path, name: str) -> None:
    pdf = draft_build / f"draft-{name}.pdf"
    pages = _pages_text(pdf)
    assert pages
    for number, text in enumerate(pages, 1):
        assert "草稿" in text, f"page {number} of the {name} has no 草稿 stamp"
    assert check_pdfa2b(pdf.read_bytes()) == []  # the stamp keeps the file archival


def test_the_stamp_comes_from_the_output_step() -> None:
    ds = parse_dataset(LIUJIANG.read_bytes(), str(LIUJIANG))
    plain, _ = documents.render_document("briefing", [ds], [()], pdfa=False)
    stamped, _ = documents.render_document("briefing", [ds], [()], pdfa=False, draft=True)
    assert "草稿" not in (PdfReader(io.BytesIO(plain)).pages[0].extract_text() or "")
    assert "草稿" in (PdfReader(io.BytesIO(stamped)).pages[0].extract_text() or "")


def test_batch_refuses_drafts_unless_asked(tmp_path: Path) -> None:
    path = _write(tmp_path, DRAFT)
    out = tmp_path / "out"
    result = batch.run([path], out, jobs=1, documents=documents.names()[:1])
    assert [o.status for o in result.outcomes] == ["invalid"]
    assert "DraftError" in result.outcomes[0].error
    assert not list(out.glob("*.pdf"))
    result = batch.run([path], out, jobs=1, documents=documents.names()[:1], draft=True)
    assert result.ok, batch.summary_table(result)
    assert "草稿" in _pages_text(out / f"draft-{documents.names()[0]}.pdf")[0]


def test_handout_refuses_drafts_unless_asked(tmp_path: Path) -> None:
    path = _write(tmp_path, DRAFT)
    with pytest.raises(DraftError):
        make_handout(path, HandoutOptions(copies=1))
    pack = make_handout(path, HandoutOptions(copies=1, draft=True))
    assert "草稿" in (PdfReader(io.BytesIO(pack.data)).pages[0].extract_text() or "")


def test_the_comparison_pack_refuses_drafts_unless_asked(tmp_path: Path) -> None:
    from briefing.errors import DatasetError
    from briefing.pack import build_pack

    fixtures = Path(__file__).parent / "fixtures" / "compare"
    finished = fixtures / "jia-2024.yaml"
    marked = _write(
        tmp_path,
        (fixtures / "yi-2024.yaml").read_text(encoding="utf-8")
        + "# REVIEW: figures not yet checked against the report\n",
        "yi-2024.yaml",
    )
    out = tmp_path / "out"
    with pytest.raises(DatasetError, match="is a draft"):
        build_pack([finished, marked], out, pdfa=False)
    assert not out.exists() or not list(out.glob("*.pdf"))
    for built in build_pack([finished, marked], out, pdfa=False, draft=True):
        pages = _pages_text(built.path)
        assert pages, built.path.name
        assert all("草稿" in text for text in pages), built.path.name
