"""Fixtures for the control room's tests.

``core`` builds the lab's control side in this process (moto server, fix-ups, scenario,
``LabState``, control front) on loopback; ``lab`` is a real ``LocalLab`` child process shared
by a test module. Both are module-scoped so that start-up costs are paid once per module.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config

from labkit.local import moto_adapter
from labkit.local.control_front import ControlFront
from labkit.local.process import LocalLab
from labkit.local.scenario import SeededLab, Seeder, seed
from labkit.local.state import LabState

REGION = "ap-northeast-1"
ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"


@dataclass
class Core:
    """The control side of a lab, in-process."""

    moto_url: str
    seeder: Seeder
    seeded: SeededLab
    state: LabState
    front: ControlFront
    admin_secret: str

    def client(self, service: str, key_id: str | None = None, secret: str | None = None) -> Any:
        """A boto3 client to the control front (admin keys unless others are given)."""
        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=self.front.url,
            aws_access_key_id=key_id or self.seeded.admin_access_key_id,
            aws_secret_access_key=secret or self.admin_secret,
            config=Config(retries={"max_attempts": 1}),
        )

    def ec2(self) -> Any:
        """An admin EC2 client through the control front."""
        return self.client("ec2")


def start_core(scenario: str = "walkthrough", pending_seconds: float = 0.3) -> Core:
    """moto + fix-ups + scenario + LabState + control front, all in this process."""
    moto_adapter.prepare_environment()
    server = moto_adapter.MotoServer()
    url = server.start()
    moto_adapter.reset_moto(url)
    moto_adapter.install_fixups(pending_seconds=pending_seconds)
    seeder = Seeder(url, REGION)
    seeded = seed(seeder, scenario)
    state = LabState(
        seeded, moto_url=url, mint_instance_session=lambda: seeder.mint_instance_session(seeded)
    )
    front = ControlFront(state, url)
    front.start()
    admin = state.credentials(seeded.admin_access_key_id)
    assert admin is not None
    core = Core(url, seeder, seeded, state, front, admin.secret_access_key)
    core._server = server  # type: ignore[attr-defined]
    return core


def stop_core(core: Core) -> None:
    """Stop the control front and moto."""
    core.front.stop()
    core._server.stop()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def core() -> Iterator[Core]:
    """The walkthrough's control side, shared by one test module."""
    built = start_core()
    yield built
    stop_core(built)


@pytest.fixture(scope="module")
def lab() -> Iterator[LocalLab]:
    """One walkthrough lab process shared by a test module (tests must not mutate it)."""
    started = LocalLab.start("walkthrough")
    yield started
    started.stop()


@pytest.fixture()
def port_is_free() -> Any:
    """``(host, port, kind=SOCK_STREAM) -> bool``: whether nothing listens there any more."""
    return _port_is_free


def _port_is_free(host: str, port: int, kind: int = socket.SOCK_STREAM) -> bool:
    """Whether nothing listens on (host, port) any more (TCP: connect refused; UDP: bindable)."""
    with socket.socket(socket.AF_INET, kind) as probe:
        if kind == socket.SOCK_STREAM:
            probe.settimeout(1)
            return probe.connect_ex((host, port)) != 0
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True
