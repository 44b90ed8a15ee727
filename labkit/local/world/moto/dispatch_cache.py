"""moto's per-request look-ups that never change in a process, answered once.

For every request moto's dispatcher asks two questions whose answers are fixed once moto is
imported:

* ``moto.backends.list_of_moto_modules()``: the sub-packages of moto's install directory (a
  ``listdir`` and some 180 ``stat`` calls per request, to see whether the Host header names a
  service);
* ``moto.core.utils.method_names_from_class(cls)``: the functions of a response class
  (``inspect.getmembers`` over a few hundred attributes per request, to see whether the action
  has a handler).

:func:`install` answers the first from one reading of the directory and the second once per
class, and otherwise leaves moto as it is: every answer is the one moto computes (the drift
test ``tests/local/world/test_dispatch_cache.py`` compares them). Seeding a scenario, which
sends some sixty requests through moto in the lab process, and every call the lab forwards to
moto spend that time no more.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

_lock = threading.Lock()
ORIGINALS: dict[str, Callable[..., Any]] = {}
"""moto's own functions as they were before :func:`install` (the drift test calls them)."""


def _cached_modules(original: Callable[[], Iterable[str]]) -> Callable[[], Iterable[str]]:
    found: tuple[str, ...] | None = None

    def list_of_moto_modules() -> Iterable[str]:
        nonlocal found
        if found is None:
            found = tuple(original())
        return iter(found)

    return list_of_moto_modules


def _cached_method_names(original: Callable[[object], list[str]]) -> Callable[[object], list[str]]:
    by_class: dict[object, tuple[str, ...]] = {}

    def method_names_from_class(clazz: object) -> list[str]:
        names = by_class.get(clazz)
        if names is None:
            names = by_class[clazz] = tuple(original(clazz))
        return list(names)

    return method_names_from_class


def install() -> None:
    """Answer both look-ups from a cache (idempotent; moto must be importable)."""
    import moto.backends
    import moto.core.responses

    with _lock:
        if ORIGINALS:
            return
        ORIGINALS["list_of_moto_modules"] = moto.backends.list_of_moto_modules
        ORIGINALS["method_names_from_class"] = moto.core.responses.method_names_from_class
        moto.backends.list_of_moto_modules = _cached_modules(  # type: ignore[assignment]
            moto.backends.list_of_moto_modules
        )
        moto.core.responses.method_names_from_class = _cached_method_names(
            moto.core.responses.method_names_from_class
        )
