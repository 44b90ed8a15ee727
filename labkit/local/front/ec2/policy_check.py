"""Validate an endpoint policy document the way CreateVpcEndpoint/ModifyVpcEndpoint do.

JSON syntax errors get AWS's own text (``Syntax error at position (L,C)``, aws-fidelity §1.22);
valid JSON that breaks the endpoint-policy grammar is refused by ``labkit.policy.parse_policy``
(``kind="vpc-endpoint"``) with its place and reason (docs/fidelity/local-control.md).
"""

from __future__ import annotations

import json
from typing import Any

from labkit.local.front.ec2.errors import Ec2Error
from labkit.local.world.endpoint_model import MAX_POLICY_CHARS
from labkit.policy import PolicyValidationError, parse_policy
from labkit.policy.limits import VPC_ENDPOINT, measure

NOT_VALID = "The Policy Document is not valid."


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def check_endpoint_policy(text: str) -> None:
    """Raise ``Ec2Error(InvalidPolicyDocument)`` unless ``text`` is a valid endpoint policy."""
    if len(text) > MAX_POLICY_CHARS:
        raise Ec2Error(
            "InvalidPolicyDocument",
            f"{NOT_VALID} The policy is {len(text)} characters long; an endpoint policy may "
            f"have at most {MAX_POLICY_CHARS} characters, white space included.",
        )
    too_deep = measure(text, VPC_ENDPOINT)  # before json.loads, which recurses per level
    if too_deep is not None:
        raise Ec2Error(
            "InvalidPolicyDocument",
            f"{NOT_VALID} Syntax error at position ({too_deep.line},{too_deep.column})",
        )
    try:
        json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise Ec2Error(
            "InvalidPolicyDocument",
            f"{NOT_VALID} Syntax error at position ({err.lineno},{err.colno})",
        ) from None
    except ValueError:
        raise Ec2Error(
            "InvalidPolicyDocument", f"{NOT_VALID} Syntax error at position (1,1)"
        ) from None
    try:
        parse_policy(text, kind="vpc-endpoint")
    except PolicyValidationError as err:
        raise Ec2Error("InvalidPolicyDocument", semantic_message(err)) from None


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "." if text else ""


def semantic_message(err: PolicyValidationError) -> str:
    """``The Policy Document is not valid. <Reason> at position (L,C) in <path>. <Hint>.``"""
    place = f" at position ({err.line},{err.column})" if err.line else ""
    where = f" in {err.path}" if err.path else ""
    reason = _sentence(f"{err.reason}{place}{where}")
    hint = _sentence(err.hint or "")
    return f"{NOT_VALID} {reason}" + (f" {hint}" if hint else "")
