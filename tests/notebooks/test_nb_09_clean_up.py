"""Notebook 09 (clean up): tagged endpoints listed, deleted through EC2, the lab process gone."""

from __future__ import annotations

import pytest
from nbrun import run_notebook

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]


@pytest.fixture(scope="module")
def stored():
    return run_notebook("09_clean_up.ipynb")


def test_the_runs_endpoints_are_found_by_tag_then_none_are_left(stored) -> None:
    inventory = stored.text("inventory")
    assert "com.amazonaws.ap-northeast-1.logs" in inventory
    assert "com.amazonaws.ap-northeast-1.events" in inventory
    assert inventory.count("'available'") == 2
    deleted = stored.text("deleted")
    assert "deleted 2" in deleted and deleted.count("deleted  vpc-endpoint") == 2
    assert "nothing left" in deleted and deleted.strip().endswith("[]")


def test_the_lab_process_is_gone_and_its_ports_are_free(stored) -> None:
    assert "labkit-" in stored.text("setup")  # the run ID every created resource is tagged with
    before = stored.text("before-stop")
    assert "lab process alive: True" in before
    assert "'ec2 API': 'listening'" in before and "'logs gateway': 'listening'" in before
    after = stored.text("after-stop")
    assert "lab process alive: False" in after
    assert "'ec2 API': 'free'" in after and "'logs gateway': 'free'" in after
