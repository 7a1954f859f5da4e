"""Chinese and English: the catalog is complete, the language is chosen as documented,
help and errors are translated, Chinese tables line up, and JSON stays language-neutral."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from rich.cells import cell_len

from salesflow.cli.language import help_wanted, lang_from_args, usage_message
from salesflow.config import parse_language, resolve_language
from salesflow.i18n import (
    _,
    current_language,
    format_date,
    format_datetime,
    language_code,
    locale_language,
    ngettext,
    speaking,
)
from salesflow.workflow.errors import InputError
from salesflow.workflow.glossary import STAGES, label
from tests.helpers import Cli

ROOT = Path(__file__).resolve().parent.parent


def _catalog_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_catalogs", ROOT / "scripts" / "i18n.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_has_its_chinese_translation() -> None:
    """Fails when a message in the code has no Chinese (or a fuzzy one, or other
    placeholders), when the catalog keeps messages the code no longer has, or when the
    compiled .mo is older than the .po: run scripts/i18n.py update / compile."""
    script = _catalog_script()
    template = script.extract()
    assert len(template) > 1000
    assert script.check() == []


def test_catalog_translates_a_known_message_and_a_plural() -> None:
    with speaking("zh"):
        assert _("Cancelled.") == "已取消。"
        for count in (1, 3):
            assert ngettext(
                "Added {count} product to the price list.",
                "Added {count} products to the price list.",
                count,
            ) == ("已向价格表添加 {count} 个产品。")
    assert _("Cancelled.") == "Cancelled."


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("zh", "zh"),
        ("zh_CN.UTF-8", "zh"),
        ("zh-Hans", "zh"),
        ("中文", "zh"),
        ("en", "en"),
        ("en_US.UTF-8", "en"),
        ("English", "en"),
        ("fr_FR.UTF-8", None),
        ("C.UTF-8", None),
        ("POSIX", None),
        ("", None),
    ],
)
def test_language_code_reads_every_spelling(raw: str, code: str | None) -> None:
    assert language_code(raw) == code


def test_locale_decides_like_gettext() -> None:
    assert locale_language({"LANG": "zh_CN.UTF-8"}) == ("zh", "LANG")
    assert locale_language({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == ("en", "LC_ALL")
    assert locale_language({"LANGUAGE": "fr:zh_CN", "LANG": "en_US"}) == ("zh", "LANGUAGE")
    # LANGUAGE naming nothing we speak falls through; LC_ALL=C decides "no language".
    assert locale_language({"LANGUAGE": "fr", "LANG": "zh_CN.UTF-8"}) == ("zh", "LANG")
    assert locale_language({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) is None
    assert locale_language({}) is None


def test_resolution_order(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_language().value == "en"
    assert resolve_language().source == "default"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert (resolve_language().value, resolve_language().source) == ("zh", "LANG")
    assert resolve_language(file_lang="en").value == "en"
    monkeypatch.setenv("SALESFLOW_LANG", "en")
    assert resolve_language(file_lang="zh").source == "SALESFLOW_LANG"
    assert resolve_language(file_lang="zh").value == "en"
    assert resolve_language("zh").value == "zh"
    assert resolve_language("zh").source == "--lang"
    with pytest.raises(InputError, match="--lang"):
        parse_language("klingon", field="--lang")


def test_lang_option_is_found_before_the_command_only() -> None:
    assert lang_from_args(["--lang", "zh", "lead", "list"]) == "zh"
    assert lang_from_args(["--as", "li.na", "--lang=en", "today"]) == "en"
    assert lang_from_args(["--db", "--lang", "today"]) is None  # --lang is --db's value
    assert lang_from_args(["quote", "export", "Q-1", "--lang", "en"]) is None
    assert lang_from_args(["--lang"]) is None


def test_lang_flag_env_config_and_locale(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    def language(*args: str) -> tuple[str, str]:
        result = cli(*args, "config", "show", "--format", "json")
        assert result.exit_code == 0, result.stderr
        row = next(r for r in json.loads(result.stdout) if r["setting"] == "lang")
        return row["value"], row["source"]

    assert language() == ("en", "default")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert language() == ("zh", "LANG")
    config = isolated_home / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('lang = "en"\n', encoding="utf-8")
    assert language() == ("en", "config-file")
    monkeypatch.setenv("SALESFLOW_LANG", "zh")
    assert language() == ("zh", "SALESFLOW_LANG")
    assert language("--lang", "en") == ("en", "--lang")
    # The run really speaks it: a message, and after it the process is English again.
    refused = cli("--lang", "zh", "lead", "show", "abc")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("错误")
    assert current_language() == "en"


def test_bad_language_settings_are_refused_naming_them(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    result = cli("--lang", "fr", "today")
    assert result.exit_code == 2
    assert "'fr' (--lang)" in result.stderr
    assert result.stdout == ""
    monkeypatch.setenv("SALESFLOW_LANG", "xx")
    result = cli("config", "show")
    assert result.exit_code == 2
    assert "SALESFLOW_LANG" in result.stderr
    monkeypatch.delenv("SALESFLOW_LANG")
    config = isolated_home / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('lang = "tlh"\n', encoding="utf-8")
    result = cli("config", "show")
    assert result.exit_code == 2
    assert "lang" in result.stderr
    assert "tlh" in result.stderr
    # A config file Python cannot read does not stop --help (nothing to configure there).
    config.write_text("lang = \n", encoding="utf-8")
    assert cli("--help").exit_code == 0


def test_help_is_translated_in_process_and_back(cli: Cli) -> None:
    chinese = cli("--lang", "zh", "lead", "add", "--help")
    assert chinese.exit_code == 0
    assert "公司名称" in chinese.stdout  # --company's help
    assert "选项" in chinese.stdout  # the Options panel
    assert "显示此帮助" in chinese.stdout or "显示帮助" in chinese.stdout
    english = cli("lead", "add", "--help")
    assert "Company name." in english.stdout
    assert "公司名称" not in english.stdout
    assert "Options" in english.stdout


@pytest.mark.parametrize(
    ("args", "wanted"),
    [
        (["--help"], True),
        ([], True),
        (["lead"], True),
        (["service", "visit"], True),
        (["--as", "li.na", "lead", "list"], False),
        (["lead", "list", "-h"], True),
        (["today"], False),
    ],
)
def test_help_panels_load_only_when_help_may_show(args: list[str], wanted: bool) -> None:
    import typer

    from salesflow.cli.groups import register_commands
    from salesflow.cli.main import app

    register_commands(args)
    assert help_wanted(typer.main.get_command(app), args) is wanted


def test_help_with_values_put_in_is_translated(cli: Cli) -> None:
    result = cli("--lang", "zh", "user", "add", "--help")
    assert result.exit_code == 0
    assert "Role: " not in result.stdout
    assert "rep" in result.stdout  # the codes stay codes


def test_help_in_chinese_from_a_fresh_process(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "salesflow", "report", "--help"],
        env={"SALESFLOW_HOME": str(tmp_path), "LANG": "zh_CN.UTF-8", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "日报" in result.stdout
    assert "Daily, weekly" not in result.stdout


def test_usage_errors_are_translated(cli: Cli) -> None:
    result = cli("--lang", "zh", "lead", "list", "--bogus")
    assert result.exit_code == 2
    assert "--bogus" in result.stderr
    assert "No such option" not in result.stderr
    english = cli("lead", "list", "--bogus")
    assert "No such option" in english.stderr


@pytest.mark.parametrize(
    "text",
    [
        "No such option: --bogus",
        "No such option: --sinc Did you mean --since?",
        "Missing option '--amount'.",
        "Missing argument 'ID'.",
        "Invalid value for '--format' / '-f': 'x' is not one of 'table', 'json'.",
        "Got unexpected extra arguments (a b)",
        "Option '--as' requires an argument.",
        "No such command 'leads'.",
        "No such command 'lst'. Did you mean 'list'?",
        "Invalid value for '--limit': Input should be a valid integer, unable to parse string",
        "Invalid value for '--format': Value error, 'xml' is not one of 'table', 'json'.",
    ],
)
def test_usage_error_shapes(text: str) -> None:
    assert usage_message(text) == text  # English stays as Typer wrote it
    with speaking("zh"):
        translated = usage_message(text)
    assert translated != text
    assert not re.search(r"Input should|Value error|No such|Missing|Invalid value", translated)
    for quoted in re.findall(r"'[^']*'|--\w+", text):
        assert quoted in translated


def test_dates_and_labels_per_language() -> None:
    from datetime import UTC, date, datetime

    assert format_date(date(2026, 11, 22)) == "2026-11-22"
    assert label(STAGES, "won") == "Won"
    with speaking("zh"):
        assert format_date(date(2026, 11, 22)) == "2026年11月22日"
        assert format_datetime(datetime(2026, 11, 22, 6, 30, tzinfo=UTC)).startswith("2026年11月")
        assert label(STAGES, "won") == "成交"


def _column_edges(line: str) -> list[int]:
    """Display columns where each '│' or '┃' of a table line stands."""
    edges, width = [], 0
    for char in line:
        if char in "│┃":
            edges.append(width)
        width += cell_len(char)
    return edges


def test_chinese_tables_line_up(cli: Cli) -> None:
    assert cli("init", "--sample").exit_code == 0
    for args in (
        ("--as", "li.na", "lead", "list"),
        ("--as", "zhao.min", "pipeline", "show"),
        ("--as", "li.na", "report", "daily", "--date", "yesterday"),
    ):
        result = cli("--lang", "zh", *args)
        assert result.exit_code == 0, result.stderr
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        assert any(re.search(r"[\u4e00-\u9fff]", line) for line in lines)
        # Lines of one table have the same display width; box tables' borders stack.
        bordered = [line for line in lines if "│" in line]
        for block in _blocks(bordered):
            assert len({tuple(_column_edges(line)) for line in block}) == 1, block


def _blocks(lines: list[str]) -> list[list[str]]:
    """Consecutive lines with the same number of borders: one table's rows."""
    blocks: list[list[str]] = []
    for line in lines:
        count = len(_column_edges(line))
        if blocks and len(_column_edges(blocks[-1][-1])) == count:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return [block for block in blocks if len(block) > 1]


