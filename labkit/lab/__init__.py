"""The public API notebooks call: ``labkit.start()`` returns a :class:`Lab`.

>>> import labkit
>>> lab = labkit.start()            # local lab, offline; prints backend, Region, identity
>>> lab.create_endpoint("logs", policy="walkthrough")
>>> lab.probe("walkthrough")        # real calls; a DataFrame (see labkit.probe)
"""

from __future__ import annotations

from labkit.backend.errors import ConfirmationRequired, LabError, PolicyRejected
from labkit.lab.facade import Lab
from labkit.lab.launch import current, start, stop

__all__ = ["ConfirmationRequired", "Lab", "LabError", "PolicyRejected", "current", "start", "stop"]
