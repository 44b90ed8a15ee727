"""Command-line entry point: dispatches to one module per subcommand in ``labkit.commands``."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import labkit
import labkit.commands


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser from every module in ``labkit.commands`` that has ``register``."""
    parser = argparse.ArgumentParser(
        prog="labkit",
        description="VPC interface endpoint policies, hands-on: a local lab and its tools.",
    )
    parser.add_argument("--version", action="version", version=f"labkit {labkit.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(labkit.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"labkit.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    return int(args.handler(args) or 0)
