"""What the catalog answers (Authorization) and the errors it raises."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ContextValue = str | list[str]


class UnknownOperation(LookupError):
    """The catalog cannot say what IAM authorizes for this operation (or this use of it)."""

    def __init__(self, service: str, operation: str, reason: str | None = None) -> None:
        self.service = service
        self.operation = operation
        self.reason = reason or (
            f"{service} has no operation named {operation!r} that labkit maps; "
            "operation names are spelled as in the API reference, e.g. 'PutLogEvents'"
        )
        super().__init__(f"{service}:{operation}: {self.reason}")


class CallParameterError(ValueError):
    """A parameter the mapping needs is missing or malformed; says which and how to fix it."""

    def __init__(self, operation: str, parameter: str, problem: str, hint: str) -> None:
        self.operation = operation
        self.parameter = parameter
        self.problem = problem
        self.hint = hint
        super().__init__(f"{operation}: parameter {parameter!r} {problem}; {hint}")


@dataclass(frozen=True)
class Authorization:
    """One (action, resource) pair AWS authorizes for a call, with request-specific keys.

    ``context`` holds keys the call's parameters determine (``aws:TagKeys``,
    ``aws:RequestTag/*``, ``events:source``...); ``reasons`` gives a one-line reason per key.
    ``resource_note`` says why the resource ARN has this form; ``resource_account`` is the
    account that owns the resource (for ``*`` resources: the account the call is sent to).
    """

    action: str
    resource: str
    resource_type: str | None
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    reasons: Mapping[str, str] = field(default_factory=dict)
    resource_note: str = ""
    resource_account: str | None = None


@dataclass(frozen=True, slots=True)
class CallToAuthorize:
    """An API call as the catalog sees it: which operation, its parameters, where it is sent."""

    service: str
    operation: str
    params: Mapping[str, Any]
    region: str
    account: str
    partition: str


Builder = Callable[[CallToAuthorize], list[Authorization]]


@dataclass(frozen=True, slots=True)
class OperationSpec:
    """How one API operation maps to IAM: its action, the ARN forms it can authorize, a builder.

    ``forms`` are ARN templates (``${Name}`` placeholders, or ``*``) that every resource the
    builder returns fits; lint uses them to tell which policy resources can ever match.
    """

    action: str
    forms: tuple[str, ...]
    build: Builder
