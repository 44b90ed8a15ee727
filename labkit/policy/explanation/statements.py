"""Verbose matching of one statement: what matched, what did not, and why (for explanations)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labkit.policy.conditions import ConditionClause
from labkit.policy.model import Statement
from labkit.policy.request import Request
from labkit.policy.stages import grant_of
from labkit.policy.variables import ContextValue


@dataclass
class Check:
    """One element or condition of a statement, checked against the request."""

    element: str
    matched: bool
    detail: str
    policy_values: list[str] = field(default_factory=list)
    request_values: list[str] | None = None
    operator: str | None = None
    key: str | None = None
    variables: dict[str, str | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "element": self.element,
            "matched": self.matched,
            "detail": self.detail,
            "policyValues": list(self.policy_values),
            "requestValues": None if self.request_values is None else list(self.request_values),
            "operator": self.operator,
            "key": self.key,
            "variables": dict(self.variables),
        }


@dataclass
class StatementExplanation:
    """One statement: whether it applies to the request, with every check."""

    index: int
    sid: str | None
    effect: str
    path: str
    matched: bool
    checks: list[Check]
    grant: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "index": self.index,
            "sid": self.sid,
            "effect": self.effect,
            "path": self.path,
            "matched": self.matched,
            "grant": self.grant,
            "checks": [c.to_dict() for c in self.checks],
        }


def explain_statement(
    statement: Statement, request: Request, *, resource_policy: bool
) -> StatementExplanation:
    """Check every element and condition of ``statement`` against ``request``.

    Each check uses the rule :meth:`Statement.applies <labkit.policy.model.Statement.applies>`
    uses for its element, so ``matched`` (all checks matched) is what the fast path decides.
    ``resource_policy``: record how a matching Allow names the caller (its ``grant``).
    """
    keys = request.condition_keys
    checks = [_action_check(statement, request)]
    unresolved = statement.unresolved_variables(request)
    if unresolved:
        names = ", ".join("${" + v.name + "}" for v in unresolved)
        checks.append(
            Check(
                "Variables",
                False,
                f"{names} has no value in this request and no default: AWS treats the statement "
                "as invalid, so it does not apply",
                variables={v.name: None for v in unresolved},
            )
        )
    checks.append(_resource_check(statement, request))
    if statement.principal is not None:
        checks.append(_principal_check(statement, request))
    checks.extend(explain_clause(clause, keys) for clause in statement.conditions)
    matched = all(check.matched for check in checks)
    grant = None
    if resource_policy and matched and statement.effect == "Allow":
        grant = grant_of(statement, request.parsed_principal)
    return StatementExplanation(
        statement.index, statement.sid, statement.effect, statement.path, matched, checks, grant
    )


def _action_check(statement: Statement, request: Request) -> Check:
    element = statement.action
    listed = element.first_listing(request.action_lower)
    matched = element.applies(request.action_lower)
    if element.negated:
        detail = (
            f"{request.action} is excluded by NotAction {listed!r}"
            if listed is not None
            else f"{request.action} is not in NotAction, so the statement covers it"
        )
    elif listed is not None:
        detail = f"{listed!r} matches {request.action} (actions ignore case)"
    else:
        detail = f"no action pattern matches {request.action}"
    return Check(element.name, matched, detail, list(element.patterns), [request.action])


def _resource_check(statement: Statement, request: Request) -> Check:
    element = statement.resource
    keys = request.condition_keys
    shown = []
    variables: dict[str, str | None] = {}
    listed = []
    for index, template in enumerate(element.templates):
        text = template.text(keys)
        shown.append(text if text is not None else template.raw)
        for variable in template.variables:
            variables[variable.name] = variable.resolve(keys)
        if not listed and element.pattern_matches(index, request.resource, keys):
            listed.append(shown[-1])
    matched = element.applies(request.resource, keys)
    if element.negated:
        detail = (
            f"the resource is excluded by NotResource {listed[0]!r}"
            if listed
            else "the resource is not in NotResource, so the statement covers it"
        )
    elif listed:
        detail = f"{listed[0]!r} matches the resource"
    else:
        detail = (
            "no resource pattern matches (the resource part of an ARN is case-sensitive and "
            "must match in full)"
        )
    return Check(element.name, matched, detail, shown, [request.resource], variables=variables)


def _principal_check(statement: Statement, request: Request) -> Check:
    element = statement.principal
    assert element is not None
    caller = request.parsed_principal
    level = element.level(caller)
    matched = element.applies(caller)
    if element.negated:
        detail = (
            "every layer of the caller (session, role, account) is listed in NotPrincipal, so "
            "the statement does not apply to it"
            if not matched
            else "the caller is not exempted by NotPrincipal (each of its session, role and "
            "account must be listed)"
        )
        if matched and caller.bounded and caller.iam_principal:
            detail = (
                "the caller has a permissions boundary: a NotPrincipal Deny always applies to "
                "such a principal, whatever NotPrincipal lists"
            )
    else:
        detail = {
            "everyone": '"*" names every principal',
            "direct": "the caller is named exactly",
            "role": "the role ARN names the role's sessions, including this one",
            "account": "the caller's account is named: every principal of that account",
            None: "the caller is not named",
        }[level]
    raw = element.raw
    values = [raw] if isinstance(raw, str) else [f"{k}: {v}" for k, v in dict(raw).items()]  # type: ignore[call-overload]
    return Check(element.name, matched, detail, [str(v) for v in values], [caller.arn])


def explain_clause(clause: ConditionClause, keys: dict[str, ContextValue] | Any) -> Check:
    """One condition clause: its result, the values compared, and the rule that applied."""
    raw = keys.get(clause.key_lower)
    matched = clause.evaluate(keys)
    request_values = None if raw is None else ([raw] if isinstance(raw, str) else list(raw))
    shown = []
    variables: dict[str, str | None] = {}
    for template in clause.values:
        text = template.text(keys)
        shown.append(text if text is not None else template.raw)
        for variable in template.variables:
            variables[variable.name] = variable.resolve(keys)
    return Check(
        "Condition",
        matched,
        _clause_detail(clause, raw, matched, keys),
        shown,
        request_values,
        operator=clause.operator,
        key=clause.key,
        variables=variables,
    )


def _clause_detail(clause: ConditionClause, raw: Any, matched: bool, keys: Any) -> str:
    name = clause.name
    if name.spec.family == "Null":
        state = "absent" if raw is None or (not isinstance(raw, str) and not raw) else "present"
        return f"{clause.key} is {state} from the request"
    if raw is None or (not isinstance(raw, str) and not raw):
        what = "missing from the request" if raw is None else "an empty list"
        if name.qualifier == "ForAllValues":
            return f"{clause.key} is {what}: ForAllValues is true for an empty set"
        if name.qualifier == "ForAnyValue":
            rule = "...IfExists is true" if matched else "ForAnyValue is false for an empty set"
            return f"{clause.key} is {what}: {rule}"
        if name.if_exists:
            return f"{clause.key} is {what}: ...IfExists is true when the key is absent"
        if name.spec.negated:
            return f"{clause.key} is {what}: a negated operator is true when the key is absent"
        return f"{clause.key} is {what}: the condition is false"
    values = [raw] if isinstance(raw, str) else list(raw)
    hits = []
    for value in values:
        for index in range(len(clause.values)):
            if clause.value_matcher(index)(value, keys):
                hits.append(
                    f"{value!r} ~ {clause.values[index].text(keys) or clause.values[index].raw!r}"
                )
                break
    compared = f"{', '.join(hits)} matched" if hits else "no request value matched a policy value"
    if name.spec.negated:
        compared += f" (negated: {name.spec.name} is {'true' if matched else 'false'})"
    if not isinstance(raw, str) and name.qualifier is None:
        compared += "; plain operator on a multivalued key: true if any value matches"
    return compared
