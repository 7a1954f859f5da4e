"""How ``salesflow today`` shows the after-sales sections (``visits``, ``tickets``):
the table columns and titles; the rows come from :mod:`salesflow.workflow.service_agenda`.
Overdue visits and tickets past their first-response deadline are red."""

from __future__ import annotations

from typing import Any

from salesflow.i18n import _, current_language, format_date, format_datetime


def _late_visit(item: Any) -> str | None:
    return "bold red" if item.days_overdue is not None else None


def _late_ticket(item: Any) -> str | None:
    return "bold red" if item.flag else None


def _when(value: Any) -> str:
    return format_datetime(value)


def occasion_text(text: str) -> str:
    """The person's half of an occasion written in both languages ("生日 Birthday")."""
    chinese, _space, english = text.partition(" ")
    if current_language() == "zh" or not english:
        return chinese
    return english


def _ticket_flag(item: Any) -> str:
    return {"overdue": _("overdue"), "late": _("late")}.get(item.flag, "")


def cells() -> dict[str, Any]:
    from salesflow.cli.today import OVERDUE_MARK, Cell
    from salesflow.workflow.glossary import TICKET_STATUSES, label

    customer = Cell(_("Customer"), lambda i: f"C{i.customer_id}")
    company = Cell(_("Company"), lambda i: i.company)
    return {
        "visits": [
            Cell(_("Visit"), lambda i: str(i.visit_id), "right"),
            customer,
            company,
            Cell(_("Due"), lambda i: format_date(i.scheduled_on), style=_late_visit),
            Cell(
                _("Days overdue"),
                lambda i: "" if i.days_overdue is None else f"{OVERDUE_MARK} {i.days_overdue}",
                "right",
                _late_visit,
            ),
            Cell(_("Note"), lambda i: i.note or ""),
        ],
        "tickets": [
            Cell(_("Ticket"), lambda i: str(i.ticket_id), "right"),
            customer,
            company,
            Cell(_("Title"), lambda i: i.title),
            Cell(_("Status"), lambda i: label(TICKET_STATUSES, i.status)),
            Cell(_("Response due"), lambda i: _when(i.response_due_at), style=_late_ticket),
            Cell(_("Response"), _ticket_flag, style=_late_ticket),
        ],
        "care": [
            Cell(_("Date"), lambda i: format_date(i.day)),
            Cell(_("In days"), lambda i: str(i.days_away), "right"),
            Cell(_("Occasion"), lambda i: occasion_text(i.occasion)),
            Cell(_("Company"), lambda i: i.company or ""),
            Cell(_("Contact"), lambda i: i.contact or ""),
            Cell(_("Suggested greeting"), lambda i: i.greeting),
        ],
    }


def titles() -> dict[str, str]:
    return {
        "visits": _("Return visits due (and the next 3 days)"),
        "tickets": _("Open service tickets"),
        "care": _("Care dates this week"),
    }
