"""Can a policy Resource pattern ever match an ARN of a given form?

A *form* is an ARN template with ``${Name}`` placeholders (each one or more characters) or
``*`` (the literal resource of actions without a resource type). A *pattern* is a policy value
given as pieces: ``(text, wild)`` chunks (``*``/``?`` are wildcards when ``wild``) and ``None``
for a policy variable (any text). Both are split into ARN components at the first five colons,
as IAM matches them: a wildcard never crosses a colon in the first five components, the last
component present is matched as a whole, and the first five ignore case.

The answer is exact: it asks whether the two patterns share a string, by searching the product
of their automata, so "no" means no ARN of that form can ever match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

Piece = tuple[str, bool] | None
_CHAR, _ONE, _STAR = 0, 1, 2
Token = tuple[int, str, frozenset[str]]  # (kind, char for _CHAR, characters excluded)

_NO_EXCLUSION: frozenset[str] = frozenset()
_COLON: frozenset[str] = frozenset(":")
# Placeholders that never hold a colon: ARN components, and the names CloudWatch Logs and
# EventBridge allow (log group, log stream, bus and rule names exclude ':').
_NO_COLON_PLACEHOLDERS = frozenset(
    {"Partition", "Region", "Account", "LogGroupName", "LogStreamName", "EventBusName", "RuleName"}
)
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z]+)\}")


def _split_components(tokens: list[Token | str]) -> list[list[Token]]:
    """Split at the first five ':' markers (strings in the list) into ARN components."""
    components: list[list[Token]] = [[]]
    for token in tokens:
        if isinstance(token, str) and len(components) < 6:
            components.append([])
        elif isinstance(token, str):
            components[-1].append((_CHAR, ":", _NO_EXCLUSION))
        else:
            components[-1].append(token)
    return components


def _pattern_tokens(pieces: Sequence[Piece]) -> list[Token | str]:
    tokens: list[Token | str] = []
    for piece in pieces:
        if piece is None:
            tokens.append((_STAR, "", _NO_EXCLUSION))
            continue
        text, wild = piece
        for char in text:
            if char == ":":
                tokens.append(":")
            elif wild and char == "*":
                tokens.append((_STAR, "", _NO_EXCLUSION))
            elif wild and char == "?":
                tokens.append((_ONE, "", _NO_EXCLUSION))
            else:
                tokens.append((_CHAR, char, _NO_EXCLUSION))
    return tokens


@cache
def _form_components(form: str) -> tuple[tuple[Token, ...], ...]:
    tokens: list[Token | str] = []
    for index, part in enumerate(_PLACEHOLDER.split(form)):
        if index % 2:
            excluded = _COLON if part in _NO_COLON_PLACEHOLDERS else _NO_EXCLUSION
            tokens.extend([(_ONE, "", excluded), (_STAR, "", excluded)])
            continue
        tokens.extend(":" if char == ":" else (_CHAR, char, _NO_EXCLUSION) for char in part)
    return tuple(tuple(component) for component in _split_components(tokens))


def _compatible(a: Token, b: Token, fold: bool) -> bool:
    """True if some single character satisfies both tokens."""
    if a[0] == _CHAR and b[0] == _CHAR:
        return a[1].lower() == b[1].lower() if fold else a[1] == b[1]
    if a[0] == _CHAR:
        return a[1] not in b[2] and (not fold or a[1].lower() not in b[2])
    if b[0] == _CHAR:
        return b[1] not in a[2] and (not fold or b[1].lower() not in a[2])
    return True  # two character classes that each exclude a few characters always overlap


def _intersects(left: Sequence[Token], right: Sequence[Token], fold: bool) -> bool:
    """True if the two token sequences accept a common string."""
    end = (len(left), len(right))
    seen: set[tuple[int, int]] = set()
    stack = [(0, 0)]
    while stack:
        state = stack.pop()
        if state in seen:
            continue
        seen.add(state)
        if state == end:
            return True
        i, j = state
        a = left[i] if i < len(left) else None
        b = right[j] if j < len(right) else None
        if a is not None and a[0] == _STAR:
            stack.append((i + 1, j))
        if b is not None and b[0] == _STAR:
            stack.append((i, j + 1))
        if a is not None and b is not None and _compatible(a, b, fold):
            stack.append((i if a[0] == _STAR else i + 1, j if b[0] == _STAR else j + 1))
    return False


def pattern_can_match(pieces: Sequence[Piece], form: str) -> bool:
    """True if some ARN of ``form`` matches the policy pattern given as ``pieces``."""
    return _can_match(tuple(pieces), form)


@lru_cache(maxsize=8192)
def _can_match(pieces: tuple[Piece, ...], form: str) -> bool:
    pattern = _split_components(_pattern_tokens(pieces))
    if form == "*":
        literal_star = [(_CHAR, "*", _NO_EXCLUSION)]
        return len(pattern) == 1 and _intersects(pattern[0], literal_star, fold=False)
    target = [list(component) for component in _form_components(form)]
    if len(pattern) > len(target):
        return False
    last = len(pattern) - 1
    for index in range(last):
        if not _intersects(pattern[index], target[index], fold=True):
            return False
    rest: list[Token] = []
    for index in range(last, len(target)):
        if index > last:
            rest.append((_CHAR, ":", _NO_EXCLUSION))
        rest.extend(target[index])
    return _intersects(pattern[last], rest, fold=False)


def text_pieces(text: str) -> list[Piece]:
    """A plain policy value (no variables) as pieces."""
    return [(text, True)]
