"""``labkit demo [--json] [--message-style current|2019]``: the whole walkthrough, headless.

On a fresh local lab: create the ``logs`` interface endpoint (EC2 API, waits until available),
resolve ``logs.<region>.amazonaws.com`` from inside the VPC, apply the walkthrough's endpoint
policy, make sure each log group has the stream the walkthrough writes to, then put log events to
the allowed and the denied group as the instance. Prints the DNS answer and the results table;
``--json`` prints the same as one JSON document on stdout (progress goes to stderr).

Exit status: 0 when the run shows what the walkthrough shows (private addresses, the put to the
first group allowed and to the second denied), 1 when it ran but came out differently (the
reasons are printed), 2 when the lab could not start.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from labkit.backend.errors import LabError
from labkit.i18n import _

EXIT_DIFFERENT = 1
EXIT_NO_LAB = 2
COLUMNS = ("log_group", "action", "decision", "http_status", "error_code", "message")


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand."""
    parser = subparsers.add_parser(
        "demo",
        help=_("run the whole walkthrough on a fresh local lab: DNS answer and results table"),
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", action="store_true", help=_("print the run as JSON on stdout"))
    parser.add_argument(
        "--message-style",
        default="current",
        choices=("current", "2019"),
        help=_("AccessDenied wording: today's (default) or the 2019 walkthrough's"),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the walkthrough and print it; the exit status says whether it matched."""

    def progress(text: str) -> None:
        print(f"labkit demo: {text}", file=sys.stderr, flush=True)

    try:
        report = walkthrough(args.message_style, progress)
    except LabError as exc:
        print(f"labkit demo: {exc}", file=sys.stderr)
        return EXIT_NO_LAB
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(render(report))
    for problem in report["differences"]:
        print(
            _("labkit demo: differs from the walkthrough: {problem}").format(problem=problem),
            file=sys.stderr,
        )
    return EXIT_DIFFERENT if report["differences"] else 0


def walkthrough(
    message_style: str = "current", progress: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """Run the walkthrough on a new local lab (stopped at the end) and return what it showed."""
    # imported when the command runs: a lab's modules take ~0.6 s, `labkit --help` none of it
    from labkit.lab.facade import Lab
    from labkit.local.backend import LocalBackend

    started = time.perf_counter()
    progress(_("starting a local lab (offline, 127.0.0.1)"))
    lab = Lab(LocalBackend.start("walkthrough", message_style=message_style))
    try:
        network = lab.network()
        progress(
            _("creating the logs interface endpoint in {count} subnets").format(count=len(network))
        )
        lab.create_endpoint("logs")
        endpoint = lab.endpoint("logs") or {}
        progress(f"{endpoint.get('VpcEndpointId')}: {' -> '.join(lab.lifecycle)}")
        answer = lab.dig(view="vpc")
        progress(
            _("dig from the instance: {answer}").format(
                answer=", ".join(answer.addresses) or answer.status
            )
        )
        policy = lab.set_policy("walkthrough")
        progress(_("applied the walkthrough's endpoint policy"))
        context = lab.call_context()
        created = ensure_streams(lab, context.log_groups[:2])
        if created:
            progress(_("created {names}").format(names=", ".join(created)))
        progress(_("putting log events to the allowed and the denied group"))
        frame = lab.probe("walkthrough")
        rows = result_rows(frame)
        report = {
            "region": lab.region,
            "vpc_cidr": str(network.loc[0, "vpc_cidr"]),
            "endpoint": {
                "id": endpoint.get("VpcEndpointId"),
                "service": endpoint.get("ServiceName"),
                "lifecycle": list(lab.lifecycle),
                "policy": json.loads(policy),
            },
            "dns": dig_dict(answer),
            "results": rows,
            "message_style": message_style,
        }
    finally:
        lab.stop()
    report["differences"] = differences(report, context.log_groups[0][0])
    report["seconds"] = round(time.perf_counter() - started, 2)
    progress(_("done in {seconds:.1f} s; the lab is stopped").format(seconds=report["seconds"]))
    return report


def ensure_streams(lab: Any, groups: Any) -> list[str]:
    """Create, as the admin, any log group or stream the walkthrough writes to that is missing."""
    logs = lab.client("logs", "admin")
    created: list[str] = []
    for group, streams in groups:
        if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
            logs.create_log_group(logGroupName=group)
            created.append(group)
        have = {
            s["logStreamName"] for s in logs.describe_log_streams(logGroupName=group)["logStreams"]
        }
        for stream in streams[:1]:
            if stream not in have:
                logs.create_log_stream(logGroupName=group, logStreamName=stream)
                created.append(f"{group}/{stream}")
    return created


def dig_dict(answer: Any) -> dict[str, Any]:
    """A :class:`~labkit.lab.dns.DigResult` as JSON-ready data."""
    return {
        "name": answer.name,
        "view": answer.view,
        "server": answer.server,
        "status": answer.status,
        "answers": [
            {"name": r.name, "ttl": r.ttl, "type": r.rtype, "address": r.value}
            for r in answer.answers
        ],
        "text": str(answer),
    }


def result_rows(frame: Any) -> list[dict[str, Any]]:
    """Probe rows as (log group, action, decision, HTTP status, error code, message) dicts."""
    rows = []
    for _index, row in frame.iterrows():
        via = row["via_endpoint"]
        rows.append(
            {
                "log_group": str(row["target"]).split("/")[0],
                "action": _text(row["action"]),
                "decision": _text(row["decision"]),
                "denied_by": _text(row["denied_by"]),
                "via_endpoint": None if _missing(via) else bool(via),
                "http_status": None if _missing(row["http_status"]) else int(row["http_status"]),
                "error_code": _text(row["error_code"]),
                "message": _text(row["message"]),
            }
        )
    return rows


def _missing(value: Any) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def _text(value: Any) -> str | None:
    return None if _missing(value) else str(value)


def differences(report: dict[str, Any], allowed_group: str) -> list[str]:
    """Where this run differs from what the walkthrough showed (empty: it matches)."""
    import ipaddress

    found: list[str] = []
    cidr = ipaddress.ip_network(report["vpc_cidr"])
    addresses = [a["address"] for a in report["dns"]["answers"] if a["type"] == "A"]
    if not addresses or any(ipaddress.ip_address(a) not in cidr for a in addresses):
        found.append(
            f"DNS answered {addresses or report['dns']['status']}, not addresses in {cidr}"
        )
    for row in report["results"]:
        should_pass = row["log_group"] == allowed_group
        if should_pass != (row["decision"] == "Allowed"):
            found.append(f"{row['action']} to {row['log_group']} was {row['decision']}")
    return found


def render(report: dict[str, Any]) -> str:
    """The report as text: endpoint, DNS answer, results table."""
    endpoint = report["endpoint"]
    lines = [
        f"endpoint  {endpoint['id']} ({endpoint['service']}): {' -> '.join(endpoint['lifecycle'])}",
        "",
        f"$ dig {report['dns']['name'].rstrip('.')}   # " + _("on the instance"),
        report["dns"]["text"],
        "",
        _("PutLogEvents as the instance, through the endpoint, under the walkthrough's policy:"),
        _table(report["results"]),
        "",
        _("{seconds:.1f} s, message style {style}").format(
            seconds=report["seconds"], style=report["message_style"]
        ),
    ]
    return "\n".join(lines)


def _table(rows: list[dict[str, Any]]) -> str:
    cells = [[("" if r[c] is None else str(r[c])) for c in COLUMNS] for r in rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(COLUMNS)]
    widths[-1] = len(COLUMNS[-1])  # the message is last and may be long: no padding

    def line(values: list[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(list(COLUMNS)), *(line(row) for row in cells)])
