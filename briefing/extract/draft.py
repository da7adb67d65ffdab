"""Turn an `Extraction` into a draft dataset (YAML text with `# REVIEW` comments) or into raw JSON.

The draft is written so that it loads with `briefing.load` as it stands: placeholders such as
待补充 are valid text, every label fits the 40-character limit, and a figure the schema cannot hold
(a share above 100%) is commented out rather than written invalid. Every guess carries a
`# REVIEW:` comment saying where it came from, so a reviewer knows what to check.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date

from ..i18n import N_
from ..load import INVISIBLE, LIMITS
from ..model import format_number
from .figures import normalise
from .relations import suggest_relations
from .structure import ROLE_WORDS, Parts, find_parts
from .types import Extraction, Figure, Section

PLACEHOLDER = "待补充"
# Every guess in a draft carries this marker in a YAML comment; a dataset that still holds it (or
# the placeholder) is unfinished. docs/extract.md documents both for the tools that look for them.
REVIEW_MARKER = "# REVIEW"


def structure_notes(parts: Parts, translate: Callable[[str], str] = str) -> list[str]:
    """What the reviewer must be told about the report's structure: parts not found, guesses.

    English by default, as the draft is data; the terminal summary passes the user's language.
    """
    notes = []
    for role in parts.missing:
        notes.append(
            translate(N_("no part headed as {role} ({words}) was found")).format(
                role=role, words=ROLE_WORDS[role]
            )
        )
    if "achievements" in parts.missing:
        if parts.achievements is not None:
            paths = "、".join(a.path for a in parts.areas)
            notes.append(
                translate(N_("areas are taken from part {paths}, a guess")).format(paths=paths)
            )
        elif parts.areas:
            notes.append(translate(N_("areas are taken from the top-level sections, a guess")))
        else:
            notes.append(translate(N_("no headings were recognised: make the areas by hand")))
    return notes


def _q(text: str, limit: str | None = None) -> str:
    """Text as a YAML double-quoted scalar (JSON strings are valid YAML), cleaned and within
    limits.
    """
    text = "".join(
        ch
        for ch in text
        if ord(ch) not in INVISIBLE and (unicodedata.category(ch) != "Cc" or ch == " ")
    )
    text = re.sub(r"\s+", " ", text).strip() or PLACEHOLDER
    if limit is not None and len(text) > LIMITS[limit]:
        text = text[: LIMITS[limit] - 1] + "…"
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _context(figure: Figure, width: int = 24) -> str:
    """The sentence around a figure with the figure bracketed: …专题学法【5次】，…"""
    start = figure.offset - figure.sentence_offset
    s = figure.sentence
    # `sentence` was stripped; find the printed wording again near where it should be.
    i = s.find(figure.printed, max(0, start - 4))
    if i < 0:
        i = s.find(figure.printed)
    if i < 0:
        return _comment(s[: width * 2])
    left = s[max(0, i - width) : i]
    right = s[i + len(figure.printed) : i + len(figure.printed) + width]
    return _comment(("…" if i > width else "") + left + "【" + figure.printed + "】" + right + "…")


# ---------------------------------------------------------------------------------------------
# Meta


def _meta_guess(ex: Extraction, text_tail: str) -> dict[str, str]:
    title = ex.title
    m = re.match(
        r"^(?:关于)?(?:中共)?(?P<prov>[\u4e00-\u9fff]{2,8}?(?:省|自治区))?(?P<city>[\u4e00-\u9fff]{2,8}?(?:市|自治州|地区|盟))?"
        r"(?P<dist>[\u4e00-\u9fff]{1,8}?(?:区|县|市|旗))(?:人民政府)?(?:关于)?\d{4}",
        normalise(title),
    )
    out = {
        "district": (m.group("dist") if m else "") or "",
        "city": (m.group("city") if m else "") or "",
        "province": (m.group("prov") if m else "") or "",
    }
    dates = list(re.finditer(r"(\d{4})年(\d{1,2})月(\d{1,2})日", normalise(text_tail)))
    dm = dates[-1] if dates else None
    out["date"] = ""
    if dm is not None:
        try:
            out["date"] = date(int(dm.group(1)), int(dm.group(2)), int(dm.group(3))).isoformat()
        except ValueError:
            out["date"] = ""
    issuer = ""
    for line in reversed([ln.strip() for ln in text_tail.splitlines() if ln.strip()]):
        if re.fullmatch(r"[\u4e00-\u9fff（）()]{4,40}(?:人民政府|委员会|办公室)", line):
            issuer = line
            break
    out["issuer"] = issuer
    return out


# ---------------------------------------------------------------------------------------------
# Areas, items and ids


def _area_for(path: str, areas: list[tuple[str, Section]]) -> tuple[str, str]:
    """(area id, review comment) for a figure's section path."""
    for ident, sec in areas:
        if path == sec.path or path.startswith(sec.path):
            return ident, f"area guessed from section {sec.path}"
    where = path or "the text before the first heading"
    return areas[0][
        0
    ], f"{where} is outside the achievements part's areas: choose an area or delete the figure"


