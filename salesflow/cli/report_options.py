"""What every report command shares: whose report (``--team`` / ``--user``) and its meta."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.i18n import _

if TYPE_CHECKING:
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


def scope_name(scope: ReportScope) -> str:
    """Whose report, as people read it: 李娜 (li.na), or 王强 (wang.qiang) and team."""
    person = f"{scope.subject.display_name} ({scope.subject.username})"
    if scope.kind != "team":
        return person
    if scope.everyone:
        return _("everyone")
    return _("{person} and team").format(person=person)


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
