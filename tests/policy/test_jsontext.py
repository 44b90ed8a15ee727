"""The located JSON reader: values, places, duplicate keys kept, precise syntax errors."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labkit.policy.jsontext import MAX_DEPTH, JsonSyntaxError, LineIndex, parse


def test_values_and_offsets() -> None:
    text = '{\n  "a": [1, -2.5e3, true, false, null, "x\\u00e9"]\n}'
    node = parse(text)
    assert node.kind == "object" and node.offset == 0
    key, value = node.value[0]
    assert (key.value, key.offset) == ("a", 4)
    assert [item.kind for item in value.value] == [
        "number",
        "number",
        "bool",
        "bool",
        "null",
        "string",
    ]
    assert node.plain() == {"a": [1, -2500.0, True, False, None, "xé"]}
    assert LineIndex(text).position(key.offset) == (2, 3)


def test_duplicate_keys_are_kept() -> None:
    node = parse('{"a": 1, "a": 2}')
    assert [k.value for k, _ in node.value] == ["a", "a"]


@pytest.mark.parametrize(
    ("text", "offset", "reason", "path"),
    [
        ("", 0, "the document is empty", ""),
        ("{", 1, 'expected a "key"', ""),
        ('{"a": 1,}', 8, "trailing comma", ""),
        ('{"a": [1, 2,]}', 12, "trailing comma before ']'", "a"),
        ("{'a': 1}", 1, 'expected a "key"', ""),
        ("{\"a\": 'x'}", 6, "single quotes are not JSON", "a"),
        ('{"a" 1}', 5, "expected ':'", "a"),
        ('{"a": 1} x', 9, "after the end of the JSON document", ""),
        ('{"a": tru}', 6, "where a value was expected", "a"),
        ('{"a": "x\ny"}', 8, "invalid control character", "a"),
        ('{"a": "x', 6, "unterminated string", "a"),
        ('{"a": 01}', 7, "expected ',' or '}'", ""),
        ('{"a": NaN}', 6, "where a value was expected", "a"),
        ('{"a": [1 2]}', 9, "expected ',' or ']'", "a"),
        ('{"S": [{"E": "A",, }]}', 17, 'expected a "key"', "S[0]"),
    ],
)
def test_syntax_errors_say_where(text: str, offset: int, reason: str, path: str) -> None:
    with pytest.raises(JsonSyntaxError) as caught:
        parse(text)
    assert caught.value.offset == offset
    assert reason in caught.value.reason
    assert caught.value.path == path
    assert caught.value.hint


def test_depth_is_limited() -> None:
    with pytest.raises(JsonSyntaxError, match="nested more than"):
        parse("[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2))
    assert parse("[" * MAX_DEPTH + "]" * MAX_DEPTH).kind == "array"


def test_line_index_counts_characters_not_bytes() -> None:
    index = LineIndex("é\n  x")
    assert index.position(0) == (1, 1)
    assert index.position(4) == (2, 3)


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_JSON, st.sampled_from([None, 2]))
def test_reads_what_json_writes(value: object, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)
    assert parse(text).plain() == json.loads(text)
