"""``lab.client("events")`` on the aws backend: a boto3-like client whose calls run on the instance.

Methods have boto3's names and arguments and return what boto3 returns (``ResponseMetadata``
included); an error raises botocore's ``ClientError``, as boto3 would.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import botocore.exceptions
from botocore import xform_name

from labkit import services
from labkit.aws import wire
from labkit.backend.calls import Call


class InstanceClient:
    """A client for ``service`` as the lab instance, calling through ``make``."""

    def __init__(
        self, service: str, region: str, make: Callable[[Call], tuple[Any, dict[str, Any]]]
    ) -> None:
        spec = services.service(service)
        self._service = service
        self._make = make
        self._operations = _operations(service)
        self.meta = SimpleNamespace(
            region_name=region,
            endpoint_url=f"https://{spec.hostname(region)}",
            service_model=wire.service_model(service),
        )

    def __getattr__(self, name: str) -> Callable[..., dict[str, Any]]:
        operation = self._operations.get(name)
        if operation is None:
            raise AttributeError(f"{self._service} client has no method {name!r}")

        def call(**params: Any) -> dict[str, Any]:
            outcome, parsed = self._make(Call(self._service, operation, params))
            if outcome.error is not None:
                raise botocore.exceptions.ClientError(parsed, operation)
            return parsed

        call.__name__ = name
        return call

    def __repr__(self) -> str:
        return f"<InstanceClient {self._service} (calls run on the lab instance)>"


def _operations(service: str) -> dict[str, str]:
    """boto3 method name → API operation name."""
    return {xform_name(op): op for op in wire.service_model(service).operation_names}
