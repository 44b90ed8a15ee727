"""Plausible parameters for any operation, from botocore's model (control-plane catalog tests)."""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session


@cache
def session() -> Any:
    return botocore.session.get_session()


@cache
def model(service: str) -> Any:
    return session().get_service_model(service)


def sample(shape: Any, name: str) -> Any:
    kind = shape.type_name
    if kind == "string":
        if name.endswith("Arn") or name.endswith("ARN"):
            return "arn:aws:iam::111122223333:role/sample"
        return f"sample-{name.lower()}"
    if kind == "list":
        return [sample(shape.member, name)]
    if kind == "structure":
        return {key: sample(shape.members[key], key) for key in shape.required_members}
    if kind == "map":
        return {"k": "v"}
    if kind == "boolean":
        return True
    if kind == "blob":
        return b"x"
    return 1


def params(service: str, operation: str) -> dict[str, Any]:
    shape = model(service).operation_model(operation).input_shape
    if shape is None:
        return {}
    return {key: sample(shape.members[key], key) for key in shape.required_members}