def test_plain_tables_have_one_width(cli: Cli) -> None:
    """A list's header, rule and rows are padded to one display width: a wide character
    counted as one column would make its row shorter than the others."""
    assert cli("init", "--sample").exit_code == 0
    result = cli("--lang", "zh", "--as", "li.na", "lead", "list")
    lines = result.stdout.splitlines()
    assert "公司" in lines[0]
    assert any(re.search(r"[\u4e00-\u9fff]{4}", line) for line in lines[2:])
    assert len({cell_len(line) for line in lines if line}) == 1


@pytest.mark.parametrize(
    "args",
    [
        ("--as", "li.na", "lead", "list"),
        ("--as", "zhao.min", "pipeline", "show"),
        ("--as", "li.na", "today", "--date", "yesterday"),
        ("--as", "zhao.min", "report", "kpi", "--team"),
        ("--as", "zhao.min", "target", "show"),
        ("--as", "zhao.min", "contract", "list"),
        ("--as", "zhao.min", "payment", "list"),
        ("--as", "zhao.min", "quote", "list"),
        ("--as", "zhao.min", "approval", "list", "--all"),
        ("db", "check"),
        ("config", "show"),
    ],
)
def test_json_is_language_neutral(cli: Cli, args: tuple[str, ...]) -> None:
    assert cli("init", "--sample").exit_code == 0
    english = cli("--lang", "en", *args, "--format", "json")
    chinese = cli("--lang", "zh", *args, "--format", "json")
    assert english.exit_code == chinese.exit_code == 0, chinese.stderr
    assert _without_language_row(english.stdout) == _without_language_row(chinese.stdout)
    json.loads(chinese.stdout)


def _without_language_row(text: str) -> object:
    """The JSON without the lang setting's own row and the moment it was made."""
    data = json.loads(text)
    if isinstance(data, list):
        return [row for row in data if not (isinstance(row, dict) and row.get("setting") == "lang")]
    if isinstance(data, dict):
        return {key: value for key, value in data.items() if key not in {"as_of", "generated_at"}}
    return data


@pytest.mark.parametrize(
    "args",
    [
        ("--as", "li.na", "lead", "list"),
        ("--as", "zhao.min", "pipeline", "show"),
        ("--as", "zhao.min", "contract", "list"),
        ("--as", "zhao.min", "payment", "list"),
        ("--as", "zhao.min", "quote", "list"),
        ("--as", "zhao.min", "target", "show"),
        ("db", "check"),
    ],
)
def test_csv_is_language_neutral(cli: Cli, args: tuple[str, ...]) -> None:
    assert cli("init", "--sample").exit_code == 0
    english = cli("--lang", "en", *args, "--format", "csv")
    chinese = cli("--lang", "zh", *args, "--format", "csv")
    assert english.exit_code == chinese.exit_code == 0, chinese.stderr
    assert english.stdout == chinese.stdout
    assert english.stdout.strip()
