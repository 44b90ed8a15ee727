"""``Call``: one API call a lab makes as one of its identities (a probe, an exercise's check)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Call:
    """``service`` ``operation`` with ``params``, made as lab identity ``who``.

    ``target`` names what the call is aimed at (log group / stream / bus): with ``who`` and
    ``operation`` it identifies "the same call" across two runs.
    """

    service: str
    operation: str
    params: Mapping[str, Any] = field(default_factory=dict)
    who: str = "instance"
    target: str = ""

    def key(self) -> tuple[str, str, str]:
        """What identifies "the same call" across two runs (for diffs)."""
        return (self.who, self.operation, self.target)
