"""Fixtures for the local lab's tests, in this test process or as a real lab process.

* ``moto_url``: one moto server per test process (moto's backends are process-wide);
* ``world``: moto reset and the walkthrough scenario seeded, with ``LabState`` over it
  (module scope: each module starts from a freshly seeded world);
* ``core``: the world with the control front listening in front of it (module scope);
* ``plane_factory``: data planes over the world, each stopped after the test;
* ``lab``: one real ``LocalLab`` child process shared by a module (tests must not mutate it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import ports
import pytest
from botocore.config import Config
from lab_world import REGION, World
from moto_reset import empty_moto

from labkit.local.front.control import ControlFront
from labkit.local.gateway.decide import Decider
from labkit.local.process.dataplane import DataPlane, build_data_plane
from labkit.local.process.launcher import LocalLab
from labkit.local.world.moto import fixups
from labkit.local.world.moto import server as moto_server
from labkit.local.world.scenario import SeededLab, Seeder, seed
from labkit.local.world.state import LabState

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """One in-process moto server for every in-process world of this test process."""
    moto_server.prepare_environment()
    running = moto_server.MotoServer()
    url = running.start()
    yield url
    running.stop()


def seed_world(moto_url: str, scenario: str = "walkthrough", pending_seconds: float = 0) -> World:
    """moto emptied, fix-ups on, ``scenario`` seeded, and ``LabState`` over it."""
    empty_moto()
    fixups.install_fixups(pending_seconds=pending_seconds)
    seeder = Seeder(moto_url, REGION)
    seeded = seed(seeder, scenario)
    state = LabState(
        seeded,
        moto_url=moto_url,
        mint_instance_session=lambda: seeder.mint_instance_session(seeded),
    )
    return World(moto_url, seeder, seeded, state)


@pytest.fixture(scope="module")
def world(moto_url: str) -> World:
    """A freshly seeded walkthrough world (endpoints become available at once)."""
    return seed_world(moto_url)


@dataclass
class Core:
    """The control side of a lab, in this process: a seeded world behind the control front."""

    moto_url: str
    seeder: Seeder
    seeded: SeededLab
    state: LabState
    front: ControlFront
    admin_secret: str
    _clients: dict[tuple[str, str, str], Any] = field(default_factory=dict, repr=False)

    def client(self, service: str, key_id: str | None = None, secret: str | None = None) -> Any:
        """A boto3 client to the control front (admin keys unless others are given); made once
        per service and keys (building an EC2 client costs more than most calls through it)."""
        key = (service, key_id or self.seeded.admin_access_key_id, secret or self.admin_secret)
        if key not in self._clients:
            self._clients[key] = boto3.client(
                service,
                region_name=REGION,
                endpoint_url=self.front.url,
                aws_access_key_id=key[1],
                aws_secret_access_key=key[2],
                config=Config(retries={"max_attempts": 1}),
            )
        return self._clients[key]

    def ec2(self) -> Any:
        """An admin EC2 client through the control front."""
        return self.client("ec2")


@pytest.fixture(scope="module")
def core(moto_url: str) -> Iterator[Core]:
    """The walkthrough's control side (endpoints stay ``pending`` for 0.3 s), per module."""
    built = seed_world(moto_url, pending_seconds=0.3)
    front = ControlFront(built.state, moto_url)
    front.start()
    admin = built.state.credentials(built.seeded.admin_access_key_id)
    assert admin is not None
    yield Core(moto_url, built.seeder, built.seeded, built.state, front, admin.secret_access_key)
    front.stop()


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


@pytest.fixture(scope="module")
def lab() -> Iterator[LocalLab]:
    """One walkthrough lab process shared by a test module (tests must not mutate it)."""
    started = LocalLab.start("walkthrough")
    yield started
    started.stop()


@pytest.fixture()
def port_is_free() -> Any:
    """``(host, port, kind=SOCK_STREAM) -> bool``: whether nothing listens there any more."""
    return ports.port_is_free
