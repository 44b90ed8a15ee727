"""What runs on the lab instance: send prepared API requests and DNS queries, report what came back.

This file is a self-contained script (Python 3.9+, standard library only, since the instance has
no labkit): the aws backend sends its source through SSM Run Command, or runs it in a local
process (``LABKIT_AWS_PROBE_RUNNER=local``, or when the kernel itself is in the lab VPC). Input
on stdin is JSON: ``requests`` (URL, headers and body botocore serialized on the kernel's side,
the SigV4 signing name and Region) and ``dns`` (names to resolve, and the resolver to ask).
The script signs each request with SigV4 (credentials from the environment, else the instance's
role through IMDSv2), sends it, and records the status, headers and body, the address the
connection reached (which says whether it went to an endpoint's network interface) and the
latency. Output is one line, ``LABKIT-PROBE:`` then base64 of zlib-compressed JSON, so SSM's
output limit holds a batch. No credential is ever written to the output.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import random
import socket
import ssl
import struct
import sys
import time
import urllib.parse
import urllib.request
import zlib

MARKER = "LABKIT-PROBE:"
BODY_LIMIT = 8000
TIMEOUT = 5.0
IMDS = "http://169.254.169.254"
DNS_STATUS = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}
DNS_TYPES = {1: "A", 5: "CNAME", 28: "AAAA"}


# -- credentials -------------------------------------------------------------------------------
def credentials() -> dict:
    """From the environment (a local run), else the instance role through IMDSv2."""
    if os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY"):
        return {
            "key": os.environ["AWS_ACCESS_KEY_ID"],
            "secret": os.environ["AWS_SECRET_ACCESS_KEY"],
            "token": os.environ.get("AWS_SESSION_TOKEN") or None,
        }
    base = os.environ.get("AWS_EC2_METADATA_SERVICE_ENDPOINT", IMDS).rstrip("/")
    token_request = urllib.request.Request(
        base + "/latest/api/token",
        method="PUT",
        headers={"X-aws-ec2-metadata-token-ttl-seconds": "300"},
    )
    with urllib.request.urlopen(token_request, timeout=2) as answer:
        token = answer.read().decode()

    def metadata(path: str) -> str:
        request = urllib.request.Request(
            base + "/latest/meta-data/" + path, headers={"X-aws-ec2-metadata-token": token}
        )
        with urllib.request.urlopen(request, timeout=2) as answer:
            return answer.read().decode()

    role = metadata("iam/security-credentials/").split()[0]
    found = json.loads(metadata("iam/security-credentials/" + role))
    return {
        "key": found["AccessKeyId"],
        "secret": found["SecretAccessKey"],
        "token": found["Token"],
    }


# -- SigV4 -------------------------------------------------------------------------------------
def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def sign(
    method: str,
    url: str,
    headers: dict,
    body: bytes,
    creds: dict,
    service: str,
    region: str,
    now: float | None = None,
) -> dict:
    """``headers`` plus Host, X-Amz-Date, the session token and a SigV4 Authorization."""
    parts = urllib.parse.urlsplit(url)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    day = stamp[:8]
    signed = dict(headers)
    signed["Host"] = parts.netloc
    signed["X-Amz-Date"] = stamp
    if creds.get("token"):
        signed["X-Amz-Security-Token"] = creds["token"]
    canonical = {k.lower().strip(): " ".join(str(v).split()) for k, v in signed.items()}
    names = sorted(canonical)
    query = "&".join(
        sorted(
            urllib.parse.quote(k, safe="-_.~") + "=" + urllib.parse.quote(v, safe="-_.~")
            for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        )
    )
    request_text = "\n".join(
        [
            method,
            urllib.parse.quote(parts.path or "/", safe="/-_.~"),
            query,
            "".join(f"{n}:{canonical[n]}\n" for n in names),
            ";".join(names),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(request_text.encode()).hexdigest()]
    )
    key = _hmac(("AWS4" + creds["secret"]).encode(), day)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    signed["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={creds['key']}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return signed


# -- one request -------------------------------------------------------------------------------
def endpoint_url(item: dict) -> str:
    """The URL to call: the standard endpoint variables win, as they do for botocore."""
    variable = "AWS_ENDPOINT_URL_" + item["service_id"].upper().replace(" ", "_")
    override = os.environ.get(variable) or os.environ.get("AWS_ENDPOINT_URL")
    if override:
        return override.rstrip("/") + item.get("path", "/")
    return item["url"]


def send(item: dict, creds: dict) -> dict:
    """Send one prepared request; what came back (or why nothing did)."""
    url = endpoint_url(item)
    parts = urllib.parse.urlsplit(url)
    body = base64.b64decode(item.get("body", ""))
    headers = sign(
        item.get("method", "POST"),
        url,
        item.get("headers", {}),
        body,
        creds,
        item["signing_name"],
        item["region"],
    )
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    result = {"host": parts.hostname, "peer": None, "status": None, "headers": {}, "body": ""}
    started = time.perf_counter()
    try:
        if secure:
            connection = http.client.HTTPSConnection(
                parts.hostname, port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(parts.hostname, port, timeout=TIMEOUT)
        connection.connect()
        result["peer"] = connection.sock.getpeername()[0]
        path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        connection.request(item.get("method", "POST"), path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        connection.close()
    except (OSError, http.client.HTTPException) as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
        result["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return result
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
    result["status"] = response.status
    result["headers"] = {k.lower(): v for k, v in response.getheaders()}
    result["truncated"] = len(content) > BODY_LIMIT
    result["body"] = base64.b64encode(content[:BODY_LIMIT]).decode()
    return result


# -- DNS ---------------------------------------------------------------------------------------
def system_resolver() -> str:
    """The first nameserver in /etc/resolv.conf."""
    try:
        with open("/etc/resolv.conf") as handle:
            for line in handle:
                fields = line.split()
                if len(fields) >= 2 and fields[0] == "nameserver":
                    return fields[1]
    except OSError:
        pass
    return "127.0.0.53"


def _read_name(packet: bytes, offset: int) -> tuple:
    labels = []
    jumped_to = None
    for _ in range(128):
        length = packet[offset]
        if length & 0xC0 == 0xC0:
            pointer = struct.unpack("!H", packet[offset : offset + 2])[0] & 0x3FFF
            if jumped_to is None:
                jumped_to = offset + 2
            offset = pointer
            continue
        offset += 1
        if length == 0:
            break
        labels.append(packet[offset : offset + length].decode("ascii", "replace"))
        offset += length
    return ".".join(labels) + ".", (jumped_to if jumped_to is not None else offset)


def resolve(name: str, server: str | None, port: int = 53) -> dict:
    """Ask ``server`` (UDP) for ``name`` A, as ``dig`` would; status and answer records."""
    server = server or system_resolver()
    query_id = random.randrange(65536)
    question = b"".join(
        bytes([len(label)]) + label.encode("ascii") for label in name.rstrip(".").split(".")
    )
    packet = struct.pack("!HHHHHH", query_id, 0x0100, 1, 0, 0, 0) + question + b"\0"
    packet += struct.pack("!HH", 1, 1)
    result = {"name": name.rstrip(".") + ".", "server": f"{server}#{port}", "answers": []}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(2.0)
        try:
            udp.sendto(packet, (server, port))
            reply = udp.recvfrom(4096)[0]
        except OSError as exc:
            result["status"] = f"no answer ({type(exc).__name__})"
            return result
    _, flags, questions, answers = struct.unpack("!HHHH", reply[:8])
    result["status"] = DNS_STATUS.get(flags & 0xF, str(flags & 0xF))
    offset = 12
    for _ in range(questions):
        offset = _read_name(reply, offset)[1] + 4
    for _ in range(answers):
        owner, offset = _read_name(reply, offset)
        kind, _klass, ttl, length = struct.unpack("!HHIH", reply[offset : offset + 10])
        offset += 10
        data = reply[offset : offset + length]
        if kind == 1:
            value = socket.inet_ntoa(data)
        elif kind == 5:
            value = _read_name(reply, offset)[0]
        else:
            value = data.hex()
        offset += length
        result["answers"].append([owner, ttl, DNS_TYPES.get(kind, str(kind)), value])
    return result


# -- main --------------------------------------------------------------------------------------
def run(task: dict) -> dict:
    """Every request and DNS query of ``task``."""
    out: dict = {"responses": [], "dns": []}
    if task.get("requests"):
        try:
            creds = credentials()
        except (OSError, ValueError, KeyError) as exc:
            out["error"] = f"no credentials on the instance ({type(exc).__name__}: {exc})"
            return out
        out["responses"] = [send(item, creds) for item in task["requests"]]
    out["dns"] = [
        resolve(q["name"], q.get("server"), int(q.get("port", 53))) for q in task.get("dns", [])
    ]
    return out


def encode(result: dict) -> str:
    """The output line: marker, then base64 of the zlib-compressed JSON."""
    packed = zlib.compress(json.dumps(result, separators=(",", ":")).encode(), 9)
    return MARKER + base64.b64encode(packed).decode()


def main() -> None:
    """Read the task from stdin, print the result line."""
    print(encode(run(json.loads(sys.stdin.read()))))


if __name__ == "__main__":
    main()
