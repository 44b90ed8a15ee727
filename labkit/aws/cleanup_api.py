"""``labkit.cleanup(run_id | "all")`` and ``labkit cleanup``: delete a real-AWS run's resources
by tag, then report what is left."""

from __future__ import annotations

from typing import Any

from labkit.aws import runs
from labkit.aws.cleanup import DEFAULT_WAIT, CleanupReport
from labkit.aws.cleanup import cleanup as _cleanup
from labkit.aws.clients import AwsClients
from labkit.aws.session import connect, identify
from labkit.backend.run_ids import check_run_id


def cleanup(
    run_id: str,
    *,
    lab: Any = None,
    region: str | None = None,
    aws_profile: str | None = None,
    wait_seconds: float = DEFAULT_WAIT,
    session: Any = None,
    dry_run: bool = False,
    quiet: bool = False,
) -> CleanupReport:
    """Delete every resource tagged ``labkit:run-id=<run_id>`` (``"all"``: any run) and report.

    With ``lab``, cleans that lab's account; otherwise real AWS through the default credential
    chain (or ``aws_profile``) in ``region``. ``dry_run`` only lists. ``report.exit_code`` is
    non-zero if anything tagged is (or, in a dry run, would be) left, or could not be listed.
    A run with nothing left is forgotten (the next ``start("aws")`` begins a new one).
    """
    check_run_id(run_id)
    if lab is not None and not dry_run:
        report = lab.cleanup(run_id)
    else:
        if session is None:
            session, identity = connect(aws_profile, region)
        else:
            identity = identify(session)
        clients = AwsClients(session)
        report = _cleanup(run_id, clients.lab, wait_seconds=wait_seconds, dry_run=dry_run)
        if not dry_run and not report.exit_code:
            runs.forget(identity.account_id, identity.region, run_id)
    if not quiet:
        print(report)
    return report