def _figure_ids(ex: Extraction) -> list[str]:
    counts: dict[str, int] = {}
    by_path = {s.path: s.ident for s in ex.sections}
    ids = []
    for f in ex.figures:
        base = by_path.get(f.section, "s0")
        counts[base] = counts.get(base, 0) + 1
        ids.append(f"{base}_f{counts[base]:02d}")
    return ids


def _valid_in_schema(f: Figure) -> str:
    """'' if the loader accepts the figure as drafted, else why not."""
    if f.kind == "rate" and not 0 <= f.value <= 100:
        return f"a share must lie within 0–100%, this is {f.value:g}%"
    if f.kind == "change" and f.value < -100:
        return "a fall cannot exceed 100%"
    if abs(f.value) > 1e12 or (f.prior is not None and f.prior > 1e12):
        return "implausibly large"
    return ""


def suggested_codes(figures: Sequence[Figure]) -> list[str | None]:
    """The catalogue code each figure most likely is (`catalogue.code_scores`), given to one figure
    only: a dataset gives each code once, so the best-scoring figure (the first, on a tie) takes
    it.
    """
    from ..catalogue import catalogue, code_scores, suggest_code

    cat = catalogue()
    best: dict[str, tuple[int, int]] = {}
    picks: list[tuple[str, int] | None] = []
    for n, f in enumerate(figures):
        code = suggest_code(f.label, f.unit, f.sentence)
        if code is None or cat[code].kind != f.kind:
            picks.append(None)
            continue
        score = max(s for s, c in code_scores(f.label, f.unit, f.sentence) if c == code)
        picks.append((code, score))
        if code not in best or score > best[code][0]:
            best[code] = (score, n)
    return [p[0] if p is not None and best[p[0]][1] == n else None for n, p in enumerate(picks)]


def relation_lines(ex: Extraction, ids: list[str]) -> list[str]:
    """The suggested relations as flow mappings of the dataset's format, each with its reason."""
    lines = []
    used: dict[str, int] = {}
    for s in suggest_relations(ex):
        base = f"rel_{ids[s.figures[0]]}_{s.kind}"
        used[base] = used.get(base, 0) + 1
        ident = base if used[base] == 1 else f"{base}{used[base]}"
        fields = [f"id: {ident}", f"kind: {s.kind}"]
        for role, v in s.roles:
            fields.append(
                f"{role}: [{', '.join(ids[j] for j in v)}]"
                if isinstance(v, tuple)
                else f"{role}: {ids[v]}"
            )
        lines.append("{" + ", ".join(fields) + "}  " + REVIEW_MARKER + ": " + _comment(s.reason))
    return lines


# ---------------------------------------------------------------------------------------------


