"""labkit: a hands-on lab on VPC interface endpoint policies for CloudWatch Logs and EventBridge.

``labkit.start()`` starts a lab with its notebook displays (see :mod:`labkit.lab` and
:mod:`labkit.ui.notebook_lab`); ``labkit.cleanup(run_id)`` deletes what a
real-AWS run created; ``labkit.setup_check()`` checks this machine. They are imported on first use,
so ``import labkit`` stays cheap.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "start": ("labkit.ui.notebook_lab", "start"),
    "stop": ("labkit.lab", "stop"),
    "Lab": ("labkit.ui.notebook_lab", "NotebookLab"),
    "LabError": ("labkit.lab", "LabError"),
    "PolicyRejected": ("labkit.lab", "PolicyRejected"),
    "cleanup": ("labkit.aws.cleanup_api", "cleanup"),
    "setup_check": ("labkit.checkup", "setup_check"),
    "set_language": ("labkit.i18n", "set_language"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        if name == "start":
            # A spare lab process warms up (imports, moto) while this process imports the
            # notebook side; warm imports only the standard library.
            # imported when labkit.start is first asked for
            from labkit.local.process import warm

            warm.spawn()

        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'labkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
