"""Fuzz: thousands of generated malformed policies are each refused with a PolicyValidationError
that names a place (line, column, path) inside the text, and never with another exception."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import pytest

from labkit.policy import PolicyValidationError, check_policy, parse_policy
from labkit.policy.conditions import UnknownOperator, parse_operator

PER_MUTATION = 180
JUNK = "#@!;%&|^~`x"

BASES: list[tuple[str, dict[str, Any]]] = [
    (
        "identity",
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:*"], "Resource": "*"},
                {
                    "Effect": "Deny",
                    "Action": "logs:*",
                    "Resource": "*",
                    "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f6a7b8"}},
                },
            ],
        },
    ),
    (
        "vpc-endpoint",
        {
            "Statement": [
                {
                    "Action": "*",
                    "Effect": "Allow",
                    "Resource": [
                        "arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-allowed:*"
                    ],
                    "Principal": "*",
                }
            ]
        },
    ),
    (
        "vpc-endpoint",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ["111122223333", "arn:aws:iam::111122223333:role/r"]},
                    "Action": "logs:*",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"},
                        "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]},
                    },
                }
            ],
        },
    ),
    (
        "resource",
        {
            "Version": "2012-10-17",
            "Statement": {
                "Sid": "AllowAccountA",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "events:PutEvents",
                "Resource": "arn:aws:events:ap-northeast-1:444455556666:event-bus/central",
            },
        },
    ),
    (
        "scp",
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "logs:PutRetentionPolicy", "Resource": "*"}],
        },
    ),
]


def render(doc: Any, rng: random.Random) -> str:
    return json.dumps(doc, indent=rng.choice([None, 2, 4]))


def statements_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    value = doc["Statement"]
    return value if isinstance(value, list) else [value]


def pick_statement(doc: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    return rng.choice(statements_of(doc))


def word(rng: random.Random, size: int = 6) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEF") for _ in range(size))


def outside_string_positions(text: str) -> list[int]:
    """Offsets of characters that are not inside a JSON string (quotes count as outside)."""
    positions, inside, escaped = [], False, False
    for index, char in enumerate(text):
        if inside:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                inside = False
                positions.append(index)
            continue
        positions.append(index)
        if char == '"':
            inside = True
    return positions


def string_positions(text: str) -> list[int]:
    outside = set(outside_string_positions(text))
    return [i for i in range(len(text)) if i not in outside]


Mutation = Callable[[str, dict[str, Any], random.Random], tuple[str | bytes | dict[str, Any], str]]


def semantic(change: Callable[[dict[str, Any], random.Random, str], str | None]) -> Mutation:
    def mutate(kind: str, doc: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
        new_kind = change(doc, rng, kind) or kind
        return (render(doc, rng) if rng.random() < 0.7 else doc), new_kind

    return mutate


def _drop(key: str) -> Callable[[dict[str, Any], random.Random, str], None]:
    def change(doc: dict[str, Any], rng: random.Random, kind: str) -> None:
        statement = pick_statement(doc, rng)
        for name in (key, "Not" + key):
            statement.pop(name, None)

    return change


def _set(key: str, values: list[Any]) -> Callable[[dict[str, Any], random.Random, str], None]:
    def change(doc: dict[str, Any], rng: random.Random, kind: str) -> None:
        pick_statement(doc, rng)[key] = rng.choice(values) if values else word(rng)

    return change


def _both(key: str) -> Callable[[dict[str, Any], random.Random, str], None]:
    def change(doc: dict[str, Any], rng: random.Random, kind: str) -> None:
        statement = pick_statement(doc, rng)
        statement.setdefault(key, "*")
        statement["Not" + key] = "*"

    return change


def _unknown_top(doc: dict[str, Any], rng: random.Random, kind: str) -> None:
    doc[rng.choice(["Versions", "statement", "Statements", "Policy", word(rng)])] = "x"


def _unknown_element(doc: dict[str, Any], rng: random.Random, kind: str) -> None:
    pick_statement(doc, rng)[
        rng.choice(["Actions", "effect", "Resources", "Conditions", word(rng)])
    ] = "*"


def _bad_version(doc: dict[str, Any], rng: random.Random, kind: str) -> None:
    doc["Version"] = rng.choice(
        ["2012-10-18", "2008-10-17 ", "", 2012, None, ["2012-10-17"], word(rng)]
    )


def _bad_operator(doc: dict[str, Any], rng: random.Random, kind: str) -> None:
    while True:
        name = rng.choice(
            ["StringEqual", "ForAny:StringEquals", "IpAddressIfExist", "NullIfExists", word(rng, 8)]
        )
        try:
            parse_operator(name)
        except UnknownOperator:
            break
    pick_statement(doc, rng)["Condition"] = {name: {"aws:SourceVpce": "v"}}


def _bad_condition_value(doc: dict[str, Any], rng: random.Random, kind: str) -> None:
    pick_statement(doc, rng)["Condition"] = {
        "StringEquals": {"aws:SourceVpce": rng.choice([None, {}, {"a": "b"}, [], [None], [["x"]]])}
    }


def _bad_condition_block(doc: dict[str, Any], rng: random.Random, kind: str) -> None:
    pick_statement(doc, rng)["Condition"] = rng.choice(
        [[], "StringEquals", 3, {"StringEquals": "x"}, {"Bool": []}]
    )


def _bad_statement(doc: dict[str, Any], rng: random.Random, kind: str) -> None:
    doc["Statement"] = rng.choice(["Allow", 1, None, True, [1], ["x"], [[{}]]])


def _principal_rules(doc: dict[str, Any], rng: random.Random, kind: str) -> str:
    statement = pick_statement(doc, rng)
    if kind in ("identity", "scp"):
        statement["Principal"] = "*"
        return kind
    choice = rng.randrange(4)
    if choice == 0:
        statement.pop("Principal", None)
        statement.pop("NotPrincipal", None)
    elif choice == 1:
        statement.pop("Principal", None)
        statement["Effect"] = "Allow"
        statement["NotPrincipal"] = {"AWS": "111122223333"}
    elif choice == 2:
        statement["Principal"] = {
            "AWS": rng.choice(["arn:aws:iam::111122223333:role/app-*", "alice", "12345", ""])
        }
    else:
        statement["Principal"] = rng.choice(["everyone", {"Users": "x"}, {}, {"AWS": []}, 5])
    return kind


def _wrong_root(kind: str, doc: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    return json.dumps(rng.choice([[doc], "policy", 42, None, True, []])), kind


def _truncate(kind: str, doc: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    text = render(doc, rng)
    return text[: rng.randrange(0, len(text))], kind


def _replace_structure(kind: str, doc: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    text = render(doc, rng)
    positions = [i for i in outside_string_positions(text) if not text[i].isspace()]
    index = rng.choice(positions)
    return text[:index] + rng.choice(JUNK) + text[index + 1 :], kind


def outside_gaps(text: str) -> list[int]:
    """Offsets i such that inserting before text[i] puts the insertion outside any string."""
    gaps, inside, escaped = [0], False, False
    for index, char in enumerate(text):
        if inside:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                inside = False
        elif char == '"':
            inside = True
        if not inside:
            gaps.append(index + 1)
    return gaps


def _insert_junk(kind: str, doc: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    text = render(doc, rng)
    index = rng.choice(outside_gaps(text))
    return text[:index] + rng.choice(JUNK) + text[index:], kind


def _trailing_comma(kind: str, doc: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    text = render(doc, rng)
    closers = [i for i in outside_string_positions(text) if text[i] in "]}"]
    index = rng.choice(closers)
    return text[:index] + "," + text[index:], kind


def _single_quotes(kind: str, doc: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    text = render(doc, rng)
    keys = [k for k in ("Statement", "Effect", "Action", "Resource") if f'"{k}"' in text]
    key = rng.choice(keys)
    return text.replace(f'"{key}"', f"'{key}'", 1), kind


def _bad_escape(kind: str, doc: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    text = render(doc, rng)
    index = rng.choice(string_positions(text))
    return text[:index] + rng.choice(["\\x", "\\u12G", "\\uZZZZ", "\n", "\t", "\x01"]) + text[
        index:
    ], kind


def _duplicate_key(kind: str, doc: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    statement = pick_statement(doc, rng)
    key = rng.choice(sorted(statement))
    if rng.random() < 0.3 and "Statement" in doc:
        duplicate = f'"Statement": {json.dumps(doc["Statement"])}, '
        return "{" + duplicate + json.dumps(doc)[1:], kind
    body = json.dumps(statement)
    statement_text = "{" + f"{json.dumps(key)}: {json.dumps(statement[key])}, " + body[1:]
    rest = {k: v for k, v in doc.items() if k != "Statement"}
    prefix = json.dumps(rest)[:-1] + (", " if rest else "")
    return prefix + '"Statement": [' + statement_text + "]}", kind


def _too_deep(kind: str, doc: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    depth = rng.randrange(65, 200)
    nested = "[" * depth + '"*"' + "]" * depth
    return json.dumps(doc)[:-1] + f', "Id": {nested}' + "}", kind


def _bad_bytes(kind: str, doc: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    data = render(doc, rng).encode()
    index = rng.randrange(len(data))
    return data[:index] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80"]) + data[index:], kind


def _too_large(kind: str, doc: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    endpoint = rng.choice([base for base_kind, base in BASES if base_kind == "vpc-endpoint"])
    text = json.dumps(endpoint, indent=2)
    padding = 20_481 - len(text) + rng.randrange(0, 500)
    return text[:-1] + " " * padding + "}", "vpc-endpoint"


def _empty_text(kind: str, doc: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    return rng.choice(["", " ", "\n\t", "\ufeff{}", "{}", "[]"]), kind


MUTATIONS: dict[str, Mutation] = {
    "drop-effect": semantic(_drop("Effect")),
    "bad-effect": semantic(_set("Effect", ["allow", "DENY", "", 1, None, [], {}, "Allow "])),
    "action-and-notaction": semantic(_both("Action")),
    "drop-action": semantic(_drop("Action")),
    "resource-and-notresource": semantic(_both("Resource")),
    "drop-resource": semantic(_drop("Resource")),
    "bad-resource": semantic(_set("Resource", ["log-group:x", "arn", "*x", "", [], ["ok", 1]])),
    "bad-action": semantic(
        _set("Action", ["PutLogEvents", "", ":x", [], [1], {"a": 1}, "logs PutLogEvents"])
    ),
    "unknown-top-level": semantic(_unknown_top),
    "unknown-element": semantic(_unknown_element),
    "bad-version": semantic(_bad_version),
    "unknown-operator": semantic(_bad_operator),
    "bad-condition-value": semantic(_bad_condition_value),
    "bad-condition-block": semantic(_bad_condition_block),
    "bad-statement": semantic(_bad_statement),
    "principal-rules": semantic(_principal_rules),
    "bad-sid": semantic(_set("Sid", [1, None, [], {}])),
    "wrong-root": _wrong_root,
    "truncated": _truncate,
    "structure-replaced": _replace_structure,
    "junk-inserted": _insert_junk,
    "trailing-comma": _trailing_comma,
    "single-quotes": _single_quotes,
    "bad-escape": _bad_escape,
    "duplicate-key": _duplicate_key,
    "too-deep": _too_deep,
    "bad-utf8": _bad_bytes,
    "too-large": _too_large,
    "empty-or-not-a-policy": _empty_text,
}


def check_refusal(source: Any, kind: str) -> PolicyValidationError:
    with pytest.raises(PolicyValidationError) as caught:
        parse_policy(source, kind=kind)  # type: ignore[arg-type]
    err = caught.value
    text = (
        source
        if isinstance(source, str)
        else (
            source.decode("utf-8", "replace")
            if isinstance(source, bytes)
            else json.dumps(source, indent=2)
        )
    )
    lines = text.split("\n")
    assert (
        isinstance(err.line, int) and isinstance(err.column, int) and isinstance(err.path, str)
    ), err
    assert 1 <= err.line <= len(lines), err
    assert 1 <= err.column <= len(lines[err.line - 1]) + 1, err
    assert err.reason and err.hint and f"line {err.line}, column {err.column}" in str(err)
    assert err.code == (
        "InvalidPolicyDocument" if kind == "vpc-endpoint" else "MalformedPolicyDocument"
    )
    found = check_policy(source, kind=kind)  # type: ignore[arg-type]
    assert any(f.severity == "error" for f in found)
    return err


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_malformed_policies_are_refused_with_a_place(name: str) -> None:
    mutate = MUTATIONS[name]
    refused = 0
    for seed in range(PER_MUTATION):
        rng = random.Random(f"{name}-{seed}")
        kind, base = rng.choice(BASES)
        source, kind = mutate(kind, json.loads(json.dumps(base)), rng)
        try:
            check_refusal(source, kind)
        except AssertionError as failure:
            raise AssertionError(f"{name} seed {seed} ({kind}): {source!r}") from failure
        refused += 1
    assert refused == PER_MUTATION


def test_the_fuzz_corpus_has_at_least_5000_documents() -> None:
    assert len(MUTATIONS) * PER_MUTATION >= 5000
