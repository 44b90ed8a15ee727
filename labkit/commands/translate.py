"""``labkit translate {update,build,check,diff} [--lang ja]``: keep the translated course in step.

``update`` refreshes the catalogs (``notebooks/i18n/<lang>/*.yaml``) against the English
notebooks: new cells get an empty entry, changed cells keep their translation marked stale
(``en_was``). ``build`` writes ``notebooks/<lang>/*.ipynb`` from them. ``check`` lists every
drift (a stale or missing translation, a generated notebook out of date) and exits 1 if any.
``diff`` shows, for each stale entry, how the English changed since it was translated.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from labkit.i18n import _
from labkit.i18n.paths import NOTEBOOKS


def register(subparsers: Any) -> None:
    """Add the ``translate`` subcommand."""
    parser = subparsers.add_parser(
        "translate",
        help=_("keep the translated notebooks in step with the English ones"),
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", choices=["update", "build", "check", "diff"])
    parser.add_argument("--lang", default="ja", help=_("the translation's language (default: ja)"))
    parser.add_argument(
        "--notebooks", type=Path, default=NOTEBOOKS, help=_("the English notebooks' folder")
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Do the action; ``check`` returns 1 when the course has drifted."""
    # imported when the command runs: nbformat and yaml are not needed by the other commands
    from labkit.i18n import course

    root: Path = args.notebooks
    if args.action == "update":
        changed = course.update(root, args.lang)
    elif args.action == "build":
        changed = course.build(root, args.lang)
    elif args.action == "diff":
        for diff in course.stale_diffs(root, args.lang):
            print(diff, end="\n\n")
        return 0
    else:
        found = course.problems(root, args.lang)
        for line in found:
            print(line)
        print(_("{count} problem(s)").format(count=len(found)) if found else _("in step"))
        waiting = course.pending_count(root, args.lang)
        if waiting:
            print(_("{count} pending translation(s) wait for their English").format(count=waiting))
        return 1 if found else 0
    for path in changed:
        print(_("wrote {path}").format(path=path))
    return 0
