"""``labkit serve``: run a local lab in the foreground until Ctrl-C / SIGTERM.

With ``--env-file PATH`` it writes, once the lab is ready, the ``export`` lines that make the
AWS CLI, boto3 and plain ``dig`` in another shell behave as on the lab's instance
(``source PATH``); ``aws --profile admin …`` in that shell is the lab's admin, working from
outside the VPC. ``--endpoint SERVICE[=POLICY]`` (repeatable) creates an interface endpoint
before the lab reports ready, as the walkthrough did in the console; POLICY is a name under
data/policies/ or a policy file. On stop every port is freed and PATH is removed, so a stale
file cannot point a shell at a dead lab.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from labkit import data
from labkit.i18n import _


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help=_("run a local lab in the foreground (Ctrl-C stops it)"),
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scenario",
        default="walkthrough",
        choices=data.scenario_names(),
        help=_("which scenario to seed (default: walkthrough)"),
    )
    parser.add_argument(
        "--env-file",
        type=Path,
        metavar="PATH",
        help=_("write the lab's shell environment here once ready (mode 0600; removed on stop)"),
    )
    parser.add_argument(
        "--message-style",
        default="current",
        choices=("current", "2019", "2026"),
        help=_("AccessDenied wording: today's (default), the 2019 memo's, or with policy ARNs"),
    )
    parser.add_argument(
        "--endpoint",
        action="append",
        default=[],
        metavar="SERVICE[=POLICY]",
        help=_(
            "create an interface endpoint for SERVICE (logs, events, ...) with private DNS "
            "before the lab is ready; POLICY: a name under data/policies/ (e.g. walkthrough) or "
            "a policy file (default: AWS's full-access policy). Repeatable"
        ),
    )
    parser.add_argument(
        "--network-timeout",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help=_("how long a blocked connection takes to time out (default 2.0)"),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Start the lab, write the env file, wait for a signal, stop, clean up."""
    # imported when the command runs: the lab's modules are heavy and `labkit --help` needs none
    from labkit.local.process.envfile import instance_env, render_shell, write_private
    from labkit.local.process.server import LabServer
    from labkit.local.process.startup_endpoints import (
        EndpointRequestError,
        parse_endpoint_requests,
    )

    try:
        endpoints = parse_endpoint_requests(args.endpoint, data.scenario(args.scenario))
    except EndpointRequestError as err:
        print(f"labkit serve: {err}", file=sys.stderr)
        return 2
    lab = LabServer(
        args.scenario,
        message_style=args.message_style,
        network_timeout=args.network_timeout,
        endpoints=endpoints,
    )
    previous = {
        signum: signal.signal(signum, lambda *_: lab.stopped.set())
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    env_file: Path | None = args.env_file
    try:
        try:
            info = lab.start()
        except Exception as err:
            print(
                _("labkit serve: the lab could not start: {error}").format(error=err),
                file=sys.stderr,
            )
            return 1
        if env_file is not None:
            write_private(env_file, render_shell(instance_env(info)))
        print(
            _("labkit: {scenario} lab ready (pid {pid}, region {region})").format(
                scenario=info.scenario, pid=info.pid, region=info.region
            )
        )
        print(
            _("  instance {instance} as {arn}").format(
                instance=info.instance_id, arn=info.session_arn
            )
        )
        for request, vpce in zip(endpoints, info.extra.get("endpoints", []), strict=False):
            line = (
                _("  endpoint {vpce} for {service} with {policy} (available)")
                if request.source
                else _("  endpoint {vpce} for {service} with the default policy (available)")
            )
            print(line.format(vpce=vpce, service=request.service, policy=request.source))
        for name in ("control", "egress", "public", "imds"):
            print(f"  {name:8} {info.urls[name]}")
        resolver = f"{info.dns_vpc[0]}#{info.dns_vpc[1]}"
        print(_("  dns      {resolver} (the VPC resolver)").format(resolver=resolver))
        if env_file is not None:
            print(_("In another shell: source {path}").format(path=env_file))
        print(_("Stop with Ctrl-C."), flush=True)
        lab.wait()
        return 0
    finally:
        lab.stop()
        if env_file is not None:
            env_file.unlink(missing_ok=True)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        print(_("labkit: lab stopped; ports freed."), flush=True)
