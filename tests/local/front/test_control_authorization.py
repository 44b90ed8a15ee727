"""Every EC2, IAM and STS call is authorized as AWS authorizes it, and refused in its own words.

The instance role allows ``logs:*`` and ``events:PutEvents`` only: each control-plane call the
issue lists is refused as the instance, in the service's wire format and words (aws-facts-2026
§3.1–3.19), nothing changes, and the decision log records why. The admin (``Action: *``) keeps
working. Choices where AWS is silent: docs/fidelity/local-control.md.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

REGION = "ap-northeast-1"
ACCOUNT = "111122223333"
ROLE = "ec2-logs-fullaccess-role"
NOT_AUTHORIZED = "You are not authorized to perform this operation."


def instance(core: Any, service: str) -> Any:
    session = core.state.instance_credentials()
    return boto3.client(
        service,
        region_name="us-east-1" if service == "iam" else REGION,
        endpoint_url=core.front.url,
        aws_access_key_id=session.access_key_id,
        aws_secret_access_key=session.secret_access_key,
        aws_session_token=session.session_token,
        config=Config(retries={"max_attempts": 1}),
    )


def admin(core: Any, service: str) -> Any:
    return boto3.client(
        service,
        region_name="us-east-1" if service == "iam" else REGION,
        endpoint_url=core.front.url,
        aws_access_key_id=core.seeded.admin_access_key_id,
        aws_secret_access_key=core.admin_secret,
        config=Config(retries={"max_attempts": 1}),
    )


def refused(call: Any) -> tuple[str, str, int, str]:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["ResponseMetadata"]["RequestId"],
    )


def session_arn(core: Any) -> str:
    return core.state.session_arn()


@pytest.fixture(scope="module")
def endpoint(core: Any) -> str:
    """A logs endpoint the admin created, which the instance then tries to change."""
    ec2 = admin(core, "ec2")
    created = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=core.seeded.vpc_id,
        ServiceName=f"com.amazonaws.{REGION}.logs",
        SubnetIds=list(core.seeded.subnets.values()),
        SecurityGroupIds=list(core.seeded.security_groups.values()),
        PolicyDocument=json.dumps(
            {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
        ),
    )
    return str(created["VpcEndpoint"]["VpcEndpointId"])


def test_describe_vpcs_is_refused_without_resource_or_encoded_message(core: Any) -> None:
    code, message, status, request_id = refused(instance(core, "ec2").describe_vpcs)
    assert (code, status) == ("UnauthorizedOperation", 403)
    assert message == (
        f"{NOT_AUTHORIZED} User: {session_arn(core)} is not authorized to perform: "
        "ec2:DescribeVpcs because no identity-based policy allows the ec2:DescribeVpcs action"
    )
    record = core.front.decisions.get(request_id)
    assert (record.outcome, record.stage, record.denied_by) == (
        "denied",
        "authorization",
        "identity",
    )
    assert (record.service, record.operation, record.caller) == (
        "ec2",
        "DescribeVpcs",
        session_arn(core),
    )
    assert record.request.resource == "*"


def test_reset_policy_from_the_instance_is_refused_and_changes_nothing(
    core: Any, endpoint: str
) -> None:
    before = admin(core, "ec2").describe_vpc_endpoints(VpcEndpointIds=[endpoint])
    call = instance(core, "ec2").modify_vpc_endpoint
    code, message, status, _ = refused(lambda: call(VpcEndpointId=endpoint, ResetPolicy=True))
    resource = f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-endpoint/{endpoint}"
    assert (code, status) == ("UnauthorizedOperation", 403)
    assert message.startswith(
        f"{NOT_AUTHORIZED} User: {session_arn(core)} is not authorized to perform: "
        f"ec2:ModifyVpcEndpoint on resource: {resource} because no identity-based policy "
        "allows the ec2:ModifyVpcEndpoint action. Encoded authorization failure message: "
    )
    after = admin(core, "ec2").describe_vpc_endpoints(VpcEndpointIds=[endpoint])
    assert after["VpcEndpoints"][0]["PolicyDocument"] == before["VpcEndpoints"][0]["PolicyDocument"]


def test_delete_vpc_endpoints_from_the_instance_is_refused(core: Any, endpoint: str) -> None:
    call = instance(core, "ec2").delete_vpc_endpoints
    code, message, status, _ = refused(lambda: call(VpcEndpointIds=[endpoint]))
    assert (code, status) == ("UnauthorizedOperation", 403)
    assert f"ec2:DeleteVpcEndpoints on resource: arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-endpoint/" in (
        message
    )
    assert core.state.endpoint(endpoint) is not None


def test_create_vpc_endpoint_names_the_endpoint_to_be(core: Any) -> None:
    call = instance(core, "ec2").create_vpc_endpoint
    code, message, status, _ = refused(
        lambda: call(
            VpcEndpointType="Interface",
            VpcId=core.seeded.vpc_id,
            ServiceName=f"com.amazonaws.{REGION}.events",
        )
    )
    assert (code, status) == ("UnauthorizedOperation", 403)
    # aws-facts-2026 §3.12 (O1): "... on resource: arn:aws:ec2:REGION:ACCOUNT:vpc-endpoint/* ..."
    assert f"on resource: arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-endpoint/* because" in message


def test_dry_run_answers_dry_run_operation_only_when_authorized(core: Any, endpoint: str) -> None:
    code, _message, status, _ = refused(lambda: admin(core, "ec2").describe_vpcs(DryRun=True))
    assert (code, status) == ("DryRunOperation", 412)
    code, _message, status, _ = refused(
        lambda: admin(core, "ec2").modify_vpc_endpoint(
            VpcEndpointId=endpoint, ResetPolicy=True, DryRun=True
        )
    )
    assert (code, status) == ("DryRunOperation", 412)
    # aws-facts-2026 §3.10: a denied DryRun is a full denial.
    code, message, status, _ = refused(lambda: instance(core, "ec2").describe_vpcs(DryRun=True))
    assert (code, status) == ("UnauthorizedOperation", 403)
    assert "ec2:DescribeVpcs because no identity-based policy allows" in message


@pytest.mark.parametrize(
    ("call", "params", "action", "resource"),
    [
        ("list_roles", {}, "iam:ListRoles", f"arn:aws:iam::{ACCOUNT}:role/"),
        (
            "get_role_policy",
            {"RoleName": ROLE, "PolicyName": "logs-full-access"},
            "iam:GetRolePolicy",
            f"role {ROLE}",
        ),
        (
            "put_role_policy",
            {"RoleName": ROLE, "PolicyName": "escape", "PolicyDocument": '{"Statement": []}'},
            "iam:PutRolePolicy",
            f"role {ROLE}",
        ),
        (
            "create_access_key",
            {"UserName": "labkit-admin"},
            "iam:CreateAccessKey",
            f"arn:aws:iam::{ACCOUNT}:user/labkit-admin",
        ),
    ],
)
def test_iam_calls_from_the_instance_are_access_denied(
    core: Any, call: str, params: dict[str, Any], action: str, resource: str
) -> None:
    before = core.state.identity_policies(session_arn(core))
    code, message, status, request_id = refused(
        lambda: getattr(instance(core, "iam"), call)(**params)
    )
    assert (code, status) == ("AccessDenied", 403)
    assert message == (
        f"User: {session_arn(core)} is not authorized to perform: {action} on resource: "
        f"{resource} because no identity-based policy allows the {action} action"
    )
    assert core.state.identity_policies(session_arn(core)) == before
    record = core.front.decisions.get(request_id)
    assert (record.outcome, record.service) == ("denied", "iam")


def test_the_admin_keeps_working_because_its_policy_allows(core: Any) -> None:
    assert admin(core, "ec2").describe_vpcs()["Vpcs"]
    roles = admin(core, "iam").list_roles()["Roles"]
    assert ROLE in {r["RoleName"] for r in roles}
    policy = admin(core, "iam").get_role_policy(RoleName=ROLE, PolicyName="logs-full-access")
    assert policy["PolicyName"] == "logs-full-access"


def test_one_default_vpc(core: Any) -> None:
    found = admin(core, "ec2").describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])[
        "Vpcs"
    ]
    assert [v["VpcId"] for v in found] == [core.seeded.vpc_id]


def test_the_encoded_message_decodes_for_whoever_may_decode(core: Any, endpoint: str) -> None:
    call = instance(core, "ec2").modify_vpc_endpoint
    _code, message, _status, _ = refused(lambda: call(VpcEndpointId=endpoint, ResetPolicy=True))
    blob = message.rsplit("Encoded authorization failure message: ", 1)[1]
    decoded = json.loads(
        admin(core, "sts").decode_authorization_message(EncodedMessage=blob)["DecodedMessage"]
    )
    assert decoded["allowed"] is False and decoded["explicitDeny"] is False
    context = decoded["context"]
    assert context["principal"]["arn"] == session_arn(core)
    assert context["principal"]["id"].endswith(f":{core.seeded.instance_id}")
    assert context["action"] == "ec2:ModifyVpcEndpoint"
    assert context["resource"] == f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-endpoint/{endpoint}"
    keys = {item["key"] for item in context["conditions"]["items"]}
    assert {"aws:PrincipalArn", "aws:RequestedRegion"} <= keys
    # The instance role may not decode it: sts:DecodeAuthorizationMessage is authorized too.
    code, text, status, _ = refused(
        lambda: instance(core, "sts").decode_authorization_message(EncodedMessage=blob)
    )
    assert (code, status) == ("AccessDenied", 403)
    assert "sts:DecodeAuthorizationMessage because no identity-based policy allows" in text
    # A blob the lab did not make, or an altered one, is refused.
    for bad in ("not-a-message", blob[:-4] + "AAAA"):
        code, _text, status, _ = refused(
            lambda bad=bad: admin(core, "sts").decode_authorization_message(EncodedMessage=bad)
        )
        assert (code, status) == ("InvalidAuthorizationMessageException", 400)


def test_get_caller_identity_needs_no_permission_even_against_an_explicit_deny(
    core: Any,
) -> None:
    iam = admin(core, "iam")
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "sts:GetCallerIdentity", "Resource": "*"}],
    }
    iam.put_role_policy(RoleName=ROLE, PolicyName="deny-who", PolicyDocument=json.dumps(deny))
    try:
        answer = instance(core, "sts").get_caller_identity()
        assert answer["Arn"] == session_arn(core)
        record = core.front.decisions.get(answer["ResponseMetadata"]["RequestId"])
        assert (record.outcome, record.evaluations) == ("allowed", ())
    finally:
        iam.delete_role_policy(RoleName=ROLE, PolicyName="deny-who")


def test_role_trust_policies_decide_assume_role(core: Any) -> None:
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/{ROLE}"
    # The role trusts ec2.amazonaws.com only: the admin's Allow * does not let it in.
    code, message, status, request_id = refused(
        lambda: admin(core, "sts").assume_role(RoleArn=role_arn, RoleSessionName="try")
    )
    assert (code, status) == ("AccessDenied", 403)
    assert message == (
        f"User: {core.seeded.admin_user_arn} is not authorized to perform: sts:AssumeRole on "
        f"resource: {role_arn} because no role trust policy allows the sts:AssumeRole action"
    )
    record = core.front.decisions.get(request_id)
    trust = next(p for p in record.final.policies if p.kind == "resource")
    assert "ec2.amazonaws.com" in trust.text and role_arn in trust.text
    # A role whose trust policy names the admin is assumed.
    iam = admin(core, "iam")
    trust_admin = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": core.seeded.admin_user_arn},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName="deploy", AssumeRolePolicyDocument=json.dumps(trust_admin))
    try:
        answer = admin(core, "sts").assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/deploy", RoleSessionName="s1"
        )
        assert answer["AssumedRoleUser"]["Arn"].endswith(":assumed-role/deploy/s1")
        # The instance is not named in that trust policy (and its role allows no sts:*).
        code, message, _status, _ = refused(
            lambda: instance(core, "sts").assume_role(
                RoleArn=f"arn:aws:iam::{ACCOUNT}:role/deploy", RoleSessionName="s2"
            )
        )
        assert code == "AccessDenied" and "no role trust policy allows" in message
    finally:
        iam.delete_role(RoleName="deploy")


def test_an_unknown_action_is_named_in_each_protocols_error(core: Any) -> None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    from labkit.local.wire.http import Incoming

    for service, region, expected in (
        ("ec2", REGION, b"The action NoSuchThing is not valid for this web service."),
        ("iam", "us-east-1", b"Could not find operation NoSuchThing for version 2010-05-08"),
        ("sts", REGION, b"Could not find operation NoSuchThing for version 2011-06-15"),
    ):
        form = b"Action=NoSuchThing&Version=1"
        request = AWSRequest(
            method="POST",
            url=core.front.url + "/",
            data=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Host": core.front.url.removeprefix("http://"),
            },
        )
        SigV4Auth(
            Credentials(core.seeded.admin_access_key_id, core.admin_secret), service, region
        ).add_auth(request)
        answer = core.front.serve(
            Incoming("POST", "/", tuple(request.headers.items()), form, ("127.0.0.1", 0))
        )
        assert answer.status == 400
        assert b"<Code>InvalidAction</Code>" in answer.body and expected in answer.body


def test_a_scenarios_scps_limit_the_admin_too(core: Any) -> None:
    scp = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "ec2:DescribeVpcs", "Resource": "*"},
        ],
    }
    core.seeded.scps = [[("deny-describe-vpcs", json.dumps(scp))]]
    try:
        code, message, status, request_id = refused(admin(core, "ec2").describe_vpcs)
        assert (code, status) == ("UnauthorizedOperation", 403)
        assert message.endswith("with an explicit deny in a service control policy")
        record = core.front.decisions.get(request_id)
        assert [p.kind for p in record.final.policies if p.kind == "scp"] == ["scp"]
        assert admin(core, "ec2").describe_subnets()["Subnets"]  # other calls still allowed
    finally:
        core.seeded.scps = []
