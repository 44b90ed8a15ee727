"""moto's EC2 instance-type offerings, read per Region when first asked for, not at import.

Importing ``moto.ec2`` reads the instance-type offerings of every Region and location type
(about 90 compressed JSON files): a quarter of a second and some 40 MiB a lab never uses, since
it serves one Region. :func:`defer_instance_type_offerings` (before ``moto.ec2`` is imported)
leaves each file unread until moto first looks into that Region's list; then it is read and
marked exactly as moto's import loop marks it (``LocationType``), so every answer is unchanged.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

_OFFERINGS = "ec2/resources/instance_type_offerings/"
_MODULE = "moto.ec2.models.instance_types"
_lock = threading.Lock()


def _import_finished() -> bool:
    """Whether moto's instance-types module has run to its end (its loop only stores lists)."""
    module = sys.modules.get(_MODULE)
    return module is not None and hasattr(module, "InstanceTypeOfferingBackend")


class DeferredOfferings(list):  # type: ignore[type-arg]
    """One Region's offerings: empty while moto's import loop runs, read on first real use."""

    def __init__(self, load: Callable[[str], Any], resource: str) -> None:
        super().__init__()
        self._load = load
        self._resource = resource
        self._loaded = False

    def _ensure(self) -> None:
        if self._loaded or not _import_finished():
            return
        with _lock:
            if self._loaded:
                return
            location_type = self._resource.split(_OFFERINGS, 1)[1].split("/", 1)[0]
            found = self._load(self._resource)
            for instance in found:
                instance["LocationType"] = location_type
            super().extend(found)
            self._loaded = True

    def __iter__(self) -> Iterator[Any]:
        self._ensure()
        return super().__iter__()

    def __len__(self) -> int:
        self._ensure()
        return super().__len__()

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getitem__(self, index: Any) -> Any:
        self._ensure()
        return super().__getitem__(index)

    def __contains__(self, item: object) -> bool:
        self._ensure()
        return super().__contains__(item)

    def __eq__(self, other: object) -> bool:
        self._ensure()
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        self._ensure()
        return super().__repr__()


def defer_instance_type_offerings() -> None:
    """Make moto read each Region's offerings on first use (call before importing moto.ec2)."""
    import moto.utilities.utils as utils

    if getattr(utils.load_resource, "labkit_deferred", False):
        return
    original = utils.load_resource

    def load_resource(resource: str) -> Any:
        if resource.startswith(_OFFERINGS) and not _import_finished():
            return DeferredOfferings(original, resource)
        return original(resource)

    load_resource.labkit_deferred = True  # type: ignore[attr-defined]
    utils.load_resource = load_resource
