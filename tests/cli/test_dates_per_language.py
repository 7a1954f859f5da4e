"""Dates, period names and care events read in the person's language; JSON stays neutral."""

from __future__ import annotations

import json
from datetime import date

import pytest

from salesflow.cli.agenda_service import occasion_text
from salesflow.cli.report_options import period_name
from salesflow.i18n import speaking
from salesflow.workflow.errors import InputError
from salesflow.workflow.quote_documents import parse_language
from salesflow.workflow.report_periods import parse_report_period, period_of
from tests.cli.test_today import ON_DAY
from tests.helpers import Cli
from tests.workflow.test_agenda import seed

DAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("kind", "english", "chinese"),
    [
        ("day", "2026-11-22", "2026年11月22日"),
        ("week", "2026-W47", "2026年第47周"),
        ("month", "2026-11", "2026年11月"),
        ("quarter", "2026-Q4", "2026年第4季度"),
        ("year", "2026", "2026年"),
    ],
)
def test_period_names(kind: str, english: str, chinese: str) -> None:
    period = period_of(kind, DAY)
    with speaking("en"):
        assert period_name(period) == english == period.key
    with speaking("zh"):
        assert period_name(period) == chinese


def test_first_iso_week_is_named_by_its_own_year() -> None:
    period = parse_report_period("2026-W01", option="--week", kinds=("week",))
    assert period.start.year == 2025
    with speaking("zh"):
        assert period_name(period) == "2026年第1周"


def test_occasions_show_the_persons_half() -> None:
    with speaking("zh"):
        assert occasion_text("中秋节 Mid-Autumn Festival") == "中秋节"
        assert occasion_text("生日") == "生日"
    with speaking("en"):
        assert occasion_text("中秋节 Mid-Autumn Festival") == "Mid-Autumn Festival"
        assert occasion_text("生日") == "生日"


def test_document_language_spellings_are_the_interfaces() -> None:
    assert parse_language(None) is None
    for raw in ("zh", "ZH-cn", "zh_CN.UTF-8", "zh-Hans", "cn", "Chinese", "中文"):
        assert parse_language(raw) == "zh"
    for raw in ("en", "en-US", "en_GB", "English", "英文"):
        assert parse_language(raw) == "en"
    for raw in ("fr", "", "C"):
        with pytest.raises(InputError, match="--lang"):
            parse_language(raw)


def test_agenda_dates_in_chinese_and_json_unchanged(cli: Cli, team: str) -> None:
    seed(team)
    chinese = cli("--lang", "zh", "--as", "li.na", "today", *ON_DAY)
    assert chinese.exit_code == 0, chinese.stderr
    assert chinese.stdout.splitlines()[0] == "李娜（li.na）2026年11月25日 的待办"
    assert "2026-11-" not in chinese.stdout.split("salesflow today")[0]
    english = cli("--lang", "en", "--as", "li.na", "today", *ON_DAY)
    assert english.stdout.splitlines()[0] == "Agenda of 李娜 (li.na) for 2026-11-25"
    as_json = [
        cli("--lang", lang, "--as", "li.na", "today", *ON_DAY, "--format", "json").stdout
        for lang in ("zh", "en")
    ]
    assert as_json[0] == as_json[1]
    assert json.loads(as_json[0])["date"] == "2026-11-25"
