"""``LocalLab``: start a lab process, talk to it, stop it.

The lab runs in a child process (``python -m labkit.local.process.server``). Readiness comes
back over a pipe; a second pipe is the child's lifeline (EOF when this process dies), backed by
PR_SET_PDEATHSIG. ``stop()`` ends the child, which frees every port and thread it held.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import threading
import time
import urllib.request
import weakref
from typing import Any, Literal

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import (
    CredentialResolver,
    InstanceMetadataProvider,
)
from botocore.utils import InstanceMetadataFetcher

from labkit import data, services
from labkit.backend.errors import LabError
from labkit.backend.record import DecisionRecord
from labkit.local.network import guard
from labkit.local.process import envfile, warm
from labkit.local.process.labinfo import LabInfo
from labkit.local.wire.botocore_data import shared_loader

Who = Literal["admin", "instance", "other-account"]
READY_TIMEOUT = 120.0
# The control API is on loopback: never through a proxy. urllib.request.urlopen's shared opener
# reads proxy variables once, and a lab's environment (its refusing guard proxy) may have been
# in force at that moment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class LabStartError(RuntimeError):
    """The lab process could not start; the message says why."""


class LabStopped(LabError):
    """The lab process is gone (stopped, killed or crashed): start a new lab."""

    def __init__(self, pid: int, exit_code: int | None) -> None:
        self.pid = pid
        self.exit_code = exit_code
        super().__init__(
            f"the lab stopped (pid {pid}, {describe_exit(exit_code)}): run `labkit.start()` again",
            "run `labkit.start()` again (a new lab starts from its scenario; what the old one "
            "held is gone)",
        )


def describe_exit(code: int | None) -> str:
    """``exit 1``, ``exit -9 (killed by SIGKILL)`` or ``still running``."""
    if code is None:
        return "still running"
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"exit {code} (killed by {signal.Signals(-code).name})"
    return f"exit {code}"


def _read_ready(fd: int, process: subprocess.Popen[bytes], timeout: float) -> dict[str, Any]:
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LabStartError(f"the lab process did not become ready within {timeout:.0f} s")
        readable, _, _ = select.select([fd], [], [], min(remaining, 0.5))
        if readable:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        elif process.poll() is not None and not chunks:
            break
    raw = b"".join(chunks)
    if not raw:
        code = process.wait(timeout=5)
        raise LabStartError(f"the lab process exited (code {code}) before it was ready")
    return json.loads(raw)  # type: ignore[no-any-return]


def _stop_process(process: subprocess.Popen[bytes], lifeline: int | None) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    if lifeline is not None:
        with contextlib.suppress(OSError):
            os.close(lifeline)


def _ignored_env_vars() -> dict[str, tuple[Any, None, Any, Any]]:
    """botocore's session variables with their environment variable names taken away."""
    return {
        name: (config_name, None, default, convert)
        for name, (config_name, _env, default, convert) in (
            botocore.session.Session.SESSION_VARIABLES.items()
        )
    }


_IGNORED_ENV_VARS = _ignored_env_vars()


#: The services the kernel calls first on a new lab (its subnets; an endpoint; a probe).
FIRST_SERVICES = ("ec2", "logs")


def _read_models_the_kernel_needs_first() -> None:
    """Build a throw-away client of each of :data:`FIRST_SERVICES` on the shared loader, so
    that their models are read while the lab process seeds, not after it is ready."""
    session = botocore.session.Session(session_vars=_IGNORED_ENV_VARS)
    session.register_component("data_loader", shared_loader())
    session.set_config_variable("config_file", os.devnull)
    session.set_config_variable("credentials_file", os.devnull)
    for service in FIRST_SERVICES:
        session.create_client(
            service,
            region_name="us-east-1",
            endpoint_url="http://127.0.0.1:9",  # never called
            aws_access_key_id="unused",
            aws_secret_access_key="unused",
        )


