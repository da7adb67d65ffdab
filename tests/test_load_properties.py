"""Random datasets, YAML documents and bytes → parse_dataset returns a Dataset or raises
DatasetError, nothing else.

Five generators, each bounded to keep the module well under 30 s: valid-shaped datasets with
values swapped for random ones of random types, random YAML token soups, random Unicode text,
random bytes, and random byte edits of a valid file.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.errors import DatasetError, Problem
from briefing.load import parse_dataset
from briefing.model import Dataset

MINIMAL_BYTES = (Path(__file__).parent / "fixtures" / "valid" / "minimal.yaml").read_bytes()
MINIMAL: dict[str, Any] = yaml.safe_load(MINIMAL_BYTES)

# BRIEFING_FUZZ_EXAMPLES=5000 runs a deeper search by hand; the default keeps `make test` quick.
EXAMPLES = int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", "200"))
BOUNDED = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def outcome(raw: bytes) -> Dataset | DatasetError:
    """Parse, letting only DatasetError through as a value; anything else fails the test."""
    try:
        return parse_dataset(raw, "random.yaml")
    except DatasetError as exc:
        error = exc
    assert error.problems, "a DatasetError must carry at least one problem"
    for problem in error.problems:
        assert isinstance(problem, Problem)
        str(problem).encode("utf-8")  # printable: no lone surrogates
        assert "\x1b" not in str(problem)
    return error


# Scalars of every type YAML can express, including the ones that trap YAML 1.1 readers.
TRICKY = st.sampled_from(
    [
        "0211",
        "12:30",
        "no",
        "yes",
        "on",
        "1e3",
        ".nan",
        ".inf",
        "-.inf",
        "~",
        "null",
        "",
        " ",
        "1,313",
        "<b>x</b>",
        "&amp;",
        "\u202e",
        "\u200b",
        "\x00",
        "\x1b[2J",
        "\ud800",
        "📈",
        "𠀀",
        "0x1F",
        "2025-02-30",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    TRICKY,
    st.dates().map(str),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


PATHS = [p for p in _paths(MINIMAL) if p]


@st.composite
def swapped_datasets(draw: st.DrawFn) -> dict[str, Any]:
    """The minimal dataset with a few of its values (or whole sections) replaced, deleted or
    added.
    """
    data = copy.deepcopy(MINIMAL)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(PATHS))
        parent: Any = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            action = draw(st.sampled_from(["swap", "swap", "delete", "add"]))
            if action == "swap":
                parent[path[-1]] = draw(VALUES)
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.text(max_size=10))] = draw(VALUES)
            else:
                parent.append(draw(VALUES))
        except (KeyError, IndexError, TypeError, AttributeError):
            continue  # an earlier edit removed or replaced this path
    return data


@BOUNDED
@given(swapped_datasets())
def test_random_datasets_load_or_raise_dataset_error(data: dict[str, Any]) -> None:
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return  # PyYAML cannot write some values (e.g. lone surrogates); nothing to test
    outcome(text.encode("utf-8", "surrogatepass"))


@BOUNDED
@given(swapped_datasets(), st.sampled_from(["flow", "block", "canonical"]))
def test_random_datasets_in_other_yaml_styles(data: dict[str, Any], style: str) -> None:
    try:
        text = yaml.safe_dump(
            data,
            allow_unicode=False,
            default_flow_style=style == "flow",
            canonical=style == "canonical",
            width=40,
        )
    except yaml.YAMLError:
        return
    outcome(text.encode("utf-8"))


TOKENS = [
    "-",
    "- ",
    ":",
    ": ",
    "? ",
    "&a ",
    "*a",
    "!!str ",
    "!x ",
    "!!python/object:os.system ",
    "[",
    "]",
    "{",
    "}",
    ",",
    '"',
    "'",
    "|",
    ">",
    "#",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "---\n",
    "...\n",
    "\t",
    "  ",
    "\n",
    "\r\n",
    "\ufeff",
    "\x85",
    "\u2028",
    "\x00",
    "meta",
    "indicators",
    "value",
    "label",
    "id",
    "0211",
    "12:30",
    "no",
    "1e3",
    ".nan",
    "示例",
    "<b>",
    "&amp;",
    "\\",
    "\\u202e",
    "\\x00",
    "<<",
    "=",
    "~",
]


@BOUNDED
@given(st.lists(st.sampled_from(TOKENS), max_size=60))
def test_random_yaml_token_soup(tokens: list[str]) -> None:
    outcome("".join(tokens).encode("utf-8", "surrogatepass"))


@BOUNDED
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    outcome(text.encode("utf-8", "surrogatepass"))


@BOUNDED
@given(st.binary(max_size=400))
def test_random_bytes(raw: bytes) -> None:
    outcome(raw)


@BOUNDED
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(MINIMAL_BYTES)),
            st.integers(min_value=0, max_value=3),
            st.binary(max_size=4),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_random_edits_of_a_valid_file(edits: list[tuple[int, int, bytes]]) -> None:
    raw = MINIMAL_BYTES
    for at, cut, insert in edits:
        raw = raw[:at] + insert + raw[at + cut :]
    outcome(raw)
