"""moto underneath the adapter: the corrections are still needed, and still apply.

If a moto upgrade fixes (or changes) one of these behaviours, a test here fails, pointing at
the one correction in labkit/local/world/moto/ to revisit.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from labkit.local.wire.botocore_data import CachingFileLoader, cache_folder
from labkit.local.world.endpoint_model import DEFAULT_GATEWAY_POLICY, DEFAULT_INTERFACE_POLICY
from labkit.local.world.moto import backends, ec2_endpoints, fixups, server

REGION = "ap-northeast-1"


def test_moto_is_the_pinned_version() -> None:
    assert server.moto_version() == server.PINNED_MOTO_VERSION


@pytest.fixture()
def raw_endpoint(core: Any) -> Any:
    """An interface endpoint made by moto's own (unpatched) create method."""
    backend = backends.ec2(core.seeded.account_id, REGION)
    create = fixups.ORIGINAL_METHODS["create_vpc_endpoint"]
    endpoint = create(
        backend,
        vpc_id=core.seeded.vpc_id,
        service_name=f"com.amazonaws.{REGION}.logs",
        endpoint_type="Interface",
        policy_document=None,
        route_table_ids=[],
        subnet_ids=list(core.seeded.subnets.values()),
        private_dns_enabled=True,
    )
    yield endpoint
    ec2_endpoints.delete_endpoints(core.seeded.account_id, REGION, [endpoint.id])


def test_moto_still_creates_endpoints_available_at_once(raw_endpoint: Any) -> None:
    assert raw_endpoint.state == "available"


def test_moto_still_gives_the_gateway_default_policy_to_interfaces(raw_endpoint: Any) -> None:
    assert json.loads(raw_endpoint.policy_document)["Version"] == "2008-10-17"
    assert raw_endpoint.policy_document not in (DEFAULT_INTERFACE_POLICY, DEFAULT_GATEWAY_POLICY)


def test_moto_still_puts_endpoint_enis_outside_their_subnets(core: Any, raw_endpoint: Any) -> None:
    backend = backends.ec2(core.seeded.account_id, REGION)
    enis = [backend.enis[e] for e in raw_endpoint.network_interface_ids]
    assert all(e.private_ip_address.startswith("10.") for e in enis)
    assert {e.interface_type for e in enis} == {"interface"}
    assert {e.requester_managed for e in enis} == {False}


def test_moto_still_writes_one_fake_dns_entry(raw_endpoint: Any) -> None:
    assert len(raw_endpoint.dns_entries) == 1
    assert raw_endpoint.dns_entries[0]["dns_name"].endswith(f".com.amazonaws.{REGION}.logs")


def test_moto_still_ignores_reset_policy(core: Any) -> None:
    """moto's response handler never reads ResetPolicy: the control front must apply it."""
    import inspect

    from moto.ec2.responses.vpcs import VPCs

    source = inspect.getsource(VPCs.modify_vpc_endpoint)
    assert "ResetPolicy" not in source
    assert "PrivateDnsEnabled" not in source


def test_moto_still_accepts_what_aws_refuses(core: Any) -> None:
    """No validation in moto: bogus service, bad policy JSON. The control front validates."""
    backend = backends.ec2(core.seeded.account_id, REGION)
    create = fixups.ORIGINAL_METHODS["create_vpc_endpoint"]
    endpoint = create(
        backend,
        vpc_id=core.seeded.vpc_id,
        service_name="com.amazonaws.nowhere.bogus",
        endpoint_type="Interface",
        policy_document="not json",
        route_table_ids=[],
        subnet_ids=[],
    )
    try:
        assert endpoint.policy_document == "not json"
    finally:
        ec2_endpoints.delete_endpoints(core.seeded.account_id, REGION, [endpoint.id])


def test_moto_still_keeps_deleted_endpoints(core: Any, raw_endpoint: Any) -> None:
    backend = backends.ec2(core.seeded.account_id, REGION)
    backend.delete_vpc_endpoints(vpce_ids=[raw_endpoint.id])
    assert backend.vpc_end_points[raw_endpoint.id].state == "deleted"


def test_moto_still_maps_unknown_keys_to_its_default_account() -> None:
    from moto.iam.models import get_account_id_from

    assert get_account_id_from("AKIAUNKNOWNKEY000000") == "123456789012"


