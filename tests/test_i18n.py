"""Messages in the user's language: the locale in, Chinese (zh_*) or English out, from gettext
catalogues whose compiled .mo matches its .po and covers every message the code marks.
"""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from briefing import i18n
from briefing.cli import main

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "briefing"
MESSAGES = PACKAGE / "locale" / "zh" / "LC_MESSAGES"
DATASET = ROOT / "data" / "liujiang-2024.yaml"
MINIMAL = Path(__file__).parent / "fixtures" / "minimal.yaml"
INVALID = Path(__file__).parent / "fixtures" / "invalid"
HAN = re.compile("[\u4e00-\u9fff]")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _catalogue():
    with (MESSAGES / "briefing.po").open("rb") as handle:
        return read_po(handle)


def test_the_compiled_catalogue_is_the_po_compiled():
    out = io.BytesIO()
    write_mo(out, _catalogue())
    assert (MESSAGES / "briefing.mo").read_bytes() == out.getvalue(), "run `make messages`"


def test_every_marked_message_has_a_chinese_translation():
    catalogue = _catalogue()
    marked = {
        message
        for _, _, message, _, _ in extract_from_dir(str(PACKAGE), keywords=KEYWORDS)
        if message
    }
    missing = [m for m in marked if (m[0] if isinstance(m, tuple) else m) not in catalogue]
    assert not missing, f"not in the catalogue (run `make messages`, then translate): {missing}"
    for message in catalogue:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {message.id!r}"
        english = message.id if isinstance(message.id, str) else message.id[0]
        for text in strings:
            # The same fields, so that .format() and % never fail in Chinese only.
            fields = re.compile(r"\{[a-z_]+(?::[^}]*)?\}|%\([a-z_]+\)[sr]|%s")
            assert sorted(fields.findall(text)) == sorted(fields.findall(english)), english
    stale = [m.id for m in catalogue if m.id and m.id not in marked]
    assert not stale, f"no longer in the code: {stale}"


# -- the guard: no user-facing message is written as bare English ---------------------------------

# What the user reads: the message of an error of ours (any BriefingError subclass; DatasetError is
# built from Problems, whose message is checked instead) and what the CLI prints through the
# reporter. Kind prefixes ("UsageError: ") and the dataset's own words are not prose to translate.
REPORTER_CALLS = {"result", "progress", "step", "warn", "error", "timed", "_err"}
TRANSLATED = {"_", "ngettext"}
PROSE = re.compile(r"[A-Za-z]{3,}")
KIND_PREFIX = re.compile(r"[A-Z]\w*: ")


def _is_prose(text: str) -> bool:
    # English words and a space: not a file name, key or variable name (".briefing-cache",
    # "BRIEFING_FONTS_DIR", "term"), not a kind prefix, not Chinese with a unit ("10 pt，").
    if KIND_PREFIX.fullmatch(text) or not PROSE.search(text):
        return False
    return " " in text


def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    names = {"BriefingError"}
    grown = True
    while grown:
        grown = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {
                        b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                        for b in node.bases
                    }
                    if bases & names:
                        names.add(node.name)
                        grown = True
    return names


def _untranslated(
    node: ast.AST,
    local: dict[str, list[ast.expr]],
    depth: int = 0,
    names: set[str] | None = None,
) -> list[ast.AST]:
    """The English literals that reach the message `node` without passing through _()/ngettext()
    (N_() only marks: its text is still English where it is shown). The variables that reach it
    the same way are added to `names`.
    """

    def again(n: ast.AST, d: int = depth) -> list[ast.AST]:
        return _untranslated(n, local, d, names)

    if isinstance(node, ast.Constant):
        return [node] if isinstance(node.value, str) and _is_prose(node.value) else []
    if isinstance(node, ast.JoinedStr):
        return [x for v in node.values for x in again(v)]
    if isinstance(node, ast.FormattedValue):
        return again(node.value)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in TRANSLATED:
            return []
        if isinstance(func, ast.Name) and func.id == "N_":
            return [node]
        if isinstance(func, ast.Attribute) and func.attr in ("format", "join"):
            # The values a message is formatted with are ids, paths and numbers as a rule: their
            # literals are checked, but a variable there does not make a helper a sink.
            inner = [*node.args, *(k.value for k in node.keywords)]
            values = [x for a in inner for x in _untranslated(a, local, depth)]
            return again(func.value) + values
        return []  # another function's result: library text (an OS error) or its own check
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return again(node.left) + again(node.right)
    if isinstance(node, ast.IfExp):
        return again(node.body) + again(node.orelse)
    if isinstance(node, ast.Name) and depth < 3:
        if names is not None:
            names.add(node.id)
        # A message built a few lines above the raise: follow the local variable.
        return [x for v in local.get(node.id, []) for x in again(v, depth + 1)]
    return []


