"""EC2's refusal: ``UnauthorizedOperation``, HTTP 403, with an encoded authorization message.

Today's text (aws-facts-2026 §3.1, §3.4): ``You are not authorized to perform this operation.
User: <arn> is not authorized to perform: ec2:<Action> on resource: <arn> because <reason>.
Encoded authorization failure message: <blob>``. An action without resource-level permissions
(``DescribeVpcs``: resource ``*``) has no ``on resource:`` clause and no encoded message ("Only
certain AWS operations return an encoded authorization message", §3.4). The 2019 wording (§3.3)
is the first sentence alone, then the encoded message where there is one.
"""

from __future__ import annotations

from labkit.local.front.answers import FrontError
from labkit.local.front.authorization_messages import decoded_document, matched_statement
from labkit.local.front.rules import Denial

NOT_AUTHORIZED = "You are not authorized to perform this operation."


def encoded_message(denial: Denial) -> str:
    """The blob DecodeAuthorizationMessage turns back into the denial's details."""
    request = denial.request
    decision = denial.judgement.decision
    deny = getattr(decision, "deny", None)
    userid = request.context.get("aws:userid")
    document = decoded_document(
        allowed=False,
        explicit_deny=bool(getattr(decision, "explicit", False)),
        principal_arn=request.principal,
        principal_id=userid if isinstance(userid, str) else None,
        action=request.action,
        resource=request.resource,
        context=request.context,
        matched=[matched_statement(deny.statement)] if deny is not None else [],
    )
    return denial.messages.encode(document)


def refusal(denial: Denial) -> FrontError:
    """``UnauthorizedOperation`` in EC2's words."""
    request = denial.request
    encoded = ""
    if request.resource not in ("", "*"):
        encoded = f" Encoded authorization failure message: {encoded_message(denial)}"
    if denial.style == "2019":
        return FrontError("UnauthorizedOperation", NOT_AUTHORIZED + encoded, 403)
    detail = denial.judgement.message or ""
    text = f"{NOT_AUTHORIZED} {detail}"
    if encoded:
        text += "." + encoded
    return FrontError("UnauthorizedOperation", text, 403)
