"""The shell environment of a lab "instance", and the lab's private HOME files.

``labkit serve --env-file PATH`` writes ``instance_env`` as ``export`` lines (file mode 0600);
``LocalLab.env()`` returns the same dict. After ``source PATH`` every endpoint setting a client
may read points at the instance's egress: the global ``AWS_ENDPOINT_URL``, each service's
``AWS_ENDPOINT_URL_<ID>``, and the default profile of the lab's config file, so that every call
the instance makes (Logs, EventBridge, EC2, IAM, STS) leaves through its network and is routed by
the VPC's DNS and routes. Credentials come from the IMDS stand-in only; plain ``dig`` asks the
lab's VPC resolver (``$HOME/.digrc``).

The lab's HOME also holds a config file with one profile per identity and a credentials file
(mode 0600) with the fake keys of the ``admin`` profile (and ``other-account`` where the scenario
has one): ``aws --profile admin …`` works in the same shell. The admin works from outside the
VPC: the egress routes its calls as the internet's (``labkit.local.network.egress``).
"""

from __future__ import annotations

import os
import shlex
import tempfile
from collections.abc import Mapping
from pathlib import Path

from labkit import services
from labkit.local.network.guard import proxy_env
from labkit.local.process.labinfo import LabInfo

# Variables that could route a call elsewhere or bring in real credentials: always unset.
UNSET = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_CA_BUNDLE",
)
# Service-specific endpoint variables the caller may have set for other services.
_UNSET_OTHER_ENDPOINTS = (
    "for labkit_var in $(env | sed -n 's/^\\(AWS_ENDPOINT_URL_[A-Za-z0-9_]*\\)=.*/\\1/p'); "
    'do unset "$labkit_var"; done; unset labkit_var'
)
# Which URL each identity's Logs/EventBridge traffic uses: the instance (and stolen keys used on
# it) go out through the instance's network; the admin works from outside the VPC.
DATA_URL_OF = {"instance": "egress", "other-account": "egress", "admin": "public"}
# ... and its EC2/IAM/STS traffic.
CONTROL_URL_OF = {"instance": "egress", "other-account": "egress", "admin": "control"}
PROFILE_OF = {"instance": "default", "admin": "admin", "other-account": "other-account"}


def served() -> tuple[services.ServiceSpec, ...]:
    """The services the lab answers: the data plane and the control plane."""
    return services.on_plane("data") + services.on_plane("control")


def endpoint_url_for(info: LabInfo, who: str, spec: services.ServiceSpec | None) -> str:
    """Where ``who``'s calls to a service go (``spec`` None: any other service)."""
    if spec is not None and spec.plane == "data":
        return str(info.urls[DATA_URL_OF[who]])
    return str(info.urls[CONTROL_URL_OF[who]])


def common_env(info: LabInfo, who: str) -> dict[str, str | None]:
    """Variables every identity gets (values None mean: unset)."""
    env: dict[str, str | None] = dict.fromkeys(UNSET)
    env.update(
        {
            "AWS_DEFAULT_REGION": info.region,
            "AWS_REGION": info.region,
            "AWS_PAGER": "",
            "AWS_CONFIG_FILE": info.config_file,
            "AWS_SHARED_CREDENTIALS_FILE": str(Path(info.home) / ".aws" / "credentials"),
            "AWS_ENDPOINT_URL": endpoint_url_for(info, who, None),
            **{spec.endpoint_url_variable: endpoint_url_for(info, who, spec) for spec in served()},
            # botocore would prefix StartLiveTail's host (stream-127.0.0.1, which no resolver
            # knows); the egress routes it to stream-logs.<region>.amazonaws.com itself.
            "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
            "HOME": info.home,
            "LABKIT_LAB_PID": str(info.pid),
            "LABKIT_LAB_SCENARIO": info.scenario,
        }
    )
    if info.urls.get("guard_proxy"):
        # Anything still aimed at a real host (an old CLI ignoring AWS_ENDPOINT_URL_*, a
        # hard-coded URL) goes to the lab's refusing proxy and fails fast with a message.
        env.update(proxy_env(info.urls["guard_proxy"]))
    return env


def instance_env(info: LabInfo) -> dict[str, str | None]:
    """The environment of a shell "on the instance": credentials only from the IMDS stand-in."""
    env = common_env(info, "instance")
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = info.urls["imds"]
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"] = "IPv4"
    env["AWS_METADATA_SERVICE_TIMEOUT"] = "5"
    env["AWS_METADATA_SERVICE_NUM_ATTEMPTS"] = "2"
    return env


def render_shell(env: Mapping[str, str | None]) -> str:
    """POSIX-shell lines: ``unset`` for None, ``export NAME=value`` (quoted) otherwise."""
    lines = [
        "# labkit local lab environment: source this file in a POSIX shell.",
        "# It holds no secret: credentials come from the lab's instance-metadata stand-in.",
        _UNSET_OTHER_ENDPOINTS,
    ]
    unset = sorted(k for k, v in env.items() if v is None)
    if unset:
        lines.append("unset " + " ".join(unset))
    for name, value in env.items():
        if value is not None:
            lines.append(f"export {name}={shlex.quote(value)}")
    return "\n".join(lines) + "\n"


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically with mode 0600 (never readable by others)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def config_text(info: LabInfo) -> str:
    """The lab's AWS config file: one profile per identity, each with its service endpoints."""
    sections: list[str] = []
    for who, profile in PROFILE_OF.items():
        header = "[default]" if profile == "default" else f"[profile {profile}]"
        sections.append(
            f"{header}\nregion = {info.region}\noutput = json\ncli_pager =\n"
            f"endpoint_url = {endpoint_url_for(info, who, None)}\n"
            f"disable_host_prefix_injection = true\nservices = labkit-{profile}\n"
        )
        endpoints = "".join(
            f"{spec.config_key} =\n  endpoint_url = {endpoint_url_for(info, who, spec)}\n"
            for spec in served()
        )
        sections.append(f"[services labkit-{profile}]\n{endpoints}")
    return "\n".join(sections)


def credentials_text(keys: Mapping[str, Mapping[str, str] | None]) -> str:
    """The lab's credentials file: the fake keys of the admin (and other-account) profiles.

    The default profile has none: the instance's credentials come from the IMDS stand-in.
    """
    lines = ["# labkit local lab: fake keys minted by the lab (never real AWS credentials)"]
    for who, pair in keys.items():
        if not pair:
            continue
        lines += [
            f"[{PROFILE_OF[who]}]",
            f"aws_access_key_id = {pair['access_key_id']}",
            f"aws_secret_access_key = {pair['secret_access_key']}",
        ]
    return "\n".join(lines) + "\n"


def digrc_text(dns_vpc: tuple[str, int]) -> str:
    """``.digrc`` that makes plain ``dig`` ask the lab's VPC resolver."""
    host, port = dns_vpc
    return f"@{host} -p {port}\n"


def write_home(info: LabInfo, keys: Mapping[str, Mapping[str, str] | None] | None = None) -> None:
    """Fill the lab's private HOME (created 0700 by the lab process); files are mode 0600.

    ``keys``: the fake keys of the profiles that have some (``admin``, ``other-account``).
    """
    home = Path(info.home)
    write_private(home / ".digrc", digrc_text(info.dns_vpc))
    write_private(Path(info.config_file), config_text(info))
    write_private(home / ".aws" / "credentials", credentials_text(keys or {}))