def _locals(scope: ast.AST) -> dict[str, list[ast.expr]]:
    local: dict[str, list[ast.expr]] = {}
    for n in ast.walk(scope):
        if isinstance(n, ast.Assign):
            for target in n.targets:
                if isinstance(target, ast.Name):
                    local.setdefault(target.id, []).append(n.value)
        elif (
            isinstance(n, (ast.AnnAssign, ast.AugAssign))
            and n.value is not None
            and isinstance(n.target, ast.Name)
        ):
            local.setdefault(n.target.id, []).append(n.value)
    return local


# A sink is a callable whose arguments become a message: positions (None: every one) and keywords.
Sink = tuple[frozenset[int] | None, frozenset[str]]
# Helpers found to be sinks are told apart by how they are called: `name(...)` for a function,
# `obj.name(...)` for a method, so that a method `add` does not make every `set.add` a sink.
METHOD = "."


def _messages(call: ast.Call, sink: Sink) -> list[ast.expr]:
    positions, keywords = sink
    args = [a for i, a in enumerate(call.args) if positions is None or i in positions]
    return args + [k.value for k in call.keywords if k.arg in keywords]


def _callee(call: ast.Call, sinks: dict[str, Sink]) -> str | None:
    """The key of `sinks` that `call` calls, if any."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id if func.id in sinks else None
    if isinstance(func, ast.Attribute):
        for key in (METHOD + func.attr, func.attr):
            if key in sinks:
                return key
    return None


def unmarked_messages(package: Path = PACKAGE) -> list[str]:
    """`file:line: Call: 'literal'` for every user-facing message written as bare English.

    The sinks are our errors' constructors, `Problem`'s message, the reporter's methods, and every
    function (by name) that hands one of its parameters on to a sink untranslated, such as a local
    `problem(line, field, message)` helper.
    """
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(package.rglob("*.py"))}
    sinks: dict[str, Sink] = {e: (None, frozenset({"message"})) for e in _error_classes(trees)}
    sinks["Problem"] = (frozenset({4}), frozenset({"message"}))
    sinks.pop("DatasetError", None)  # built from Problems, checked as such
    sinks.update({name: (None, frozenset()) for name in REPORTER_CALLS})
    functions = [
        (path, f, _locals(f))
        for path, tree in trees.items()
        for f in ast.walk(tree)
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    for _round in range(4):  # helpers of helpers
        grown = False
        for _path, f, local in functions:
            params = [a.arg for a in (*f.args.posonlyargs, *f.args.args)]
            shift = 1 if params[:1] in (["self"], ["cls"]) else 0
            key = METHOD + f.name if shift else f.name
            passed: set[str] = set()
            for call in ast.walk(f):
                found_key = _callee(call, sinks) if isinstance(call, ast.Call) else None
                if found_key is not None:
                    for message in _messages(call, sinks[found_key]):
                        _untranslated(message, local, names=passed)
            named = passed & {*params[shift:], *(a.arg for a in f.args.kwonlyargs)}
            if named and key not in sinks:
                positions = frozenset(i - shift for i, p in enumerate(params) if p in named)
                sinks[key] = (positions, frozenset(named))
                grown = True
        if not grown:
            break
    found: set[str] = set()
    for path, tree in trees.items():
        scopes = [(tree, {})] + [(f, local) for p, f, local in functions if p == path]
        for scope, local in scopes:
            for call in ast.walk(scope):
                name = _callee(call, sinks) if isinstance(call, ast.Call) else None
                if name is None:
                    continue
                assert isinstance(call, ast.Call)
                if name in (REPORTER_CALLS - {"_err"}) and not isinstance(call.func, ast.Attribute):
                    continue  # a function of that name, not the reporter's method
                for message in _messages(call, sinks[name]):
                    for literal in _untranslated(message, local):
                        shown = ast.unparse(literal)
                        found.add(
                            f"{path.relative_to(package.parent)}:{literal.lineno}: {name}: {shown}"
                        )
    return sorted(found)


def test_every_user_facing_message_is_marked_for_translation():
    unmarked = unmarked_messages()
    assert not unmarked, (
        "messages a user reads must be marked: _() where shown, N_() where defined, ngettext() "
        "for counts (then `make messages` and translate):\n" + "\n".join(unmarked)
    )


@pytest.mark.parametrize(
    "planted",
    [
        'raise OutputError(f"cannot write {target}")',
        'raise ReportError("the report is empty")',
        'message = f"{path}: too large"\n    raise InputFileError(path, message)',
        'raise ClusterError(N_("marked but never translated"))',
        'current().warn("left in colour")',
        'problems.append(Problem(name, 1, 2, "a.b", f"bad value {value}"))',
        # Through a helper that hands its parameter on to a Problem, and one to an error.
        'problems.append(complain(name, "a.b", "the value is wrong"))',
        'raise refuse(path, message=f"no such thing as {value}")',
    ],
)
def test_the_guard_finds_a_planted_unmarked_message(planted, tmp_path):
    package = tmp_path / "briefing"
    package.mkdir()
    (package / "errors.py").write_text(
        "class BriefingError(Exception): ...\nclass OutputError(BriefingError): ...\n"
        "class ReportError(OutputError): ...\n",
        encoding="utf-8",
    )
    (package / "more.py").write_text(
        "from .errors import BriefingError\nclass InputFileError(BriefingError): ...\n"
        "class ClusterError(BriefingError): ...\n",
        encoding="utf-8",
    )
    helpers = (
        "def complain(name, field, message):\n    return Problem(name, 1, 2, field, message)\n"
        "def refuse(path, message):\n"
        "    return OutputError(_('{p}: {m}').format(p=path, m=message) if path else message)\n"
    )
    marked = (
        'def fine(path, target):\n    raise OutputError(_("cannot write {t}").format(t=target))\n'
        'def fine_too(name):\n    return complain(name, "a.b", _("the value is wrong"))\n'
    )
    (package / "use.py").write_text(
        helpers
        + marked
        + f"\n\ndef planted(path, target, name, value, problems):\n    {planted}\n",
        encoding="utf-8",
    )
    found = unmarked_messages(package)
    assert len(found) == 1, found
    assert found[0].startswith("briefing/use.py:"), found


def _env(lang: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    return {**env, "LANG": lang}


def _briefing(args: list[str], lang: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        capture_output=True,
        text=True,
        env=_env(lang),
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("lang", "chinese"),
    [("zh_CN.UTF-8", True), ("zh_TW.UTF-8", True), ("C", False), ("en_US.UTF-8", False)],
)
def test_commands_speak_the_locale_language(lang, chinese, tmp_path):
    check = _briefing(["check", str(DATASET)], lang, tmp_path)
    assert check.returncode == 0
    summary = check.stdout.splitlines()[0]
    if chinese:
        assert summary.endswith("：有效 — 柳江区2024年度法治政府建设工作报告")
        assert "  核验：共 14 项，不一致 3 项" in check.stdout
    else:
        assert summary.endswith(": valid — 柳江区2024年度法治政府建设工作报告")
        assert "  verification: 14 checks, 3 inconsistent" in check.stdout

    bad = _briefing(["check", str(INVALID / "missing-field.yaml")], lang, tmp_path)
    assert bad.returncode == 1
    head, problem = bad.stderr.splitlines()[:2]
    # The kind, the place and the field stay as they are; the words around them are translated.
    where = "missing-field.yaml:19:5: indicators[0].unit: "
    if chinese:
        assert head == "DatasetError: 发现 1 处问题"
        assert problem.endswith(where + "缺少必填的键“unit”")
    else:
        assert head == "DatasetError: 1 problem found"
        assert problem.endswith(where + "required key 'unit' is missing")

    helped = _briefing(["handout", "--help"], lang, tmp_path)
    assert helped.returncode == 0
    assert (
        bool(
            HAN.search(
                helped.stdout.replace("待补充", "")
                .replace("某某", "")
                .replace("草稿", "")
                .replace("份号", "")
                .replace("内部资料", "")
                .replace("注意保存", "")
                .replace("征求意见稿", "")
            )
        )
        == chinese
    )
    assert helped.stdout.startswith("用法：" if chinese else "usage: ")

    usage = _briefing(["build"], lang, tmp_path)
    assert usage.returncode == 2
    assert ("缺少必需的参数" in usage.stderr) == chinese


def test_build_progress_in_chinese(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    args = ["-v", "build", str(MINIMAL), "-o", str(tmp_path), "--only", "briefing", "--no-pdfa"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert re.fullmatch(r".*minimal-briefing\.pdf  1 页，\d+ KiB，\d+\.\d\d 秒\n", captured.out)
    steps = [line.split("：")[0].strip() for line in captured.err.splitlines()]
    assert steps == ["读取、检查字体、核验", "排版 briefing", "写出并发布"]


def test_language_follows_gettext_order(monkeypatch):
    for name in i18n.ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    assert not i18n.is_chinese()
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.is_chinese()
    assert i18n._("valid") == "有效"
    monkeypatch.setenv("LC_ALL", "C")  # LC_ALL outranks LANG
    assert not i18n.is_chinese()
    assert i18n._("valid") == "valid"
    monkeypatch.setenv("LANGUAGE", "zh_CN:en")  # and LANGUAGE outranks both
    assert i18n.is_chinese()
    assert i18n.ngettext("{n} page", "{n} pages", 3).format(n=3) == "3 页"


def test_errors_in_chinese_keep_places_fields_and_kinds(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    raw = MINIMAL.read_text(encoding="utf-8")
    rare = tmp_path / "rare.yaml"
    rare.write_text(raw.replace("执法监督检查", "执法监督\U00020000检查"), encoding="utf-8")
    assert main(["build", str(rare), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert re.match(r"FontCoverageError: 有 2 个字符无法用内嵌字体印出\n", err), err
    assert "'𠀀'（U+20000）不在字体 " in err
    negative = tmp_path / "negative.yaml"
    negative.write_text(re.sub(r"value: (\d+)", r"value: -\1", raw, count=1), encoding="utf-8")
    assert main(["check", str(negative)]) == 1
    err = capsys.readouterr().err
    assert re.search(
        r"negative\.yaml:\d+:\d+: indicators\[0\]\.value: 数量不能为负（-\d+）", err
    ), err


@pytest.fixture
def chinese(monkeypatch):
    """The environment of a clerk's terminal: LANG=zh_CN.UTF-8 and no variable that outranks it."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")


