"""The control front checks every signature (fail closed) and answers in each protocol's format."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

REGION = "ap-northeast-1"


def client(core: Any, service: str, key: str, secret: str, token: str | None = None) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=core.front.url,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(retries={"max_attempts": 1}),
    )


def code_and_status(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_unknown_key_fails_closed_for_ec2(core: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client(core, "ec2", "AKIAUNKNOWNKEY000000", "x" * 40).describe_vpcs()
    assert code_and_status(excinfo) == (
        "AuthFailure",
        "AWS was not able to validate the provided access credentials",
        401,
    )


def test_unknown_key_fails_closed_for_sts_and_iam(core: Any) -> None:
    for service, call in (("sts", "get_caller_identity"), ("iam", "list_roles")):
        with pytest.raises(ClientError) as excinfo:
            getattr(client(core, service, "AKIAUNKNOWNKEY000000", "x" * 40), call)()
        assert code_and_status(excinfo) == (
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            403,
        )


def test_wrong_secret_is_a_signature_mismatch(core: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client(core, "ec2", core.seeded.admin_access_key_id, "wrong" * 8).describe_vpcs()
    code, _, status = code_and_status(excinfo)
    assert (code, status) == ("SignatureDoesNotMatch", 403)
    with pytest.raises(ClientError) as excinfo:
        client(core, "sts", core.seeded.admin_access_key_id, "wrong" * 8).get_caller_identity()
    assert code_and_status(excinfo)[0] == "SignatureDoesNotMatch"


def test_every_identity_is_who_it_says(core: Any) -> None:
    admin = client(core, "sts", core.seeded.admin_access_key_id, core.admin_secret)
    assert admin.get_caller_identity()["Arn"] == "arn:aws:iam::111122223333:user/labkit-admin"
    session = core.state.instance_credentials()
    instance = client(
        core, "sts", session.access_key_id, session.secret_access_key, session.session_token
    )
    assert instance.get_caller_identity()["Arn"] == core.state.session_arn()


def test_moto_account_header_cannot_switch_accounts(core: Any) -> None:
    sts = client(core, "sts", core.seeded.admin_access_key_id, core.admin_secret)

    def spoof(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = "444455556666"

    sts.meta.events.register("before-send", spoof)
    assert sts.get_caller_identity()["Account"] == "111122223333"


def test_the_control_front_serves_only_the_control_plane(core: Any) -> None:
    for service, call in (("logs", "describe_log_groups"), ("events", "list_event_buses")):
        api = client(core, service, core.seeded.admin_access_key_id, core.admin_secret)
        with pytest.raises(ClientError) as excinfo:
            getattr(api, call)()
        code, message, status = code_and_status(excinfo)
        assert (code, status) == ("UnknownOperationException", 400)
        assert message.startswith("labkit's control front serves STS, EC2, IAM only")
        assert "AWS_ENDPOINT_URL_" in message
        record = core.front.decisions.get(excinfo.value.response["ResponseMetadata"]["RequestId"])
        assert (record.outcome, record.stage, record.service) == ("refused", "request", service)
