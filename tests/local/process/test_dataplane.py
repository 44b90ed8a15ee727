"""build_data_plane: what it starts, where it listens, and that stop frees everything."""

from __future__ import annotations

import socket
import threading
from typing import Any
from urllib.parse import urlsplit

import pytest
from dataplane_doubles import ScriptedDecider
from lab_world import World

from labkit.local.process.dataplane import build_data_plane


def tcp_port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def udp_port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def endpoints_of(urls: dict[str, Any]) -> list[tuple[str, int]]:
    http = [urlsplit(urls[k]) for k in ("egress", "public", "guard_proxy")]
    return [(u.hostname or "", u.port or 0) for u in http]


def test_start_returns_every_listener_on_loopback_with_os_chosen_ports(world: World) -> None:
    plane = build_data_plane(world.state, decider=ScriptedDecider())
    urls = plane.start()
    try:
        assert {"egress", "public", "dns_vpc", "dns_public", "guard_proxy"} <= set(urls)
        addresses = [*endpoints_of(urls), urls["dns_vpc"], urls["dns_public"]]
        assert all(host == "127.0.0.1" for host, _ in addresses)
        assert len({port for _, port in addresses}) == len(addresses)
        assert all(not tcp_port_free(host, port) for host, port in addresses)
    finally:
        plane.stop()


def test_stop_frees_every_port_and_thread_and_can_be_repeated(world: World) -> None:
    before = {t.name for t in threading.enumerate()}
    plane = build_data_plane(world.state, decider=ScriptedDecider())
    urls = plane.start()
    plane.stop()
    plane.stop()
    for host, port in endpoints_of(urls):
        assert tcp_port_free(host, port)
    for host, port in (urls["dns_vpc"], urls["dns_public"]):
        assert tcp_port_free(host, port) and udp_port_free(host, port)
    lingering = {t.name for t in threading.enumerate() if t.name.startswith("labkit-")} - before
    assert not lingering


def test_two_data_planes_run_side_by_side(world: World) -> None:
    first = build_data_plane(world.state, decider=ScriptedDecider())
    second = build_data_plane(world.state, decider=ScriptedDecider())
    try:
        a, b = first.start(), second.start()
        assert set(endpoints_of(a)).isdisjoint(endpoints_of(b))
        for urls in (a, b):
            answer = world.instance_client(urls["egress"]).describe_log_streams(
                logGroupName="logs-test-allowed"
            )
            assert answer["logStreams"]
    finally:
        first.stop()
        second.stop()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"message_style": "1999"}, "message_style must be one of current, 2019, 2026"),
        ({"network_timeout": 0}, "network_timeout must be positive seconds"),
    ],
)
def test_bad_settings_are_refused_with_the_fix(
    world: World, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build_data_plane(world.state, **kwargs)


def test_a_state_without_moto_url_says_how_to_fix_it() -> None:
    class NoMoto:
        moto_url = ""

    with pytest.raises(ValueError, match=r"LabState\(\.\.\., moto_url="):
        build_data_plane(NoMoto())