@pytest.mark.parametrize(
    ("fixture", "where", "chinese_text"),
    [
        (
            "control-character.yaml",
            "control-character.yaml:20:12: indicators[0].label: ",
            "第 3 个字符是控制字符 U+0007；请删除",
        ),
        (
            "form-feed.yaml",
            "form-feed.yaml:16:14: areas[0].summary: ",
            "第 12 个字符是控制字符 U+000C（换页符，多为从 Word 复制的分页符）；请删除",
        ),
        (
            "zero-width-space.yaml",
            "zero-width-space.yaml:15:12: areas[0].title: ",
            "第 3 个字符是不可见的格式字符 U+200B（ZERO WIDTH SPACE）；请删除",
        ),
        (
            "unclosed-quote.yaml",
            "unclosed-quote.yaml:32:1: ",
            (
                "YAML 语法错误：found unexpected end of stream (while scanning a quoted scalar)"
                "（始于第 29 行）；有引号或括号未闭合"
            ),
        ),
        (
            "tab-indent.yaml",
            "tab-indent.yaml:6:1: ",
            (
                "YAML 语法错误：found a tab character that violates indentation "
                "(while scanning a plain scalar)；缩进使用了制表符（Tab），YAML 须用空格缩进"
            ),
        ),
        (
            "custom-tag.yaml",
            "custom-tag.yaml:6:9: ",
            "不允许使用 YAML 标签 !cn；请删除",
        ),
        (
            "octal-value.yaml",
            "octal-value.yaml:21:12: indicators[0].value: ",
            "应为数字，实为“0211”：以 0 开头的数字会被 YAML 读作八进制；应写作 211",
        ),
        (
            "duplicate-id.yaml",
            "duplicate-id.yaml:26:5: indicators[1].id: ",
            "id“disputes_received”重复（第 19 行已用）；标识不得重复",
        ),
    ],
)
def test_rarer_dataset_problems_in_chinese(fixture, where, chinese_text, chinese, capsys):
    assert main(["check", str(INVALID / fixture)]) == 1
    head, problem = capsys.readouterr().err.splitlines()[:2]
    # The kind, file:line:column and field path stay as they are; PyYAML's own words too.
    assert head == "DatasetError: 发现 1 处问题"
    assert problem.endswith(where + chinese_text), problem


