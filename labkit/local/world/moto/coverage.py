"""Which operations moto implements: a call moto lacks is answered "not implemented" by the lab.

moto answers an operation it does not implement with an HTTP 500 and an HTML page (it raises
``NotImplementedError`` inside Flask), which no client can read. The lab asks first.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

#: The moto response class that serves each service (module, class).
_RESPONSES = {
    "logs": ("moto.logs.responses", "LogsResponse"),
    "events": ("moto.events.responses", "EventsHandler"),
    "ec2": ("moto.ec2.responses", "EC2Response"),
    "iam": ("moto.iam.responses", "IamResponse"),
    "sts": ("moto.sts.responses", "TokenResponse"),
}


def method_name(operation: str) -> str:
    """moto's method name for an API operation (``GetLogEvents`` → ``get_log_events``)."""
    from moto.core.utils import camelcase_to_underscores

    return str(camelcase_to_underscores(operation))


@cache
def _response_class(service: str) -> Any:
    found = _RESPONSES.get(service)
    if found is None:
        return None
    return getattr(importlib.import_module(found[0]), found[1])


def implements(service: str, operation: str) -> bool:
    """Whether moto serves ``operation`` of ``service`` (True for services not listed here).

    The adapter's own answers (methods it adds to moto's classes) count.
    """
    cls = _response_class(service)
    return cls is None or callable(getattr(cls, method_name(operation), None))
