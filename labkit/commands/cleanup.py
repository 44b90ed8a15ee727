"""``labkit cleanup --run-id ID | --all [--region R] [--profile P] [--dry-run]``

Deletes, in dependency order, every real-AWS resource tagged ``labkit:run-id`` with that run ID
(``--all``: with any run ID), waiting where AWS needs it; resources without the tag are never
touched. Prints what it deleted, what it could not list, and whatever survived. Exit status 0
when nothing tagged is left, 1 otherwise (a dry run: 1 when anything would be deleted), 2 for
bad arguments or no AWS access.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from labkit.i18n import _


def register(subparsers: Any) -> None:
    """Add the ``cleanup`` subcommand."""
    parser = subparsers.add_parser(
        "cleanup",
        help=_("delete a real-AWS run's resources by its labkit:run-id tag"),
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--run-id", help=_("the run to delete (labkit-YYYYMMDD-HHMMSS-xxxx)"))
    which.add_argument("--all", action="store_true", help=_("every labkit run in the Region"))
    parser.add_argument("--region", help=_("AWS Region (default: the profile's or environment's)"))
    parser.add_argument("--profile", help=_("AWS profile (default: the default credential chain)"))
    parser.add_argument("--dry-run", action="store_true", help=_("list, delete nothing"))
    parser.add_argument(
        "--wait", type=float, default=600.0, help=_("seconds to wait for each deletion (600)")
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Clean up and return the exit status."""
    # imported when the command runs: keeps `labkit --help` from importing boto3
    from labkit.aws.cleanup_api import cleanup
    from labkit.aws.session import AwsConnectionError
    from labkit.backend.errors import LabError

    run_id = "all" if args.all else args.run_id
    try:
        report = cleanup(
            run_id,
            region=args.region,
            aws_profile=args.profile,
            wait_seconds=args.wait,
            dry_run=args.dry_run,
        )
    except (ValueError, AwsConnectionError, LabError) as exc:
        print(f"labkit cleanup: {exc}", file=sys.stderr)
        return 2
    return report.exit_code
