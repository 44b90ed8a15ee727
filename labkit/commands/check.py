"""``labkit check [--no-lab] [--json]``: is this machine ready for the course?

Prints one line per check (Python, packages against pyproject's ranges, the ipywidgets extension,
the kernel, the optional ``aws`` and ``dig``, a local lab that starts and answers) with the exact
fix for each failure. Exit status 0 when every required check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from labkit.i18n import _


def register(subparsers: Any) -> None:
    """Add the ``check`` subcommand."""
    parser = subparsers.add_parser(
        "check",
        help=_("check this machine's set-up (versions, widget extension, kernel, aws, dig, a lab)"),
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--no-lab", action="store_true", help=_("do not start a local lab (skips the ~3 s check)")
    )
    parser.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the checks, print them, and return 0 when ready."""
    # imported when the command runs: keeps `labkit --help` from importing the checks
    from labkit.checkup import setup_check

    report = setup_check(lab=not args.no_lab)
    print(json.dumps(report.to_dict(), indent=2) if args.json else str(report))
    return 0 if report.ok else 1
