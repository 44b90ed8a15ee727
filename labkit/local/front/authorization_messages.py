"""EC2's encoded authorization failure messages, and decoding them for DecodeAuthorizationMessage.

On AWS the blob is opaque: only ``sts:DecodeAuthorizationMessage`` reads it (aws-facts-2026
§3.6–3.8). The lab's choice (docs/fidelity/local-control.md): the decoded document is JSON in the
shape real decoded messages have (§3.7: ``allowed``, ``explicitDeny``, ``matchedStatements``,
``failures``, ``context`` with ``principal``, ``action``, ``resource`` and ``conditions``),
compressed with zlib, followed by a 32-byte HMAC-SHA256 under a secret of the lab process, and
written in URL-safe base64 without padding. The lab keeps no state: any lab process decodes its
own messages, and a blob it did not make (or one altered) is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

MAC_BYTES = 32


class InvalidAuthorizationMessage(ValueError):
    """A blob this lab did not encode, or one altered since."""


class AuthorizationMessages:
    """Encodes and decodes one lab's authorization failure messages."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def encode(self, document: Mapping[str, Any]) -> str:
        """The opaque blob for ``document``."""
        packed = zlib.compress(json.dumps(document, separators=(",", ":")).encode("utf-8"), 9)
        mac = hmac.new(self._secret, packed, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(packed + mac).decode("ascii").rstrip("=")

    def decode(self, blob: str) -> str:
        """The JSON text of a blob this lab encoded; :class:`InvalidAuthorizationMessage` else."""
        text = blob.strip()
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (ValueError, TypeError):
            raise InvalidAuthorizationMessage("not base64") from None
        packed, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
        expected = hmac.new(self._secret, packed, hashlib.sha256).digest()
        if len(raw) <= MAC_BYTES or not hmac.compare_digest(mac, expected):
            raise InvalidAuthorizationMessage("not a message of this lab")
        try:
            return zlib.decompress(packed).decode("utf-8")
        except (zlib.error, UnicodeDecodeError):
            raise InvalidAuthorizationMessage("damaged") from None


def _items(values: Sequence[Any]) -> dict[str, list[Any]]:
    return {"items": list(values)}


def decoded_document(
    *,
    allowed: bool,
    explicit_deny: bool,
    principal_arn: str,
    principal_id: str | None,
    action: str,
    resource: str,
    context: Mapping[str, Any],
    matched: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """A decoded message in the shape AWS's decoded messages have (aws-facts-2026 §3.7)."""
    conditions = []
    for key, value in sorted(context.items()):
        values = [value] if isinstance(value, str) else list(value)
        conditions.append({"key": key, "values": _items([{"value": v} for v in values])})
    principal: dict[str, str] = {"arn": principal_arn}
    if principal_id:
        principal["id"] = principal_id
    return {
        "allowed": allowed,
        "explicitDeny": explicit_deny,
        "matchedStatements": _items(list(matched)),
        "failures": _items([]),
        "context": {
            "principal": principal,
            "action": action,
            "resource": resource,
            "conditions": _items(conditions),
        },
    }


def matched_statement(statement: Any) -> dict[str, Any]:
    """A matched (Deny) statement as decoded messages list it (code id 20131091637)."""
    principal = getattr(statement, "principal", None)
    principals = [] if principal is None else [{"value": str(principal.raw)}]
    return {
        "statementId": statement.sid or "",
        "effect": statement.effect.upper(),
        "principals": _items(principals),
        "principalGroups": _items([]),
        "actions": _items([{"value": a} for a in statement.action.patterns]),
        "resources": _items([{"value": r} for r in statement.resource.patterns]),
        "conditions": _items([]),
    }
