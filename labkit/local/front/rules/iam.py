"""IAM's refusal: ``AccessDenied``, HTTP 403, in the query protocol's XML.

IAM names resources in its own way (aws-facts-2026 §3.14): a role as ``role <RoleName>``, a
managed policy as ``policy <PolicyArn>``, anything else (users, the path a listing covers) by
its ARN.
"""

from __future__ import annotations

from typing import Any

from labkit.local.front.answers import FrontError
from labkit.local.front.query_input import QueryCall
from labkit.local.front.rules import Denial
from labkit.local.front.rules.iam_documents import check_document


def resource_words(resource: str) -> str:
    """How an IAM denial names a resource."""
    parts = resource.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam":
        return resource
    kind, _, rest = parts[5].partition("/")
    if kind == "role" and rest and not rest.endswith("/"):
        return f"role {rest.rsplit('/', 1)[-1]}"
    if kind == "policy" and rest and not rest.endswith("/"):
        return f"policy {resource}"
    return resource


def refusal(denial: Denial) -> FrontError:
    """``AccessDenied`` in IAM's words."""
    resource = denial.request.resource
    message = denial.judgement.message or ""
    clause = f" on resource: {resource}"
    if clause in message:
        message = message.replace(clause, f" on resource: {resource_words(resource)}", 1)
    return FrontError("AccessDenied", message, 403)


def validate(call: QueryCall, front: Any, account: str) -> None:
    """The document an authorized call carries, checked as IAM checks it (``FrontError``)."""

    def other_inline(kind: str, owner: str, policy: str) -> list[str]:
        texts = front.state.inline_policies(account, kind, owner)
        return [text for name, text in texts.items() if name != policy]

    check_document(call.operation, call.params, account, other_inline)
