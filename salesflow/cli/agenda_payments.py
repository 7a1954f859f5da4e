"""How ``salesflow today`` shows the ``payments_due`` section (days overdue in red)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesflow.i18n import _, format_date

if TYPE_CHECKING:
    from salesflow.cli.today import Cell


def _late(item: Any) -> str | None:
    from salesflow.cli.today import LATE_STYLE

    return LATE_STYLE if item.days_overdue is not None else None


def cells() -> dict[str, list[Cell]]:
    from salesflow.cli.today import Cell, _days, _yuan

    return {
        "payments_due": [
            Cell(_("Contract"), lambda i: i.contract),
            Cell(_("Part"), lambda i: str(i.position), "right"),
            Cell(_("Company"), lambda i: i.company),
            Cell(_("Outstanding"), lambda i: _yuan(i.outstanding), "right"),
            Cell(_("Due"), lambda i: format_date(i.due_on)),
            Cell(_("Days overdue"), lambda i: _days(i.days_overdue), "right", _late),
        ]
    }


def titles() -> dict[str, str]:
    return {"payments_due": _("Payments due within 7 days")}