def test_rarer_dataset_problems_stay_english_elsewhere(monkeypatch, capsys):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert main(["check", str(INVALID / "control-character.yaml")]) == 1
    problem = capsys.readouterr().err.splitlines()[1]
    assert problem.endswith(
        "indicators[0].label: contains control character U+0007 at character 3; delete it"
    )


def test_layout_overflow_in_chinese(chinese, tmp_path, capsys):
    impossible = Path(__file__).parent / "fixtures" / "briefing-impossible.yaml"
    args = ["build", str(impossible), "-o", str(tmp_path), "--only", "briefing", "--no-pdfa"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("LayoutOverflowError: "), err
    assert "briefing-impossible.yaml：简报排不进一页 A4：已按最紧凑的设置（正文 8 磅" in err
    assert re.search(r"仍超出 \d+ 毫米；最大的几块：achievements \d+ mm", err), err
    # Block names and dataset keys are the dataset's own and stay as written.
    assert "；或将 achievements, shortcomings, plans 加入 briefing.drop_order；" in err
    assert "briefing.max_headlines 为 12；有 24 项指标标为 headline: true" in err
    assert not list(tmp_path.glob("*.pdf"))


def test_batch_worker_failure_in_chinese(chinese):
    from briefing.batch import _died

    died = _died()
    assert died.kind == "WorkerDied"
    assert str(died) == "工作进程意外退出（被终止、内存不足或崩溃）；原有输出文件（如有）未作改动"


def test_extract_summary_gives_reasons_in_chinese(chinese, tmp_path, capsys):
    report = tmp_path / "report.txt"
    report.write_text(
        "某某区2024年度法治政府建设工作报告\n\n一、主要成效\n\n（一）依法行政\n\n"
        "全年办理行政复议案件52件，依据某政发〔2024〕3号文件开展工作，开通12345热线，"
        "办结投诉83件。\n",
        encoding="utf-8",
    )
    assert main(["extract", str(report), "-o", str(tmp_path / "draft.yaml")]) == 0
    out = capsys.readouterr().out
    assert "4 个数未作为数字采用：" in out
    assert "\n结构：未找到标题为 plans（下一年度工作计划 / 打算）的部分\n" in out
    assert re.search(r"\n  一（一）\s+3\s+文号: 全年办理", out), out
    assert re.search(r"\n  一（一）\s+12345\s+热线或电话号码: ", out), out
    # The draft is data: its reasons stay in English whatever the locale.
    draft = (tmp_path / "draft.yaml").read_text(encoding="utf-8")
    assert "  3        document number  [一（一）]" in draft
    assert "no part headed as plans (下一年度工作计划 / 打算) was found" in draft
    assert "文号" not in draft


def test_previous_year_chain_problem_in_chinese(chinese, tmp_path, capsys):
    dataset = tmp_path / "district-2024.yaml"
    raw = MINIMAL.read_text(encoding="utf-8")
    dataset.write_text(
        raw.replace("  date: 2025-03-28\n", "  date: 2025-03-28\n  previous: district-2023.yaml\n"),
        encoding="utf-8",
    )
    assert main(["check", str(dataset)]) == 1
    err = capsys.readouterr().err
    assert "meta.previous: district-2024.yaml 旁没有文件“district-2023.yaml”" in err, err


def _fictional_report(tmp_path: Path) -> Path:
    report = tmp_path / "report.txt"
    report.write_text(
        "某某区2024年度法治政府建设工作报告\n\n一、主要成效\n\n（一）化解纠纷\n\n"
        "全年受理行政调解案件100件，调解成功90件，调解成功率95%。\n",
        encoding="utf-8",
    )
    return report


def test_suggested_relation_reasons_in_chinese(chinese, tmp_path, capsys):
    report = _fictional_report(tmp_path)
    assert main(["extract", str(report), "-o", str(tmp_path / "draft.yaml")]) == 0
    out = capsys.readouterr().out
    # The printed figures are the report's own and stay as printed.
    assert "\n  待核实：比率紧随同句的两个计数之后；90件 ÷ 100件 = 90%，与 95% 不符\n" in out, out
    # The draft is data: the same reason in English there.
    draft = (tmp_path / "draft.yaml").read_text(encoding="utf-8")
    assert (
        "# REVIEW: a rate right after two counts of its sentence; 90件 ÷ 100件 = 90%: "
        "does not agree with 95%" in draft
    )


def test_rarer_extract_refusals_in_chinese(chinese, tmp_path, capsys):
    draft = tmp_path / "draft.yaml"
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x00\x01PK")
    assert main(["extract", str(binary), "-o", str(draft)]) == 1
    assert capsys.readouterr().err == (
        f"ReportError: {binary}：似为二进制文件，不是文本；请提供 .txt 或 .docx 报告\n"
    )

    import zipfile

    entity = tmp_path / "entity.docx"
    with zipfile.ZipFile(entity, "w") as archive:
        archive.writestr("word/document.xml", '<!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>')
    assert main(["extract", str(entity), "-o", str(draft)]) == 1
    assert capsys.readouterr().err == (
        f"ReportError: {entity}：文档声明了 DTD 或实体，Word 从不写入这些内容；拒绝读取\n"
    )

    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert main(["extract", str(folder), "-o", str(draft)]) == 1
    assert capsys.readouterr().err == f"ReportError: {folder}：是文件夹，不是报告文件\n"

    report = _fictional_report(tmp_path)
    assert main(["extract", str(report), "-o", str(report), "--force"]) == 1
    assert capsys.readouterr().err == (f"OutputError: {report} 就是报告本身；请另选输出路径\n")
    assert report.read_text(encoding="utf-8").startswith("某某区")


def test_cluster_errors_in_chinese(chinese, tmp_path, capsys, monkeypatch):
    args = ["batch", str(MINIMAL), "-o", str(tmp_path / "out"), "--scheduler"]
    assert main([*args, "tcp://127.0.0.1:9", "--scheduler-timeout", "1"]) == 1
    err = capsys.readouterr().err
    # The Dask client's own words after the colon stay as they are.
    assert err.startswith("ClusterError: 无法连接 tcp://127.0.0.1:9 上的 Dask 调度器："), err
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    assert main([*args, "tcp://127.0.0.1:8786"]) == 1
    assert capsys.readouterr().err.startswith(
        "ClusterError: --scheduler 需要可选软件包 distributed：pip install 'fazhi-briefing[dask]'"
    )


def test_output_refusals_in_chinese(chinese, tmp_path, capsys):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the output folder should be", encoding="utf-8")
    assert main(["build", str(MINIMAL), "-o", str(blocked), "--no-pdfa"]) == 1
    err = capsys.readouterr().err
    assert err == (f"OutputError: 无法写入 {blocked}：它是文件而非文件夹；请另选输出文件夹\n"), err
    named = tmp_path / "handout.txt"
    assert main(["handout", str(MINIMAL), "--copies", "2", "-o", str(named)]) == 1
    assert capsys.readouterr().err == (
        f"OutputError: {named}：会议材料是 PDF 文件；请命名为 *.pdf\n"
    )
    assert not named.exists()


def _two_colour_pdf(pages: int, extra: bytes = b""):
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(100, 100))
        # Red and a dark teal: clearly different colours, nearly the same gray on paper.
        content = b"1 0 0 rg 0 0 10 10 re f 0 0.4 0.5 rg 20 0 10 10 re f " + extra
        pdf.pages[-1].obj.Contents = pdf.make_stream(content)
    return pdf


