"""The IAM policy language as AWS evaluates it: parse and validate, evaluate, explain, word denials.

>>> from labkit.policy import parse_policy, PolicySet, Request, evaluate
>>> endpoint = parse_policy('{"Statement": [{"Effect": "Allow", "Principal": "*", '
...     '"Action": "*", "Resource": "arn:aws:logs:*:*:log-group:allowed:*"}]}', kind="vpc-endpoint")
>>> role = parse_policy('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
...     '"Action": "logs:*", "Resource": "*"}]}')
>>> request = Request("arn:aws:sts::111122223333:assumed-role/r/i-1", "logs:PutLogEvents",
...     "arn:aws:logs:ap-northeast-1:111122223333:log-group:denied:log-stream:s", via_endpoint=True)
>>> evaluate(request, PolicySet(identity=[role], vpc_endpoint=endpoint)).denied_by
'vpc-endpoint'
"""

from __future__ import annotations

from labkit.policy.cli_output import CliVersion, cli_error_output
from labkit.policy.decision import Decision
from labkit.policy.denials import ParsedDenial, parse_access_denied
from labkit.policy.errors import Finding, PolicyValidationError
from labkit.policy.evaluate import evaluate
from labkit.policy.explanation import Explanation, StatementRef
from labkit.policy.kinds import KIND_LABELS, POLICY_KINDS, PolicyKind
from labkit.policy.messages import MessageStyle, access_denied_message
from labkit.policy.model import Policy, Statement
from labkit.policy.parse import check_policy, parse_policy
from labkit.policy.policy_set import PolicySet
from labkit.policy.request import Request
from labkit.policy.stages import DenyHit

__all__ = [
    "KIND_LABELS",
    "POLICY_KINDS",
    "CliVersion",
    "Decision",
    "DenyHit",
    "Explanation",
    "Finding",
    "MessageStyle",
    "ParsedDenial",
    "Policy",
    "PolicyKind",
    "PolicySet",
    "PolicyValidationError",
    "Request",
    "Statement",
    "StatementRef",
    "access_denied_message",
    "check_policy",
    "cli_error_output",
    "evaluate",
    "parse_access_denied",
    "parse_policy",
]
