"""``parse_access_denied``: read back an AccessDenied message a learner pasted.

Accepts the bare message in any of the wordings (2019, current, 2026 with a policy ARN) and the
wrappers the CLI and SDKs put around it: ``aws: [ERROR]:``, botocore's ``An error occurred (CODE)
when calling the OP operation:``, Java's ``(Service: ...; Status Code: 400; ...)``, Go v2's
``operation error ... api error CODE:``, Go v1's ``status code: 400, request id: ...``, and
``CODE: message`` prefixes.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from labkit.policy.kinds import PolicyKind

_BOTOCORE = re.compile(
    r"An error occurred \((?P<code>[^)]+)\) when calling the (?P<op>\S+) operation"
    r"(?: \(reached max retries: \d+\))?: "
)
_GO_V2 = re.compile(
    r"operation error [^:]+: (?P<op>[A-Za-z0-9]+),.*?api error (?P<code>[A-Za-z0-9.]+): ", re.S
)
_JAVA_CODE = re.compile(r"Error Code: (?P<code>[A-Za-z0-9.]+)")
_CODE_PREFIX = re.compile(r"(?P<code>[A-Za-z0-9.]*(?:Exception|AccessDenied|Denied))\s*:\s*$")
_START = re.compile(r"User(?: with accountId)?: ")
_ENDINGS = re.compile(r'"|\s\((?:Service|Status Code):|\n|\r|\tstatus code|\s+status code:|\}')
_CORE = re.compile(
    r"User(?P<by_account> with accountId)?: (?P<principal>\S+) is not authorized to perform:? "
    r"(?P<action>\S+)(?: on resource: (?P<resource>.+?))?"
    r"(?:(?P<implicit> because no (?P<implicit_type>.+?) allows the (?P<action2>\S+) action)"
    r"|(?P<explicit> with an explicit deny(?: in (?P<explicit_type>.+?))?"
    r"(?:: (?P<arn>arn:\S+))?))?\s*\.?\s*$",
    re.S,
)
_KIND_PHRASES: tuple[tuple[str, PolicyKind], ...] = (
    ("vpc endpoint policy", "vpc-endpoint"),
    ("identity-based policy", "identity"),
    ("resource-based policy", "resource"),
    ("service control policy", "scp"),
    ("resource control policy", "rcp"),
    ("permissions boundary", "permission-boundary"),
    ("session policy", "session"),
    ("sessions policy", "session"),
)


@dataclass(frozen=True)
class ParsedDenial:
    """What an AccessDenied message says.

    ``explicit`` is ``True`` for "with an explicit deny" (AWS also words SCP denials this way when
    no Deny matched), ``False`` for "because no ... allows" and for the 2019 wording, which named
    no policy type for implicit denials. ``denied_by`` is in the conformance vocabulary, or
    ``None`` when the message names no type (2019) or one outside it (``policy_type``: the words).
    """

    principal: str | None
    action: str
    resource: str | None
    explicit: bool
    denied_by: PolicyKind | None
    policy_type: str | None
    policy_arn: str | None
    style: str
    message: str
    error_code: str | None = None
    operation: str | None = None
    account: str | None = None

    @property
    def decision(self) -> str:
        """``ExplicitlyDenied`` or ``ImplicitlyDenied`` as the message words it."""
        return "ExplicitlyDenied" if self.explicit else "ImplicitlyDenied"

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {**asdict(self), "decision": self.decision}


def _kind_of(words: str | None) -> PolicyKind | None:
    if not words:
        return None
    lowered = words.lower()
    for phrase, kind in _KIND_PHRASES:
        if phrase in lowered:
            return kind
    return None


def parse_access_denied(text: str) -> ParsedDenial:
    """Read an AccessDenied message (with or without CLI/SDK wrapping) into its parts.

    Raises ``ValueError`` if ``text`` holds no ``User: ... is not authorized to perform: ...``.
    """
    if not isinstance(text, str):
        raise TypeError("parse_access_denied() takes the message text as a string")
    start = _START.search(text)
    if start is None:
        raise ValueError(
            "no AccessDenied message found: expected text such as 'User: arn:aws:... is not "
            "authorized to perform: logs:PutLogEvents on resource: ...'; paste the whole error"
        )
    prefix, rest = text[: start.start()], text[start.start() :]
    end = _ENDINGS.search(rest)
    core = (rest[: end.start()] if end else rest).strip()
    match = _CORE.fullmatch(core)
    if match is None:
        raise ValueError(
            "the message does not read 'User: ... is not authorized to perform: ACTION ...': "
            f"{core!r}"
        )
    code, operation = _wrapper(prefix, rest[end.start() :] if end else "")
    explicit = match.group("explicit") is not None
    type_words = match.group("explicit_type") if explicit else match.group("implicit_type")
    if match.group("arn"):
        style = "2026"
    elif match.group("implicit") or match.group("explicit_type"):
        style = "current"
    else:
        style = "2019"
    principal = match.group("principal")
    by_account = match.group("by_account") is not None
    resource = match.group("resource")
    return ParsedDenial(
        principal=None if by_account else principal,
        action=match.group("action"),
        resource=resource.strip() if resource else None,
        explicit=explicit,
        denied_by=_kind_of(type_words),
        policy_type=type_words,
        policy_arn=match.group("arn"),
        style=style,
        message=core.rstrip("."),
        error_code=code,
        operation=operation,
        account=principal if by_account else _account(principal),
    )


def _account(principal: str) -> str | None:
    parts = principal.split(":")
    return parts[4] if len(parts) > 5 and parts[4] else None


def _wrapper(prefix: str, suffix: str) -> tuple[str | None, str | None]:
    for pattern in (_BOTOCORE, _GO_V2):
        found = pattern.search(prefix)
        if found:
            return found.group("code"), found.group("op")
    java = _JAVA_CODE.search(suffix)
    if java:
        return java.group("code"), None
    bare = _CODE_PREFIX.search(prefix)
    if bare:
        return bare.group("code"), None
    return None, None
