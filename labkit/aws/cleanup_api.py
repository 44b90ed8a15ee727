"""``labkit.cleanup(run_id | "all")``: delete a real-AWS run's resources by tag, then report."""

from __future__ import annotations

from typing import Any

import botocore.config

from labkit.aws.cleanup import CleanupReport
from labkit.aws.cleanup import cleanup as _cleanup
from labkit.aws.session import connect
from labkit.backend.run_ids import check_run_id

_NO_RETRY = botocore.config.Config(retries={"max_attempts": 3, "mode": "standard"})


def cleanup(
    run_id: str,
    *,
    lab: Any = None,
    region: str | None = None,
    aws_profile: str | None = None,
    wait_seconds: float = 300.0,
    session: Any = None,
) -> CleanupReport:
    """Delete every resource tagged ``labkit:run-id=<run_id>`` (``"all"``: any run) and report.

    With ``lab``, cleans that lab's account; otherwise real AWS through the default credential
    chain (or ``aws_profile``) in ``region``. ``report.exit_code`` is non-zero if anything is left.
    """
    check_run_id(run_id)
    if lab is not None:
        report = lab.cleanup(run_id)
    else:
        if session is None:
            session, _ = connect(aws_profile, region)
        report = _cleanup(
            run_id, lambda s: session.client(s, config=_NO_RETRY), wait_seconds=wait_seconds
        )
    print(report)
    return report
