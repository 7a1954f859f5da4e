"""The first-response rule of service tickets (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from salesflow.workflow.errors import InputError
from salesflow.workflow.service_tickets import parse_ticket_id, response_flag
from salesflow.workflow.service_visits import parse_satisfaction

OPENED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
DUE = OPENED + timedelta(hours=24)


def test_waiting_within_the_deadline_is_not_flagged() -> None:
    assert response_flag(DUE, None, None, DUE - timedelta(minutes=1)) == ""
    assert response_flag(DUE, None, None, DUE) == ""


def test_no_response_past_the_deadline_is_overdue() -> None:
    assert response_flag(DUE, None, None, DUE + timedelta(seconds=1)) == "overdue"


def test_a_late_first_response_stays_late() -> None:
    late = DUE + timedelta(hours=2)
    assert response_flag(DUE, late, None, late + timedelta(days=5)) == "late"
    assert response_flag(DUE, DUE - timedelta(hours=1), None, DUE + timedelta(days=5)) == ""


def test_resolved_without_a_response() -> None:
    assert response_flag(DUE, None, DUE + timedelta(hours=1), DUE + timedelta(days=3)) == "late"
    assert response_flag(DUE, None, DUE - timedelta(hours=1), DUE + timedelta(days=3)) == ""


def test_ticket_numbers() -> None:
    assert parse_ticket_id("T12") == 12
    assert parse_ticket_id("#7") == 7
    with pytest.raises(InputError):
        parse_ticket_id("abc")


@pytest.mark.parametrize("value", ["7", "0", "abc", "", "3.5", "-1"])
def test_satisfaction_outside_1_to_5_is_refused(value: str) -> None:
    with pytest.raises(InputError, match="--satisfaction"):
        parse_satisfaction(value)


def test_satisfaction_1_to_5() -> None:
    assert [parse_satisfaction(str(n)) for n in range(1, 6)] == [1, 2, 3, 4, 5]
