"""``salesflow today`` through the CLI: the views, whose agenda, days, stale days and the
calendar file; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from salesflow.store.models import AuditEvent
from tests.duplicate_data import reading
from tests.helpers import Cli, assert_one_line_error, assert_refused_unchanged
from tests.workflow.test_agenda import DAY, seed

ON_DAY = ("--date", DAY.isoformat())


@pytest.fixture
def ids(team: str) -> dict[str, int]:
    return seed(team)


def today(cli: Cli, user: str, *args: str) -> str:
    result = cli("--as", user, "today", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def today_json(cli: Cli, user: str, *args: str) -> dict[str, Any]:
    result = cli("--as", user, "today", *ON_DAY, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def lead_ids(data: dict[str, Any], key: str) -> list[int]:
    return [item["lead_id"] for item in data["sections"][key]["items"]]


def test_the_table_view(cli: Cli, team: str, ids: dict[str, int]) -> None:
    result = cli("--as", "li.na", "today", *ON_DAY)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert out.splitlines()[0] == "Agenda of 李娜 (li.na) for 2026-11-25"
    for title in (
        "Overdue follow-ups (2)",
        "Due today (1)",
        "Open leads with no next step (1)",
        "Past the grade's follow-up cadence (3)",
        "Stale: no contact for 30 days or more (3)",
    ):
        assert title in out
    assert "杭州迟到五天科技有限公司" in out
    assert "Days overdue" in out
    assert "every 7 days" in out
    assert "Unassigned pool" not in out
    for closed in ("已成交实业有限公司", "已丢单物流有限公司", "同事的公司有限公司"):
        assert closed not in out
    assert "more:" not in out
    # Wide Chinese names keep the columns lined up: every row of a table is as wide.
    overdue = out.split("Overdue follow-ups (2)")[1].split("\n\n")[0].splitlines()[1:]
    from rich.cells import cell_len

    assert len({cell_len(line.rstrip()) for line in overdue if "有限公司" in line}) == 1


def test_empty_sections_take_one_line(cli: Cli, team: str, ids: dict[str, int]) -> None:
    out = today(cli, "wang.qiang", *ON_DAY)
    assert "Overdue follow-ups: nothing." in out
    assert "Due today: nothing." in out
    assert "Unassigned pool (2)" in out
    assert "池中旧线索有限公司" in out
    assert "⚠ waiting over a working day" in out
    assert "池中丢单有限公司" not in out


def test_nothing_at_all(cli: Cli, team: str) -> None:
    out = today(cli, "zhang.wei", *ON_DAY)
    assert out.splitlines() == [
        "Agenda of 张伟 (zhang.wei) for 2026-11-25",
        "Nothing on the agenda of zhang.wei for 2026-11-25.",
    ]


def test_more_says_how_to_see_the_rest(cli: Cli, team: str, ids: dict[str, int]) -> None:
    out = today(cli, "li.na", *ON_DAY, "--limit", "1")
    assert "… and 1 more: salesflow today --date 2026-11-25 --limit 2" in out
    assert "… and 2 more: salesflow today --date 2026-11-25 --limit 3" in out
    out = today(cli, "zhao.min", *ON_DAY, "--as", "li.na", "-n", "1")
    assert "… and 1 more: salesflow today --as li.na --date 2026-11-25 --limit 2" in out
    out = today(cli, "wang.qiang", *ON_DAY, "--limit", "1")
    assert "… and 1 more: salesflow lead list --unassigned --limit 2" in out


def test_json_is_data_only(cli: Cli, team: str, ids: dict[str, int]) -> None:
    data = today_json(cli, "li.na")
    assert (data["date"], data["user"], data["role"], data["stale_days"]) == (
        "2026-11-25",
        "li.na",
        "rep",
        30,
    )
    assert list(data["sections"]) == [
        "overdue",
        "due_today",
        "no_next_step",
        "cadence",
        "stale",
        "expiring_quotes",
        "payments_due",
        "visits",
        "tickets",
        "care",
    ]
    overdue = data["sections"]["overdue"]
    assert overdue["total"] == 2
    first = overdue["items"][0]
    assert first["lead_id"] == ids["late5"]
    assert first["days_overdue"] == 5
    assert first["next_step_date"] == "2026-11-20"
    assert first["amount"] == "120000.00"
    assert first["stage"] == "new"  # the stored code, not its label
    assert lead_ids(data, "cadence") == [ids["c31"], ids["b15"], ids["a8"]]
    assert data["sections"]["cadence"]["items"][2]["cadence_days"] == 7
    assert "pool" not in data["sections"]
    manager = today_json(cli, "wang.qiang")
    assert lead_ids(manager, "pool") == [ids["pool_old"], ids["pool_new"]]
    assert manager["sections"]["pool"]["items"][0]["assignment_overdue"] is True


def test_csv_and_markdown(cli: Cli, team: str, ids: dict[str, int]) -> None:
    result = cli("--as", "li.na", "today", *ON_DAY, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["section"] for row in rows] == (
        ["overdue"] * 2 + ["due_today", "no_next_step"] + ["cadence"] * 3 + ["stale"] * 3
    )
    assert rows[0]["lead_id"] == str(ids["late5"])
    assert rows[0]["days_overdue"] == "5"
    empty = cli("--as", "zhang.wei", "today", "-f", "csv")
    assert empty.stdout.splitlines()[0].startswith("section,lead_id,company")
    markdown = today(cli, "li.na", *ON_DAY, "--format", "markdown")
    assert markdown.startswith("## Agenda of 李娜 (li.na) for 2026-11-25\n")
    assert "### Overdue follow-ups (2)" in markdown
    assert "| 杭州迟到五天科技有限公司" in markdown


def test_overdue_days_are_red_unless_no_color(
    cli: Cli, team: str, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[1;31m" in today(cli, "li.na", *ON_DAY)
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in today(cli, "li.na", *ON_DAY)


def test_whose_agenda(cli: Cli, team: str, ids: dict[str, int]) -> None:
    refused = cli("--as", "li.na", "today", "--as", "zhang.wei")
    assert_one_line_error(refused, 1)
    assert "zhang.wei" in refused.stderr
    assert today_json(cli, "wang.qiang", "--as", "li.na")["user"] == "li.na"
    assert_one_line_error(cli("--as", "wang.qiang", "today", "--as", "liu.yang"), 1)
    other = today_json(cli, "zhao.min", "--as", "liu.yang")
    assert lead_ids(other, "overdue") == [ids["other_team"]]
    unknown = cli("--as", "zhao.min", "today", "--as", "nobody")
    assert_one_line_error(unknown, 2)
    assert "nobody" in unknown.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--date", "someday"), "--date"),
        (("--date", "2026-02-30"), "--date"),
        (("--stale-days", "0"), "--stale-days"),
        (("--limit", "0"), "--limit"),
        (("--format", "yaml"), "yaml"),
    ],
)
def test_bad_input_is_one_line(cli: Cli, team: str, args: tuple[str, ...], needle: str) -> None:
    result = cli("--as", "li.na", "today", *args)
    assert_one_line_error(result, 2)
    assert needle in result.stderr


def test_date_forms(cli: Cli, team: str) -> None:
    added = cli("--as", "li.na", "--no-input", "lead", "add", "--company", "明日科技有限公司",
                "--source", "website")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    number = int(added.stdout)
    logged = cli("--as", "li.na", "--no-input", "activity", "log", str(number), "-k", "call",
                 "-s", "通话", "--next-date", "tomorrow", "--next-action", "发报价")  # fmt: skip
    assert logged.exit_code == 0, logged.stderr

    def due(*args: str) -> dict[str, Any]:
        result = cli("--as", "li.na", "today", "-f", "json", *args)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)["sections"]  # type: ignore[no-any-return]

    assert due()["due_today"]["total"] == 0
    assert due("--date", "tomorrow")["due_today"]["items"][0]["lead_id"] == number
    assert due("--date", "明天")["due_today"]["total"] == 1
    later = due("--date", "+3d")["overdue"]["items"][0]
    assert (later["lead_id"], later["days_overdue"]) == (number, 2)
    assert (date.today() + timedelta(days=1)).isoformat() == later["next_step_date"]


def test_stale_days_from_the_config_file(
    cli: Cli, team: str, ids: dict[str, int], isolated_home: Path
) -> None:
    isolated_home.mkdir(exist_ok=True)
    config = isolated_home / "config.toml"
    config.write_text("stale_days = 15\n")
    data = today_json(cli, "li.na")
    assert data["stale_days"] == 15
    assert lead_ids(data, "stale") == [ids["never"], ids["c31"], ids["c30"], ids["b15"]]
    assert today_json(cli, "li.na", "--stale-days", "31")["sections"]["stale"]["total"] == 2
    shown = {row["setting"]: row for row in json.loads(cli("config", "show", "-f", "json").stdout)}
    assert shown["stale_days"] == {"setting": "stale_days", "value": "15", "source": "config-file"}
    for bad in ('stale_days = "soon"', "stale_days = 0", "stale_days = true"):
        config.write_text(bad + "\n")
        result = cli("--as", "li.na", "today")
        assert_one_line_error(result, 2)
        assert "stale_days" in result.stderr


def test_the_calendar_file(cli: Cli, team: str, ids: dict[str, int], tmp_path: Path) -> None:
    from icalendar import Calendar

    path = tmp_path / "跟进.ics"
    result = cli("--as", "li.na", "today", *ON_DAY, "-f", "json", "--ics", str(path))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["user"] == "li.na"  # stdout: still only the agenda
    expected = {
        ids[key]
        for key in ("late5", "late1", "today", "later", "a8", "a7", "b15", "b14", "c31", "c30")
    } | {ids["never"]}
    assert result.stderr.strip() == f"Wrote {len(expected)} follow-ups to {path}."
    calendar = Calendar.from_ical(path.read_bytes())
    assert str(calendar["prodid"]) == "-//salesflow//follow-ups//EN"
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {f"lead-{number}-next-step@salesflow" for number in expected}
    late = events[f"lead-{ids['late5']}-next-step@salesflow"]
    assert late.decoded("dtstart") == DAY  # an overdue step is shown on the day
    assert str(late["summary"]) == "Overdue since 2026-11-20: 跟进 — 杭州迟到五天科技有限公司"
    assert "Lead" in str(late["description"])
    later = events[f"lead-{ids['later']}-next-step@salesflow"]
    assert later.decoded("dtstart") == DAY + timedelta(days=3)
    assert later.decoded("dtend") == DAY + timedelta(days=4)
    assert str(later["summary"]) == "跟进 — 苏州以后机械有限公司"
    # Written again, the same leads keep the same UIDs: a re-import updates them.
    again = cli("--as", "li.na", "today", *ON_DAY, "--ics", str(path))
    assert again.exit_code == 0, again.stderr
    reread = Calendar.from_ical(path.read_bytes())
    assert {str(event["uid"]) for event in reread.walk("VEVENT")} == set(events)
    # Each file is a revision: calendars replace an event only by a newer one.
    first, second = late, next(iter(reread.walk("VEVENT")))
    assert int(str(second["sequence"])) >= int(str(first["sequence"])) > 0
    assert "last-modified" in second
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    with reading(team) as session:
        exports = session.exec(select(AuditEvent).where(AuditEvent.action == "export")).all()
        assert len(exports) == 2
        assert str(path) in (exports[0].summary or "")


def test_an_unwritable_calendar_path_writes_nothing(
    cli: Cli, team: str, ids: dict[str, int], tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder" / "agenda.ics"
    args = ["--as", "li.na", "today", "--ics", str(missing)]
    assert_refused_unchanged(cli, team, args, 2, str(missing))
    assert not missing.parent.exists()
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert_refused_unchanged(
        cli, team, ["--as", "li.na", "today", "--ics", str(folder)], 2, "a-folder"
    )
    assert list(folder.iterdir()) == []


def test_help_explains_the_two_as_options(cli: Cli) -> None:
    result = cli("today", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.replace("│", " ").split())
    assert "Whose agenda to show" in text
    assert "salesflow --as USER today" in text
    for option in ("--date", "--format", "--ics", "--stale-days", "--limit"):
        assert option in text


def test_waiting_approvals_and_expiring_quotes(cli: Cli, team: str) -> None:
    from tests.quotes import Item, make_quote
    from tests.workflow.test_lead_views import add

    lead = add(team, "li.na", company="审批议程有限公司", source="website")
    make_quote(team, lead, [Item("SKU-1", discount_bp=1500)], payment_terms="net-30")
    make_quote(
        team,
        lead,
        [Item("SKU-2")],
        number="Q-2026-0002",
        valid_until=date.today() + timedelta(days=2),
        status="sent",
    )
    submitted = cli("--as", "li.na", "quote", "submit", "Q-2026-0001")
    assert submitted.exit_code == 0, submitted.stderr
    out = today(cli, "wang.qiang")
    assert "Approvals waiting for you (2)" in out
    assert "discount 15%" in out
    assert "审批议程有限公司" in out
    result = cli("--as", "wang.qiang", "today", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    waiting = data["sections"]["approvals"]
    assert waiting["total"] == 2
    assert [item["kind"] for item in waiting["items"]] == ["discount", "payment-terms"]
    assert waiting["items"][0]["requested_by"] == "li.na"
    assert waiting["items"][0]["days_waiting"] == 0
    assert (
        "approvals"
        not in json.loads(cli("--as", "li.na", "today", "-f", "json").stdout)["sections"]
    )
    mine = json.loads(cli("--as", "li.na", "today", "-f", "json").stdout)["sections"]
    assert [item["quote"] for item in mine["expiring_quotes"]["items"]] == ["Q-2026-0002"]
    assert mine["expiring_quotes"]["items"][0]["days_left"] == 2
    assert "Quotes expiring within 3 days (1)" in today(cli, "li.na")
    csv_out = cli("--as", "wang.qiang", "today", "-f", "csv").stdout
    assert "approvals," in csv_out
    assert "### Approvals waiting for you (2)" in today(cli, "wang.qiang", "-f", "markdown")
