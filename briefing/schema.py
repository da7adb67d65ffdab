"""Turn the loader's own field definitions into a JSON Schema (draft 2020-12) of the dataset format,
so that YAML editors validate and complete a dataset as it is typed.

Nothing here restates the format by hand. The record kinds, their keys and which are required come
from the loader's `*_KEYS` tables; each key's type comes from the converter `load.py` applies to it
(`_opt(ctx, f, "label", path, _text, "label")` → a string of at most LIMITS["label"]), read from
the loader's source with `ast`; the enums come from the model (qualifiers, kinds), the chart
registry and `catalogue.yaml` (codes, units); the per-kind keys of relations from
RELATION_FIELDS. What this module adds is words: a title and description (Chinese, then
English) per field, checked by a test to name only fields that exist.

The loader stays the judge: it accepts a few things a schema cannot express (a text field written
as a bare number) and checks more (cross references, sums). The schema is for editors.
"""

from __future__ import annotations

import ast
import inspect
import json
from functools import cache
from typing import Any

from . import load
from .catalogue import catalogue
from .model import chart_kinds

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"

# The loader functions that read one record kind each, by the name the schema gives the record.
RECORDS = {
    "_meta": "meta",
    "_area": "area",
    "_indicator": "indicator",
    "_change": "change",
    "_item": "item",
    "_glossary": "glossary_entry",
    "_chart": "chart",
    "_relation": "relation",
    "_briefing": "briefing",
}

