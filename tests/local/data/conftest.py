"""Fixtures for the data plane's tests: a seeded walkthrough world in moto, data planes over it.

moto's backends are process-wide, so the world is reset when it is built and when it is torn
down. One world per test module: this folder has no ``__init__.py``, so a "package" fixture
lived for the whole session, and another folder's in-process moto (``tests/local/control``'s
``core``, ``mock_aws``) that ran after it in the same pytest-xdist worker reset it underneath.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from lab_world import REGION, World, reset_moto

from labkit.local import moto_adapter
from labkit.local.dataplane import DataPlane, build_data_plane
from labkit.local.gateway_policies import Decider
from labkit.local.scenario import Seeder, seed
from labkit.local.state import LabState


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    moto_adapter.prepare_environment()
    server = moto_adapter.MotoServer()
    url = server.start()
    reset_moto(url)
    moto_adapter.install_fixups(pending_seconds=0)
    seeder = Seeder(url, REGION)
    seeded = seed(seeder, "walkthrough")
    state = LabState(
        seeded, mint_instance_session=lambda: seeder.mint_instance_session(seeded), moto_url=url
    )
    yield World(url, seeder, seeded, state)
    reset_moto(url)
    server.stop()


@pytest.fixture
def plane_factory(world: World) -> Iterator[Callable[..., tuple[DataPlane, dict[str, Any]]]]:
    """Start data planes over the world; every one is stopped after the test."""
    started: list[DataPlane] = []

    def start(
        decider: Decider | None = None, *, network_timeout: float = 1.0, **kwargs: Any
    ) -> tuple[DataPlane, dict[str, Any]]:
        plane = build_data_plane(
            world.state, network_timeout=network_timeout, decider=decider, **kwargs
        )
        urls = plane.start()
        started.append(plane)
        return plane, urls

    yield start
    for plane in started:
        plane.stop()
