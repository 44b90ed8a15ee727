"""STS's rules at the control front: its refusals, and DecodeAuthorizationMessage.

``AccessDenied``, HTTP 403. A role trust policy is named as such: ``… is not authorized to
perform: sts:AssumeRole on resource: <role ARN> because no role trust policy allows the
sts:AssumeRole action`` / ``… with an explicit deny in the role trust policy`` (IAM User Guide,
"Troubleshoot access denied error messages"; aws-facts-2026 §3.16–3.17).

``DecodeAuthorizationMessage`` (authorized as ``sts:DecodeAuthorizationMessage`` first) decodes
what this lab's EC2 refusals encode; anything else is ``InvalidAuthorizationMessageException``.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from labkit.catalog.sts import TRUST_POLICY_ACTIONS
from labkit.local.front.answers import FrontError
from labkit.local.front.authorization_messages import InvalidAuthorizationMessage
from labkit.local.front.query_input import QueryCall
from labkit.local.front.rules import Denial

NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
INVALID_MESSAGE = (
    "The encoded authorization message is not valid: it was not issued by this lab, or it was "
    "altered (copy it whole, without line breaks)."
)


def trust_message(denial: Denial) -> str:
    """The denial text when the role trust policy decided."""
    request = denial.request
    head = (
        f"User: {request.principal} is not authorized to perform: {request.action} on "
        f"resource: {request.resource}"
    )
    if denial.style == "2019":
        return head
    if getattr(denial.judgement.decision, "explicit", False):
        return f"{head} with an explicit deny in the role trust policy"
    return f"{head} because no role trust policy allows the {request.action} action"


def refusal(denial: Denial) -> FrontError:
    """``AccessDenied`` in STS's words."""
    final = denial.judgement.evaluations[-1]
    if final.denied_by == "resource" and denial.request.action.lower() in TRUST_POLICY_ACTIONS:
        return FrontError("AccessDenied", trust_message(denial), 403)
    return FrontError("AccessDenied", denial.judgement.message or "", 403)


def local_answer(call: QueryCall, front: Any, request_id: str) -> bytes | None:
    """DecodeAuthorizationMessage's answer (other calls go to moto)."""
    if call.operation != "DecodeAuthorizationMessage":
        return None
    blob = call.params.get("EncodedMessage")
    if not isinstance(blob, str) or not blob:
        raise FrontError(
            "ValidationError",
            "1 validation error detected: Value null at 'encodedMessage' failed to satisfy "
            "constraint: Member must not be null",
        )
    try:
        decoded = front.authorization_messages.decode(blob)
    except InvalidAuthorizationMessage:
        raise FrontError("InvalidAuthorizationMessageException", INVALID_MESSAGE) from None
    return (
        f'<DecodeAuthorizationMessageResponse xmlns="{NAMESPACE}">'
        "<DecodeAuthorizationMessageResult>"
        f"<DecodedMessage>{escape(decoded)}</DecodedMessage>"
        "</DecodeAuthorizationMessageResult>"
        f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata>"
        "</DecodeAuthorizationMessageResponse>"
    ).encode()