# Titles and descriptions: (title, description), Chinese first then English.
WORDS: dict[str, tuple[str, str]] = {
    "": (
        "法治政府建设年度报告数据集",
        "一份报告一个文件。The dataset of one annual rule-of-law report.",
    ),
    "schema": ("格式版本", "数据集格式的版本号，目前为 1。Format version; 1."),
    "meta": ("基本信息", "报告的地区、年度、标题、发文机关和日期。Who, where and when."),
    "areas": (
        "工作领域",
        "报告第一部分的各项工作，按报告顺序。The work areas, in the report's order.",
    ),
    "indicators": ("数据指标", "报告中的每一个数字。Every figure of the report."),
    "relations": ("核验关系", "数字之间的关系，用于核验。How figures relate, for verification."),
    "charts": ("图表", "文档绘制的图表。Charts the documents draw."),
    "shortcomings": ("存在的不足", "报告第二部分的摘要。Part two of the report, summarised."),
    "plans": ("下一步工作", "报告第三部分（下一年度）的摘要。Part three (next year), summarised."),
    "glossary": ("术语解释", "政策术语及简短释义。Policy terms with short definitions."),
    "briefing": ("简报选项", "一页纸简报的选项。Options for the one-page briefing."),
    "meta.district": ("区县", "如：柳江区。The county or district."),
    "meta.city": ("市", "如：柳州市。The city."),
    "meta.province": ("省（区）", "如：广西壮族自治区。The province."),
    "meta.year": ("报告年度", "报告所述的年度。The year the report covers."),
    "meta.title": ("报告标题", "The report's title."),
    "meta.short_name": ("简称", "默认与区县名相同。Short name; defaults to district."),
    "meta.issuers": ("发文机关", "至少一个。The issuing bodies (at least one)."),
    "meta.date": ("成文日期", "格式 YYYY-MM-DD。The report's date."),
    "meta.source_document": ("原文标题", "默认与报告标题相同。Defaults to the title."),
    "meta.copy_number": ("份号", "最多六位数字，加引号：'000012'。Copy number, quoted."),
    "meta.classification": ("密级", "如：秘密。Security classification."),
    "meta.marking": ("标注", "如：内部资料 注意保存。A marking printed on the documents."),
    "meta.previous": (
        "上一年度数据集",
        "同一地区上一年度的数据集文件，相对本文件的路径。Last year's dataset, a relative path.",
    ),
    "area.id": ("标识", "小写英文字母、数字和下划线，字母开头。Lowercase ascii id."),
    "area.source": ("出处", "报告中的章节，如：一（二）。Section of the report."),
    "area.title": ("标题", "The area's heading."),
    "area.summary": ("概述", "本领域工作的概述。Summary of the area's work."),
    "area.achievement": ("主要成效", "简报为本领域印出的一句话。The briefing's one line."),
    "indicator.id": ("标识", "唯一的英文标识。A unique ascii id."),
    "indicator.label": ("名称", "用自己的话写的简短名称。A short label in your own words."),
    "indicator.value": (
        "数值",
        "按报告写的纯数字，不加引号、分隔符。The number as printed: 1313, 98.73.",
    ),
    "indicator.unit": ("单位", "件、次、人、% 等（% 要加引号）。The unit (quote %)."),
    "indicator.kind": ("类型", "count 数量、rate 比率、change 增减幅度。Kind of figure."),
    "indicator.qualifier": (
        "限定词",
        "exact 确数、approx 约、more_than 余/多、at_least 以上、nearly 近、over 超过。Hedge word.",
    ),
    "indicator.period": (
        "统计期",
        "2024（全年）、2024-01..2024-11（月份）或 2024-to-date（今年以来）。Period.",
    ),
    "indicator.area": ("所属领域", "一个工作领域的标识。The id of an area."),
    "indicator.source": ("出处", "报告中的章节，如：一（三）2。Section of the report."),
    "indicator.change": ("同比变化", "报告所述的同比增减。A stated year-on-year change."),
    "indicator.prior": ("上年数值", "报告给出的上年数值。Last year's value, where given."),
    "indicator.headline": ("重点指标", "true：在简报上突出显示。true: a tile on the briefing."),
    "indicator.note": ("注释", "在注释版中作为脚注印出。A footnote in the report."),
    "indicator.code": ("指标代码", "指标目录中的代码，用于地区、年度比较。Catalogue code."),
    "change.direction": ("方向", "up 增长，down 下降。Up or down."),
    "change.value": ("幅度", "变化的大小，不带符号。Size of the change, unsigned."),
    "change.unit": ("单位", "% 或 个百分点。% or percentage points."),
    "item.id": ("标识", "A unique ascii id."),
    "item.source": ("出处", "报告中的章节。Section of the report."),
    "item.title": ("标题", "The heading."),
    "item.summary": ("概述", "The summary."),
    "glossary_entry.term": ("术语", "The term."),
    "glossary_entry.definition": ("释义", "简短释义。A short definition."),
    "glossary_entry.aliases": ("别称", "同一术语的其他写法。Other spellings of the term."),
    "chart.id": ("标识", "A unique ascii id."),
    "chart.kind": ("图表类型", "The chart kind."),
    "chart.title": ("标题", "The chart's title."),
    "chart.indicators": ("指标", "图中的指标标识。The ids of the figures drawn."),
    "chart.note": ("注释", "A note under the chart."),
    "chart.briefing": ("用于简报", "false：仅用于注释版。false: the report only."),
    "chart.area": ("所属领域", "The id of an area."),
    "relation.id": ("标识", "A unique ascii id."),
    "relation.kind": (
        "关系类型",
        "rate 比率、total 合计、subset 部分、same 同一数字、change 同比。Kind of relation.",
    ),
    "relation.note": ("说明", "A note."),
    "relation.ids": ("同一数字", "same：应相等的指标。Figures that must be equal."),
    "relation.part": ("分子", "rate：部分。The part."),
    "relation.whole": ("分母/整体", "rate、subset：整体。The whole."),
    "relation.rate": ("比率", "rate：比率指标。The rate."),
    "relation.total": ("合计", "total：合计指标。The total."),
    "relation.parts": ("组成部分", "total、subset：各部分。The parts."),
    "relation.current": ("本年", "change：本年指标。This year's figure."),
    "relation.prior": ("上年", "change：上年指标。Last year's figure."),
    "briefing.drop_order": (
        "舍弃顺序",
        "版面不足时依次舍弃的板块。Blocks dropped, in order, when the page is full.",
    ),
    "briefing.max_headlines": ("重点指标数", "简报上最多的重点指标数。At most this many tiles."),
}


@cache
def _source_tree() -> ast.Module:
    return ast.parse(inspect.getsource(load))


def _function(name: str) -> ast.FunctionDef:
    for node in _source_tree().body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise LookupError(f"briefing.load has no function {name}")


def _value(expr: ast.expr, function: ast.FunctionDef) -> Any:
    """The value of a converter argument: a literal, a constant of the loader, or a local of
    `function` computed from them (such as the briefing's droppable blocks).
    """
    names = dict(vars(load))
    for stmt in function.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name) and target.id in {
                n.id for n in ast.walk(expr) if isinstance(n, ast.Name)
            }:
                # Our own source, evaluated among the loader's own names: no outside input.
                code = compile(ast.Expression(stmt.value), "load", "eval")
                names[target.id] = eval(code, names)  # noqa: S307
    return eval(compile(ast.Expression(expr), "load", "eval"), names)  # noqa: S307


