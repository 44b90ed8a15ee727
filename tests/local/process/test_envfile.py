"""The env file and the lab's HOME files: contents, quoting, permissions."""

from __future__ import annotations

import configparser
import subprocess
from pathlib import Path

from labkit.local.process.envfile import (
    config_text,
    credentials_text,
    digrc_text,
    instance_env,
    render_shell,
    write_private,
)
from labkit.local.process.labinfo import LabInfo


def info(tmp_path: Path) -> LabInfo:
    return LabInfo(
        scenario="walkthrough",
        region="ap-northeast-1",
        account_id="111122223333",
        other_account_ids=(),
        org_id="o-a1b2c3d4e5",
        vpc_id="vpc-1",
        vpc_cidr="172.31.0.0/16",
        subnet_ids=("subnet-1",),
        subnet_azs={"subnet-1": "ap-northeast-1a"},
        security_group_ids={"vpc-endpoint-https": "sg-1"},
        instance_id="i-1",
        instance_private_ip="172.31.0.10",
        role_name="ec2-logs-fullaccess-role",
        role_arn="arn:aws:iam::111122223333:role/ec2-logs-fullaccess-role",
        session_arn="arn:aws:sts::111122223333:assumed-role/ec2-logs-fullaccess-role/i-1",
        admin_arn="arn:aws:iam::111122223333:user/labkit-admin",
        other_account_user_arns={},
        urls={
            "control": "http://127.0.0.1:1001",
            "egress": "http://127.0.0.1:1002",
            "public": "http://127.0.0.1:1003",
            "imds": "http://127.0.0.1:1004/",
            "ctl": "http://127.0.0.1:1005",
            "dns_vpc": ("127.0.0.1", 1006),
            "dns_public": ("127.0.0.1", 1007),
        },
        home=str(tmp_path / "home with space"),
        config_file=str(tmp_path / "home with space" / ".aws" / "config"),
        pid=42,
    )


def test_sourcing_the_file_sets_and_unsets(tmp_path: Path) -> None:
    path = tmp_path / "lab.env"
    write_private(path, render_shell(instance_env(info(tmp_path))))
    assert path.stat().st_mode & 0o777 == 0o600
    script = (
        f". '{path}'; echo \"$AWS_ENDPOINT_URL_CLOUDWATCH_LOGS|$HOME|${{AWS_ACCESS_KEY_ID-unset}}"
        f'|${{AWS_ENDPOINT_URL_S3-unset}}|$AWS_EC2_METADATA_SERVICE_ENDPOINT|[$AWS_PAGER]"'
    )
    result = subprocess.run(
        ["sh", "-c", script],
        env={"AWS_ACCESS_KEY_ID": "AKIAREALKEY", "AWS_ENDPOINT_URL_S3": "https://s3.example"},
        capture_output=True,
        text=True,
        check=True,
    )
    logs, home, key, s3, imds, pager = result.stdout.strip().split("|")
    assert logs == "http://127.0.0.1:1002"
    assert home == str(tmp_path / "home with space")
    assert key == "unset" and s3 == "unset"
    assert imds == "http://127.0.0.1:1004/"
    assert pager == "[]"


def test_env_has_no_credentials(tmp_path: Path) -> None:
    env = instance_env(info(tmp_path))
    assert env["AWS_ACCESS_KEY_ID"] is None and env["AWS_SECRET_ACCESS_KEY"] is None
    assert env["AWS_SESSION_TOKEN"] is None and env["AWS_PROFILE"] is None
    assert env["AWS_EC2_METADATA_DISABLED"] is None


def test_config_file_has_a_profile_per_identity(tmp_path: Path) -> None:
    parser = configparser.ConfigParser()
    parser.read_string(config_text(info(tmp_path)))
    # The instance: every service through its egress (the VPC routes each call).
    assert parser["default"]["endpoint_url"] == "http://127.0.0.1:1002"
    for key in ("cloudwatch_logs", "eventbridge", "ec2", "iam", "sts"):
        assert "http://127.0.0.1:1002" in parser["services labkit-default"][key], key
    # The admin: from outside, the control front and the public side.
    assert parser["profile admin"]["endpoint_url"] == "http://127.0.0.1:1001"
    assert "http://127.0.0.1:1003" in parser["services labkit-admin"]["eventbridge"]
    assert "http://127.0.0.1:1001" in parser["services labkit-admin"]["iam"]
    assert parser["profile other-account"]["region"] == "ap-northeast-1"
    assert parser["default"]["disable_host_prefix_injection"] == "true"


def test_every_endpoint_setting_of_the_instance_points_at_its_egress(tmp_path: Path) -> None:
    env = instance_env(info(tmp_path))
    egress = "http://127.0.0.1:1002"
    assert env["AWS_ENDPOINT_URL"] == egress
    for name in (
        "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
        "AWS_ENDPOINT_URL_EVENTBRIDGE",
        "AWS_ENDPOINT_URL_EC2",
        "AWS_ENDPOINT_URL_IAM",
        "AWS_ENDPOINT_URL_STS",
    ):
        assert env[name] == egress, name
    assert env["AWS_DISABLE_HOST_PREFIX_INJECTION"] == "true"


def test_the_credentials_file_holds_the_admin_profile_only_with_fake_keys() -> None:
    text = credentials_text(
        {
            "admin": {"access_key_id": "AKIAADMIN", "secret_access_key": "s3cr3t"},
            "other-account": None,
        }
    )
    parser = configparser.ConfigParser()
    parser.read_string(text)
    assert parser.sections() == ["admin"]
    assert parser["admin"]["aws_access_key_id"] == "AKIAADMIN"


def test_digrc_points_dig_at_the_vpc_resolver() -> None:
    assert digrc_text(("127.0.0.1", 5353)) == "@127.0.0.1 -p 5353\n"


def test_write_private_replaces_atomically(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_text("old")
    path.chmod(0o644)
    write_private(path, "new")
    assert path.read_text() == "new" and path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["f"]
