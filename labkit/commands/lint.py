"""``labkit lint POLICY.json [--type endpoint|identity|resource|scp] [--json]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from labkit.catalog.lint import LINT_TYPES, lint
from labkit.i18n import _

EXIT_FINDINGS = 1
EXIT_USAGE = 2


def register(subparsers: Any) -> None:
    """Add the ``lint`` subcommand."""
    parser = subparsers.add_parser(
        "lint",
        help=_("check a policy document: validity, unknown actions, ARNs that never match"),
        description=(
            "Print every finding for a policy document with its severity and place "
            "(line:column and element path). Exit status 1 when there is an error, 0 otherwise."
        ),
    )
    parser.add_argument("policy", metavar="POLICY.json", help=_("the policy file ('-' for stdin)"))
    parser.add_argument(
        "--type",
        choices=sorted(LINT_TYPES),
        help=_(
            "the kind of policy (default: endpoint if a statement names a Principal, else identity)"
        ),
    )
    parser.add_argument("--json", action="store_true", help=_("print the findings as JSON"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Lint one file and print the findings; the exit status says whether there was an error."""
    try:
        data = sys.stdin.buffer.read() if args.policy == "-" else Path(args.policy).read_bytes()
    except OSError as error:
        print(f"labkit lint: cannot read {args.policy}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    kind = args.type or _guess_type(data)
    findings = lint(data, kind)
    errors = sum(1 for f in findings if f.severity == "error")
    if args.json:
        report = {
            "file": args.policy,
            "type": kind,
            "errors": errors,
            "warnings": sum(1 for f in findings if f.severity == "warning"),
            "findings": [f.to_dict() for f in findings],
        }
        print(json.dumps(report, indent=2))
    else:
        if args.type is None:
            print(f"{args.policy}: linted as {_TYPE_WORDS[kind]} (choose with --type)")
        for finding in findings:
            print(_line(args.policy, finding))
        print(_summary(findings))
    return EXIT_FINDINGS if errors else 0


_TYPE_WORDS = {
    "endpoint": "a VPC endpoint policy",
    "identity": "an identity-based policy",
    "resource": "a resource-based policy",
    "scp": "a service control policy",
}


def _guess_type(data: bytes) -> str:
    """``endpoint`` when a statement names a Principal (this lab's resource policies are endpoint
    policies), else ``identity``; an unreadable document is linted as ``identity``."""
    try:
        document = json.loads(data)
    except ValueError:
        return "identity"
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if isinstance(statements, list) and any(
        isinstance(s, dict) and ("Principal" in s or "NotPrincipal" in s) for s in statements
    ):
        return "endpoint"
    return "identity"


def _line(name: str, finding: Any) -> str:
    place = f"{name}:{finding.line}:{finding.column}" if finding.line is not None else name
    where = f" {finding.path}" if finding.path else ""
    text = f"{place}: {finding.severity} [{finding.code}]{where}: {finding.message}"
    return f"{text}\n    fix: {finding.hint}" if finding.hint else text


def _summary(findings: list[Any]) -> str:
    if not findings:
        return "no findings"
    counts = {}
    for severity in ("error", "warning", "info"):
        count = sum(1 for f in findings if f.severity == severity)
        if count:
            counts[severity] = f"{count} {severity}{'s' if count != 1 else ''}"
    return ", ".join(counts.values())
