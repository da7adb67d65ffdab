"""Name every kind of document the project makes: a document name in; its page preset, inputs,
options and PDF bytes out.

This is the registry. Each `DocumentType` names a document (the `<stem>-<name>.pdf` suffix), the
page preset it is laid out on (a name in `render.pages.PRESETS`), whether it takes one dataset or
many, the options it accepts, and its compose function (`module:function`, imported only when
the document is made). `build`, `batch`, `handout`, the CLI and the Makefile take document names
from here; `render_document` runs a compose function and hands the result to the one output step
(`render.output`), which owns the canvas, the date, the metadata, the PDF/A finisher and the
草稿 stamp of a draft.

Adding a document type is one entry in `REGISTRY` plus its compose module (see
docs/architecture.md). This module imports nothing heavy at load time, so the Makefile can ask
it for the names with a bare Python.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from .errors import BriefingError
from .i18n import N_, _

if TYPE_CHECKING:
    from .compose.request import Request
    from .model import Dataset
    from .render.output import Composed
    from .render.pages import PagePreset

Inputs = Literal["one", "many"]

DRAFT_STAMP = "草稿"


class DocumentError(BriefingError):
    """A document name or option that the registry does not know."""

    kind = "DocumentError"


@dataclass(frozen=True, slots=True)
class DocumentType:
    """One kind of document."""

    name: str
    title: str  # what a reader calls it
    preset: str  # a name in render.pages.PRESETS
    inputs: Inputs
    compose: str  # "package.module:function", the function taking a Request, returning Composed
    # option name → its allowed values, the default first (e.g. {"binding": ("duplex", "single")})
    options: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    help: str = ""

    def page_preset(self) -> PagePreset:
        from .render.pages import PRESETS

        return PRESETS[self.preset]

    def compose_function(self) -> Callable[[Request], Composed]:
        module, _, function = self.compose.partition(":")
        fn: Callable[[Request], Composed] = getattr(importlib.import_module(module), function)
        return fn

    def resolve_options(self, given: Mapping[str, str] | None) -> dict[str, str]:
        """This type's options with defaults filled in; options other types take are ignored."""
        resolved = {name: values[0] for name, values in self.options.items()}
        for name, value in (given or {}).items():
            if name not in self.options:
                continue
            if value not in self.options[name]:
                allowed = ", ".join(self.options[name])
                raise DocumentError(
                    _("the {document} option {option} takes {allowed}; got {value}").format(
                        document=self.name, option=name, allowed=allowed, value=repr(value)
                    )
                )
            resolved[name] = value
        return resolved


REGISTRY: Mapping[str, DocumentType] = MappingProxyType(
    {
        d.name: d
        for d in (
            DocumentType(
                "briefing",
                "一页纸简报",
                preset="briefing",
                inputs="one",
                compose="briefing.compose.briefing:compose",
                help=N_("the one-page leadership briefing"),
            ),
            DocumentType(
                "report",
                "注释版报告",
                preset="gbt9704",
                inputs="one",
                compose="briefing.compose.report:compose",
                # duplex: mirrored margins, the contents and the first chapter on right-hand
                # pages; single: one-sided, the same margins everywhere and no blank page.
                options=MappingProxyType({"binding": ("duplex", "single")}),
                help=N_("the full annotated report (GB/T 9704 pages)"),
            ),
            DocumentType(
                "compare-briefing",
                "对比简报",
                preset="briefing",
                inputs="many",
                compose="briefing.compose.compare:compose_briefing",
                help=N_("one page comparing 2 to 30 districts by indicator code"),
            ),
            DocumentType(
                "compare-report",
                "对比注释版",
                preset="gbt9704",
                inputs="many",
                compose="briefing.compose.compare:compose_report",
                help=N_(
                    "the annotated comparison: per indicator a ranked table, a chart and notes"
                ),
            ),
        )
    }
)


def names(inputs: Inputs | None = "one") -> tuple[str, ...]:
    """Document names in registry order; by default those made from one dataset (what `build`
    makes).
    """
    return tuple(d.name for d in REGISTRY.values() if inputs is None or d.inputs == inputs)


def get(name: str) -> DocumentType:
    """The registered document type `name`; DocumentError naming the known ones otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(REGISTRY)
        raise DocumentError(
            _("unknown document {name}; the documents are {known}").format(
                name=repr(name), known=known
            )
        ) from None


def all_options(inputs: Inputs | None = "one") -> dict[str, tuple[str, ...]]:
    """Every option the document types take (name → allowed values), for the CLI's flags."""
    found: dict[str, tuple[str, ...]] = {}
    for doc in REGISTRY.values():
        if inputs is None or doc.inputs == inputs:
            for name, values in doc.options.items():
                found[name] = tuple(dict.fromkeys((*found.get(name, ()), *values)))
    return found


def chosen_options(values: Mapping[str, Any]) -> dict[str, str]:
    """The document options set in `values` (e.g. `vars(args)` of the CLI), by option name."""
    chosen = {name: values.get(name.replace("-", "_")) for name in all_options(None)}
    return {name: str(value) for name, value in chosen.items() if value is not None}


def render_document(
    name: str,
    datasets: Sequence[Dataset],
    findings: Sequence[Sequence[Any]],
    *,
    pdfa: bool = True,
    draft: bool = False,
    options: Mapping[str, str] | None = None,
) -> tuple[bytes, int]:
    """Compose document `name` of `datasets` (with their findings) and run it through the output
    step.
    """
    from .compose.request import Request
    from .render import output

    doc = get(name)
    if doc.inputs == "one" and len(datasets) != 1:
        raise DocumentError(
            _("the {document} is made from one dataset; got {count}").format(
                document=name, count=len(datasets)
            )
        )
    if not datasets:
        raise DocumentError(_("the {document} needs at least one dataset").format(document=name))
    request = Request(
        tuple(datasets),
        tuple(tuple(f) for f in findings),
        doc.page_preset(),
        MappingProxyType(doc.resolve_options(options)),
    )
    composed = doc.compose_function()(request)
    return output.render(composed, archival=pdfa, stamp=DRAFT_STAMP if draft else None)