def test_patched_create_corrects_all_of_it(core: Any) -> None:
    ec2 = core.seeder.client("ec2", core.seeded.account_id)
    created = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=core.seeded.vpc_id,
        ServiceName=f"com.amazonaws.{REGION}.events",
        SubnetIds=list(core.seeded.subnets.values()),
    )["VpcEndpoint"]
    try:
        assert created["State"] == "pending"
        assert created["PolicyDocument"] == DEFAULT_INTERFACE_POLICY
        assert len(created["DnsEntries"]) == 5
        view = ec2_endpoints.endpoint(core.seeded.account_id, REGION, created["VpcEndpointId"])
        assert view is not None
        assert all(ip.startswith("172.31.") for ip in view.ips)
        assert created["Groups"], "the VPC's default group is used when none is given"
    finally:
        ec2_endpoints.delete_endpoints(core.seeded.account_id, REGION, [created["VpcEndpointId"]])


def test_moto_still_finds_the_last_group_created_for_any_identifier(world: Any) -> None:
    from moto.logs.models import logs_backends

    backend = logs_backends[world.seeded.account_id][REGION]
    original = fixups.ORIGINAL_METHODS["LogsBackend._find_log_group"]
    last = list(backend.groups.values())[-1]
    first = next(iter(backend.groups.values()))
    assert first is not last
    assert original(backend, log_group_id=first.arn) is last
    assert original(backend, log_group_id="no-such-group") is last


def test_the_corrected_lookup_finds_the_group_named_or_nothing(world: Any) -> None:
    from moto.logs.exceptions import ResourceNotFoundException
    from moto.logs.models import logs_backends

    account = world.seeded.account_id
    backend = logs_backends[account][REGION]
    allowed = backend.groups["logs-test-allowed"]
    arn = f"arn:aws:logs:{REGION}:{account}:log-group:logs-test-allowed"
    assert backend._find_log_group(log_group_id=arn) is allowed
    assert backend._find_log_group(log_group_id="logs-test-allowed") is allowed
    for wrong in (
        "no-such-group",
        f"arn:aws:logs:{REGION}:444455556666:log-group:logs-test-allowed",
        f"arn:aws:logs:us-east-1:{account}:log-group:logs-test-allowed",
    ):
        with pytest.raises(ResourceNotFoundException):
            backend._find_log_group(log_group_id=wrong)


def test_moto_still_makes_its_own_default_vpc_which_seeding_removes(world: Any) -> None:
    from moto.ec2.models import ec2_backends

    # A fresh backend (another account) gets moto's default VPC at once.
    fresh = ec2_backends["999988887777"][REGION]
    assert [v.cidr_block for v in fresh.vpcs.values() if v.is_default] == ["172.31.0.0/16"]
    seeded = backends.ec2(world.seeded.account_id, REGION)
    defaults = [v.id for v in seeded.vpcs.values() if v.is_default]
    assert defaults == [world.seeded.vpc_id]


_OFFERINGS_SCRIPT = """
import hashlib, json, os, sys
os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
if sys.argv[1] == "deferred":
    from labkit.local.world.moto import lazy_data
    lazy_data.defer_instance_type_offerings()
from moto.ec2.models import ec2_backends
import moto.ec2.models.instance_types as types
read = sum(list.__len__(r) for t in types.INSTANCE_TYPE_OFFERINGS.values() for r in t.values())
digest = hashlib.sha256()
for region in ("ap-northeast-1", "us-east-1"):
    backend = ec2_backends["111122223333"][region]
    for kind in ("region", "availability-zone", "availability-zone-id"):
        found = backend.describe_instance_type_offerings(location_type=kind)
        digest.update(json.dumps(found, sort_keys=True).encode())
    prices = backend.describe_spot_price_history(filters={})
    digest.update(json.dumps(prices, sort_keys=True, default=str).encode())
print(read, digest.hexdigest())
"""


def test_deferred_instance_type_offerings_answer_as_moto_reads_them_at_import() -> None:
    """lazy_data: no offering is read at import, and every Region's answers are moto's own."""
    import subprocess
    import sys

    def run(mode: str) -> tuple[int, str]:
        done = subprocess.run(
            [sys.executable, "-c", _OFFERINGS_SCRIPT, mode],
            capture_output=True,
            text=True,
            check=True,
        )
        read, digest = done.stdout.split()
        return int(read), digest

    eager_read, eager = run("eager")
    deferred_read, deferred = run("deferred")
    assert eager_read > 10_000  # moto still reads them all at import: the deferral still pays
    assert deferred_read == 0
    assert deferred == eager


def test_moto_reads_its_service_models_through_one_shared_cached_loader(moto_url: str) -> None:
    """moto looks its loader up in ``moto.core.utils`` for every model it reads: once the
    environment is prepared, every read goes through one loader (its cache of parsed files)."""
    import moto.core.utils  # imported after moto_url prepared moto's environment

    first = moto.core.utils._load_service_model("logs", "service-2")
    assert moto.core.utils._load_service_model("logs", "service-2") is first
    if cache_folder() is not None:
        assert isinstance(moto.core.utils.create_loader().file_loader, CachingFileLoader)
