"""Redaction masks account and instance IDs as the memo did, and nothing else."""

from __future__ import annotations

import pandas as pd
import pytest

from labkit.redact import ACCOUNT_MASK, INSTANCE_MASK, Redactor, redact_text

MEMO_DENIAL = (
    "User: arn:aws:sts::111122223333:assumed-role/ec2-logs-fullaccess-role/i-0123456789abcdef0 "
    "is not authorized to perform: logs:PutLogEvents on resource: "
    "arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-denied:log-stream:log-stream"
)


def test_masks_like_the_memo() -> None:
    assert redact_text(MEMO_DENIAL) == (
        "User: arn:aws:sts::XXXXXXXXXXXX:assumed-role/ec2-logs-fullaccess-role/i-XXXXXXXXXXXX "
        "is not authorized to perform: logs:PutLogEvents on resource: "
        "arn:aws:logs:ap-northeast-1:XXXXXXXXXXXX:log-group:logs-test-denied:log-stream:log-stream"
    )


@pytest.mark.parametrize(
    "kept",
    [
        "1550295898001",  # a 13-digit timestamp
        "49542672486831074009579604567656788214806863282469607346",  # sequence token
        "5f0c2a1e-7d3b-4c1a-9e2f-123456789012",  # request ID whose last group is all digits
        "vpce-0a1b2c3d4e5f6a7b8",
        "eni-0123456789abcdef0",
        "172.31.10.218",
        "ami-0a1b2c3d4e5f67890",
    ],
)
def test_leaves_other_identifiers_alone(kept: str) -> None:
    assert redact_text(kept) == kept


def test_short_instance_ids_and_account_principals() -> None:
    assert redact_text("i-0abc1234 in 444455556666") == f"{INSTANCE_MASK} in {ACCOUNT_MASK}"
    assert redact_text('{"AWS": "arn:aws:iam::444455556666:root"}') == (
        '{"AWS": "arn:aws:iam::XXXXXXXXXXXX:root"}'
    )


def test_frames_and_nested_values() -> None:
    frame = pd.DataFrame({"principal": [MEMO_DENIAL[6:80]], "http_status": [400]})
    frame.attrs["run"] = 3
    masked = Redactor(enabled=True)(frame)
    assert "111122223333" not in masked.to_string()
    assert masked.loc[0, "http_status"] == 400
    assert masked.attrs == {"run": 3}
    assert "111122223333" in frame.to_string(), "the original frame is left as it was"
    nested = Redactor(enabled=True)({"ids": ["111122223333", ("i-0123456789abcdef0", 7)]})
    assert nested == {"ids": [ACCOUNT_MASK, (INSTANCE_MASK, 7)]}


def test_disabled_is_identity() -> None:
    assert Redactor(enabled=False)(MEMO_DENIAL) is MEMO_DENIAL
