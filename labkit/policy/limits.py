"""AWS's size and nesting limits for policy documents, checked before a document is read.

A document is measured in one linear pass over its text (:func:`measure`) before the JSON reader
builds anything, so a huge or deeply nested document is refused in time proportional to the
limit, not to the document. The limits and who counts what (sources in each entry):

| policy | limit | white space | code when exceeded |
|---|---|---|---|
| VPC endpoint policy | 20,480 characters | counted | ``InvalidPolicyDocument`` (EC2) |
| role inline policies (``identity``) | 10,240 characters | not counted | ``LimitExceeded`` (IAM) |
| user inline policies | 2,048 | not counted | ``LimitExceeded`` |
| group inline policies | 5,120 | not counted | ``LimitExceeded`` |
| managed policy, permissions boundary | 6,144 | not counted | ``LimitExceeded`` |
| role trust policy | 2,048 | not counted | ``LimitExceeded`` |
| SCP, RCP | 5,120 | counted | ``ConstraintViolationException`` (Organizations) |
| session policy | 2,048 | counted | ``ValidationError`` (STS) |
| resource-based policy | 131,072 (no common limit) | counted | ``MalformedPolicyDocument`` |

Nesting: at most :data:`MAX_DEPTH` levels of objects and arrays (a policy needs five). Any text
longer than :data:`MAX_DOCUMENT_CHARACTERS` (botocore's ``policyDocumentType`` ``max``) is refused
without being scanned at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from labkit.policy.errors import Finding
from labkit.policy.jsontext import MAX_DEPTH, LineIndex

MAX_DOCUMENT_CHARACTERS = 131_072
"""The longest policy document any AWS API takes (IAM's ``policyDocumentType`` ``max``)."""


@dataclass(frozen=True)
class SizeLimit:
    """How large one type of policy document may be, and what AWS answers past it."""

    characters: int
    counts_white_space: bool
    code: str  # AWS's error code for a document over the limit
    subject: str  # how messages name the document ("a role's inline policies")
    aws_message: str  # AWS's text; ``{name}`` is the role, user, group or policy name
    source: str  # where the figure comes from

    def describe(self) -> str:
        """``10,240 characters, white space not counted``."""
        space = "white space included" if self.counts_white_space else "white space not counted"
        return f"{self.characters:,} characters, {space}"


_IAM_QUOTAS = "IAM User Guide, 'IAM and AWS STS quotas' (character limits)"

VPC_ENDPOINT = SizeLimit(
    20_480,
    True,
    "InvalidPolicyDocument",
    "an endpoint policy",
    "The Policy Document is not valid. The policy is longer than 20480 characters.",
    "AWS PrivateLink guide, 'Control access to VPC endpoints using endpoint policies' "
    "(aws-fidelity 1.18); the text is labkit's: AWS's is not published (TV39)",
)
ROLE_INLINE = SizeLimit(
    10_240,
    False,
    "LimitExceeded",
    "a role's inline policies",
    "Maximum policy size of 10240 bytes exceeded for role {name}",
    _IAM_QUOTAS + "; role policy size, all inline policies of a role together",
)
USER_INLINE = SizeLimit(
    2_048,
    False,
    "LimitExceeded",
    "a user's inline policies",
    "Maximum policy size of 2048 bytes exceeded for user {name}",
    _IAM_QUOTAS + "; user policy size, all inline policies of a user together",
)
GROUP_INLINE = SizeLimit(
    5_120,
    False,
    "LimitExceeded",
    "a group's inline policies",
    "Maximum policy size of 5120 bytes exceeded for group {name}",
    _IAM_QUOTAS + "; group policy size, all inline policies of a group together",
)
MANAGED = SizeLimit(
    6_144,
    False,
    "LimitExceeded",
    "a managed policy",
    "Cannot exceed quota for PolicySize: 6144",
    _IAM_QUOTAS + "; managed policy size",
)
ROLE_TRUST = SizeLimit(
    2_048,
    False,
    "LimitExceeded",
    "a role trust policy",
    "Cannot exceed quota for ACLSizePerRole: 2048",
    _IAM_QUOTAS + "; role trust policy length (default quota)",
)
ORGANIZATIONS = SizeLimit(
    5_120,
    True,
    "ConstraintViolationException",
    "a service or resource control policy",
    "The provided policy document exceeds the maximum allowed size.",
    "AWS Organizations User Guide, 'Quotas for AWS Organizations' (maximum policy size)",
)
SESSION = SizeLimit(
    2_048,
    True,
    "ValidationError",
    "a session policy",
    "1 validation error detected: Value at 'policy' failed to satisfy constraint: "
    "Member must have length less than or equal to 2048",
    "IAM User Guide, 'Session policies' (plaintext at most 2,048 characters)",
)
RESOURCE = SizeLimit(
    MAX_DOCUMENT_CHARACTERS,
    True,
    "MalformedPolicyDocument",
    "a resource-based policy",
    "The policy document is too large.",
    "no limit common to every service (CloudWatch Logs 5,120, S3 20 KB, ...): only the longest "
    "document any AWS API takes; each service's own limit is its front's to apply",
)

#: The limit each policy kind is checked against unless the caller names another.
BY_KIND: dict[str, SizeLimit] = {
    "vpc-endpoint": VPC_ENDPOINT,
    "identity": ROLE_INLINE,
    "permission-boundary": MANAGED,
    "scp": ORGANIZATIONS,
    "rcp": ORGANIZATIONS,
    "session": SESSION,
    "resource": RESOURCE,
}
#: Every limit by name, for callers that know where the document goes (``limit="user-inline"``).
BY_NAME: dict[str, SizeLimit] = {
    "vpc-endpoint": VPC_ENDPOINT,
    "role-inline": ROLE_INLINE,
    "user-inline": USER_INLINE,
    "group-inline": GROUP_INLINE,
    "managed": MANAGED,
    "role-trust": ROLE_TRUST,
    "organizations": ORGANIZATIONS,
    "session": SESSION,
    "resource": RESOURCE,
}

TOO_LARGE = "policy-too-large"
TOO_DEEP = "too-deep"

# One token at a time: a string (to its closing quote, or to the end if unterminated), a run of
# white space, an opening or closing bracket, or anything else up to the next of those.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|\s+|[\[{]|[\]}]|[^"\s\[\]{}]+', re.DOTALL)


def size_limit(kind: str, name: str | None = None) -> SizeLimit:
    """The limit named ``name`` (see :data:`BY_NAME`), else the one of ``kind``."""
    if name is None:
        return BY_KIND[kind]
    if name not in BY_NAME:
        raise ValueError(f"unknown size limit {name!r}; use one of: {', '.join(BY_NAME)}")
    return BY_NAME[name]


def measure(text: str, limit: SizeLimit) -> Finding | None:
    """The first limit ``text`` breaks (size or nesting) as a located error, else ``None``.

    Runs in one pass and stops at the first problem: at most ``MAX_DOCUMENT_CHARACTERS``
    characters are ever looked at.
    """
    lines = LineIndex(text[: MAX_DOCUMENT_CHARACTERS + 1])
    if len(text) > MAX_DOCUMENT_CHARACTERS or (
        limit.counts_white_space and len(text) > limit.characters
    ):
        return _too_large(lines, len(text), min(limit.characters, len(text)), limit)
    counted = 0
    depth = 0
    for token in _TOKEN.finditer(text):
        piece = token.group()
        first = piece[0]
        if first in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return _too_deep(lines, token.start())
        elif first in "]}":
            depth -= 1
        if limit.counts_white_space or not first.isspace():
            counted += len(piece)
            if counted > limit.characters:
                return _too_large(lines, None, token.end() - (counted - limit.characters), limit)
    return None


def _too_large(lines: LineIndex, length: int | None, offset: int, limit: SizeLimit) -> Finding:
    line, column = lines.position(offset)
    message = (
        f"the document has {length:,} characters; {limit.subject} may have at most "
        f"{limit.describe()}"
        if length is not None
        else f"the document is longer than {limit.subject} may be ({limit.describe()})"
    )
    return Finding(
        "error",
        TOO_LARGE,
        message,
        line,
        column,
        "",
        "shorten it: remove what is not needed, merge statements or use wildcards in actions",
    )


def _too_deep(lines: LineIndex, offset: int) -> Finding:
    line, column = lines.position(offset)
    return Finding(
        "error",
        TOO_DEEP,
        f"values are nested more than {MAX_DEPTH} levels deep",
        line,
        column,
        "",
        "a policy needs at most five levels (document, Statement, statement, Condition, operator)",
    )