def test_grayscale_warnings_in_both_languages(monkeypatch):
    from briefing.handout import to_grayscale

    monkeypatch.setenv("LANGUAGE", "en")
    (english,) = to_grayscale(_two_colour_pdf(2), "briefing ")
    assert english == (
        "briefing pages 1, 2: fills #006680 and #ff0000 both print as about 71% gray; if they "
        "tell things apart, give one a pattern, a label or a clearly lighter shade"
    )
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    image = b"q 10 0 0 10 0 0 cm BI /W 1 /H 1 /CS /RGB /BPC 8 ID \xff\x00\x00 EI Q"
    collapsed, left = to_grayscale(_two_colour_pdf(1, image), "report ")
    # The document name and the colours stay as they are.
    assert collapsed == (
        "report 第 1 页：填充色 #006680 与 #ff0000 印出后均约为 71% 灰度；如二者用于区分内容，"
        "请为其一加图案、标注，或改用明显更浅的颜色"
    )
    assert left == "report 保留彩色：内嵌图像"


def test_a_bad_source_date_in_chinese(chinese, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    args = ["build", str(MINIMAL), "-o", str(tmp_path), "--only", "briefing", "--no-pdfa"]
    assert main(args) == 1
    assert capsys.readouterr().err == (
        "OutputError: SOURCE_DATE_EPOCH='yesterday' 不是自 1970 年起的整秒数\n"
    )
    assert not list(tmp_path.glob("*.pdf"))


def test_a_dataset_that_is_not_utf8_in_chinese(chinese, tmp_path, capsys):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"meta:\n  title: ok\n  place: \xff\xff\n")
    assert main(["check", str(latin)]) == 1
    head, problem = capsys.readouterr().err.splitlines()[:2]
    assert head == "DatasetError: 发现 1 处问题"
    # The file and its line stay as they are; the byte is counted from the start of the file.
    assert problem == (
        f"  {latin}:3: 文件不是 UTF-8 编码（本行位于全文第 27 字节处的内容不是有效的 UTF-8）；"
        "请另存为 UTF-8"
    )


