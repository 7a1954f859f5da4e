"""activity log in a real terminal: the prompts ask for kind, summary and next step."""

from __future__ import annotations

import json
import os
import sys

import pytest

from tests.cli.test_activity import add_lead
from tests.helpers import Cli


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_activity_prompts_in_a_terminal(cli: Cli, team: str) -> None:
    import pexpect

    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "salesflow", "--as", "li.na", "activity", "log", str(lead)],
        env=dict(os.environ),
        encoding="utf-8",
        dimensions=(30, 120),
    )
    child.expect("What kind of contact", timeout=60)
    child.send("\x1b[B\r")  # arrow down: visit
    child.expect("What happened", timeout=30)
    child.send("上门演示了方案\r")
    child.expect("next step", timeout=30)
    child.send("发送正式报价\r")
    child.expect(pexpect.EOF, timeout=60)
    child.close()
    assert child.exitstatus == 0, child.before
    activities = json.loads(
        cli("--as", "li.na", "activity", "list", "--lead", str(lead), "-f", "json").stdout
    )
    assert len(activities) == 1
    assert activities[0]["kind"] == "visit"
    assert activities[0]["summary"] == "上门演示了方案"
    assert activities[0]["next_action"] == "发送正式报价"