# Text fields take whatever scalar is written: `source: 1000.0` is the text "1000.0" to the loader.
TEXT = ["string", "number", "boolean"]


def _text_schema(limit: str) -> dict[str, Any]:
    if limit in load.WIDTH_LIMITED:
        # Measured in printed width (a Chinese character is one em, Latin letters less), which a
        # schema cannot count; the loader checks it.
        return {"type": TEXT, "minLength": 1}
    return {"type": TEXT, "minLength": 1, "maxLength": load.LIMITS[limit]}


def _ident_schema() -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": load.ID_RE.pattern.replace("\\Z", "$"),
        "maxLength": load.LIMITS["id"],
    }


def _period_schema() -> dict[str, Any]:
    lo, hi = load.YEARS
    patterns = [
        "^[0-9]{4}$",
        load.PERIOD_MONTHS_RE.pattern,
        load.PERIOD_TO_DATE_RE.pattern,
    ]
    return {
        "anyOf": [
            {"type": "integer", "minimum": lo, "maximum": hi},
            {"type": "string", "pattern": "|".join(f"(?:{p})" for p in patterns)},
        ]
    }


def _units() -> list[str]:
    units: dict[str, None] = {"%": None}
    for entry in catalogue().entries:
        units.update(dict.fromkeys(entry.units))
    return list(units)


def _converter(name: str, args: list[Any], key: str, record: str) -> dict[str, Any]:
    """The schema of a value read by converter `name` with its extra `args`."""
    if name in RECORDS:
        return {"$ref": f"#/$defs/{RECORDS[name]}"}
    if name == "_text":
        schema = _text_schema(args[0])
        if record == "indicator" and key == "unit":
            # Completion offers the catalogue's units; any short unit is still accepted.
            return {"anyOf": [{"enum": _units()}, schema]}
        return schema
    if name == "_ident":
        return _ident_schema()
    if name == "_number":
        return {"type": "number"}
    if name == "_integer":
        lo, hi = args
        return {"type": "integer", "minimum": lo, "maximum": hi}
    if name == "_bool":
        return {"type": "boolean"}
    if name == "_choice":
        return {"enum": list(args[0])}
    if name == "_chart_kind":
        return {"enum": list(chart_kinds())}  # built-in kinds and installed packages' kinds
    if name == "_date":
        return {"type": "string", "pattern": load.DATE_RE.pattern, "format": "date"}
    if name == "_period":
        return _period_schema()
    if name == "_code":
        cat = catalogue()
        # enumDescriptions: VS Code's YAML extension shows each code's Chinese name beside it.
        return {
            "enum": [e.code for e in cat.entries],
            "enumDescriptions": [f"{e.name}（{'、'.join(e.units)}）" for e in cat.entries],
        }
    if name == "_previous":
        return {"type": "string", "pattern": r"^[^/\\].*\.ya?ml$"}
    if name == "_scalar":  # meta.copy_number: up to six digits, best quoted
        return {"type": ["string", "integer"], "pattern": "^[0-9]{1,6}$", "maximum": 999999}
    raise LookupError(f"no schema for the loader's converter {name} (field {record}.{key})")


_READERS = {"_opt": False, "_req": False, "_list_of": True}


def _record(function_name: str) -> dict[str, Any]:
    """The schema of the record `function_name` reads: its keys, required ones, value types."""
    function = _function(function_name)
    record = RECORDS[function_name]
    keys: dict[str, bool] | None = None
    properties: dict[str, Any] = {}
    for call in ast.walk(function):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
            continue
        if call.func.id == "_mapping":
            keys = _value(call.args[3], function)
        elif call.func.id in _READERS and len(call.args) >= 5:
            key_node, conv = call.args[2], call.args[4]
            if not (isinstance(key_node, ast.Constant) and isinstance(conv, ast.Name)):
                continue
            key = str(key_node.value)
            args = [] if conv.id == "_code" else _arguments(call.args[5:], function)
            value = _converter(conv.id, args, key, record)
            if _READERS[call.func.id]:
                value = {"type": "array", "items": value}
            properties.setdefault(key, value)
    if keys is None:
        raise LookupError(f"{function_name} reads no mapping")
    missing = set(keys) - set(properties)
    if missing:
        raise LookupError(f"{function_name}: no converter found for {sorted(missing)}")
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {k: _describe(f"{record}.{k}", properties[k]) for k in keys},
        "required": [k for k, required in keys.items() if required],
        "additionalProperties": False,
    }
    return schema


