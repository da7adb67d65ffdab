"""Find what a dataset still leaves unfinished: YAML text and nodes, or a Dataset, in; `Unfinished`
fields out.

A dataset is a *draft* while it holds either of the two marks `briefing extract` and
`briefing init` leave for a person to deal with (docs/extract.md):

* a `# REVIEW` comment: a guess to check, then delete;
* a placeholder in a text field: 待补充 (extract's "to be filled in") or 某某 (the starter's "such
  and such" in 某某区, 某某市).

`check` lists every unfinished field and fails under `--strict`; `build`, `batch` and `handout`
refuse a draft unless asked for one with `--draft`, which stamps 草稿 on every page. This keeps
a raw draft from becoming a leadership briefing titled 待补充 by accident.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import BriefingError
from .i18n import _, ngettext
from .model import Dataset, Location, Unfinished

PLACEHOLDER = "待补充"  # what `briefing extract` writes where it found nothing
PLACEHOLDERS: tuple[str, ...] = (PLACEHOLDER, "某某")
REVIEW_RE = re.compile(r"(?:^|(?<=[ \t]))#[ \t]*REVIEW\b[:：]?[ \t]*([^\n]*)", re.MULTILINE)
MAX_NOTE = 60  # characters of a REVIEW comment quoted back


class DraftError(BriefingError):
    """A draft dataset was given where a finished one is needed."""

    kind = "DraftError"


def _walk(node: Node, path: str) -> Iterator[tuple[Node, str]]:
    yield node, path
    if isinstance(node, MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else "?"
            child = f"{path}.{name}" if path else str(name)
            yield key, child
            yield from _walk(value, child)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            yield from _walk(item, f"{path}[{i}]")


def review_marks(text: str, root: Node | None, name: str) -> tuple[Unfinished, ...]:
    """Every `# REVIEW` comment of the file, with the field it is about.

    A comment after a value is about that value's field; a comment on a line of its own is about
    the next thing in the file (the entry or section it introduces). A `#` inside a quoted text
    is text, not a comment.
    """
    if "REVIEW" not in text:
        return ()
    nodes = list(_walk(root, "")) if root is not None else []
    spans = sorted(
        (n.start_mark.index, n.end_mark.index) for n, _ in nodes if isinstance(n, ScalarNode)
    )
    starts = [s for s, _ in spans]
    # (line, column, depth, path) of every node, in file order.
    placed = sorted(
        (n.start_mark.line, n.start_mark.column, p.count(".") + p.count("["), p)
        for n, p in nodes
        if p  # the document itself is no field
    )
    lines = [ln for ln, *_ in placed]
    marks = []
    for match in REVIEW_RE.finditer(text):
        at = match.start()
        k = bisect.bisect_right(starts, at) - 1
        if k >= 0 and spans[k][0] <= at < spans[k][1]:
            continue  # inside a text value
        line = text.count("\n", 0, at)
        column = at - (text.rfind("\n", 0, at) + 1)
        same = [(col, path) for ln, col, _, path in placed if ln == line and col < column]
        if same:
            path = max(same)[1]  # the last thing before the comment on its line
        else:
            i = bisect.bisect_right(lines, line)
            later = placed[i:]
            if later:
                first = later[0][0]
                path = min((depth, path) for ln, _, depth, path in later if ln == first)[1]
            else:
                path = ""
        note = match.group(1).strip()
        note = note if len(note) <= MAX_NOTE else note[: MAX_NOTE - 1] + "…"
        marks.append(
            Unfinished(
                path,
                Location(name, line + 1, column + 1),
                f"# REVIEW: {note}" if note else "# REVIEW",
            )
        )
    return tuple(marks)


def unfinished(dataset: Dataset) -> list[Unfinished]:
    """Every unfinished field of `dataset`, in file order: REVIEW comments and placeholders."""
    found = list(dataset.review_marks)
    for path, value, location in dataset.texts:
        for word in PLACEHOLDERS:
            if word in value:
                found.append(Unfinished(path, location, f"placeholder {word}"))
                break
    return sorted(found, key=lambda u: (u.location.line, u.location.column, u.field))


def describe(item: Unfinished) -> str:
    """`file:line:column: field: what`, as `check` prints it."""
    where = f"{item.field}: " if item.field else ""
    return f"{item.location}: {where}{item.what}"


def refuse_draft(dataset: Dataset) -> None:
    """Raise DraftError naming the first unfinished fields when `dataset` is a draft."""
    items = unfinished(dataset)
    if not items:
        return
    reviews = sum(u.what.startswith("# REVIEW") for u in items)
    placeholders = len(items) - reviews
    counts = []
    if placeholders:
        counts.append(
            ngettext(
                "{n} placeholder ({words})", "{n} placeholders ({words})", placeholders
            ).format(n=placeholders, words="/".join(PLACEHOLDERS))
        )
    if reviews:
        counts.append(
            ngettext("{n} `# REVIEW` mark", "{n} `# REVIEW` marks", reviews).format(n=reviews)
        )
    first = "; ".join(describe(u) for u in items[:3])
    raise DraftError(
        _(
            "{path} is a draft: {counts} still to finish, first {first}. Finish them "
            "(`briefing check {path}` lists them all), or pass --draft to make copies stamped 草稿"
        ).format(path=dataset.path, counts=_(" and ").join(counts), first=first)
    )
