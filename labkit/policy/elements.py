"""The matchable elements of a statement: [Not]Action, [Not]Resource, [Not]Principal.

Patterns are compiled when the policy is read, so evaluating a request only runs regular
expressions and set lookups. Actions match case-insensitively; resources match component by
component, the resource part case-sensitively with ``*`` crossing ``:``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from labkit.policy.patterns import arn_source, compile_any, wildcard_source
from labkit.policy.principals import GrantLevel, ParsedPrincipal, PrincipalSet
from labkit.policy.variables import ContextValue, Template


def _compile_actions(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return compile_any(wildcard_source(p.lower()) for p in patterns)


@dataclass(frozen=True, slots=True)
class ActionElement:
    """``Action`` (or ``NotAction`` when ``negated``): action patterns with ``*``/``?``."""

    patterns: tuple[str, ...]
    negated: bool = False
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _each: tuple[re.Pattern[str], ...] | None = field(
        init=False, repr=False, compare=False, default=None
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regex", _compile_actions(self.patterns))

    @property
    def name(self) -> str:
        """``Action`` or ``NotAction``."""
        return "NotAction" if self.negated else "Action"

    def first_listing(self, action_lower: str) -> str | None:
        """The first pattern that matches the (lower-cased) action (for explanations)."""
        if self._regex.fullmatch(action_lower) is None:
            return None  # no pattern matches: one test of the combined pattern says so
        patterns = self.patterns
        if len(patterns) == 1:
            return patterns[0]
        each = self._each
        if each is None:  # compiled once, when an explanation first asks
            each = tuple(re.compile(wildcard_source(p.lower()), re.DOTALL) for p in self.patterns)
            object.__setattr__(self, "_each", each)
        for pattern, regex in zip(self.patterns, each, strict=True):
            if regex.fullmatch(action_lower) is not None:
                return pattern
        return None

    def applies(self, action_lower: str) -> bool:
        """True if the statement covers the action (listed, or not listed for ``NotAction``)."""
        return (self._regex.fullmatch(action_lower) is not None) != self.negated


def resource_source(template: Template, keys: Mapping[str, ContextValue] | None) -> str | None:
    """Regex source for one Resource pattern (``None`` if a variable cannot be resolved)."""
    chunks = template.chunks(keys)
    if chunks is None:
        return None
    return arn_source(chunks, fold_prefix=True)


@dataclass(frozen=True, slots=True)
class ResourceElement:
    """``Resource`` (or ``NotResource``): ARN patterns, variables only after the fifth colon."""

    patterns: tuple[str, ...]
    templates: tuple[Template, ...]
    negated: bool = False
    _regex: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _each: tuple[re.Pattern[str] | None, ...] | None = field(
        init=False, repr=False, compare=False, default=None
    )
    _static_texts: tuple[str, ...] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        regex = None
        texts = None
        if all(t.is_static for t in self.templates):
            regex = compile_any(resource_source(t, None) or "" for t in self.templates)
            texts = tuple(t.static_text or "" for t in self.templates)
        object.__setattr__(self, "_regex", regex)
        object.__setattr__(self, "_static_texts", texts)

    @property
    def name(self) -> str:
        """``Resource`` or ``NotResource``."""
        return "NotResource" if self.negated else "Resource"

    def lists(self, resource: str, keys: Mapping[str, ContextValue]) -> bool:
        """True if any pattern matches the resource ARN."""
        if self._regex is not None:
            return self._regex.fullmatch(resource) is not None
        sources = [s for t in self.templates if (s := resource_source(t, keys)) is not None]
        return bool(sources) and compile_any(sources).fullmatch(resource) is not None

    def each_pattern(self) -> tuple[re.Pattern[str] | None, ...]:
        """One regex per pattern, ``None`` for a pattern with variables (for explanations)."""
        each = self._each
        if each is None:  # static patterns compiled once, when an explanation first asks
            each = tuple(
                re.compile(resource_source(t, None) or "", re.DOTALL) if t.is_static else None
                for t in self.templates
            )
            object.__setattr__(self, "_each", each)
        return each

    def pattern_matches(self, index: int, resource: str, keys: Mapping[str, ContextValue]) -> bool:
        """True if the ``index``-th pattern alone matches (for explanations)."""
        regex = self.each_pattern()[index]
        if regex is None:
            source = resource_source(self.templates[index], keys)
            if source is None:
                return False
            regex = re.compile(source, re.DOTALL)
        return regex.fullmatch(resource) is not None

    def applies(self, resource: str, keys: Mapping[str, ContextValue]) -> bool:
        """True if the statement covers the resource."""
        return self.lists(resource, keys) != self.negated


@dataclass(frozen=True, slots=True)
class PrincipalElement:
    """``Principal`` (or ``NotPrincipal``) of a resource-based or endpoint policy statement."""

    principals: PrincipalSet
    raw: object
    negated: bool = False
    shown: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """The element's values as an explanation lists them (``"AWS: [...]"`` per type)."""

    def __post_init__(self) -> None:
        raw = self.raw
        values = [raw] if isinstance(raw, str) else [f"{k}: {v}" for k, v in dict(raw).items()]  # type: ignore[call-overload]
        object.__setattr__(self, "shown", tuple(str(v) for v in values))

    @property
    def name(self) -> str:
        """``Principal`` or ``NotPrincipal``."""
        return "NotPrincipal" if self.negated else "Principal"

    def level(self, caller: ParsedPrincipal) -> GrantLevel | None:
        """How the statement names ``caller``: for ``NotPrincipal``, ``everyone`` unless exempt."""
        if self.negated:
            return None if self.principals.names_every_layer(caller) else "everyone"
        return self.principals.level(caller)

    def applies(self, caller: ParsedPrincipal) -> bool:
        """True if the statement applies to ``caller``."""
        if self.negated:
            return not self.principals.names_every_layer(caller)
        return self.principals.level(caller) is not None
