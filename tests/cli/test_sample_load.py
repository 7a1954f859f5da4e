"""init --sample: the sample team, its 240 leads through the importer, and their grades."""

from __future__ import annotations

import json
from datetime import date

from tests.helpers import Cli, snapshot


def test_sample_loads_leads_and_grades_once(cli: Cli, db_url: str) -> None:
    result = cli("init", "--sample")
    assert result.exit_code == 0, result.stderr
    assert "Imported 240 sample leads" in result.stderr
    assert "graded 172" in result.stderr
    leads = json.loads(cli("lead", "list", "--all", "--limit", "1000", "-f", "json").stdout)
    assert len(leads) == 240
    assert {lead["stage"] for lead in leads} == {
        "new",
        "contacted",
        "qualified",
        "proposal",
        "negotiation",
        "contract",
        "won",
        "lost",
    }
    assert {lead["grade"] for lead in leads} == {"A", "B", "C", None}
    assert len({lead["source"] for lead in leads}) == 8
    assert len({lead["province"] for lead in leads}) >= 20
    assert sum(lead["owner"] is None for lead in leads) == 15
    assert any(lead["assignment_overdue"] for lead in leads)
    # Dates are shifted so that the sample's anchor date is today.
    newest = max(date.fromisoformat(lead["created_at"][:10]) for lead in leads)
    assert abs((newest - date.today()).days) <= 1
    # A rep sees their own leads only.
    mine = json.loads(cli("--as", "li.na", "lead", "list", "--limit", "1000", "-f", "json").stdout)
    assert mine
    assert {lead["owner"] for lead in mine} == {"li.na"}
    # Loading again changes nothing.
    before = snapshot(db_url)
    again = cli("init", "--sample")
    assert again.exit_code == 0, again.stderr
    assert snapshot(db_url) == before


def test_sample_duplicates_show_the_two_near_pairs(cli: Cli, db_url: str) -> None:
    assert cli("init", "--sample").exit_code == 0
    clusters = json.loads(cli("lead", "duplicates", "-f", "json").stdout)
    assert len(clusters) == 2
