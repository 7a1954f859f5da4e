"""``salesflow today``: my agenda in one screen.

The table view prints a heading (whose agenda, which day), then one table per section
that holds something (overdue days in red) and one line for each empty section; a section
longer than ``--limit`` says how many more there are and the command that lists them all.
``--format json`` prints one object ``{"date", "user", ..., "sections": {key: {"total",
"items"}}}`` with stored codes and ISO dates; CSV is one row per item with a ``section``
column; Markdown is a table per section. ``--ics FILE`` also writes the follow-ups as an
iCalendar file (written whole or not at all) and says so on stderr.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import context
from salesflow.cli.output import FormatOption, OutputFormat, plain, shown
from salesflow.i18n import _, format_date, help_format, ngettext

if TYPE_CHECKING:
    from salesflow.workflow.agenda import Agenda, AgendaSection

TODAY_HELP = _(
    "My agenda for a day: overdue and due follow-ups, open leads with no next step, "
    "grade-cadence breaches, stale deals, for managers the unassigned pool, approvals "
    "waiting for me, my quotes expiring within 3 days, payments due, return visits "
    "and service tickets. "
    "--format json for scripts; --ics FILE writes the follow-ups as a calendar file."
)
DATE_FORMS = _("YYYY-MM-DD, today, tomorrow, +3d, friday, next monday, 下周一")
OVERDUE_MARK = "⚠"
LATE_STYLE = "bold red"


@dataclass(frozen=True)
class Cell:
    """A column of the table view: header, how an item reads, and an optional style."""

    header: str
    value: Callable[[Any], str]
    justify: str = "left"
    style: Callable[[Any], str | None] | None = None


def _days(count: int | None) -> str:
    return "" if count is None else str(count)


def _yuan(text: str | None) -> str:
    from decimal import Decimal

    from salesflow.workflow.money import format_yuan

    return "" if text is None else format_yuan(int(Decimal(text) * 100))


def _stage(code: str) -> str:
    from salesflow.workflow.glossary import STAGES, label

    return label(STAGES, code)


def _phone(e164: str | None) -> str:
    from salesflow.workflow.contacts import format_phone

    return format_phone(e164)


def _red(_item: Any) -> str:
    return LATE_STYLE


def _cells(key: str) -> list[Cell] | None:
    """The columns of a lead section in the table view (``None``: a section unknown here)."""
    lead = Cell(_("ID"), lambda i: str(i.lead_id), "right")
    company = Cell(_("Company"), lambda i: i.company)
    stage = Cell(_("Stage"), lambda i: _stage(i.stage))
    grade = Cell(_("Grade"), lambda i: i.grade or "")
    amount = Cell(_("Amount"), lambda i: _yuan(i.amount), "right")
    action = Cell(_("Next step"), lambda i: i.next_step_action or "")
    contact = Cell(_("Contact"), lambda i: i.contact or "")
    phone = Cell(_("Phone"), lambda i: _phone(i.phone))
    last = Cell(_("Last contact"), lambda i: format_date(i.last_contact))
    since = Cell(_("Days since"), lambda i: str(i.days_since_contact), "right")
    table: dict[str, list[Cell]] = {
        "overdue": [
            lead,
            company,
            action,
            Cell(_("Due"), lambda i: shown(i.next_step_date)),
            Cell(_("Days overdue"), lambda i: _days(i.days_overdue), "right", _red),
            contact,
            phone,
            grade,
        ],
        "due_today": [lead, company, action, contact, phone, grade, amount],
        "no_next_step": [lead, company, stage, grade, amount, last, since],
        "cadence": [
            lead,
            company,
            grade,
            Cell(
                _("Cadence"),
                lambda i: _("every {days} days").format(days=i.cadence_days),
            ),
            last,
            Cell(_("Days since"), lambda i: str(i.days_since_contact), "right", _red),
            stage,
            action,
        ],
        "stale": [lead, company, stage, grade, amount, last, since, action],
        "pool": [
            lead,
            company,
            stage,
            amount,
            Cell(_("Created"), lambda i: format_date(i.created)),
            Cell(
                _("Flag"),
                lambda i: (
                    f"{OVERDUE_MARK} " + _("waiting over a working day")
                    if i.assignment_overdue
                    else ""
                ),
                style=_red,
            ),
        ],
        **_quote_cells(),
    }
    if key in table:
        return table[key]
    plugin = _plugin(key)
    return plugin.cells()[key] if plugin is not None and key in plugin.cells() else None


# Sections of later features render from a module of their own, imported only when the
# agenda has that section: key -> module with cells() and titles() dicts by section key.
SECTION_MODULES = {
    "payments_due": "salesflow.cli.agenda_payments",
    "visits": "salesflow.cli.agenda_service",
    "tickets": "salesflow.cli.agenda_service",
    "care": "salesflow.cli.agenda_service",
}


def _plugin(key: str) -> Any:
    import importlib

    name = SECTION_MODULES.get(key)
    return importlib.import_module(name) if name else None


def _quote_status(code: str) -> str:
    from salesflow.workflow.glossary import QUOTE_STATUSES, label

    return label(QUOTE_STATUSES, code)


def _quote_cells() -> dict[str, list[Cell]]:
    """The columns of the quote sections: approvals waiting, quotes about to expire."""
    quote = Cell(_("Quote"), lambda i: i.quote if i.version == 1 else f"{i.quote} v{i.version}")
    lead = Cell(_("Lead"), lambda i: str(i.lead_id), "right")
    company = Cell(_("Company"), lambda i: i.company)
    total = Cell(_("Total"), lambda i: _yuan(i.total), "right")
    return {
        "approvals": [
            Cell(_("ID"), lambda i: str(i.approval_id), "right"),
            quote,
            lead,
            company,
            Cell(_("Asked"), lambda i: i.asked),
            total,
            Cell(_("Requested by"), lambda i: i.requested_by),
            Cell(_("Days waiting"), lambda i: str(i.days_waiting), "right"),
        ],
        "expiring_quotes": [
            quote,
            lead,
            company,
            Cell(_("Status"), lambda i: _quote_status(i.status)),
            Cell(_("Valid until"), lambda i: format_date(i.valid_until)),
            Cell(_("Days left"), lambda i: str(i.days_left), "right", _red),
            total,
        ],
    }


def _generic_cells(items: Sequence[Any]) -> list[Cell]:
    """Columns for a section this module has no layout for: every field of its rows."""
    keys = list(_mapping(items[0])) if items else []
    return [Cell(key, _field_reader(key)) for key in keys]


def _field_reader(key: str) -> Callable[[Any], str]:
    return lambda item: shown(_mapping(item).get(key))


def _mapping(item: Any) -> dict[str, Any]:
    if is_dataclass(item) and not isinstance(item, type):
        return asdict(item)
    return dict(item)


def section_title(key: str, agenda: Agenda) -> str:
    titles = {
        "overdue": _("Overdue follow-ups"),
        "due_today": _("Due today"),
        "no_next_step": _("Open leads with no next step"),
        "cadence": _("Past the grade's follow-up cadence"),
        "stale": _("Stale: no contact for {days} days or more").format(days=agenda.stale_days),
        "pool": _("Unassigned pool"),
        "approvals": _("Approvals waiting for you"),
        "expiring_quotes": _("Quotes expiring within 3 days"),
    }
    if key in titles:
        return titles[key]
    plugin = _plugin(key)
    return str(plugin.titles().get(key, key)) if plugin is not None else key


def _more_command(section: AgendaSection, agenda: Agenda, whose: str | None, dated: bool) -> str:
    """The command that lists a whole section."""
    if section.key == "pool":
        return f"salesflow lead list --unassigned --limit {section.total}"
    if section.key == "approvals" and whose is None:
        return f"salesflow approval list --limit {section.total}"
    parts = ["salesflow", "today"]
    if whose is not None:
        parts += ["--as", agenda.user]
    if dated:
        parts += ["--date", agenda.day.isoformat()]
    parts += ["--limit", str(min(section.total, 1000))]
    return " ".join(parts)


def _more_line(section: AgendaSection, agenda: Agenda, whose: str | None, dated: bool) -> str:
    return ngettext(
        "… and {count} more: {command}", "… and {count} more: {command}", section.more
    ).format(count=section.more, command=_more_command(section, agenda, whose, dated))


def _heading(agenda: Agenda) -> str:
    return _("Agenda of {name} ({user}) for {date}").format(
        name=agenda.display_name, user=agenda.user, date=format_date(agenda.day)
    )


def _nothing_line(key: str, agenda: Agenda) -> str:
    return _("{section}: nothing.").format(section=section_title(key, agenda))


def _everything_empty(agenda: Agenda) -> str:
    return _("Nothing on the agenda of {user} for {date}.").format(
        user=agenda.user, date=format_date(agenda.day)
    )


def _show_table(agenda: Agenda, whose: str | None, dated: bool) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from salesflow.cli.output import stdout_console

    console = stdout_console()
    console.print(Text(_heading(agenda), style="bold"))
    if agenda.empty:
        console.print(Text(_everything_empty(agenda)))
        return
    for section in agenda.sections:
        title = section_title(section.key, agenda)
        if section.total == 0:
            console.print(Text(_nothing_line(section.key, agenda)))
            continue
        cells = _cells(section.key) or _generic_cells(section.items)
        table = Table(
            title=f"{title} ({section.total})",
            title_justify="left",
            title_style="bold",
            box=box.SIMPLE_HEAD,
            show_edge=False,
        )
        for cell in cells:
            table.add_column(cell.header, justify=cell.justify, overflow="fold")  # type: ignore[arg-type]
        for item in section.items:
            # Text() so that brackets in data are shown, never read as console markup.
            table.add_row(
                *(
                    Text(cell.value(item), style=cell.style(item) or "")
                    if cell.style
                    else Text(cell.value(item))
                    for cell in cells
                )
            )
        console.print()
        console.print(table)
        if section.more:
            console.print(Text(_more_line(section, agenda, whose, dated)))


def _show_markdown(agenda: Agenda, whose: str | None, dated: bool) -> None:
    from salesflow.cli.output import markdown_table

    blocks = [f"## {_heading(agenda)}"]
    if agenda.empty:
        blocks.append(_everything_empty(agenda))
    for section in agenda.sections if not agenda.empty else ():
        if section.total == 0:
            blocks.append(_nothing_line(section.key, agenda))
            continue
        cells = _cells(section.key) or _generic_cells(section.items)
        text = f"### {section_title(section.key, agenda)} ({section.total})\n\n"
        text += markdown_table(
            [cell.header for cell in cells],
            [[cell.value(item) for cell in cells] for item in section.items],
        ).rstrip("\n")
        if section.more:
            text += "\n\n" + _more_line(section, agenda, whose, dated)
        blocks.append(text)
    print("\n\n".join(blocks))


def agenda_data(agenda: Agenda) -> dict[str, Any]:
    """The agenda for scripts: stored codes, ISO dates, exact yuan strings."""
    return {
        "date": agenda.day.isoformat(),
        "user": agenda.user,
        "display_name": agenda.display_name,
        "role": agenda.role,
        "stale_days": agenda.stale_days,
        "limit": agenda.limit,
        "sections": {
            section.key: {
                "total": section.total,
                "items": [
                    {key: plain(value) for key, value in _mapping(item).items()}
                    for item in section.items
                ],
            }
            for section in agenda.sections
        },
    }


def _show_csv(agenda: Agenda) -> None:
    import csv
    import sys

    from salesflow.cli.output import csv_value

    rows = [
        {"section": section.key, **_mapping(item)}
        for section in agenda.sections
        for item in section.items
    ]
    keys: dict[str, None] = {"section": None}
    for row in rows:
        keys.update(dict.fromkeys(row))
    if len(keys) == 1:  # no rows: the lead columns still head the file
        from dataclasses import fields

        from salesflow.workflow.agenda import AgendaItem

        keys.update(dict.fromkeys(field.name for field in fields(AgendaItem)))
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(list(keys))
    for row in rows:
        writer.writerow([csv_value(row.get(key)) for key in keys])


def _show(agenda: Agenda, fmt: OutputFormat, whose: str | None, dated: bool) -> None:
    import json
    import sys

    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(agenda_data(agenda), ensure_ascii=False, indent=2) + "\n")
    elif fmt is OutputFormat.csv:
        _show_csv(agenda)
    elif fmt is OutputFormat.markdown:
        _show_markdown(agenda, whose, dated)
    else:
        _show_table(agenda, whose, dated)


def write_whole(path: Path, content: bytes) -> str:
    """Write ``content`` beside ``path`` and move it into place: all of it or nothing."""
    import os
    import tempfile

    from salesflow.workflow.errors import InputError

    target = path.expanduser()
    temporary: str | None = None
    try:
        if target.is_dir():
            raise IsADirectoryError(21, os.strerror(21))
        descriptor, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.replace(temporary, target)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise InputError(
            _("Cannot write the calendar file {path}: {reason}.").format(
                path=target, reason=getattr(exc, "strerror", None) or exc
            ),
            hint=_("Give --ics a file in a folder you can write to."),
        ) from exc
    return str(target.absolute())


def today_command(
    whose: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="USER",
            help=_(
                "Whose agenda to show (default: yours): a user whose records you may see. "
                "Not the same as 'salesflow --as USER today', which acts as USER."
            ),
        ),
    ] = None,
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help=help_format("The day of the agenda (default: today): {forms}.", forms=DATE_FORMS),
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    ics: Annotated[
        str | None,
        typer.Option(
            "--ics",
            metavar="FILE",
            help=_(
                "Also write the follow-ups (overdue, today's and later ones) as an iCalendar "
                "file to import into a phone or desktop calendar."
            ),
        ),
    ] = None,
    stale_days: Annotated[
        int | None,
        typer.Option(
            "--stale-days",
            metavar="N",
            help=_(
                "A deal with no contact for N days or more is stale "
                "(default: stale_days in the config file, else 30)."
            ),
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            "-n",
            metavar="N",
            help=_("Show at most N leads per section (each section still gives its total)."),
        ),
    ] = 10,
) -> None:
    from datetime import date

    from salesflow.workflow.agenda import build_agenda
    from salesflow.workflow.dates import parse_day
    from salesflow.workflow.follow_up_calendar import follow_up_calendar, record_calendar_export

    on = date.today() if day is None else parse_day(day, date.today(), option="--date")
    if stale_days is None:
        stale_days = int(context.settings().stale_days.value)
    with context.acting(write=ics is not None) as (session, actor):
        agenda = build_agenda(
            session, actor, whose=whose, day=on, stale_days=stale_days, limit=limit
        )
        calendar, written = None, ""
        if ics is not None:
            calendar = follow_up_calendar(session, actor, whose=whose, day=on)
            written = write_whole(Path(ics), calendar.content)
            record_calendar_export(session, calendar=calendar, path=written)
    _show(agenda, fmt, whose, day is not None)
    if calendar is not None:
        context.note(
            ngettext(
                "Wrote {count} follow-up to {path}.",
                "Wrote {count} follow-ups to {path}.",
                calendar.events,
            ).format(count=calendar.events, path=written)
        )
        if calendar.total > calendar.events:
            context.note(
                _("Only the first {count} of {total} follow-ups are in the file.").format(
                    count=calendar.events, total=calendar.total
                )
            )
