"""``lead advance``, ``lose``, ``reopen`` and ``history`` through the CLI, on both backends."""

from __future__ import annotations

import itertools
import json

import pytest
from sqlmodel import col, select

from salesflow.store.models import Activity, Lead, StageChange
from tests.cli.test_activity import GRADE_INPUTS
from tests.duplicate_data import reading
from tests.helpers import Cli, assert_refused_unchanged


def add_lead(cli: Cli, user: str, company: str, *args: str) -> int:
    result = cli(
        "--as", user, "--no-input", "lead", "add", "--company", company, "--source", "website",
        *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return int(result.stdout.strip())


def run(cli: Cli, user: str, *args: str) -> str:
    result = cli("--as", user, "--no-input", "lead", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def stage_of(url: str, lead: int) -> Lead:
    with reading(url) as session:
        saved = session.get(Lead, lead)
        assert saved is not None
        return saved


def changes(url: str, lead: int) -> list[StageChange]:
    with reading(url) as session:
        return list(
            session.exec(
                select(StageChange)
                .where(StageChange.lead_id == lead)
                .order_by(col(StageChange.changed_at), col(StageChange.id))
            ).all()
        )


def log_call(cli: Cli, lead: int) -> None:
    result = cli(
        "--as", "li.na", "--no-input", "activity", "log", str(lead), "-k", "call", "-s", "聊了",
        "--next-action", "回电",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr


def to_proposal(cli: Cli, lead: int) -> None:
    log_call(cli, lead)
    run(cli, "li.na", "advance", str(lead))
    run(cli, "li.na", "grade", str(lead), *GRADE_INPUTS)
    run(cli, "li.na", "advance", str(lead))
    run(cli, "li.na", "advance", str(lead), "--proposal", "ERP 实施方案 v1")


def test_advancing_through_the_gates(cli: Cli, team: str) -> None:
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司", "--need", "ERP")
    base = ["--as", "li.na", "--no-input", "lead", "advance", str(lead)]
    assert_refused_unchanged(cli, team, base, 1, "an activity")
    log_call(cli, lead)
    assert run(cli, "li.na", "advance", str(lead)).strip() == str(lead)
    assert stage_of(team, lead).stage == "contacted"
    assert_refused_unchanged(cli, team, base, 1, "a grade")
    run(cli, "li.na", "grade", str(lead), *GRADE_INPUTS)
    run(cli, "li.na", "advance", str(lead))
    assert stage_of(team, lead).stage == "qualified"
    assert_refused_unchanged(cli, team, base, 1, "a proposal note (--proposal)")
    run(cli, "li.na", "advance", str(lead), "--proposal", "ERP 实施方案 v1")
    saved = stage_of(team, lead)
    assert saved.stage == "proposal"
    assert saved.stage_entered_at is not None
    with reading(team) as session:
        notes = session.exec(
            select(Activity.summary).where(Activity.lead_id == lead, Activity.kind == "note")
        ).all()
    assert notes == ["ERP 实施方案 v1"]
    # Without a sent quote, negotiation is refused, naming what is missing.
    assert_refused_unchanged(cli, team, base, 1, "a sent quote ('salesflow quote send')")
    assert [(c.from_stage, c.to_stage) for c in changes(team, lead)] == [
        (None, "new"),  # the entry, written when the lead was added
        ("new", "contacted"),
        ("contacted", "qualified"),
        ("qualified", "proposal"),
    ]


def test_qualified_needs_the_need_too(cli: Cli, team: str) -> None:
    lead = add_lead(cli, "li.na", "华东精密机械有限公司")
    log_call(cli, lead)
    run(cli, "li.na", "advance", str(lead))
    run(cli, "li.na", "grade", str(lead), *GRADE_INPUTS)
    base = ["--as", "li.na", "--no-input", "lead", "advance", str(lead)]
    assert_refused_unchanged(cli, team, base, 1, "recorded needs")


def test_skipping_gates_is_refused(cli: Cli, team: str) -> None:
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    base = ["--as", "li.na", "--no-input", "lead", "advance", str(lead), "--to"]
    assert_refused_unchanged(cli, team, [*base, "qualified"], 1, "an activity")
    assert_refused_unchanged(cli, team, [*base, "qualified"], 1, "a grade")
    assert_refused_unchanged(cli, team, [*base, "won"], 1, "a signed contract")
    assert_refused_unchanged(cli, team, [*base, "nowhere"], 2, "--to")
    assert_refused_unchanged(cli, team, [*base, "lost"], 1, "lead lose")
    assert_refused_unchanged(cli, team, [*base, "new"], 1, "already")
    # --proposal only where the move enters the proposal stage: never silently dropped,
    # never a contact that did not happen.
    log_first_contact = ["--as", "li.na", "--no-input", "activity", "log", str(lead)]
    assert cli(*log_first_contact, "-k", "call", "-s", "hi", "--next-action", "x").exit_code == 0
    assert_refused_unchanged(
        cli, team, [*base, "contacted", "--proposal", "just a thought"], 2, "--proposal"
    )


def test_lose_reopen_and_history(cli: Cli, team: str) -> None:
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司", "--need", "ERP")
    to_proposal(cli, lead)
    lose = ["--as", "li.na", "--no-input", "lead", "lose", str(lead)]
    assert_refused_unchanged(cli, team, lose, 2, "--reason")
    assert_refused_unchanged(cli, team, [*lose, "--reason", "bored"], 2, "--reason")
    assert_refused_unchanged(
        cli, team, [*lose, "--reason", "price", "--competitor", "X"], 2, "--competitor"
    )
    run(cli, "li.na", "lose", str(lead), "--reason", "competitor", "--competitor", "金蝶")
    saved = stage_of(team, lead)
    assert (saved.stage, saved.lost_reason, saved.competitor) == ("lost", "competitor", "金蝶")
    assert saved.closed_at is not None
    # A closed lead has no next step left to chase.
    assert (saved.next_step_date, saved.next_step_action) == (None, None)
    advance = ["--as", "li.na", "--no-input", "lead", "advance", str(lead)]
    assert_refused_unchanged(cli, team, advance, 1, "reopen it first")
    assert_refused_unchanged(cli, team, [*lose, "--reason", "price"], 1, "reopen it first")

    history = json.loads(run(cli, "li.na", "history", str(lead), "--format", "json"))
    assert [row["stage"] for row in history] == [
        "new",
        "contacted",
        "qualified",
        "proposal",
        "lost",
    ]
    assert all(isinstance(row["days"], int) for row in history)
    assert history[-1]["left_at"] is None

    run(cli, "li.na", "reopen", str(lead), "--note", "客户回来了")
    saved = stage_of(team, lead)
    assert (saved.stage, saved.lost_reason, saved.competitor, saved.closed_at) == (
        "proposal", None, None, None,
    )  # fmt: skip
    last = changes(team, lead)[-1]
    assert (last.from_stage, last.to_stage, last.note) == ("lost", "proposal", "客户回来了")
    reopen = ["--as", "li.na", "--no-input", "lead", "reopen", str(lead)]
    assert_refused_unchanged(cli, team, reopen, 1, "only a won or lost lead")

    for fmt in ("table", "csv", "markdown"):
        assert "proposal" in run(cli, "li.na", "history", str(lead), "--format", fmt).lower()

    # Every move records when its lead entered the stage it left: the row before it.
    rows = changes(team, lead)
    assert rows[0].from_entered_at is None
    for before, move in itertools.pairwise(rows):
        assert move.from_stage == before.to_stage
        assert move.from_entered_at == before.changed_at


def test_moving_back_needs_a_note(cli: Cli, team: str) -> None:
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司", "--need", "ERP")
    to_proposal(cli, lead)
    back = ["--as", "li.na", "--no-input", "lead", "advance", str(lead), "--to", "contacted"]
    assert_refused_unchanged(cli, team, back, 2, "--note")
    # A proposal on a move backwards would be dropped: refused instead.
    assert_refused_unchanged(cli, team, [*back, "--note", "n", "--proposal", "p"], 2, "--proposal")
    run(cli, "li.na", "advance", str(lead), "--to", "contacted", "--note", "需求变了")
    last = changes(team, lead)[-1]
    assert (last.from_stage, last.to_stage, last.note) == ("proposal", "contacted", "需求变了")
    # Forward again: the proposal gate is met by the proposal recorded before.
    run(cli, "li.na", "advance", str(lead), "--to", "proposal")
    assert stage_of(team, lead).stage == "proposal"


def test_someone_elses_lead_is_not_found(cli: Cli, team: str) -> None:
    theirs = add_lead(cli, "zhang.wei", "宁波海天塑机有限公司")
    for args in (
        ["advance", str(theirs)],
        ["lose", str(theirs), "--reason", "price"],
        ["reopen", str(theirs)],
        ["history", str(theirs)],
    ):
        assert_refused_unchanged(
            cli, team, ["--as", "li.na", "--no-input", "lead", *args], 2, f"No lead {theirs}"
        )


def test_a_missing_proposal_is_asked_for_in_a_terminal(
    cli: Cli, team: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salesflow.cli import prompts

    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司", "--need", "ERP")
    log_call(cli, lead)
    run(cli, "li.na", "advance", str(lead))
    run(cli, "li.na", "grade", str(lead), *GRADE_INPUTS)
    run(cli, "li.na", "advance", str(lead))
    asked: list[str] = []

    def answer(message: str, *, option: str, default: str = "") -> str:
        asked.append(option)
        return "方案"

    def confirm(message: str, *, option: str, default: bool = False) -> bool:
        asked.append(message)
        return True

    monkeypatch.setattr(prompts, "can_prompt", lambda: True)
    monkeypatch.setattr(prompts, "ask_text", answer)
    monkeypatch.setattr(prompts, "ask_confirm", confirm)
    result = cli("--as", "li.na", "lead", "advance", str(lead))
    assert result.exit_code == 0, result.stderr
    assert asked == ["Fill these in now?", "--proposal"]
    assert stage_of(team, lead).stage == "proposal"


def test_a_refusal_lists_everything_missing_and_writes_nothing(cli: Cli, team: str) -> None:
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    base = ["--as", "li.na", "--no-input", "lead", "advance", str(lead), "--to"]
    assert_refused_unchanged(
        cli,
        team,
        [*base, "proposal"],
        1,
        f"Lead {lead} cannot enter Proposal; missing: an activity ('salesflow activity log'); "
        "a grade ('salesflow lead grade'); recorded needs (--need); a proposal note "
        f"(--proposal). Hint: In a terminal, 'salesflow lead advance {lead}' offers to fill "
        "these in",
    )
    # A quote cannot be given at the terminal: no offer, just the list.
    result = cli(*base, "negotiation")
    assert result.exit_code == 1
    assert "a sent quote" in result.stderr
    assert "Hint" not in result.stderr


def test_an_added_lead_with_history_gets_its_entry_row(cli: Cli, team: str) -> None:
    from datetime import UTC, datetime

    from salesflow.store.database import open_workspace
    from salesflow.store.models import User
    from salesflow.workflow.capture import add_lead as add_in_workflow
    from salesflow.workflow.lead_input import LeadInput

    workspace = open_workspace(team)
    try:
        with workspace.session(actor_id=1, write=True) as session:
            actor = session.get(User, 1)
            assert actor is not None
            raw = LeadInput(
                company="ACME Ltd",
                source="website",
                stage="won",
                created_at="2024-01-02",
                closed_at="2024-03-01 15:30",
            )
            lead = add_in_workflow(session, actor, raw).lead.id
    finally:
        workspace.dispose()
    assert lead is not None
    saved = stage_of(team, lead)
    closed = datetime(2024, 3, 1, 15, 30, tzinfo=UTC)
    assert (saved.stage, saved.closed_at, saved.stage_entered_at) == ("won", closed, closed)
    entry = [(c.from_stage, c.to_stage, c.changed_at, c.changed_by_id) for c in changes(team, lead)]
    assert entry == [(None, "won", closed, 1)]
    history = json.loads(run(cli, "boss", "history", str(lead), "--format", "json"))
    assert [(row["stage"], row["entered_at"]) for row in history] == [
        ("won", "2024-03-01T15:30:00+00:00")
    ]
    # A plain lead add starts at new, entered when it was created.
    plain = add_lead(cli, "li.na", "华东精密机械有限公司")
    assert [(c.from_stage, c.to_stage) for c in changes(team, plain)] == [(None, "new")]
    added = stage_of(team, plain)
    assert added.stage_entered_at == added.created_at
