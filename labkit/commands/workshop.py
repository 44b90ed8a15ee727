"""``labkit workshop progress DIR [--html FILE]``: who is stuck, for the facilitator.

Reads the exercise checks participants' kernels recorded in DIR (``LABKIT_WORKSHOP_DIR``) and
prints one row per participant, one column per exercise: ``pass/N`` once passed (N attempts),
else the latest outcome (``todo``, ``no-lab``, ``invalid-answer``, ``wrong-outcome``) and
attempts, ``!`` after three attempts without a pass. Lines that are not whole records are
skipped and listed on stderr. Exit status 0; 2 when DIR is not a folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``workshop`` subcommand."""
    parser = subparsers.add_parser(
        "workshop",
        help="facilitator tools: who is stuck on which exercise",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    progress = actions.add_parser(
        "progress", help="participants × exercises from the recorded checks"
    )
    progress.add_argument("folder", type=Path, metavar="DIR", help="the LABKIT_WORKSHOP_DIR")
    progress.add_argument("--html", type=Path, metavar="FILE", help="also write a page of it")
    progress.set_defaults(handler=run_progress)


def run_progress(args: argparse.Namespace) -> int:
    """Print the table (and write the page); 2 when the folder cannot be read."""
    # (~0.5 s of start-up that `labkit --help` and every other command would pay for nothing)
    # imported when the command runs: labkit.exercises brings pandas and the lab
    from labkit.exercises import ids
    from labkit.exercises.progress import format_table, html_page, read_progress

    try:
        found = read_progress(args.folder)
    except OSError as error:
        print(
            f"labkit workshop progress: {error}; give the folder LABKIT_WORKSHOP_DIR names",
            file=sys.stderr,
        )
        return 2
    header, rows = found.rows(ids())
    if rows:
        print(format_table(header, rows))
    else:
        print(f"no checks recorded in {args.folder} yet")
    print(f"{len(rows)} participants, {len(found.records)} checks recorded")
    if found.skipped:
        count = len(found.skipped)
        what = (
            "line that is not a whole record" if count == 1 else "lines that are not whole records"
        )
        print(f"skipped {count} {what}:", file=sys.stderr)
        for skipped in found.skipped:
            print(f"  {skipped}", file=sys.stderr)
    if args.html is not None:
        try:
            args.html.write_text(html_page(found, ids(), "labkit workshop progress"), "utf-8")
        except OSError as error:
            print(
                f"labkit workshop progress: cannot write {args.html}: {error.strerror}",
                file=sys.stderr,
            )
            return 2
        print(f"wrote {args.html}")
    return 0
