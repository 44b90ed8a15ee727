"""Empty an in-process moto, fast: for tests that run moto's server in the test process.

moto's own reset (``POST /moto-api/reset``) first rebuilds every backend in use and then drops
them, so a reset paid a whole start-up of EC2 and IAM (about 1 s) for state nobody would read.
Here the backends are only dropped; the next request builds the ones it needs. Nothing in
labkit keeps a reference to a moto backend across requests (``labkit.local.world.moto.backends``
looks them up each time), so nothing can see the old state.
"""

from __future__ import annotations

from moto.core.base_backend import BackendDict, backend_lock
from moto.core.model_instances import reset_model_data


def empty_moto() -> None:
    """Forget everything every moto backend of this process holds."""
    with backend_lock:
        for backends in BackendDict._instances:
            backends.clear()
        BackendDict._instances.clear()
    reset_model_data()