def _arguments(exprs: list[ast.expr], function: ast.FunctionDef) -> list[Any]:
    """The values of a converter's extra arguments, with `*YEARS` spread out."""
    out: list[Any] = []
    for expr in exprs:
        if isinstance(expr, ast.Starred):
            out.extend(_value(expr.value, function))
        else:
            out.append(_value(expr, function))
    return out


def _describe(path: str, schema: dict[str, Any]) -> dict[str, Any]:
    words = WORDS.get(path)
    if words is None:
        return schema
    return {"title": words[0], "description": words[1], **schema}


def _top() -> tuple[dict[str, Any], dict[str, Any]]:
    """The top level's properties (from parse_dataset) and the $defs they refer to."""
    function = _function("parse_dataset")
    defs: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    for call in ast.walk(function):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
            continue
        name = call.func.id
        if name == "_records":  # _records(ctx, top, "areas", _area, …)
            key_node, conv = call.args[2], call.args[3]
            assert isinstance(key_node, ast.Constant)
            assert isinstance(conv, ast.Name)
            properties[str(key_node.value)] = {
                "type": "array",
                "items": {"$ref": f"#/$defs/{RECORDS[conv.id]}"},
            }
        else:  # _meta(ctx, top["meta"]), _integer(ctx, top["schema"], "schema", 1, 99)
            for i, arg in enumerate(call.args):
                if (
                    isinstance(arg, ast.Subscript)
                    and isinstance(arg.value, ast.Name)
                    and arg.value.id == "top"
                    and isinstance(arg.slice, ast.Constant)
                ):
                    key = str(arg.slice.value)
                    rest = _arguments(call.args[i + 2 :], function)
                    properties.setdefault(key, _converter(name, rest, key, ""))
    if "schema" in properties:
        properties["schema"] = {"const": load.SCHEMA_VERSION}
    for function_name, record in RECORDS.items():
        defs[record] = _record(function_name)
    return properties, defs


def _relation_rules(relation: dict[str, Any]) -> None:
    """Per kind, the keys a relation needs and the ones it must not have (RELATION_FIELDS)."""
    every = {k for required, optional in load.RELATION_FIELDS.values() for k in required + optional}
    rules = []
    for kind, (required, optional) in load.RELATION_FIELDS.items():
        others = sorted(every - set(required) - set(optional))
        rules.append(
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {
                    "required": list(required),
                    "properties": dict.fromkeys(others, False),
                },
            }
        )
    relation["allOf"] = rules


@cache
def dataset_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a dataset file."""
    properties, defs = _top()
    defs["chart"]["properties"]["kind"]["enum"] = list(chart_kinds())
    _relation_rules(defs["relation"])
    keys = load.TOP_KEYS
    missing = set(keys) - set(properties)
    if missing:
        raise LookupError(f"parse_dataset: no converter found for {sorted(missing)}")
    return {
        "$schema": DRAFT,
        **dict(zip(("title", "description"), WORDS[""], strict=True)),
        "type": "object",
        "properties": {k: _describe(k, properties[k]) for k in keys},
        "required": [k for k, required in keys.items() if required],
        "additionalProperties": False,
        "$defs": defs,
    }


def as_draft_07(schema: dict[str, Any]) -> dict[str, Any]:
    """The same schema for draft-07 validators, such as VS Code's YAML extension.

    The schema uses no keyword draft-07 lacks, so only the `$schema` URI and the name of the
    definitions section (`definitions`, not `$defs`) change.
    """
    text = json.dumps(schema, ensure_ascii=False).replace('"#/$defs/', '"#/definitions/')
    converted: dict[str, Any] = json.loads(text)
    converted["$schema"] = DRAFT_07
    converted["definitions"] = converted.pop("$defs")
    return converted


def field_paths() -> set[str]:
    """Every `record.key` (and top-level key) the schema describes, for the words' test."""
    schema = dataset_schema()
    paths = set(schema["properties"])
    for record, definition in schema["$defs"].items():
        paths.update(f"{record}.{k}" for k in definition["properties"])
    return paths
