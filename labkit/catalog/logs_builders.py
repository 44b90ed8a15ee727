"""Builders for the CloudWatch Logs operation table: how a call's parameters become ARNs.

The forms they produce, and why, are described in :mod:`labkit.catalog.logs`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from labkit.catalog.arns import parse_arn, partition_for
from labkit.catalog.common import (
    any_resource,
    arn_parameter,
    make,
    optional_str,
    require_str,
    sar_template,
    string_list,
    template_arn,
)
from labkit.catalog.model import (
    Authorization,
    CallParameterError,
    CallToAuthorize,
    ContextValue,
    UnknownOperation,
)

SERVICE = "logs"

NOTE_GROUP = (
    "log-group actions are authorized on the group ARN followed by ':log-stream:' "
    "(real AccessDenied messages; aws-fidelity §3.1), so a policy needs "
    "'log-group:NAME:*', not the bare group ARN"
)
NOTE_GROUP_OBSERVED = NOTE_GROUP + "; observed for this operation"
NOTE_BARE_DELETE = (
    "DeleteLogGroup is authorized on the bare log-group ARN, without ':*' or ':log-stream:' "
    "(real AccessDenied messages; aws-fidelity §3.1)"
)
NOTE_TAGGING = (
    "the tagging APIs are authorized on the log-group ARN without the trailing ':*' "
    "(API reference, LogGroup.logGroupArn)"
)
NOTE_STREAM = "authorized on the log-stream ARN (Service Authorization Reference; observed)"
NOTE_LIST_GROUPS = (
    "DescribeLogGroups is authorized on 'log-group::log-stream:' with an empty group name "
    "(real AccessDenied messages; aws-fidelity §3.1): grants scoped to named groups never match"
)
NOTE_NAMED = "authorized on the {type} ARN built from {param} (Service Authorization Reference)"

Keys = Callable[[CallToAuthorize], Iterable[tuple[str, ContextValue, str]]]


def no_keys(call: CallToAuthorize) -> list[tuple[str, ContextValue, str]]:
    return []


@dataclass(frozen=True, slots=True)
class LogGroupRef:
    """A log group a call names, with the Region and account its ARN belongs to."""

    name: str
    region: str
    account: str
    partition: str


def group_from_identifier(call: CallToAuthorize, parameter: str, value: str) -> LogGroupRef:
    """A log group from a name or a log-group ARN (with or without a trailing ':*')."""
    if not value.startswith("arn:"):
        return LogGroupRef(value, call.region, call.account, call.partition)
    arn = parse_arn(value)
    if arn is None or arn.service != SERVICE or not arn.resource.startswith("log-group:"):
        raise CallParameterError(
            call.operation,
            parameter,
            f"is not a log group name or ARN: {value!r}",
            "pass the group name, or arn:aws:logs:REGION:ACCOUNT:log-group:NAME",
        )
    name = arn.resource[len("log-group:") :].split(":", 1)[0]
    if not name:
        raise CallParameterError(
            call.operation,
            parameter,
            f"has no log group name: {value!r}",
            "pass arn:aws:logs:REGION:ACCOUNT:log-group:NAME",
        )
    return LogGroupRef(name, arn.region, arn.account, arn.partition or partition_for(arn.region))


def one_group(call: CallToAuthorize, name_param: str, id_param: str | None) -> LogGroupRef:
    """The log group of a call that takes a name parameter, an identifier parameter, or both."""
    name = optional_str(call, name_param)
    identifier = optional_str(call, id_param) if id_param else None
    if name and identifier:
        raise CallParameterError(
            call.operation,
            id_param or name_param,
            f"cannot be given together with {name_param}",
            "pass only one of them",
        )
    if identifier:
        return group_from_identifier(call, id_param or "", identifier)
    if name:
        return group_from_identifier(call, name_param, name)
    wanted = f"{name_param} or {id_param}" if id_param else name_param
    raise CallParameterError(call.operation, wanted, "is missing", f"pass {wanted}")


def group_arn(group: LogGroupRef, *, bare: bool) -> str:
    template = sar_template(SERVICE, "log-group")
    arn = template_arn(
        CallToAuthorize(SERVICE, "", {}, group.region, group.account, group.partition),
        template,
        LogGroupName=group.name,
    )
    return arn if bare else arn + ":log-stream:"


def on_group(
    action: str,
    name_param: str = "logGroupName",
    id_param: str | None = "logGroupIdentifier",
    *,
    note: str = NOTE_GROUP,
    bare: bool = False,
    keys: Keys = no_keys,
) -> Callable[[CallToAuthorize], list[Authorization]]:
    def build(call: CallToAuthorize) -> list[Authorization]:
        group = one_group(call, name_param, id_param)
        resource = group_arn(group, bare=bare)
        return [make(call, f"{SERVICE}:{action}", resource, "log-group", note, keys(call))]

    return build


def on_groups(action: str, *params: str) -> Callable[[CallToAuthorize], list[Authorization]]:
    """One authorization per log group named in any of ``params`` (names, lists, ARNs)."""

    def build(call: CallToAuthorize) -> list[Authorization]:
        found: list[LogGroupRef] = []
        for param in params:
            value = call.params.get(param)
            values = [value] if isinstance(value, str) else string_list(call, param)
            found.extend(group_from_identifier(call, param, item) for item in values)
        if not found:
            raise UnknownOperation(
                SERVICE,
                call.operation,
                f"no log group is named in {' or '.join(params)}; labkit cannot tell which "
                "log groups AWS authorizes (e.g. a query that selects groups with SOURCE)",
            )
        seen: dict[str, Authorization] = {}
        for group in found:
            arn = group_arn(group, bare=False)
            seen.setdefault(arn, make(call, f"{SERVICE}:{action}", arn, "log-group", NOTE_GROUP))
        return list(seen.values())

    return build


def on_stream(action: str) -> Callable[[CallToAuthorize], list[Authorization]]:
    def build(call: CallToAuthorize) -> list[Authorization]:
        group = one_group(call, "logGroupName", "logGroupIdentifier")
        stream = require_str(call, "logStreamName")
        resource = f"{group_arn(group, bare=True)}:log-stream:{stream}"
        return [make(call, f"{SERVICE}:{action}", resource, "log-stream", NOTE_STREAM)]

    return build


def describe_log_groups(call: CallToAuthorize) -> list[Authorization]:
    resource = template_arn(call, sar_template(SERVICE, "log-group"), LogGroupName="")
    resource += ":log-stream:"
    return [make(call, "logs:DescribeLogGroups", resource, None, NOTE_LIST_GROUPS)]


def on_named(action: str, resource_type: str, param: str, placeholder: str, keys: Keys = no_keys):
    def build(call: CallToAuthorize) -> list[Authorization]:
        value = require_str(call, param)
        if value.startswith("arn:"):
            return [arn_parameter(call, param, f"{SERVICE}:{action}", keys(call))]
        resource = template_arn(call, sar_template(SERVICE, resource_type), **{placeholder: value})
        note = NOTE_NAMED.format(type=resource_type, param=param)
        return [make(call, f"{SERVICE}:{action}", resource, resource_type, note, keys(call))]

    return build


def on_arn_param(action: str, param: str, keys: Keys = no_keys, note: str | None = None):
    def build(call: CallToAuthorize) -> list[Authorization]:
        auth = arn_parameter(call, param, f"{SERVICE}:{action}", keys(call))
        if note is None:
            return [auth]
        return [
            Authorization(
                auth.action,
                auth.resource,
                auth.resource_type,
                auth.context,
                auth.reasons,
                note,
                auth.resource_account,
            )
        ]

    return build


def on_arn_only(action: str, param: str, what: str):
    """Authorized on an ARN parameter that may also be a name the dataset cannot turn into one."""

    def build(call: CallToAuthorize) -> list[Authorization]:
        value = require_str(call, param)
        if not value.startswith("arn:"):
            raise UnknownOperation(
                SERVICE,
                call.operation,
                f"{param}={value!r} is a name; the {what} ARN AWS authorizes holds an ID that "
                "only the service knows. Pass the ARN instead",
            )
        return [arn_parameter(call, param, f"{SERVICE}:{action}")]

    return build


def on_any_resource(action: str) -> Callable[[CallToAuthorize], list[Authorization]]:
    def build(call: CallToAuthorize) -> list[Authorization]:
        return any_resource(call, f"{SERVICE}:{action}")

    return build


def on_kms_key(action: str) -> Callable[[CallToAuthorize], list[Authorization]]:
    """AssociateKmsKey/DisassociateKmsKey: a log group by name, or a resourceIdentifier ARN."""

    def build(call: CallToAuthorize) -> list[Authorization]:
        identifier = optional_str(call, "resourceIdentifier")
        if identifier and ":log-group:" not in identifier:
            raise UnknownOperation(
                SERVICE,
                call.operation,
                "a query-result resourceIdentifier has no documented IAM resource; labkit "
                "maps only the log-group form",
            )
        return on_group(action, "logGroupName", "resourceIdentifier")(call)

    return build
