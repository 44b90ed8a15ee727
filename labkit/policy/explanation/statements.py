"""Verbose matching of one statement: what matched, what did not, and why (for explanations)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labkit.i18n import N_, _
from labkit.policy.conditions import ConditionClause
from labkit.policy.model import Statement
from labkit.policy.request import Request
from labkit.policy.stages import grant_of
from labkit.policy.variables import ContextValue


@dataclass(slots=True)
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


@dataclass(slots=True)
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
    action = _action_check(statement, request)
    checks = [action]
    matched = action.matched
    if statement.required_variables:
        unresolved = statement.unresolved_variables(request)
        if unresolved:
            names = ", ".join("${" + v.name + "}" for v in unresolved)
            checks.append(
                Check(
                    "Variables",
                    False,
                    _(
                        "{names} has no value in this request and no default: AWS treats the "
                        "statement as invalid, so it does not apply"
                    ).format(names=names),
                    [],
                    None,
                    None,
                    None,
                    {v.name: None for v in unresolved},
                )
            )
            matched = False
    check = _resource_check(statement, request, keys)
    checks.append(check)
    matched = matched and check.matched
    if statement.principal is not None:
        check = _principal_check(statement, request)
        checks.append(check)
        matched = matched and check.matched
    for clause in statement.conditions:
        check = explain_clause(clause, keys)
        checks.append(check)
        matched = matched and check.matched
    grant = None
    if resource_policy and matched and statement.effect == "Allow":
        grant = grant_of(statement, request.parsed_principal)
    return StatementExplanation(
        statement.index, statement.sid, statement.effect, statement.path, matched, checks, grant
    )


def _action_check(statement: Statement, request: Request) -> Check:
    element = statement.action
    action = request.action
    listed = element.first_listing(request._action_lower)
    # A pattern lists the action exactly when the element's combined pattern matches it, so
    # ``matched`` is ``element.applies`` without matching twice.
    if element.negated:
        matched = listed is None
        detail = (
            _("{action} is excluded by NotAction {listed!r}")
            if listed is not None
            else _("{action} is not in NotAction, so the statement covers it")
        ).format(action=action, listed=listed)
        name = "NotAction"
    else:
        matched = listed is not None
        detail = (
            _("{listed!r} matches {action} (actions ignore case)")
            if listed is not None
            else _("no action pattern matches {action}")
        ).format(action=action, listed=listed)
        name = "Action"
    return Check(name, matched, detail, list(element.patterns), [action], None, None, {})


def _resource_check(statement: Statement, request: Request, keys: Any) -> Check:
    element = statement.resource
    resource = request.resource
    variables: dict[str, str | None] = {}
    listed: str | None = None
    texts = element._static_texts
    if texts is not None:  # no variables: the texts are the patterns
        shown = list(texts)
        if element._regex.fullmatch(resource) is None:  # type: ignore[union-attr]
            pass  # no pattern matches: one test of the combined pattern says so
        elif len(texts) == 1:
            listed = texts[0]
        else:
            for index, regex in enumerate(element.each_pattern()):
                if regex.fullmatch(resource) is not None:  # type: ignore[union-attr]
                    listed = shown[index]
                    break
    else:
        shown = []
        for index, template in enumerate(element.templates):
            if template.static_text is not None:
                text = template.static_text
            else:
                resolved = template.text(keys)
                text = resolved if resolved is not None else template.raw
                for variable in template.variables:
                    variables[variable.name] = variable.resolve(keys)
            shown.append(text)
            if listed is None and element.pattern_matches(index, resource, keys):
                listed = text
    # Some pattern matches exactly when the element lists the resource, so ``matched`` is
    # ``element.applies``.
    if element.negated:
        matched = listed is None
        detail = (
            _("the resource is excluded by NotResource {listed!r}").format(listed=listed)
            if listed is not None
            else _("the resource is not in NotResource, so the statement covers it")
        )
        name = "NotResource"
    else:
        matched = listed is not None
        detail = (
            _("{listed!r} matches the resource").format(listed=listed)
            if listed is not None
            else _(
                "no resource pattern matches (the resource part of an ARN is case-sensitive "
                "and must match in full)"
            )
        )
        name = "Resource"
    return Check(name, matched, detail, shown, [resource], None, None, variables)


_NAMED = {
    "everyone": N_('"*" names every principal'),
    "direct": N_("the caller is named exactly"),
    "role": N_("the role ARN names the role's sessions, including this one"),
    "account": N_("the caller's account is named: every principal of that account"),
    None: N_("the caller is not named"),
}


def _principal_check(statement: Statement, request: Request) -> Check:
    element = statement.principal
    assert element is not None
    caller = request.parsed_principal
    level = element.level(caller)
    # ``level`` is None exactly when the statement does not apply (``element.applies``), for
    # Principal and NotPrincipal alike.
    matched = level is not None
    if element.negated:
        detail = (
            _(
                "every layer of the caller (session, role, account) is listed in NotPrincipal, "
                "so the statement does not apply to it"
            )
            if not matched
            else _(
                "the caller is not exempted by NotPrincipal (each of its session, role and "
                "account must be listed)"
            )
        )
        if matched and caller.bounded and caller.iam_principal:
            detail = _(
                "the caller has a permissions boundary: a NotPrincipal Deny always applies to "
                "such a principal, whatever NotPrincipal lists"
            )
    else:
        detail = _(_NAMED[level])
    return Check(element.name, matched, detail, list(element.shown), [caller.arn], None, None, {})


def explain_clause(clause: ConditionClause, keys: dict[str, ContextValue] | Any) -> Check:
    """One condition clause: its result, the values compared, and the rule that applied."""
    raw = keys.get(clause.key_lower)
    matched = clause.evaluate(keys)
    request_values = None if raw is None else ([raw] if isinstance(raw, str) else list(raw))
    shown = []
    variables: dict[str, str | None] = {}
    for template in clause.values:
        if template.static_text is not None:
            shown.append(template.static_text)
            continue
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
        clause.operator,
        clause.key,
        variables,
    )


def _clause_detail(clause: ConditionClause, raw: Any, matched: bool, keys: Any) -> str:
    name = clause.name
    if name.spec.family == "Null":
        absent = raw is None or (not isinstance(raw, str) and not raw)
        state = (
            _("{key} is absent from the request")
            if absent
            else _("{key} is present in the request")
        )
        return state.format(key=clause.key)
    if raw is None or (not isinstance(raw, str) and not raw):
        what = _("missing from the request") if raw is None else _("an empty list")
        if name.qualifier == "ForAllValues":
            rule = _("ForAllValues is true for an empty set")
        elif name.qualifier == "ForAnyValue":
            rule = (
                _("...IfExists is true") if matched else _("ForAnyValue is false for an empty set")
            )
        elif name.if_exists:
            rule = _("...IfExists is true when the key is absent")
        elif name.spec.negated:
            rule = _("a negated operator is true when the key is absent")
        else:
            rule = _("the condition is false")
        return _("{key} is {what}: {rule}").format(key=clause.key, what=what, rule=rule)
    values = [raw] if isinstance(raw, str) else list(raw)
    hits = []
    for value in values:
        for index in range(len(clause.values)):
            if clause.value_matcher(index)(value, keys):
                hits.append(
                    f"{value!r} ~ {clause.values[index].text(keys) or clause.values[index].raw!r}"
                )
                break
    compared = (
        _("{hits} matched").format(hits=", ".join(hits))
        if hits
        else _("no request value matched a policy value")
    )
    if name.spec.negated:
        compared += (
            _(" (negated: {operator} is true)") if matched else _(" (negated: {operator} is false)")
        ).format(operator=name.spec.name)
    if not isinstance(raw, str) and name.qualifier is None:
        compared += _("; plain operator on a multivalued key: true if any value matches")
    return compared
