"""Draft a dataset from a report's text: a .txt or .docx report in, a YAML draft (or JSON
extraction) out.

read_report(path) -> str            the text (UTF-8 or GBK .txt, or .docx)
extract_figures(text) -> Extraction sections, figures and skipped numbers; pure
draft_yaml(extraction) -> str       a dataset draft with `# REVIEW` comments on every guess
run_extract(args) -> int            the `briefing extract` command
"""

from __future__ import annotations

from .draft import draft_json, draft_yaml
from .figures import extract_figures
from .read import read_report
from .run import run_extract
from .types import Extraction, Figure, Section, Skipped

__all__ = [
    "Extraction",
    "Figure",
    "Section",
    "Skipped",
    "draft_json",
    "draft_yaml",
    "extract_figures",
    "read_report",
    "run_extract",
]
