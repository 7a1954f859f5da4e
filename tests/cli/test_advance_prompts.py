"""lead advance in a real terminal: a refused move offers to fill in what is missing."""

from __future__ import annotations

import os
import sys

import pytest
from sqlmodel import func, select

from salesflow.store.models import Activity
from tests.cli.test_lead_stages import add_lead, log_call, run, stage_of
from tests.duplicate_data import reading
from tests.helpers import Cli, snapshot

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")

# Generous: the suite runs two workers on a slow two-core machine.
START = 90
STEP = 45


def spawn(lead: int) -> object:
    import pexpect

    return pexpect.spawn(
        sys.executable,
        ["-m", "salesflow", "--as", "li.na", "lead", "advance", str(lead)],
        env=dict(os.environ),
        encoding="utf-8",
        dimensions=(30, 160),
    )


def finish(child: object) -> int:
    import pexpect

    assert isinstance(child, pexpect.spawn)
    child.expect(pexpect.EOF, timeout=START)
    child.close()
    assert isinstance(child.exitstatus, int), child.before
    return child.exitstatus


def activities(url: str, lead: int) -> int:
    with reading(url) as session:
        statement = select(func.count()).select_from(Activity).where(Activity.lead_id == lead)
        return int(session.exec(statement).one())


def test_a_missing_activity_is_logged_in_the_prompts(cli: Cli, team: str) -> None:
    import pexpect

    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    child = spawn(lead)
    assert isinstance(child, pexpect.spawn)
    child.expect("Fill these in now", timeout=START)
    child.send("y")
    child.expect("What kind of contact", timeout=STEP)
    child.send("\r")  # the first kind: call
    child.expect("What happened", timeout=STEP)
    child.send("电话沟通了需求\r")
    child.expect("outcome", timeout=STEP)
    child.send("\r")
    child.expect("next step", timeout=STEP)
    child.send("发送资料\r")
    child.expect("When is it due", timeout=STEP)
    child.send("\r")  # the grade's cadence
    assert finish(child) == 0
    saved = stage_of(team, lead)
    assert saved.stage == "contacted"
    assert saved.next_step_action == "发送资料"
    assert saved.next_step_date is not None
    assert activities(team, lead) == 1


def test_a_missing_grade_and_need_are_filled_in(cli: Cli, team: str) -> None:
    import pexpect

    lead = add_lead(
        cli, "li.na", "华东精密机械有限公司", "--employees", "150", "--founded-year", "2010"
    )
    log_call(cli, lead)
    run(cli, "li.na", "advance", str(lead))
    child = spawn(lead)
    assert isinstance(child, pexpect.spawn)
    child.expect("Fill these in now", timeout=START)
    child.send("y")
    child.expect("budget", timeout=STEP)
    child.send("30万\r")
    child.expect("need fit", timeout=STEP)
    child.send("\x1b[B\x1b[B\x1b[B\r")  # 4: good fit
    child.expect("likely", timeout=STEP)
    child.send("\x1b[B\x1b[B\r")  # 3: possible
    child.expect("decision maker", timeout=STEP)
    child.send("y")
    child.expect("value type", timeout=STEP)
    child.send("\r")  # skipped
    child.expect("personality", timeout=STEP)
    child.send("\r")  # skipped
    child.expect("What do they need", timeout=STEP)
    child.send("ERP 系统\r")
    assert finish(child) == 0
    saved = stage_of(team, lead)
    assert saved.stage == "qualified"
    assert saved.grade is not None
    assert saved.need == "ERP 系统"


def test_declining_the_offer_writes_nothing(cli: Cli, team: str) -> None:
    import pexpect

    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    before = snapshot(team)
    child = spawn(lead)
    assert isinstance(child, pexpect.spawn)
    child.expect("Fill these in now", timeout=START)
    child.send("n")
    child.expect("an activity", timeout=STEP)
    assert finish(child) == 1
    assert snapshot(team) == before
