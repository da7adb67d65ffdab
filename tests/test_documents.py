"""The document registry and the one output step: names in, PDFs with one date, one set of flags and
metadata out.

Also: a new document type is one registry entry plus its compose function (here a small card
composed in this file), and the handout carries exactly the documents' date.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from types import MappingProxyType

import pikepdf
import pytest
from pypdf import PdfReader

from briefing import build, documents, handout
from briefing.compose.request import Request
from briefing.documents import DocumentError, DocumentType
from briefing.load import load_dataset
from briefing.render.output import CanvasMaker, Composed, PdfMeta, document_date, pdf_date
from briefing.verify import verify

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "data" / "liujiang-2024.yaml"


def compose_card(request: Request) -> Composed:
    """A document type written for this test: one card per dataset, on the registry's preset."""
    preset = request.preset
    names = [ds.meta.district for ds in request.datasets]
    latest = max(ds.meta.date for ds in request.datasets)
    meta = PdfMeta("名片", "测试", "登记表测试", ("测试",), latest)

    def draw(make_canvas: CanvasMaker) -> tuple[bytes, int]:
        buf = io.BytesIO()
        canv = make_canvas(buf, pagesize=(preset.page_width_pt, preset.page_height_pt))
        for name in names:
            area = preset.type_area(1)
            canv.setFont("BriefingSans", 12)
            canv.drawString(area.x, area.top - 12, f"{name}（{request.options.get('tone', '?')}）")
            canv.showPage()
        canv.save()
        return buf.getvalue(), len(names)

    return Composed(meta, draw)


@pytest.fixture
def card(monkeypatch: pytest.MonkeyPatch) -> DocumentType:
    entry = DocumentType(
        "card",
        "名片",
        preset="compact",
        inputs="many",
        compose="test_documents:compose_card",
        options=MappingProxyType({"tone": ("plain", "bold")}),
    )
    monkeypatch.setattr(
        documents, "REGISTRY", MappingProxyType({**documents.REGISTRY, "card": entry})
    )
    return entry


def test_names_and_lookup() -> None:
    assert documents.names() == build.DOCUMENTS
    assert set(documents.names()) >= {"briefing", "report"}
    with pytest.raises(DocumentError, match="unknown document 'memo'"):
        documents.get("memo")
    for doc in documents.REGISTRY.values():
        assert doc.page_preset().name == doc.preset


def test_a_new_document_type_is_one_entry_and_a_compose_function(card: DocumentType) -> None:
    assert "card" in documents.names(None)
    assert "card" not in documents.names()
    ds = load_dataset(DATASET)
    other = dataclasses.replace(ds, meta=dataclasses.replace(ds.meta, district="虚构区"))
    data, pages = documents.render_document(
        "card", [ds, other], [verify(ds), ()], options={"tone": "bold"}
    )
    assert pages == 2
    reader = PdfReader(io.BytesIO(data))
    assert "柳江区（bold）" in reader.pages[0].extract_text()
    assert "虚构区（bold）" in reader.pages[1].extract_text()
    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"] == pdf_date(ds.meta.date)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/OutputIntents" in pdf.Root  # the output step's PDF/A finisher ran
    with pytest.raises(DocumentError, match="tone takes plain, bold"):
        documents.render_document("card", [ds], [()], options={"tone": "loud"})


def test_one_dataset_documents_refuse_many() -> None:
    ds = load_dataset(DATASET)
    with pytest.raises(DocumentError, match="one dataset"):
        documents.render_document("briefing", [ds, ds], [(), ()])


def test_document_date_is_one_function(monkeypatch: pytest.MonkeyPatch) -> None:
    ds = load_dataset(DATASET)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert pdf_date(ds.meta.date) == "D:20250331000000+08'00'"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert pdf_date(ds.meta.date) == "D:20231114221320+00'00'"
    assert document_date(ds.meta.date).timestamp() == 1700000000


@pytest.mark.parametrize("epoch", [None, "1700000000"])
def test_the_handout_carries_the_documents_date(
    epoch: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    ds, findings = build.prepare(DATASET)
    dates = set()
    for name in documents.names():
        data, _ = build.render_document(ds, name, findings=findings)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            dates.add(str(pdf.docinfo["/CreationDate"]))
    pack = handout.make_handout(
        DATASET, handout.HandoutOptions(copies=1, documents=documents.names()[:1])
    )
    with pikepdf.open(io.BytesIO(pack.data)) as pdf:
        assert {str(pdf.docinfo["/CreationDate"]), str(pdf.docinfo["/ModDate"])} == dates
    assert dates == {pdf_date(ds.meta.date)}
    if epoch:
        assert dates == {"D:20231114221320+00'00'"}
