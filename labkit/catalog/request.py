"""``build_request``: a caller, one authorization and the network path → a policy ``Request``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from labkit.catalog.caller import Caller
from labkit.catalog.context import NetworkPath, derive_context
from labkit.catalog.model import Authorization
from labkit.policy.request import Request


@dataclass(frozen=True, slots=True)
class DerivedRequest(Request):
    """A :class:`~labkit.policy.request.Request` that also says why each context key is there.

    ``derived`` maps every context key to a one-line reason.
    """

    derived: Mapping[str, str] = field(default_factory=dict)


def build_request(
    caller: Caller,
    authz: Authorization,
    network: NetworkPath,
    *,
    region: str,
    resource_org_id: str | None = None,
    resource_tags: Mapping[str, str] | None = None,
    now: datetime | None = None,
    eventbridge_resource_keys: bool = True,
) -> DerivedRequest:
    """The complete request AWS evaluates for one authorization of a call.

    The context holds exactly the keys AWS would put there (an absent key is absent);
    ``.derived`` (or :func:`derivations`) gives the reason for each. ``resource_org_id`` and
    ``resource_tags`` describe the resource (``aws:ResourceOrgID``, ``aws:ResourceTag/*``).
    ``eventbridge_resource_keys`` chooses whether EventBridge requests carry
    ``aws:ResourceAccount``/``aws:ResourceOrgID`` (in conflict in the sources; see
    docs/fidelity/catalog.md).
    """
    context = derive_context(
        caller,
        authz,
        network,
        region=region,
        resource_org_id=resource_org_id,
        resource_tags=resource_tags,
        now=now,
        eventbridge_resource_keys=eventbridge_resource_keys,
    )
    return DerivedRequest(
        principal=caller.arn,
        action=authz.action,
        resource=authz.resource,
        context=context.values,
        via_endpoint=network.via_endpoint,
        derived=MappingProxyType(dict(context.reasons)),
    )


def derivations(request: Request) -> Mapping[str, str]:
    """Why each context key of a request is there (empty for a request built by hand)."""
    return getattr(request, "derived", MappingProxyType({}))
