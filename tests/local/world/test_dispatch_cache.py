"""moto's per-request look-ups, answered from the cache, are the answers moto computes."""

from __future__ import annotations

import importlib

from labkit.local.world.moto import dispatch_cache
from labkit.local.world.moto import server as moto_server

# The response classes of the services the lab serves through moto.
RESPONSE_CLASSES = (
    ("moto.logs.responses", "LogsResponse"),
    ("moto.events.responses", "EventsHandler"),
    ("moto.ec2.responses", "EC2Response"),
    ("moto.iam.responses", "IamResponse"),
    ("moto.sts.responses", "TokenResponse"),
)


def test_cached_module_list_is_what_moto_lists() -> None:
    moto_server.prepare_environment()
    dispatch_cache.install()
    import moto.backends

    cached = list(moto.backends.list_of_moto_modules())
    assert cached == list(dispatch_cache.ORIGINALS["list_of_moto_modules"]())
    assert "logs" in cached and "ec2" in cached
    assert list(moto.backends.list_of_moto_modules()) == cached  # asked again: same answer


def test_cached_method_names_are_what_moto_finds_for_every_served_class() -> None:
    moto_server.prepare_environment()
    dispatch_cache.install()
    import moto.core.responses

    original = dispatch_cache.ORIGINALS["method_names_from_class"]
    for module, name in RESPONSE_CLASSES:
        clazz = getattr(importlib.import_module(module), name)
        first = moto.core.responses.method_names_from_class(clazz)
        assert first == original(clazz)
        first.append("changed by a caller")  # a caller's copy: the cache keeps its own
        assert moto.core.responses.method_names_from_class(clazz) == original(clazz)


def test_moto_server_installs_the_cache() -> None:
    server = moto_server.MotoServer()
    server.stop()
    import moto.backends

    original = dispatch_cache.ORIGINALS["list_of_moto_modules"]
    assert moto.backends.list_of_moto_modules is not original
