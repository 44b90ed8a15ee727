"""The lab process: moto + scenario + control front + IMDS + data plane + control API.

``python -m labkit.local.process.server --scenario NAME --ready-fd N [--lifeline-fd M]`` is
started by ``LocalLab`` (``launcher.py``); ``labkit serve`` runs :class:`LabServer` in the
foreground. Readiness (ids, URLs and the lab's fake secrets) goes to the parent over the
``--ready-fd`` pipe, never to stdout/stderr; the only file holding a (fake) key is the
credentials file of the lab's private HOME (mode 0600 in a 0700 directory, removed when the lab
stops), so that ``aws --profile admin`` works in a shell that sourced the env file. The process
ends when its parent dies (lifeline pipe EOF, PR_SET_PDEATHSIG), on SIGTERM/SIGINT, or on the
control API's stop.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from labkit.local.front.control import ControlFront
from labkit.local.gateway.decide import PolicyDecider
from labkit.local.gateway.decision_log import DecisionLog
from labkit.local.network.egress import route_from_internet
from labkit.local.network.imds import MetadataService
from labkit.local.process import envfile
from labkit.local.process.control_api import ControlApi
from labkit.local.process.dataplane import build_data_plane
from labkit.local.process.labinfo import LabInfo
from labkit.local.process.startup_endpoints import EndpointRequest, create_endpoints
from labkit.local.process.warm import PENDING_ENV
from labkit.local.wire.peer_uid import PeerGuard
from labkit.local.world.moto import ec2_endpoints, fixups
from labkit.local.world.moto import server as moto_server
from labkit.local.world.scenario import Seeder, seed
from labkit.local.world.state import LabState


class LabServer:
    """Everything one lab runs, started in order and stopped in reverse."""

    def __init__(
        self,
        scenario: str,
        *,
        message_style: str = "current",
        network_timeout: float = 2.0,
        endpoints: Sequence[EndpointRequest] = (),
        moto: moto_server.MotoServer | None = None,
        pending_seconds: float | None = None,
    ) -> None:
        self.scenario = scenario
        self._moto = moto  # started already (a warm lab process); stopped with the lab
        self.pending_seconds = pending_seconds
        self.endpoints = tuple(endpoints)
        self.message_style = message_style
        self.network_timeout = network_timeout
        self.stopped = threading.Event()
        self._stops: list[Callable[[], None]] = []
        self.info: LabInfo | None = None
        self.secrets: dict[str, Any] = {}
        self.data_plane: Any = None
        self.home: Path | None = None
        self.ctl_token = secrets.token_urlsafe(32)

    def start(self) -> LabInfo:
        """Start everything; returns the lab's info. Stops what started if a step fails."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> LabInfo:
        phases: dict[str, float] = {}
        mark = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal mark
            now = time.perf_counter()
            phases[name] = round(now - mark, 4)
            mark = now

        pending = self.pending_seconds
        if pending is None:
            pending = float(os.environ.get(PENDING_ENV, ec2_endpoints.DEFAULT_PENDING_SECONDS))
        lap("imports")
        moto = self._moto or moto_server.MotoServer()
        moto_url = moto.url or moto.start()
        self._stops.append(moto.stop)
        fixups.install_fixups(pending_seconds=pending)
        lap("moto_server")
        seeder = Seeder(moto_url, "ap-northeast-1", app=moto.wsgi_app())
        seeded = seed(seeder, self.scenario)
        lap("seed")
        state = LabState(
            seeded,
            moto_url=moto_url,
            mint_instance_session=lambda: seeder.mint_instance_session(seeded),
        )
        instance_key = state.instance_credentials()
        lap("instance_session")

        decisions = DecisionLog()
        decider = PolicyDecider(state, message_style=self.message_style)
        front = ControlFront(
            state,
            moto_url,
            decider=decider,
            decisions=decisions,
            message_style=self.message_style,
            outside_route=lambda service: route_from_internet(state, service),
        )
        control_url = front.start()
        self._stops.append(front.stop)
        imds = MetadataService(state)
        imds_url = imds.start()
        self._stops.append(imds.stop)
        self.data_plane = build_data_plane(
            state,
            message_style=self.message_style,
            network_timeout=self.network_timeout,
            moto_app=moto.wsgi_app(),
            decider=decider,
            decisions=decisions,
            control=front.handle,
        )
        data_urls = self.data_plane.start()
        self._stops.append(self.data_plane.stop)
        lap("listeners")
        ctl = ControlApi(self.ctl_token, decisions=decisions, stop=self.stopped.set)
        ctl_url = ctl.start()
        self._stops.append(ctl.stop)

        home = Path(tempfile.mkdtemp(prefix="labkit-home-"))
        os.chmod(home, 0o700)
        self.home = home
        self._stops.append(lambda: shutil.rmtree(home, ignore_errors=True))
        instance = state.instance()
        self.info = LabInfo(
            scenario=self.scenario,
            region=seeded.region,
            account_id=seeded.account_id,
            other_account_ids=tuple(o.account_id for o in seeded.other_accounts),
            org_id=seeded.org_id,
            vpc_id=seeded.vpc_id,
            vpc_cidr=seeded.vpc_cidr,
            subnet_ids=tuple(seeded.subnets.values()),
            subnet_azs=dict(seeded.subnet_azs),
            security_group_ids=dict(seeded.security_groups),
            instance_id=seeded.instance_id,
            instance_private_ip=instance.private_ip,
            role_name=seeded.instance_role,
            role_arn=seeded.instance_role_arn,
            session_arn=instance_key.arn,
            admin_arn=seeded.admin_user_arn,
            other_account_user_arns={o.account_id: o.user_arn for o in seeded.other_accounts},
            urls={
                "control": control_url,
                "imds": imds_url,
                "ctl": ctl_url,
                "moto": moto_url,
                **{k: v for k, v in data_urls.items() if k != "moto"},
            },
            home=str(home),
            config_file=str(home / ".aws" / "config"),
            pid=os.getpid(),
            extra={"startup_seconds": phases, "isolation": PeerGuard().mode},
        )
        self.secrets = self._secrets(state, seeded)
        envfile.write_home(
            self.info,
            {"admin": self.secrets["admin"], "other-account": self.secrets["other-account"]},
        )
        if self.endpoints:
            admin = self.secrets["admin"]
            ec2 = boto3.client(
                "ec2",
                region_name=seeded.region,
                endpoint_url=control_url,
                aws_access_key_id=admin["access_key_id"],
                aws_secret_access_key=admin["secret_access_key"],
                config=Config(retries={"max_attempts": 1}),
            )
            made = create_endpoints(ec2, self.endpoints, self.info)
            self.info.extra["endpoints"] = made
            lap("endpoints")
        return self.info

    def _secrets(self, state: Any, seeded: Any) -> dict[str, Any]:
        def pair(key_id: str) -> dict[str, str]:
            found = state.credentials(key_id)
            return {"access_key_id": key_id, "secret_access_key": found.secret_access_key}

        return {
            "ctl_token": self.ctl_token,
            "admin": pair(seeded.admin_access_key_id),
            "other-account": (
                pair(seeded.other_accounts[0].access_key_id) if seeded.other_accounts else None
            ),
        }

    def wait(self) -> None:
        """Block until asked to stop."""
        while not self.stopped.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop everything that started (reverse order); idempotent."""
        self.stopped.set()
        while self._stops:
            step = self._stops.pop()
            try:
                step()
            except Exception as err:  # keep stopping the rest
                print(f"labkit: while stopping the lab: {err}", file=sys.stderr)


def _die_with_parent(
    parent_pid: int, lifeline_fd: int | None, on_death: Callable[[], None]
) -> None:
    if sys.platform.startswith("linux") and parent_pid:
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            on_death()
    if lifeline_fd is not None:

        def watch() -> None:
            try:
                while os.read(lifeline_fd, 1):
                    pass
            except OSError:
                pass
            on_death()

        threading.Thread(target=watch, name="labkit-lifeline", daemon=True).start()


def _read_request(fd: int) -> dict[str, Any]:
    """The launcher's request (JSON, written once, then the pipe closes)."""
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    if not chunks:
        raise SystemExit(0)  # the launcher went away without asking for a lab
    return json.loads(b"".join(chunks))  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the lab process.

    With ``--request-fd`` the process warms up first (imports, moto's server, the fix-ups),
    then reads its scenario and options as JSON from that pipe (``warm.Spawned.send``);
    otherwise they come from the command line.
    """
    warmed = time.perf_counter()
    parser = argparse.ArgumentParser(prog="python -m labkit.local.process.server")
    parser.add_argument("--scenario", default="walkthrough")
    parser.add_argument("--ready-fd", type=int, required=True)
    parser.add_argument("--lifeline-fd", type=int)
    parser.add_argument("--request-fd", type=int)
    parser.add_argument("--parent-pid", type=int, default=0)
    parser.add_argument("--message-style", default="current")
    parser.add_argument("--network-timeout", type=float, default=2.0)
    args = parser.parse_args(argv)

    lab: LabServer | None = None

    def on_parent_death() -> None:
        if lab is None:
            os._exit(0)  # still waiting for a request nobody will send
        lab.stopped.set()

    _die_with_parent(args.parent_pid, args.lifeline_fd, on_parent_death)
    moto_server.prepare_environment()
    moto = moto_server.MotoServer()
    moto.start()
    fixups.install_fixups()
    warm_seconds = round(time.perf_counter() - warmed, 4)
    request = {
        "scenario": args.scenario,
        "message_style": args.message_style,
        "network_timeout": args.network_timeout,
    }
    if args.request_fd is not None:
        request.update(_read_request(args.request_fd))
    pending = request.get("pending_seconds")
    lab = LabServer(
        request["scenario"],
        message_style=request["message_style"],
        network_timeout=float(request["network_timeout"]),
        moto=moto,
        pending_seconds=None if pending in (None, "") else float(pending),
    )
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: lab.stopped.set())  # type: ignore[union-attr]
    with os.fdopen(args.ready_fd, "w", encoding="utf-8") as ready:
        try:
            info = lab.start()
        except Exception as err:
            ready.write(json.dumps({"error": f"{type(err).__name__}: {err}"}))
            return 1
        info.extra["startup_seconds"] = {"warm_up": warm_seconds, **info.extra["startup_seconds"]}
        ready.write(json.dumps({"info": info.to_dict(), "secrets": lab.secrets}))
    lab.wait()
    # A child lab ends fast: remove its files, then exit; the kernel closes every socket at once
    # (a graceful shutdown would wait on werkzeug's and socketserver's poll loops).
    if lab.home is not None:
        shutil.rmtree(lab.home, ignore_errors=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
