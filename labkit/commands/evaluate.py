"""``labkit evaluate PATH...``: decide conformance case files and print one JSON line per case.

Policy cases print ``{"name", "decision", "deniedBy", "message"}``; operation cases print
``{"name", "action", "resource"}`` (what the catalog says IAM authorizes for the call). A file
that is not a usable case is reported on stderr with its name; the exit status is then 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from labkit.catalog import authorize_call
from labkit.i18n import _
from labkit.policy import evaluate
from labkit.policy.cases import CaseError, PolicyCase, case_files, load_case

EXIT_MALFORMED = 1
EXIT_USAGE = 2


def register(subparsers: Any) -> None:
    """Add the ``evaluate`` subcommand."""
    parser = subparsers.add_parser(
        "evaluate",
        help=_("decide conformance case files (tests/conformance format), one JSON line per case"),
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help=_("case files or folders of them"))
    parser.add_argument(
        "--message-style",
        default="current",
        choices=("current", "2019", "2026"),
        help=_("AccessDenied wording: today's (default), the 2019 memo's, or with policy ARNs"),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Evaluate every case named; return 1 if any file was malformed, 2 if a path is missing."""
    try:
        files = list(case_files(args.paths))
    except CaseError as err:
        print(f"labkit evaluate: {err}", file=sys.stderr)
        return EXIT_USAGE
    if not files:
        print("labkit evaluate: no .json case files found in the paths given", file=sys.stderr)
        return EXIT_USAGE
    status = 0
    for path in files:
        try:
            line = evaluate_file(path, args.message_style)
        except CaseError as err:
            print(f"labkit evaluate: {err}", file=sys.stderr)
            status = EXIT_MALFORMED
            continue
        try:
            print(json.dumps(line), flush=True)
        except BrokenPipeError:  # the reader stopped early (e.g. `| head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return status
    return status


def evaluate_file(path: Any, style: str = "current") -> dict[str, Any]:
    """The output line for one case file; raises ``CaseError`` naming the file if unusable."""
    case = load_case(path)
    if isinstance(case, PolicyCase):
        decision = evaluate(case.request, case.policies)
        return {
            "name": case.name,
            "decision": decision.decision,
            "deniedBy": decision.denied_by,
            "message": decision.message(style),  # type: ignore[arg-type]
        }
    return _operation_line(case.path, case.data)


def _operation_line(path: str, data: dict[str, Any] | Any) -> dict[str, Any]:
    try:
        authorizations = authorize_call(
            data["service"],
            data["operation"],
            data["params"],
            region=data["region"],
            account=data["account"],
        )
    except (LookupError, ValueError, TypeError) as err:
        raise CaseError(path, f"the catalog cannot map this call: {err}") from None
    if not authorizations:
        raise CaseError(path, "the catalog returned no authorization for this call")
    first = authorizations[0]
    return {"name": data["name"], "action": first.action, "resource": first.resource}
