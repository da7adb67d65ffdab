"""`briefing schema`: the loader's field definitions in, a JSON Schema out that every valid dataset
meets and invalid ones do not, read as a YAML editor reads the file (YAML 1.2 core types).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from briefing import load
from briefing.catalogue import catalogue
from briefing.cli import main
from briefing.model import QUALIFIERS, chart_kinds
from briefing.schema import WORDS, dataset_schema, field_paths

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
VALID = sorted((ROOT / "data").glob("*.yaml")) + sorted((FIXTURES / "valid").glob("*.yaml"))
VALID += [FIXTURES / "minimal.yaml", FIXTURES / "report-edge.yaml"]


def yaml12(path: Path) -> Any:
    """The file's data as an editor's YAML 1.2 parser sees it: `2025-03-31` stays text, `no` is
    text, `0211` is 211; only null, true/false, integers and floats are resolved.
    """

    def convert(node: Node) -> Any:
        if isinstance(node, MappingNode):
            return {convert(k): convert(v) for k, v in node.value}
        if isinstance(node, SequenceNode):
            return [convert(v) for v in node.value]
        assert isinstance(node, ScalarNode)
        value = node.value
        if node.style:  # quoted or block scalar
            return value
        if value in ("", "~", "null", "Null", "NULL"):
            return None
        if value in ("true", "True", "TRUE", "false", "False", "FALSE"):
            return value.lower() == "true"
        if re.fullmatch(r"[-+]?[0-9]+", value):
            return int(value)
        if re.fullmatch(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", value):
            return float(value)
        return value

    return convert(yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader))


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = dataset_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_every_valid_dataset_meets_the_schema(path, validator):
    load.load_dataset(path)  # the loader accepts it …
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(yaml12(path))
    ]
    assert not errors, errors  # … and so does the schema


INVALID = {
    "misspelt-key.yaml": "Additional properties",
    "unknown-key.yaml": "Additional properties",
    "missing-field.yaml": "is a required property",
    "missing-indicators.yaml": "is a required property",
    "number-as-string.yaml": "is not of type 'number'",
    "hedge-in-value.yaml": "is not of type 'number'",
    "unit-in-value.yaml": "is not of type 'number'",
    "chinese-date.yaml": "does not match",
    "summary-too-long.yaml": "is too long",
    "top-level-list.yaml": "is not of type 'object'",
    "number-as-id.yaml": "is not of type 'string'",
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_datasets_fail_the_schema_too(name, validator):
    path = FIXTURES / "invalid" / name
    with pytest.raises(load.DatasetError):
        load.load_dataset(path)
    messages = [e.message for e in validator.iter_errors(yaml12(path))]
    assert any(INVALID[name] in m for m in messages), messages


def test_relations_need_the_keys_of_their_kind(validator):
    data = yaml12(FIXTURES / "minimal.yaml")
    data["relations"] = [{"id": "r", "kind": "total", "total": "a"}]  # no parts
    assert any("'parts' is a required property" in e.message for e in validator.iter_errors(data))
    data["relations"] = [{"id": "r", "kind": "same", "ids": ["a", "b"], "part": "c"}]
    assert not validator.is_valid(data)  # 'part' belongs to a rate


def test_enums_come_from_the_catalogue_and_the_model():
    defs = dataset_schema()["$defs"]
    indicator = defs["indicator"]["properties"]
    assert indicator["code"]["enum"] == [e.code for e in catalogue().entries]
    assert indicator["qualifier"]["enum"] == list(QUALIFIERS)
    assert defs["chart"]["properties"]["kind"]["enum"] == list(chart_kinds())
    units = indicator["unit"]["anyOf"][0]["enum"]
    assert {"%", "件", "人次"} <= set(units)
    # The limits are the loader's: a summary of an area may hold LIMITS["summary"] characters.
    assert defs["area"]["properties"]["summary"]["maxLength"] == load.LIMITS["summary"]
    assert set(defs["indicator"]["required"]) == {k for k, r in load.INDICATOR_KEYS.items() if r}


def test_every_field_has_words_and_no_words_name_a_missing_field():
    paths = field_paths()
    assert set(WORDS) - {""} == paths
    for title, description in WORDS.values():
        assert re.search("[\u4e00-\u9fff]", title), title
        assert description, title


def test_a_new_key_in_the_loader_reaches_the_schema(monkeypatch):
    # The schema is read from the loader, not kept beside it: a key added there appears here.
    monkeypatch.setitem(load.AREA_KEYS, "owner", False)
    dataset_schema.cache_clear()
    try:
        with pytest.raises(LookupError, match="owner"):
            dataset_schema()  # no converter reads it yet: the schema refuses to guess
    finally:
        dataset_schema.cache_clear()


def test_schema_command_writes_json_to_stdout_and_to_a_file(tmp_path, capsys):
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    target = tmp_path / "dataset.schema.json"
    assert main(["-q", "schema", "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text(encoding="utf-8")) == printed


def test_the_draft_07_dialect_judges_the_same(tmp_path):
    target = tmp_path / "draft-07.json"
    assert main(["schema", "--dialect", "draft-07", "-o", str(target)]) == 0
    schema = json.loads(target.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in schema
    assert "#/$defs/" not in target.read_text(encoding="utf-8")
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    for path in VALID:
        assert validator.is_valid(yaml12(path)), path
    for name in INVALID:
        assert not validator.is_valid(yaml12(FIXTURES / "invalid" / name)), name


def test_schema_runs_as_a_command():
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "schema"], capture_output=True, timeout=60, check=True
    )
    assert json.loads(proc.stdout)["$defs"]["indicator"]["properties"]["value"]["type"] == "number"
