"""EC2 query-protocol parameters (``Action=…&SubnetId.1=…``) as a small typed view."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl

from labkit.local.front.ec2.errors import invalid_boolean


class QueryParams:
    """Form-encoded EC2 parameters (body or query string)."""

    def __init__(self, pairs: Mapping[str, str]) -> None:
        self._pairs = dict(pairs)

    @classmethod
    def parse(cls, body: bytes, query: str = "") -> QueryParams:
        """Parse a request's query string and form body (the body wins on repeats)."""
        pairs = dict(parse_qsl(query, keep_blank_values=True))
        pairs.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return cls(pairs)

    @property
    def action(self) -> str:
        """The ``Action`` parameter ('' when absent)."""
        return self._pairs.get("Action", "")

    def get(self, name: str) -> str | None:
        """A scalar parameter."""
        return self._pairs.get(name)

    def list(self, name: str) -> list[str]:
        """A list parameter sent as ``Name.1``, ``Name.2``… (in index order)."""
        pattern = re.compile(rf"^{re.escape(name)}\.(\d+)$")
        found = sorted(
            (int(m.group(1)), value)
            for key, value in self._pairs.items()
            if (m := pattern.match(key))
        )
        return [value for _, value in found]

    def boolean(self, name: str) -> bool | None:
        """A boolean parameter; None when absent. Raises Ec2Error for anything but true/false."""
        raw = self._pairs.get(name)
        if raw is None:
            return None
        lowered = raw.strip().lower()
        if lowered not in ("true", "false"):
            raise invalid_boolean(name, raw)
        return lowered == "true"