def test_our_words_for_os_errors_are_translated_the_systems_are_not(chinese):
    import errno

    from briefing.output import _reason

    assert _reason(OSError(errno.ENOSPC, "No space left on device")) == "磁盘已满"
    assert _reason(OSError(errno.EROFS, "Read-only file system")) == "文件系统为只读"
    # A cause we have no words for is said in the system's own words.
    assert _reason(OSError(errno.EIO, "Input/output error")) == "Input/output error"


def test_pdfa_refusals_in_chinese(chinese):
    import datetime as dt

    import pikepdf

    from briefing.errors import OutputError
    from briefing.render import pdfa

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(100, 100))
    pdf.pages[0].obj.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Link,
                    Rect=[0, 0, 10, 10],
                    A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("a.exe")),
                )
            ]
        )
    )
    out = io.BytesIO()
    pdf.save(out)
    meta = {"title": "标题", "author": "某某区人民政府", "subject": "", "keywords": ""}
    when = dt.datetime(2025, 3, 28, tzinfo=dt.UTC)
    with pytest.raises(OutputError) as bad_lang:
        pdfa.finish(out.getvalue(), archival=True, lang="zh_CN", created=when, **meta)
    assert str(bad_lang.value) == "'zh_CN' 不是 zh-CN 之类的语言标记"
    with pytest.raises(OutputError) as launch:
        pdfa.finish(out.getvalue(), archival=True, lang="zh-CN", created=when, **meta)
    # PDF names (Link) stay as the file has them.
    assert str(launch.value) == "无法生成 PDF/A：第 1 页的 Link 注释带有 PDF/A 禁止的 Launch 动作"
