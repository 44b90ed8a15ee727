"""One request to authorize: principal, action, resource, condition keys, and the path it took."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from labkit.policy.principals import Caller, caller_from
from labkit.policy.variables import ContextValue


def _context_value(key: str, value: Any) -> ContextValue:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Sequence):
        return tuple(_context_value(key, item) for item in value)  # type: ignore[misc]
    raise TypeError(
        f"context key {key!r}: value {value!r} is neither a string nor a list of strings"
    )


@dataclass(frozen=True)
class Request:
    """A request as IAM sees it.

    ``principal`` is the caller exactly as authenticated (a role session ARN, an IAM user ARN, a
    service principal name); ``context`` holds the condition keys (key names are
    case-insensitive; multivalued keys are lists). The context is complete: a key that is not in
    it is absent. ``via_endpoint`` says whether the request traverses the VPC interface endpoint
    (only then is the endpoint policy evaluated).
    """

    principal: str
    action: str
    resource: str
    context: Mapping[str, str | Sequence[str]] = field(default_factory=dict)
    via_endpoint: bool = False

    def __post_init__(self) -> None:
        for name in ("principal", "action", "resource"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"Request.{name} must be a string, not {getattr(self, name)!r}")
        if not isinstance(self.context, Mapping):
            raise TypeError("Request.context must be a mapping of condition key -> value(s)")
        given = {str(k): _context_value(str(k), v) for k, v in self.context.items()}
        object.__setattr__(self, "_keys", {k.lower(): v for k, v in given.items()})
        object.__setattr__(self, "context", MappingProxyType(given))

    @property
    def condition_keys(self) -> Mapping[str, ContextValue]:
        """The condition keys, lower-cased, values as ``str`` or ``tuple[str, ...]``."""
        return self._keys  # type: ignore[attr-defined,no-any-return]

    @cached_property
    def action_lower(self) -> str:
        """The action, lower-cased (action names are case-insensitive)."""
        return self.action.lower()

    @cached_property
    def caller(self) -> Caller:
        """The principal split into its layers (session, role, account)."""
        hint = self.condition_keys.get("aws:principalarn")
        return caller_from(self.principal, hint if isinstance(hint, str) else None)

    @cached_property
    def principal_account(self) -> str | None:
        """The caller's account (from its ARN, else ``aws:PrincipalAccount``)."""
        if self.caller.account:
            return self.caller.account
        value = self.condition_keys.get("aws:principalaccount")
        return value if isinstance(value, str) else None

    @cached_property
    def resource_account(self) -> str | None:
        """The resource's account (from its ARN, else ``aws:ResourceAccount``), or ``None``."""
        parts = self.resource.split(":", 5)
        if len(parts) == 6 and parts[0] == "arn" and parts[4] not in ("", "*"):
            return parts[4]
        value = self.condition_keys.get("aws:resourceaccount")
        return value if isinstance(value, str) else None

    @property
    def cross_account(self) -> bool:
        """True if the resource belongs to another account than the caller."""
        mine, theirs = self.principal_account, self.resource_account
        return mine is not None and theirs is not None and mine != theirs

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (the conformance ``request`` shape)."""
        return {
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "viaEndpoint": self.via_endpoint,
            "context": {k: v if isinstance(v, str) else list(v) for k, v in self.context.items()},
        }
