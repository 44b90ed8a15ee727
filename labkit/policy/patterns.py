"""Wildcard patterns (``*`` any run, ``?`` one character) turned into regular expressions.

Text is handled as *chunks*: ``(text, wild)`` pairs where ``wild`` says whether ``*`` and ``?``
in that text are wildcards (policy text) or literal characters (an escape such as ``${*}`` or the
value a policy variable resolved to).

The expressions never backtrack badly, whatever a policy author writes (``*a*a*a*…b`` against a
long value would take exponential time as a naive ``.*a.*a…`` regex): a pattern is split at its
``*`` into fixed-length pieces; the first must match at the start, the last at the end, and each
middle piece at its leftmost place, committed with an atomic group. For fixed-length pieces the
leftmost choice loses no match, so the result equals full wildcard matching, in linear time per
piece.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

Chunk = tuple[str, bool]

ANY_RUN = ".*"
ANY_ONE = "."
SEGMENT_RUN = "[^:]*"
SEGMENT_ONE = "[^:]"


def wildcard_source(text: str, run: str = ANY_RUN, one: str = ANY_ONE) -> str:
    """Regex source for ``text`` with ``*`` and ``?`` as wildcards."""
    return chunks_source([(text, True)], run, one)


def chunks_source(chunks: Iterable[Chunk], run: str = ANY_RUN, one: str = ANY_ONE) -> str:
    """Regex source for chunks: wildcards only in ``wild`` chunks (see the module doc)."""
    pieces: list[list[str]] = [[]]
    for text, wild in chunks:
        if not wild:
            pieces[-1].append(re.escape(text))
            continue
        for char in text:
            if char == "*":
                pieces.append([])
            elif char == "?":
                pieces[-1].append(one)
            else:
                pieces[-1].append(re.escape(char))
    if len(pieces) == 1:
        return "".join(pieces[0])
    first, *middle, last = ("".join(piece) for piece in pieces)
    lazy = run + "?"
    body = "".join(f"(?>{lazy}{piece})" for piece in middle if piece)
    return f"{first}{body}{run}{last}"


def has_wildcard(text: str) -> bool:
    """True if ``text`` contains ``*`` or ``?``."""
    return "*" in text or "?" in text


def split_arn_chunks(chunks: Sequence[Chunk]) -> list[list[Chunk]]:
    """Split chunks into at most six ARN components at the first five colons."""
    segments: list[list[Chunk]] = [[]]
    for text, wild in chunks:
        while len(segments) < 6 and ":" in text:
            head, text = text.split(":", 1)
            segments[-1].append((head, wild))
            segments.append([])
        segments[-1].append((text, wild))
    return segments


def arn_source(chunks: Sequence[Chunk], *, fold_prefix: bool) -> str:
    """Regex source matching an ARN component by component.

    The first five components (``arn``, partition, service, region, account) are matched each on
    its own, so a wildcard there never crosses a colon; the last component present (the resource
    part) is matched as a whole, so ``*`` there does cross colons. ``fold_prefix`` makes the
    first five components case-insensitive.
    """
    segments = split_arn_chunks(chunks)
    parts = []
    for index, segment in enumerate(segments):
        if index == len(segments) - 1:
            parts.append(chunks_source(segment))
            continue
        source = chunks_source(segment, SEGMENT_RUN, SEGMENT_ONE)
        parts.append(f"(?i:{source})" if fold_prefix and source else source)
    return ":".join(parts)


def compile_any(sources: Iterable[str], *, ignore_case: bool = False) -> re.Pattern[str]:
    """One pattern that fully matches any of ``sources`` (use with ``fullmatch``)."""
    unique = list(dict.fromkeys(sources))
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    if len(unique) == 1:
        return re.compile(unique[0], flags)
    return re.compile("|".join(f"(?:{s})" for s in unique), flags)
