"""lead list | show | edit | assign through the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from rich.cells import cell_len

from salesflow.cli.lead.finding import DATA_KEYS
from tests.helpers import Cli, assert_one_line_error, assert_refused_unchanged, snapshot
from tests.workflow.test_lead_views import GRADED_A, grade, owners, seed


@pytest.fixture
def leads(team: str) -> dict[str, int]:
    return seed(team)


def as_json(cli: Cli, *args: str) -> list[dict[str, object]]:
    result = cli(*args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


def listed(cli: Cli, *args: str, user: str = "boss") -> list[object]:
    return [row["id"] for row in as_json(cli, "--as", user, "lead", "list", *args)]


# ---------------------------------------------------------------------------------------
# lead list


def test_json_and_csv_carry_codes_and_stdout_only_data(cli: Cli, leads: dict[str, int]) -> None:
    rows = as_json(cli, "lead", "list")
    assert len(rows) == 6
    assert list(rows[0]) == list(DATA_KEYS)
    yunqi = next(row for row in rows if row["id"] == leads["yunqi"])
    assert yunqi["phone"] == "+8613800138000"
    assert yunqi["amount"] == "120000.00"
    assert yunqi["stage"] == "qualified"
    assert yunqi["source"] == "website"
    assert yunqi["owner"] == "li.na"
    assert yunqi["assignment_overdue"] is False
    result = cli("lead", "list", "-f", "csv", "--stage", "qualified")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ",".join(DATA_KEYS)
    assert len(lines) == 2
    assert "+8613800138000" in lines[1]
    assert "120000.00" in lines[1]
    assert result.stderr == ""


def test_rep_sees_own_by_default_manager_team_director_all(cli: Cli, leads: dict[str, int]) -> None:
    own = {leads["yunqi"], leads["acme"]}
    pool = {leads["mingyuan"], leads["haitian"]}
    assert set(listed(cli, user="li.na")) == own
    assert set(listed(cli, "--all", user="li.na")) == own | pool
    assert set(listed(cli, "--unassigned", user="li.na")) == pool
    assert listed(cli, "--owner", "zhang.wei", user="li.na") == []
    assert set(listed(cli, user="wang.qiang")) == own | pool | {leads["tengda"]}
    assert set(listed(cli, user="zhao.min")) == set(leads.values())


def test_filters_search_sort_and_limit(cli: Cli, leads: dict[str, int]) -> None:
    assert listed(cli, "--stage", "需求确认") == [leads["yunqi"]]
    assert set(listed(cli, "--grade", "B", "--grade", "C")) == {leads["tengda"], leads["huaxin"]}
    assert listed(cli, "--source", "展会") == [leads["tengda"]]
    assert set(listed(cli, "--province", "浙江", "--city", "宁波")) == {
        leads["haitian"],
        leads["acme"],
    }
    assert listed(cli, "--owner", "zhang.wei") == [leads["tengda"]]
    assert listed(cli, "--created-since", "1d") == [leads["haitian"]]
    for text in (
        "138 0013 8000",
        "13800138000",
        "+86 138 0013 8000",
        "WF@yunqi.cn",
        "王芳",
        "云栖",
    ):
        assert listed(cli, "--search", text) == [leads["yunqi"]], text
    assert listed(cli, "-s", "acme") == [leads["acme"]]
    assert listed(cli, "--sort", "amount", "--limit", "2") == [leads["huaxin"], leads["yunqi"]]
    result = cli("lead", "list", "--limit", "2", "-f", "json")
    assert len(json.loads(result.stdout)) == 2
    assert "more match" in result.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--sort", "price"], "--sort"),
        (["--stage", "closed"], "--stage"),
        (["--grade", "D"], "--grade"),
        (["--province", "火星"], "--province"),
        (["--created-since", "last week"], "--created-since"),
        (["--limit", "0"], "--limit"),
        (["--mine", "--unassigned"], "--unassigned"),
        (["--owner", "ghost"], "--owner"),
    ],
)
def test_bad_list_options_are_one_line_exit_2(
    cli: Cli, team: str, args: list[str], needle: str
) -> None:
    result = cli("lead", "list", *args)
    assert_one_line_error(result, 2)
    assert needle in result.stderr


def _offset(line: str, text: str) -> int:
    """Display columns before ``text`` in ``line`` (wide characters count two)."""
    return cell_len(line[: line.index(text)])


def test_table_lines_up_wide_chinese_text(cli: Cli, leads: dict[str, int]) -> None:
    result = cli("lead", "list", "--sort", "company")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    header = lines[0]
    for column in ("Phone", "Region", "Source"):
        assert column in header
    rows = [line for line in lines[2:] if "有限公司" in line]
    assert len(rows) == 5
    for phone in ("138 0013 8000", "139 0013 9000", "010 6552 9988"):
        row = next(line for line in rows if phone in line)
        assert _offset(row, phone) == _offset(header, "Phone"), row
    yunqi = next(line for line in rows if "云栖" in line)
    assert "¥120,000.00" in yunqi
    assert "Qualified" in yunqi  # labels, not codes, for people


def test_markdown_lines_up_wide_chinese_text(cli: Cli, leads: dict[str, int]) -> None:
    result = cli("lead", "list", "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 8  # header, rule and six leads
    assert len({cell_len(line) for line in lines}) == 1

    def pipes(line: str) -> list[int]:
        return [cell_len(line[:i]) for i, ch in enumerate(line) if ch == "|"]

    assert len({tuple(pipes(line)) for line in lines}) == 1
    assert "杭州云栖科技有限公司" in result.stdout


def test_unassigned_overdue_is_flagged(cli: Cli, leads: dict[str, int]) -> None:
    result = cli("--as", "wang.qiang", "lead", "list", "--unassigned")
    assert result.exit_code == 0, result.stderr
    old = next(line for line in result.stdout.splitlines() if "明远" in line)
    fresh = next(line for line in result.stdout.splitlines() if "海天" in line)
    assert "⚠ overdue" in old
    assert "⚠" not in fresh
    assert "1 unassigned lead waited more than one working day" in result.stderr
    # The pool is the manager's: a rep who sees it is not told to assign.
    rep = cli("--as", "li.na", "lead", "list", "--unassigned")
    assert "⚠ overdue" in rep.stdout
    assert "waited more than" not in rep.stderr
    rows = {r["id"]: r for r in as_json(cli, "--as", "wang.qiang", "lead", "list", "--unassigned")}
    assert rows[leads["mingyuan"]]["assignment_overdue"] is True
    assert rows[leads["haitian"]]["assignment_overdue"] is False


def test_empty_list_says_so_on_stderr(cli: Cli, team: str) -> None:
    result = cli("lead", "list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No leads match." in result.stderr


# ---------------------------------------------------------------------------------------
# lead show


def test_show_own_lead_card(cli: Cli, leads: dict[str, int], team: str) -> None:
    lead = str(leads["yunqi"])
    grade(team, "li.na", leads["yunqi"], **GRADED_A)
    result = cli("--as", "li.na", "lead", "show", lead)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    for section in ("Customer", "Contacts", "Grade breakdown", "Stage and next step", "Activities"):
        assert section in out
    for text in ("杭州云栖科技有限公司", "浙江省 杭州市", "王芳", "138 0013 8000", "¥120,000.00"):
        assert text in out
    assert "Send proposal" in out
    assert "No activities logged yet." in out
    # The breakdown reads as 'lead grade' prints it: labels and inputs for people.
    for text in (
        "Budget / purchasing power",
        "¥300,000.00",
        "12 years",
        "4/5",
        "Decision maker reached",
        "79/100",
        "Intrinsic-value customer",
        "Haggles over every point",
    ):
        assert text in out, text
    breakdown = out[out.index("Grade breakdown") : out.index("Stage and next step")]
    decision_row = next(line for line in breakdown.splitlines() if "Decision maker" in line)
    assert "yes" in decision_row
    assert "true" not in breakdown
    assert "300000.00" not in breakdown
    assert "Strategy (Intrinsic-value customer):" in out
    assert "Coping tip (Haggles over every point):" in out
    card = json.loads(cli("--as", "li.na", "lead", "show", f"L{lead}", "-f", "json").stdout)
    assert card["id"] == leads["yunqi"]
    assert card["stage"] == "qualified"
    assert card["grade"] == "A"
    assert card["amount"] == "120000.00"
    assert card["customer"]["name"] == "杭州云栖科技有限公司"
    assert card["contacts"][0]["phone"] == "+8613800138000"
    assert card["next_step"] == {
        "date": card["next_step"]["date"],
        "action": "Send proposal",
        "suggested": False,
    }
    assert card["activities"] == []
    grading = card["grading"]
    assert (grading["grade"], grading["score"], card["grade_history"]) == ("A", 79, 1)
    assert (grading["value_type"], grading["personality"]) == ("intrinsic", "haggler")
    assert grading["breakdown"] == [
        {"criterion": "company_size", "input": 120, "points": 12, "max_points": 20},
        {"criterion": "years_in_business", "input": 12, "points": 10, "max_points": 10},
        {"criterion": "budget", "input": "300000.00", "points": 12, "max_points": 20},
        {"criterion": "need_fit", "input": 4, "points": 15, "max_points": 20},
        {"criterion": "likelihood", "input": 5, "points": 20, "max_points": 20},
        {"criterion": "decision_maker", "input": True, "points": 10, "max_points": 10},
    ]
    markdown = cli("--as", "li.na", "lead", "show", lead, "-f", "markdown")
    assert markdown.exit_code == 0
    assert "### Contacts" in markdown.stdout
    assert "¥300,000.00" in markdown.stdout
    csv = cli("--as", "li.na", "lead", "show", lead, "-f", "csv")
    assert csv.stdout.splitlines()[0] == "section,field,value"
    assert "stage,stage,qualified" in csv.stdout
    assert "grade budget,input,300000.00" in csv.stdout
    assert "grade decision_maker,input,true" in csv.stdout
    assert "grade,value_type,intrinsic" in csv.stdout


def test_show_another_reps_lead_is_not_found(cli: Cli, leads: dict[str, int]) -> None:
    result = cli("--as", "li.na", "lead", "show", str(leads["tengda"]))
    assert_one_line_error(result, 2)
    assert f"No lead {leads['tengda']}" in result.stderr
    assert_one_line_error(cli("lead", "show", "abc"), 2)


# ---------------------------------------------------------------------------------------
# lead edit


def test_edit_changes_and_is_audited(cli: Cli, leads: dict[str, int]) -> None:
    lead = str(leads["yunqi"])
    result = cli(
        "--as",
        "li.na",
        "lead",
        "edit",
        lead,
        "--phone",
        "139 1234 5678",
        "--amount",
        "15万",
        "--notes",
        "VIP",
        "--city",
        "宁波",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "Updated lead" in result.stderr
    for option in ("--phone", "--amount", "--notes", "--city"):
        assert option in result.stderr
    card = json.loads(cli("lead", "show", lead, "-f", "json").stdout)
    assert card["amount"] == "150000.00"
    assert card["notes"] == "VIP"
    assert card["contacts"][0]["phone"] == "+8613912345678"
    assert (card["customer"]["province"], card["customer"]["city"]) == ("浙江省", "宁波市")
    audit = as_json(cli, "audit", "list", "--entity", "leads", "--id", lead)
    fields = {(line["field"], line["new_value"], line["user"]) for line in audit}
    assert ("amount_fen", "15000000", "li.na") in fields
    assert ("notes", "VIP", "li.na") in fields
    contacts = as_json(cli, "audit", "list", "--entity", "contacts")
    assert any(line["new_value"] == "+8613912345678" for line in contacts)
    cleared = cli("--as", "li.na", "lead", "edit", lead, "--clear", "notes")
    assert cleared.exit_code == 0, cleared.stderr
    assert json.loads(cli("lead", "show", lead, "-f", "json").stdout)["notes"] is None
    same = cli("--as", "li.na", "lead", "edit", lead, "--amount", "150000")
    assert same.exit_code == 0
    assert "Nothing changed" in same.stderr


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--phone", "12345"], 2, "--phone"),
        (["--email", "not-an-email"], 2, "--email"),
        (["--province", "火星"], 2, "--province"),
        (["--amount", "-5"], 2, "negative"),
        (["--notes", "x" * 10_000], 2, "--notes"),
        (["--source", "referral"], 2, "referrer"),
        (["--phone", "139 0013 9000"], 1, "zhang.wei"),  # another rep's customer: 撞单
        (["--email", "ZS@huaxin.cn"], 1, "撞单"),
        ([], 2, "Nothing to change"),
        (["--clear", "company"], 2, "--company"),
        (["--clear", "bogus"], 2, "bogus"),
    ],
)
def test_edit_refusals_change_nothing(
    cli: Cli, leads: dict[str, int], team: str, *, args: list[str], code: int, needle: str
) -> None:
    command = ["--as", "li.na", "lead", "edit", str(leads["yunqi"]), *args]
    assert_refused_unchanged(cli, team, command, code, needle)


def test_edit_of_another_reps_lead_is_refused(cli: Cli, leads: dict[str, int], team: str) -> None:
    command = ["--as", "li.na", "lead", "edit", str(leads["tengda"]), "--notes", "x"]
    assert_refused_unchanged(cli, team, command, 2, "No lead")
    pool = ["--as", "li.na", "lead", "edit", str(leads["haitian"]), "--notes", "x"]
    assert_refused_unchanged(cli, team, pool, 1, "unassigned")


def test_edit_warns_about_similar_names(cli: Cli, leads: dict[str, int]) -> None:
    result = cli(
        "--as", "li.na", "lead", "edit", str(leads["acme"]), "--company", "杭州云栖科技发展有限公司"
    )
    assert result.exit_code == 0, result.stderr
    assert "Similar customer" in result.stderr
    assert "杭州云栖科技有限公司" in result.stderr


# ---------------------------------------------------------------------------------------
# lead assign


def test_manager_assigns_within_team(cli: Cli, leads: dict[str, int], team: str) -> None:
    lead = str(leads["haitian"])
    result = cli("--as", "wang.qiang", "lead", "assign", lead, "--to", "li.na")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "Assigned lead" in result.stderr
    assert owners(team, leads["haitian"]) == ("li.na", "li.na")
    assert leads["haitian"] in listed(cli, user="li.na")
    again = cli("--as", "wang.qiang", "lead", "assign", lead, "--to", "li.na")
    assert again.exit_code == 0
    assert "nothing changed" in again.stderr
    audit = as_json(cli, "audit", "list", "--entity", "leads", "--id", lead)
    assert any(line["field"] == "owner_id" and line["user"] == "wang.qiang" for line in audit)
    back = cli("--as", "wang.qiang", "lead", "assign", lead, "--to", "-")
    assert back.exit_code == 0, back.stderr
    assert owners(team, leads["haitian"]) == (None, None)


@pytest.mark.parametrize(
    ("user", "lead", "to", "code", "needle"),
    [
        ("li.na", "haitian", "li.na", 1, "does not assign"),  # a rep
        ("sun.li", "haitian", "li.na", 1, "does not assign"),  # legal
        ("wang.qiang", "haitian", "liu.yang", 1, "liu.yang"),  # outside the team
        ("wang.qiang", "huaxin", "li.na", 2, "No lead"),  # another team's lead
        ("wang.qiang", "haitian", "sun.li", 2, "cannot own leads"),  # to legal
        ("zhao.min", "haitian", "ghost", 2, "ghost"),
    ],
)
def test_assign_refusals_change_nothing(
    cli: Cli,
    leads: dict[str, int],
    team: str,
    *,
    user: str,
    lead: str,
    to: str,
    code: int,
    needle: str,
) -> None:
    command = ["--as", user, "lead", "assign", str(leads[lead]), "--to", to]
    assert_refused_unchanged(cli, team, command, code, needle)


def test_assign_without_to_and_no_terminal_names_the_option(
    cli: Cli, leads: dict[str, int], team: str
) -> None:
    before = snapshot(team)
    result = cli("--as", "wang.qiang", "lead", "assign", str(leads["haitian"]))
    assert_one_line_error(result, 2)
    assert "--to" in result.stderr
    assert snapshot(team) == before
