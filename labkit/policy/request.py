"""One request to authorize: principal, action, resource, condition keys, and the path it took."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from labkit.policy.principals import ParsedPrincipal, parse_principal
from labkit.policy.variables import ContextValue

_NOT_YET: Any = object()
#: The account field of AWS managed policy ARNs (``arn:aws:iam::aws:policy/...``). No customer
#: account owns them and an IAM policy has no resource-based policy, so a request on one is
#: decided by the caller's own policies, never as a cross-account request ("What are AWS
#: managed policies?"; aws-facts-2026 §4.1-4.2).
AWS_OWNED = "aws"


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


def _slot_names(cls: type) -> list[str]:
    """Every slot of ``cls`` and its bases (a frozen slots dataclass has no ``__dict__``)."""
    names: list[str] = []
    for klass in cls.__mro__:
        names.extend(n for n in getattr(klass, "__slots__", ()) if n not in names)
    return names


@dataclass(frozen=True, slots=True)
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
    _keys: dict[str, ContextValue] = field(init=False, repr=False, compare=False)
    _action_lower: str = field(init=False, repr=False, compare=False)
    _parsed_principal: ParsedPrincipal = field(
        init=False, repr=False, compare=False, default=_NOT_YET
    )
    _accounts: tuple[str | None, str | None] = field(
        init=False, repr=False, compare=False, default=_NOT_YET
    )

    def __post_init__(self) -> None:
        principal, action, resource, context = (
            self.principal,
            self.action,
            self.resource,
            self.context,
        )
        if not (
            isinstance(principal, str) and isinstance(action, str) and isinstance(resource, str)
        ):
            raise TypeError(
                "Request principal, action and resource must be strings, got "
                f"{principal!r}, {action!r}, {resource!r}"
            )
        if not isinstance(context, Mapping):
            raise TypeError("Request.context must be a mapping of condition key -> value(s)")
        given = {
            str(k): v if isinstance(v, str) else _context_value(str(k), v)
            for k, v in context.items()
        }
        setattr_ = object.__setattr__
        setattr_(self, "_keys", {k.lower(): v for k, v in given.items()})
        setattr_(self, "context", MappingProxyType(given))
        setattr_(self, "_action_lower", action.lower())

    @property
    def condition_keys(self) -> Mapping[str, ContextValue]:
        """The condition keys, lower-cased, values as ``str`` or ``tuple[str, ...]``."""
        return self._keys

    @property
    def action_lower(self) -> str:
        """The action, lower-cased (action names are case-insensitive)."""
        return self._action_lower

    @property
    def parsed_principal(self) -> ParsedPrincipal:
        """The principal split into its layers (session, role, account); computed on first use."""
        parsed = self._parsed_principal
        if parsed is _NOT_YET:
            hint = self._keys.get("aws:principalarn")
            parsed = parse_principal(self.principal, hint if isinstance(hint, str) else None)
            object.__setattr__(self, "_parsed_principal", parsed)
        return parsed

    def with_boundary(self) -> Request:
        """This request made by a principal that has a permissions boundary attached.

        Only ``NotPrincipal`` reads it: a bounded IAM user or role is never exempted by one.
        """
        parsed = self.parsed_principal
        if parsed.bounded:
            return self
        copy = object.__new__(type(self))
        for name in _slot_names(type(self)):
            object.__setattr__(copy, name, getattr(self, name))
        object.__setattr__(copy, "_parsed_principal", replace(parsed, bounded=True))
        return copy

    def _account_pair(self) -> tuple[str | None, str | None]:
        pair = self._accounts
        if pair is _NOT_YET:
            keys = self._keys
            own = self.principal.split(":", 5)
            mine = own[4] if len(own) == 6 and own[0] == "arn" and own[4] else None
            if not mine:
                value = keys.get("aws:principalaccount")
                mine = value if isinstance(value, str) else None
            parts = self.resource.split(":", 5)
            arn = len(parts) == 6 and parts[0] == "arn"
            theirs: str | None = None
            if arn and parts[4] == AWS_OWNED:
                pass  # an AWS managed policy: no customer account owns it
            elif arn and parts[4] not in ("", "*"):
                theirs = parts[4]
            else:
                value = keys.get("aws:resourceaccount")
                theirs = value if isinstance(value, str) else None
            pair = (mine, theirs)
            object.__setattr__(self, "_accounts", pair)
        return pair

    @property
    def resource_account(self) -> str | None:
        """The resource's account (from its ARN, else ``aws:ResourceAccount``), or ``None``.

        AWS managed policies (account field ``aws``) belong to no customer account.
        """
        return self._account_pair()[1]

    @property
    def cross_account(self) -> bool:
        """True if the resource belongs to another account than the caller (whose account is
        its ARN's, else ``aws:PrincipalAccount``)."""
        mine, theirs = self._account_pair()
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
