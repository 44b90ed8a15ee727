"""Rules that apply to VPC endpoint policies on top of the policy grammar.

* The document may be at most 20,480 characters, white space included (an error, as on AWS;
  measured before reading, with every other policy type's limit, in :mod:`labkit.policy.limits`).
* The newer restrictions of the AWS PrivateLink guide ("Considerations"), reported as warnings
  because AWS does not say whether it refuses such a document or merely never matches it:
  (a) no wildcards and no numeric operators with global keys that carry system-generated
  identifiers; (b) with string operators, at least six consecutive characters before or after
  each wildcard; (c) the account part of an ARN is an account ID or a wildcard, not a mix.

The readers in :mod:`labkit.policy.parse_elements` call these for every value they read.
"""

from __future__ import annotations

from collections.abc import Iterable

from labkit.policy.conditions.base import OperatorSpec
from labkit.policy.jsontext import Node
from labkit.policy.limits import VPC_ENDPOINT
from labkit.policy.patterns import has_wildcard
from labkit.policy.reading import Reader

MAX_CHARACTERS = VPC_ENDPOINT.characters
MIN_LITERAL_RUN = 6

#: Global keys whose values are identifiers AWS generates (accounts, orgs, VPCs, endpoints).
SYSTEM_ID_KEYS = frozenset(
    {
        "aws:principalaccount",
        "aws:principalorgid",
        "aws:resourceaccount",
        "aws:resourceorgid",
        "aws:sourceaccount",
        "aws:sourceorgid",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourcevpcarn",
        "aws:vpceaccount",
        "aws:vpceorgid",
    }
)


def check_resource_value(reader: Reader, value: str, node: Node, path: str) -> None:
    """Rule (c) for one Resource/NotResource value."""
    _check_account_part(reader, value, node, path)


def check_condition_value(
    reader: Reader, spec: OperatorSpec, key: str, value: str, node: Node, path: str
) -> None:
    """Rules (a), (b) and (c) for one condition value."""
    system_key = key.lower() in SYSTEM_ID_KEYS
    if system_key and spec.family == "Numeric":
        reader.warn(
            "system-id-numeric",
            node,
            path,
            f"{key} holds a system-generated identifier: an endpoint policy cannot use numeric "
            "operators with it",
            "compare it with StringEquals",
        )
    elif system_key and has_wildcard(value):
        reader.warn(
            "system-id-wildcard",
            node,
            path,
            f"{key} holds a system-generated identifier: an endpoint policy cannot use wildcards "
            f"with it ({value!r})",
            "list the exact values",
        )
    elif spec.family == "String" and spec.wildcards and short_wildcard(value):
        reader.warn(
            "short-wildcard",
            node,
            path,
            f"{value!r}: an endpoint policy needs at least {MIN_LITERAL_RUN} consecutive "
            "characters before or after each wildcard",
            "make the fixed text around each wildcard longer",
        )
    if value.startswith("arn:"):
        _check_account_part(reader, value, node, path)


def short_wildcard(value: str) -> bool:
    """True if some wildcard has fewer than six literal characters both before and after it."""
    for position, char in enumerate(value):
        if char not in "*?":
            continue
        before = _literal_run(reversed(value[:position]))
        after = _literal_run(value[position + 1 :])
        if before < MIN_LITERAL_RUN and after < MIN_LITERAL_RUN:
            return True
    return False


def _literal_run(chars: Iterable[str]) -> int:
    count = 0
    for char in chars:
        if char in "*?":
            break
        count += 1
    return count


def _check_account_part(reader: Reader, arn: str, node: Node, path: str) -> None:
    parts = arn.split(":", 5)
    if len(parts) < 5:
        return
    account = parts[4]
    if has_wildcard(account) and account != "*":
        reader.warn(
            "account-wildcard-mix",
            node,
            path,
            f"{arn!r}: the account part {account!r} mixes an account ID and wildcards",
            "use a full 12-digit account ID or a lone *",
        )
