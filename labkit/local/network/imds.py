"""The instance-metadata stand-in (IMDSv2 only) on 127.0.0.1, for the lab instance.

It serves the lab instance's id, placement, addresses, identity document and the instance-role
session (``assumed-role/<role>/<instance-id>``), minted through moto's STS and renewed when it
nears expiry (``LabState.instance_credentials``). Tokens: ``PUT /latest/api/token`` with
``X-aws-ec2-metadata-token-ttl-seconds`` (1–21600); every GET must carry a live token (401
otherwise), as on an instance with ``HttpTokens=required``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from labkit.local.wire.http import Incoming, LoopbackServer, WireResponse, plain
from labkit.local.world.state import LabState

TOKEN_HEADER = "X-aws-ec2-metadata-token"
TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
MAX_TTL = 21600
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


class TokenBook:
    """Issued IMDSv2 tokens and their expiry (monotonic clock)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._tokens: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self, ttl: int) -> str:
        """A new token valid for ``ttl`` seconds."""
        token = secrets.token_urlsafe(42)
        with self._lock:
            now = self._clock()
            self._tokens = {t: exp for t, exp in self._tokens.items() if exp > now}
            self._tokens[token] = now + ttl
        return token

    def valid(self, token: str | None) -> bool:
        """Whether ``token`` was issued here and has not expired."""
        if not token:
            return False
        with self._lock:
            expiry = self._tokens.get(token)
        return expiry is not None and expiry > self._clock()


class MetadataTree:
    """Paths → answers for the lab instance."""

    def __init__(self, state: LabState) -> None:
        self.state = state

    def answer(self, path: str) -> tuple[int, str, str]:
        """(status, content type, body) for a GET of ``path``."""
        instance = self.state.instance()
        role = instance.role_name
        leaves: dict[str, Callable[[], str]] = {
            "meta-data/instance-id": lambda: instance.id,
            "meta-data/ami-id": lambda: instance.image_id,
            "meta-data/instance-type": lambda: instance.instance_type,
            "meta-data/local-ipv4": lambda: instance.private_ip,
            "meta-data/public-ipv4": lambda: instance.public_ip or "",
            "meta-data/mac": lambda: instance.mac,
            "meta-data/hostname": lambda: _hostname(instance.private_ip, instance.region),
            "meta-data/local-hostname": lambda: _hostname(instance.private_ip, instance.region),
            "meta-data/placement/region": lambda: instance.region,
            "meta-data/placement/availability-zone": lambda: instance.availability_zone,
            "dynamic/instance-identity/document": self._identity_document,
        }
        if role:
            leaves["meta-data/iam/info"] = self._iam_info
            leaves["meta-data/iam/security-credentials/"] = lambda: role
            leaves[f"meta-data/iam/security-credentials/{role}"] = self._role_credentials
        key = path.removeprefix("/latest/").removeprefix("latest/")
        if key in leaves:
            body = leaves[key]()
            kind = "application/json" if body.startswith("{") else "text/plain"
            return 200, kind, body
        listing = self._listing(key, leaves)
        if listing is not None:
            return 200, "text/plain", listing
        return 404, "text/plain", "Not Found"

    @staticmethod
    def _listing(key: str, leaves: dict[str, Callable[[], str]]) -> str | None:
        prefix = key if key.endswith("/") or not key else key + "/"
        children: list[str] = []
        for leaf in leaves:
            if leaf.startswith(prefix) and leaf != prefix:
                rest = leaf[len(prefix) :]
                child = rest.split("/", 1)[0] + ("/" if "/" in rest.rstrip("/") else "")
                if child and child not in children:
                    children.append(child)
        return "\n".join(children) if children else None

    def _role_credentials(self) -> str:
        credential = self.state.instance_credentials()
        expiration = credential.expiration or datetime.now(UTC)
        return json.dumps(
            {
                "Code": "Success",
                "LastUpdated": datetime.now(UTC).strftime(_STAMP),
                "Type": "AWS-HMAC",
                "AccessKeyId": credential.access_key_id,
                "SecretAccessKey": credential.secret_access_key,
                "Token": credential.session_token,
                "Expiration": expiration.strftime(_STAMP),
            },
            indent=2,
        )

    def _iam_info(self) -> str:
        instance = self.state.instance()
        return json.dumps(
            {
                "Code": "Success",
                "LastUpdated": datetime.now(UTC).strftime(_STAMP),
                "InstanceProfileArn": instance.instance_profile_arn,
                "InstanceProfileId": "AIPA" + instance.id.removeprefix("i-").upper()[:17],
            },
            indent=2,
        )

    def _identity_document(self) -> str:
        instance = self.state.instance()
        return json.dumps(
            {
                "accountId": instance.account_id,
                "architecture": "x86_64",
                "availabilityZone": instance.availability_zone,
                "billingProducts": None,
                "devpayProductCodes": None,
                "marketplaceProductCodes": None,
                "imageId": instance.image_id,
                "instanceId": instance.id,
                "instanceType": instance.instance_type,
                "kernelId": None,
                "pendingTime": instance.launch_time.strftime(_STAMP),
                "privateIp": instance.private_ip,
                "ramdiskId": None,
                "region": instance.region,
                "version": "2017-09-30",
            },
            indent=2,
        )


def _hostname(ip: str, region: str) -> str:
    host = "ip-" + ip.replace(".", "-")
    return f"{host}.ec2.internal" if region == "us-east-1" else f"{host}.{region}.compute.internal"


class MetadataService:
    """The IMDS stand-in's HTTP listener (IMDSv2: a token for every GET)."""

    def __init__(self, state: LabState) -> None:
        self.tree = MetadataTree(state)
        self.tokens = TokenBook()
        self._server: LoopbackServer | None = None
        self.url = ""

    def start(self) -> str:
        """Listen on 127.0.0.1 (OS-chosen port); returns ``http://127.0.0.1:<port>/``."""
        self._server = LoopbackServer(self.serve, "imds", server_header="EC2ws")
        self.url = self._server.start() + "/"
        return self.url

    def stop(self) -> None:
        """Stop listening and free the port (safe to call twice)."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    def serve(self, incoming: Incoming) -> WireResponse:
        """PUT a token, GET with one; anything else is not found."""
        if incoming.method == "PUT":
            return self._token(incoming)
        if incoming.method != "GET":
            return plain(404, "Not Found")
        if not self.tokens.valid(incoming.header(TOKEN_HEADER)):
            return plain(401, "Unauthorized")
        if not incoming.route.startswith("/latest/"):
            return plain(404, "Not Found")
        status, kind, body = self.tree.answer(incoming.route)
        return plain(status, body, kind)

    def _token(self, incoming: Incoming) -> WireResponse:
        if incoming.route != "/latest/api/token":
            return plain(404, "Not Found")
        if incoming.header("X-Forwarded-For"):
            return plain(403, "Forbidden")
        raw = incoming.header(TTL_HEADER) or ""
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_TTL:
            return plain(400, "Bad Request")
        token = self.tokens.issue(int(raw))
        answer = plain(200, token)
        return WireResponse(answer.status, (*answer.headers, (TTL_HEADER, raw)), answer.body)