def draft_yaml(ex: Extraction, *, source_name: str = "") -> str:
    """A dataset draft for `ex` that loads as it stands; `source_name` is named in its header."""
    text = ex.text
    lines: list[str] = []
    add = lines.append
    meta = _meta_guess(ex, text[-400:])
    parts = find_parts(ex.sections)
    area_sections = list(parts.areas)
    year = ex.year

    add(
        "# Draft dataset written by `briefing "
        f"extract`{' from ' + _comment(source_name) if source_name else ''}."
    )
    add(
        "# Every `# REVIEW` comment marks a guess: check it against the report, correct it, "
        "delete the"
    )
    add(
        "# comment. Replace every 待补充. Offsets count characters of the report's text (a "
        "line break is one)."
    )
    add(
        f"# Found {len(ex.figures)} figures; {len(ex.skipped)} numbers were not taken as "
        "figures (listed at the end)."
    )
    add("# When done: briefing check THIS_FILE")
    add("schema: 1")
    add("")
    add("meta:")
    district = meta["district"] or PLACEHOLDER
    add(
        f"  district: {_q(district, 'short')}  # REVIEW: "
        + ("from the title line" if meta["district"] else "not found in the title")
    )
    add(
        f"  city: {_q(meta['city'] or PLACEHOLDER, 'short')}  # REVIEW: "
        + ("from the title line" if meta["city"] else "the city is not in the title")
    )
    add(
        f"  province: {_q(meta['province'] or PLACEHOLDER, 'short')}  # REVIEW: "
        + ("from the title line" if meta["province"] else "the province is not in the title")
    )
    add(
        f"  year: {year}  # REVIEW: "
        + (
            "from the title line"
            if re.search(str(year), normalise(ex.title))
            else "the year most often named in the text"
        )
    )
    title = ex.title or PLACEHOLDER
    add(f"  title: {_q(title, 'title')}" + ("" if ex.title else "  # REVIEW: no title line found"))
    issuer = meta["issuer"] or (f"{district}人民政府" if meta["district"] else PLACEHOLDER)
    add(
        f"  issuers: [{_q(issuer, 'title')}]  # REVIEW: "
        + (
            "from the signature line"
            if meta["issuer"]
            else "guessed: the district's people's government"
        )
    )
    if meta["date"]:
        add(f"  date: {meta['date']}  # REVIEW: the last date printed in the report")
    else:
        add(
            f"  date: {year + 1}-03-31  # REVIEW: no date in the text; annual reports are "
            "due by 31 March"
        )
    add(f"  source_document: {_q(title, 'title')}")
    add("")

    notes = structure_notes(parts)
    if notes:
        add("# REVIEW: the report's structure was not fully recognised: " + "; ".join(notes) + ".")
    # Areas: one per second-level heading of the achievements part.
    where = parts.achievements.path if parts.achievements is not None else "the report"
    add(
        f"# REVIEW: one area per section of part {where} (achievements); rename the ids if "
        "you like (and their uses below),"
    )
    add("# and write summary and achievement in your own words.")
    add("areas:")
    areas: list[tuple[str, Section]] = []
    for k, sec in enumerate(area_sections, start=1):
        areas.append((f"area_{k}", sec))
    for ident, sec in areas:
        add(f"  - id: {ident}")
        add(f"    source: {_q(sec.path, 'source')}")
        add(
            f"    title: {_q(sec.title, 'title')}  # REVIEW: heading of {sec.path}; shorten "
            "it to a few words"
        )
        add(f"    summary: {_q(PLACEHOLDER)}  # REVIEW: two or three sentences on this area")
        add(f"    achievement: {_q(PLACEHOLDER)}  # REVIEW: one line for the briefing")
    if not areas:
        areas.append(("area_1", Section("", "s0", 0, PLACEHOLDER, 0, None)))
        add("  - id: area_1  # REVIEW: no sections were recognised; make one area per work area")
        add(f"    source: {_q('一')}")
        add(f"    title: {_q(PLACEHOLDER)}")
        add(f"    summary: {_q(PLACEHOLDER)}")
        add(f"    achievement: {_q(PLACEHOLDER)}")
    add("")

    ids = _figure_ids(ex)
    titles = {s.path: s.title for s in ex.sections}
    add(
        "# REVIEW: every figure below was drafted from the text. Check value, unit, "
        "qualifier, period"
    )
    add("# and label against the bracketed wording; mark up to 8 with `headline: true`.")
    add(
        "indicators:"
        if ex.figures
        else "indicators: []  # REVIEW: no figures were found; add them by hand"
    )
    current = None
    codes = suggested_codes(ex.figures)
    per_section = Counter(f.section for f in ex.figures)
    for n, (f, ident) in enumerate(zip(ex.figures, ids, strict=True)):
        if f.section != current:
            current = f.section
            count = per_section[current]
            add("")
            add(
                f"  # {current or '(before the first heading)'} "
                f"{_comment(titles.get(current, ''))[:30]} — {count} "
                f"figure{'s' if count != 1 else ''}"
            )
        invalid = _valid_in_schema(f)
        prefix = "  # " if invalid else "  "
        add(f"  # REVIEW: {f.printed} at offset {f.offset}: {_context(f)}")
        for note in f.notes:
            add(f"  # REVIEW: {note}")
        if invalid:
            add(f"  # REVIEW: left out because {invalid}; fix it and remove the leading '# '")
        area, why = _area_for(f.section, areas)
        entry = [
            f"- id: {ident}",
            f"  label: {_q(f.label, 'label')}  # REVIEW: label drafted from the text",
            f"  value: {format_number(f.value, f.decimals)}",
            f"  unit: {_q(f.unit, 'unit')}",
            f"  kind: {f.kind}",
            f"  qualifier: {f.qualifier}",
            f"  period: {f.period}  # REVIEW: "
            + (
                f"period from {f.period_words}"
                if f.period_words
                else f"no period words in the sentence; the year {year} assumed"
            ),
            f"  area: {area}  # REVIEW: {why}",
            f"  source: {_q(f.section or '正文', 'source')}",
        ]
        code = codes[n]
        if code is not None:
            entry.append(
                f"  code: {code}  # REVIEW: catalogue code suggested from the label; delete "
                "it if wrong"
            )
        if f.prior is not None:
            entry.append(
                f"  prior: {format_number(f.prior, f.decimals)}  # REVIEW: printed "
                f"{_comment(f.prior_printed)} before the figure"
            )
        if f.change is not None:
            c = f.change
            entry.append(
                "  change: "
                f"{{direction: {c.direction}, value: {format_number(c.value, c.decimals)}, "
                f"unit: {_q(c.unit)}}}"
                f"  # REVIEW: printed {_comment(f.change_printed)}"
            )
        for line in entry:
            add(prefix + line)

    relations = relation_lines(ex, ids)
    add("")
    if relations:
        add(
            "# REVIEW: relations the wording suggests, for a person to confirm; none is "
            "asserted. Uncomment"
        )
        add(
            "# `relations:` and each one that holds (briefing check then verifies it); "
            "delete the others."
        )
        add("# relations:")
        for r in relations:
            add(f"#   - {r}")
    else:
        add(
            "# REVIEW: add relations between figures (rate, total, subset, same, change); "
            "see docs/dataset.md"
        )
        add("relations: []")

    for key, items, what in (
        ("shortcomings", parts.shortcomings, "shortcoming"),
        ("plans", parts.plans, "plan"),
    ):
        if not items:
            add("")
            add(
                f"# REVIEW: no {what} part was found in the report; add {key} by hand if it "
                "has any."
            )
            continue
        add("")
        add(
            f"# REVIEW: one {what} per item of part {items[0].parent or items[0].path}; "
            "titles are the report's headings, shorten them."
        )
        add(f"{key}:")
        for k, sec in enumerate(items, start=1):
            add(f"  - id: {what}_{k}")
            add(f"    source: {_q(sec.path, 'source')}")
            add(f"    title: {_q(sec.title, 'title')}  # REVIEW: heading of {sec.path}")
            add(f"    summary: {_q(PLACEHOLDER)}  # REVIEW: one sentence in your own words")

    if ex.skipped:
        add("")
        add(
            "# Numbers in the text not taken as figures (REVIEW: add any that are figures "
            "after all):"
        )
        for s in ex.skipped:
            add(
                f"#   offset {s.offset:>6}  {s.text:<8} {s.reason}  "
                f"[{s.section or 'title/preamble'}]"
            )
    return "\n".join(lines).rstrip("\n") + "\n"


def draft_json(ex: Extraction) -> str:
    """The raw extraction as JSON: sections, figures, skipped numbers, parts and suggested
    relations.
    """
    data = asdict(ex)
    del data["text"]  # the report itself; offsets point into what `read_report` returns
    parts = find_parts(ex.sections)
    data["parts"] = [{"path": p.path, "title": p.title, "role": role} for p, role in parts.roles]
    data["structure_notes"] = structure_notes(parts)
    # Suggested relations name figures by their index in `figures`; none is asserted.
    data["relations"] = [
        {
            "kind": s.kind,
            "roles": {role: list(v) if isinstance(v, tuple) else v for role, v in s.roles},
            "reason": s.reason,
        }
        for s in suggest_relations(ex)
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
