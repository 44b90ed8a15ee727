"""Helpers for the headless widget tests (each test module starts its own real local lab)."""

from __future__ import annotations

import json
from typing import Any


def deny_puts_policy(lab: Any) -> str:
    """The walkthrough policy plus a Deny of PutLogEvents for this account's principals."""
    document = json.loads(lab.policy_text("walkthrough"))
    document["Statement"].append(
        {
            "Sid": "NoPutsFromThisAccount",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "logs:PutLogEvents",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": lab.account_id}},
        }
    )
    return json.dumps(document, indent=2)


def break_colon(text: str, key: str) -> tuple[str, int, int]:
    """``text`` with the ':' after ``"key"`` removed; the (line, column) where JSON then fails.

    The parser stops at the first character after the key that is not ':' (1-based place).
    """
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        marker = f'"{key}":'
        if marker in line:
            at = line.index(marker) + len(marker) - 1  # 0-based index of the colon
            lines[number - 1] = line[:at] + line[at + 1 :]
            rest = lines[number - 1][at:]
            column = at + (len(rest) - len(rest.lstrip())) + 1
            return "\n".join(lines), number, column
    raise AssertionError(f"no {key!r} key in the text")


def svg_texts(markup: str, cls: str | None = None) -> list[str]:
    """The text of every SVG ``<text>`` in ``markup`` (with class ``cls``), tspans joined.

    Parsing also proves the markup is well-formed XML.
    """
    import xml.etree.ElementTree as ET

    root = ET.fromstring(markup)
    return [
        "".join(t.itertext())
        for t in root.iter("{http://www.w3.org/2000/svg}text")
        if cls is None or t.get("class") == cls
    ]
