"""Where the instance's calls run: SSM Run Command (as far as the stand-in allows: moto accepts
the command but executes nothing, so the test runs the very command it was sent), a local
process, or this kernel when IMDS says it is in the lab VPC."""

from __future__ import annotations

import base64
import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import boto3
import pytest
from conftest import ACCOUNT

from labkit.aws import runners
from labkit.aws.routes import EndpointAddress, route_of
from labkit.aws.runners import decode, run_in_batches
from labkit.backend.errors import LabError
from labkit.lab import start
from labkit.lab.launch import stop


def test_through_ssm_run_command(aws: boto3.Session, monkeypatch) -> None:
    monkeypatch.setenv("LABKIT_AWS_PROBE_RUNNER", "ssm")
    lab = start("aws", confirm=ACCOUNT, quiet=True)
    try:
        instance = lab.backend.network().instance_id
        with pytest.raises(LabError, match="the lab instance returned no probe result"):
            lab.probe("walkthrough")  # moto runs nothing, so there is no output to read
        (command,) = aws.client("ssm").list_commands(InstanceId=instance)["Commands"]
        assert command["DocumentName"] == "AWS-RunShellScript"
        assert command["InstanceIds"] == [instance]
        assert lab.run_id in command["Comment"]
        (script,) = command["Parameters"]["commands"]
        # what the instance would run, run here: it reaches the stand-in through AWS_ENDPOINT_URL
        done = subprocess.run(
            ["bash", "-c", script], capture_output=True, text=True, timeout=60, check=True
        )
        result = decode(done.stdout)
        assert [r["status"] for r in result["responses"]] == [200, 200]
        assert "AWS_SECRET_ACCESS_KEY" not in script and "Token" not in script
    finally:
        stop()


def test_an_unknown_runner_is_refused(aws: boto3.Session, monkeypatch) -> None:
    monkeypatch.setenv("LABKIT_AWS_PROBE_RUNNER", "laptop")
    with pytest.raises(LabError, match="use 'ssm'"):
        start("aws", quiet=True)


class _Counting:
    kind, where = "test", "here"

    def __init__(self) -> None:
        self.tasks: list[dict] = []

    def run(self, task: dict) -> dict:
        self.tasks.append(task)
        responses = [{"status": 200, "n": r["n"]} for r in task["requests"]]
        return {"responses": responses, "dns": [{"name": q["name"]} for q in task["dns"]]}


def test_batches_keep_order_and_ask_dns_once() -> None:
    runner = _Counting()
    result = run_in_batches(runner, [{"n": i} for i in range(12)], [{"name": "a."}])
    assert [len(t["requests"]) for t in runner.tasks] == [5, 5, 2]
    assert [r["n"] for r in result["responses"]] == list(range(12))
    assert result["dns"] == [{"name": "a."}]


def test_the_path_comes_from_the_address_reached() -> None:
    addresses = {"172.31.10.218": EndpointAddress("vpce-0abc", "com.amazonaws.r.logs")}
    facts = {"vpc_id": "vpc-1", "vpc_cidr": "172.31.0.0/16", "source_ip": "172.31.5.5"}
    through = route_of({"peer": "172.31.10.218", "host": "logs.r"}, addresses, **facts)
    assert through.via_endpoint and through.vpce_id == "vpce-0abc"
    public = route_of({"peer": "52.119.160.10", "host": "logs.r"}, addresses, **facts)
    assert public.via_endpoint is False and public.address == "52.119.160.10"
    assert route_of({"peer": "172.31.99.9"}, addresses, **facts) is None  # in the VPC, no ENI
    assert route_of({"peer": None}, addresses, **facts) is None


def _imds_for(vpc_id: str, subnet_id: str) -> type[BaseHTTPRequestHandler]:
    values = {
        "mac": "0e:00:00:00:00:01",
        "instance-id": "i-0kernel00000000",
        "local-ipv4": "172.31.3.3",
        "network/interfaces/macs/0e:00:00:00:00:01/vpc-id": vpc_id,
        "network/interfaces/macs/0e:00:00:00:00:01/subnet-id": subnet_id,
    }

    class Imds(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            self._answer("token")

        def do_GET(self) -> None:
            self._answer(values[self.path.removeprefix("/latest/meta-data/")])

        def _answer(self, text: str) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(text.encode())

        def log_message(self, *args: object) -> None:
            pass

    return Imds


def test_a_kernel_inside_the_vpc_calls_directly(aws: boto3.Session, monkeypatch) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    subnet = next(s for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == vpc["VpcId"])
    server = HTTPServer(("127.0.0.1", 0), _imds_for(vpc["VpcId"], subnet["SubnetId"]))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "false")
    monkeypatch.setenv(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT", f"http://127.0.0.1:{server.server_port}"
    )
    monkeypatch.delenv("LABKIT_AWS_PROBE_RUNNER")
    try:
        lab = start("aws", vpc_id=vpc["VpcId"], confirm=ACCOUNT, quiet=True)
        assert lab.backend.runner_choice == "direct"
        assert lab.network()["vpc"][0] == vpc["VpcId"]
        assert lab.backend.network().instance_id == "i-0kernel00000000"
        plan = str(lab.backend.plan())
        assert "no lab instance: this kernel runs in that VPC" in plan
        frame = lab.probe("walkthrough")
        assert list(frame["decision"]) == ["Allowed", "Allowed"]
        assert set(frame["principal"]) == {lab.backend.identity.arn}, "the kernel's own identity"
        instances = ec2.describe_instances(
            Filters=[{"Name": "tag-key", "Values": ["labkit:run-id"]}]
        )["Reservations"]
        assert instances == [], "no lab instance is launched"
        roles = aws.client("iam").list_roles()["Roles"]
        assert [r["RoleName"] for r in roles if "labkit-" in r["RoleName"]] == []
    finally:
        stop()
        server.shutdown()


def test_the_ssm_command_is_quote_safe() -> None:
    task = {"requests": [], "dns": [{"name": 'it\'s "quoted".example.', "server": "127.0.0.1"}]}
    command = runners.ssm_command(task)
    assert command.count("'") == 4, "two single-quoted base64 strings, nothing else quoted"
    encoded = command.split("'")[1]
    assert json.loads(base64.b64decode(encoded)) == task