class LocalLab:
    """A running local lab (one child process)."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        lifeline: int,
        info: LabInfo,
        secrets: dict[str, Any],
    ) -> None:
        self._process = process
        self.info = info
        self._secrets = secrets
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._clients_lock = threading.Lock()
        # Stops the child on stop(), on garbage collection and at interpreter exit.
        self._finalizer = weakref.finalize(self, _stop_process, process, lifeline)

    @classmethod
    def start(
        cls,
        scenario: str = "walkthrough",
        *,
        message_style: str = "current",
        network_timeout: float = 2.0,
    ) -> LocalLab:
        """Start a lab for ``scenario`` and block until it is ready.

        A spare lab process started ahead (:mod:`labkit.local.process.warm`) is used when one
        is waiting: it has imported and started moto already, so only the scenario is left.
        """
        try:
            data.scenario(scenario)  # a wrong name is answered here, before a process starts
        except FileNotFoundError as error:
            raise LabStartError(f"the lab could not start: {error}") from None
        spawned = warm.claim() or warm.start_process()
        request = {
            "scenario": scenario,
            "message_style": message_style,
            "network_timeout": network_timeout,
            "pending_seconds": os.environ.get(warm.PENDING_ENV),
        }
        try:
            spawned.send(request)
            _read_models_the_kernel_needs_first()  # while the lab process seeds
            answer = _read_ready(spawned.ready, spawned.process, READY_TIMEOUT)
        except BaseException:
            _stop_process(spawned.process, spawned.lifeline)
            raise
        finally:
            os.close(spawned.ready)
        if "error" in answer:
            _stop_process(spawned.process, spawned.lifeline)
            raise LabStartError(f"the lab could not start: {answer['error']}")
        info = LabInfo.from_dict(answer["info"])
        return cls(spawned.process, spawned.lifeline, info, answer["secrets"])

    # ------------------------------------------------------------------ lifecycle

    @property
    def running(self) -> bool:
        """Whether the lab process is alive."""
        return self._process.poll() is None

    @property
    def pid(self) -> int:
        """The lab process id."""
        return self._process.pid

    @property
    def exit_code(self) -> int | None:
        """The lab process's exit status (negative: the signal that ended it); None if running."""
        return self._process.poll()

    def ensure_running(self) -> None:
        """Raise :class:`LabStopped` if the lab process is gone."""
        if not self.running:
            raise LabStopped(self.pid, self.exit_code)

    def stop(self) -> None:
        """Stop the lab process (frees every port and thread); idempotent."""
        self._finalizer()

    def __enter__(self) -> LocalLab:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        control = self.info.urls["control"]
        return f"<LocalLab {self.info.scenario} pid={self.pid} {state} control={control}>"

    # ------------------------------------------------------------------ identities

    def _botocore_session(self, who: Who) -> botocore.session.Session:
        self.ensure_running()
        # No variable of the kernel's (AWS_PROFILE, AWS_CONFIG_FILE, ...) may steer it: every
        # setting it reads is set below.
        session = botocore.session.Session(session_vars=_IGNORED_ENV_VARS)
        session.register_component("data_loader", shared_loader())  # models read once, cached
        session.set_config_variable("config_file", self.info.config_file)
        session.set_config_variable("credentials_file", os.devnull)
        session.set_config_variable("profile", envfile.PROFILE_OF[who])
        session.set_config_variable("region", self.info.region)
        if who == "instance":
            fetcher = InstanceMetadataFetcher(
                timeout=5, num_attempts=2, base_url=self.info.urls["imds"]
            )
            session.register_component(
                "credential_provider",
                CredentialResolver([InstanceMetadataProvider(iam_role_fetcher=fetcher)]),
            )
        else:
            keys = self._secrets.get(who)
            if not keys:
                raise ValueError(f"this lab's scenario ({self.info.scenario}) has no {who!r} keys")
            session.set_credentials(keys["access_key_id"], keys["secret_access_key"])
        return session

    def session(self, who: Who = "instance") -> boto3.Session:
        """A boto3 session as ``who``: the instance role (via IMDS), the admin, or stolen keys."""
        if who not in envfile.PROFILE_OF:
            raise ValueError(f"who must be one of {sorted(envfile.PROFILE_OF)}, not {who!r}")
        session = self._botocore_session(who)
        guard.install(session)  # every client of this session refuses non-loopback hosts
        return boto3.Session(botocore_session=session)

    def endpoint_url(self, service: str, who: Who = "instance") -> str:
        """Where ``who``'s calls to ``service`` go, as its traffic would (the instance's through
        its egress, the admin's from outside)."""
        return envfile.endpoint_url_for(self.info, who, services.by_client_name(service))

    def client(self, service: str, who: Who = "instance", **config: Any) -> Any:
        """A botocore client for ``service`` as ``who``, aimed at the lab only.

        Made once per (service, who, config) and then reused: building a client costs about
        a tenth of a second, more than most calls through it (botocore clients are safe to
        share between threads).
        """
        self.ensure_running()
        key = (service, who, repr(sorted(config.items())))
        with self._clients_lock:
            found = self._clients.get(key)
        if found is not None:
            return found
        merged = Config(retries={"max_attempts": 1, "mode": "standard"}, **config)
        client = self.session(who).client(
            service, endpoint_url=self.endpoint_url(service, who), config=merged
        )
        guard.install(client)  # refuses any request not aimed at loopback
        with self._clients_lock:
            return self._clients.setdefault(key, client)

    def env(self, who: Who = "instance") -> dict[str, str | None]:
        """The environment ``labkit serve --env-file`` writes (for ``who``; None = unset)."""
        if who == "instance":
            return envfile.instance_env(self.info)
        env = envfile.common_env(self.info, who)
        keys = self._secrets.get(who)
        if not keys:
            raise ValueError(f"this lab's scenario ({self.info.scenario}) has no {who!r} keys")
        env["AWS_ACCESS_KEY_ID"] = keys["access_key_id"]
        env["AWS_SECRET_ACCESS_KEY"] = keys["secret_access_key"]
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        return env

    # ------------------------------------------------------------------ control API

    def _ctl(self, method: str, path: str) -> tuple[int, Any]:
        self.ensure_running()
        request = urllib.request.Request(
            self.info.urls["ctl"] + path,
            method=method,
            headers={"Authorization": f"Bearer {self._secrets['ctl_token']}"},
        )
        try:
            with _DIRECT.open(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"{}")
        except OSError:
            self.ensure_running()  # died during the call: say so
            raise

    def decision(self, request_id: str) -> DecisionRecord:
        """The gateway's record of a request; KeyError if the lab has none for that ID."""
        status, payload = self._ctl("GET", f"/decisions/{urllib.request.quote(request_id)}")
        if status != 200:
            raise KeyError(payload.get("error", request_id))
        return DecisionRecord.from_dict(payload)
