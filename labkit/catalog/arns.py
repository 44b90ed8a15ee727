"""ARN helpers: partitions, parsing, and filling Service Authorization Reference templates."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Region prefixes of the non-commercial partitions (AWS General Reference, "ARN format").
_PARTITIONS: tuple[tuple[str, str], ...] = (
    ("cn-", "aws-cn"),
    ("us-gov-", "aws-us-gov"),
    ("us-isob-", "aws-iso-b"),
    ("us-iso-", "aws-iso"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-isof-", "aws-iso-f"),
)

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z]+)\}")

# What a placeholder may hold when we recognise an ARN by its template. A rule name has no "/",
# which tells rule/NAME (default bus) from rule/BUS/NAME (custom bus).
_PLACEHOLDER_CLASS = {"RuleName": "[^:/]+"}


def partition_for(region: str) -> str:
    """The ARN partition of a Region (``aws`` unless the Region belongs to another partition)."""
    for prefix, partition in _PARTITIONS:
        if region.startswith(prefix):
            return partition
    return "aws"


@dataclass(frozen=True, slots=True)
class Arn:
    """The six colon-separated parts of an ARN; ``resource`` is everything after the fifth colon."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def parse_arn(text: str) -> Arn | None:
    """Split ``text`` into ARN parts, or None when it is not an ARN."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2]:
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def fill_template(template: str, values: dict[str, str]) -> str:
    """Replace each ``${Name}`` in a Service Authorization Reference ARN template."""

    def replace(match: re.Match[str]) -> str:
        return values[match.group(1)]

    return _PLACEHOLDER.sub(replace, template)


def template_regex(template: str) -> re.Pattern[str]:
    """A regex that matches ARNs of a template (a placeholder: one or more non-colon chars)."""
    parts = _PLACEHOLDER.split(template)
    pieces = [
        re.escape(part) if index % 2 == 0 else _PLACEHOLDER_CLASS.get(part, "[^:]+")
        for index, part in enumerate(parts)
    ]
    return re.compile("".join(pieces))
