"""What every report command shares: whose report (``--team`` / ``--user``) and its meta."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import context
from salesflow.i18n import _, current_language, format_date, format_month

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesflow.workflow.report_periods import ReportPeriod
    from salesflow.workflow.report_scope import ReportScope

TeamOption = Annotated[
    bool,
    typer.Option(
        "--team",
        help=_(
            "Your team's report (managers: you, everyone below you and the unassigned "
            "pool; directors and admins: everyone)."
        ),
    ),
]
UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        metavar="USER",
        help=_("The report of one user you may see (default: your own)."),
    ),
]


@contextmanager
def reporting(*, team: bool, user: str | None) -> Iterator[tuple[Session, ReportScope]]:
    """A read-only session and whose report it is (--team / --user, else your own)."""
    from salesflow.workflow.report_scope import report_scope

    with context.acting() as (session, actor):
        yield session, report_scope(session, actor, team=team, user=user)


def scope_name(scope: ReportScope) -> str:
    """Whose report, as people read it: 李娜 (li.na), or 王强 (wang.qiang) and team."""
    person = f"{scope.subject.display_name} ({scope.subject.username})"
    if scope.kind != "team":
        return person
    if scope.everyone:
        return _("everyone")
    return _("{person} and team").format(person=person)


def period_name(period: ReportPeriod) -> str:
    """A period as people read it: its key in English (2026-W47, 2026-11, 2026-Q4, 2026),
    2026年第47周, 2026年11月, 2026年第4季度, 2026年 in Chinese (JSON keeps the key)."""
    if period.kind == "day":
        return format_date(period.start)
    if period.kind == "month":
        return format_month(period.start.year, period.start.month)
    if current_language() == "en":
        return period.key
    year, _dash, rest = period.key.partition("-")
    if period.kind == "week":
        return _("{year}, week {week}").format(year=year, week=int(rest.lstrip("W")))
    if period.kind == "quarter":
        return _("{year}, quarter {quarter}").format(year=year, quarter=int(rest.lstrip("Q")))
    return _("the year {year}").format(year=year)


def scope_meta(scope: ReportScope) -> dict[str, Any]:
    """Language-neutral facts about whose report it is (JSON)."""
    return {
        "scope": {
            "kind": scope.kind,
            "user": scope.subject.username,
            "everyone": scope.everyone,
            "unassigned": scope.unassigned,
        }
    }


def period_meta(period: ReportPeriod) -> dict[str, Any]:
    return {
        "period": {
            "kind": period.kind,
            "key": period.key,
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
        }
    }
