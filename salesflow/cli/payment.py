"""``salesflow payment``: schedule a contract's payments, record money received (回款),
date the delivery, and list receivables with what is overdue.

Every write is one audited transaction. ``payment record`` prints the new receipt's
number on stdout; ``schedule`` and ``delivered`` print the schedule (the usual
``--format`` choices). ``payment list`` ends with a totals row in the table, Markdown and
CSV views; ``--format json`` prints ``{"contracts": [...], "totals": {...}}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import context, groups
from salesflow.cli.output import Column, FormatOption, OutputFormat, render, shown, yuan_cell
from salesflow.i18n import _, help_format, ngettext

if TYPE_CHECKING:
    from salesflow.workflow.payments import ReceivableListing, ScheduleResult

app = groups.payment

DATE_FORMS = _("YYYY-MM-DD, today, yesterday, +3d, friday, next monday, 下周一")
ContractArg = Annotated[
    str, typer.Argument(metavar="CONTRACT", help=_("The contract number, e.g. C-2026-0001."))
]


def _event_label(code: str | None) -> str:
    from salesflow.workflow.glossary import PAYMENT_EVENTS, label

    return "" if code is None else label(PAYMENT_EVENTS, code)


def _show_schedule(result: ScheduleResult, fmt: OutputFormat) -> None:
    columns = [
        Column("position", _("Part"), justify="right"),
        Column("share", _("Share")),
        Column("amount", _("Amount"), justify="right", show=yuan_cell),
        Column("due_event", _("Due at"), show=_event_label),
        Column("due_on", _("Due on"), show=shown),
    ]
    render(
        list(result.instalments),
        columns,
        fmt,
        title=_("Payment schedule of {number}").format(number=result.contract),
    )


@app.command(
    "schedule",
    help=_(
        "Plan a contract's payments, e.g. --plan '30%:sign,70%:2026-12-31' (default: 100% on "
        "delivery); --plan replaces the earlier schedule, without it the schedule is shown."
    ),
)
def schedule(
    contract: ContractArg,
    plan: Annotated[
        str | None,
        typer.Option(
            "--plan",
            metavar="PLAN",
            help=_(
                "Parts SHARE:WHEN separated by commas; SHARE a percentage or yuan, WHEN sign, "
                "delivery or a day. The parts add up to exactly the total."
            ),
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.payments import schedule_payments

    with context.acting(write=True) as (session, actor):
        result = schedule_payments(session, actor, contract, plan=plan)
    if result.changed:
        context.note(
            ngettext(
                "Scheduled {count} instalment on {number}.",
                "Scheduled {count} instalments on {number}.",
                len(result.instalments),
            ).format(count=len(result.instalments), number=result.contract)
        )
    else:
        context.note(
            _("The schedule of {number} is unchanged; --plan replaces it.").format(
                number=result.contract
            )
        )
    _show_schedule(result, fmt)


@app.command(
    "delivered",
    help=_("Record the day a contract was delivered: its instalments due on delivery fall due."),
)
def delivered(
    contract: ContractArg,
    on: Annotated[
        str,
        typer.Option(
            "--on",
            metavar="DATE",
            help=help_format("The delivery day: {forms}.", forms=DATE_FORMS),
        ),
    ] = "today",
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.payments import mark_delivered

    with context.acting(write=True) as (session, actor):
        result = mark_delivered(session, actor, contract, on=on)
    context.note(_("Delivery recorded on {number}.").format(number=result.contract))
    _show_schedule(result, fmt)


@app.command("record", help=_("Record money received on a signed or sent contract (回款)."))
def record(
    contract: ContractArg,
    amount: Annotated[
        str,
        typer.Argument(metavar="AMOUNT", help=_("The amount in yuan: 120000, 120,000.50 or 12万.")),
    ],
    on: Annotated[
        str,
        typer.Option(
            "--date",
            metavar="DATE",
            help=help_format(
                "The day it was received (not in the future): {forms}.", forms=DATE_FORMS
            ),
        ),
    ] = "today",
    method: Annotated[
        str,
        typer.Option("--method", "-m", help=_("How it was paid: bank, cash or other.")),
    ] = "bank",
    note: Annotated[
        str | None,
        typer.Option("--note", metavar="TEXT", help=_("A note, e.g. the bank reference.")),
    ] = None,
) -> None:
    from salesflow.workflow.money import format_yuan
    from salesflow.workflow.payments import record_payment

    with context.acting(write=True) as (session, actor):
        result = record_payment(
            session, actor, contract, amount, received_on=on, method=method, note=note
        )
    context.note(
        _("Recorded {amount} on {number}: {received} received, {left} outstanding.").format(
            amount=format_yuan(result.amount_fen),
            number=result.contract,
            received=format_yuan(result.received_fen),
            left=format_yuan(result.outstanding_fen),
        )
    )
    print(result.receipt_id)


def _status_label(code: str) -> str:
    from salesflow.workflow.glossary import CONTRACT_STATUSES, label

    return "" if not code else label(CONTRACT_STATUSES, code)


def receivable_columns() -> list[Column]:
    return [
        Column("contract", _("Contract")),
        Column("company", _("Company")),
        Column("owner", _("Owner")),
        Column("status", _("Status"), show=_status_label),
        Column("total", _("Total"), justify="right", show=yuan_cell),
        Column("received", _("Received"), justify="right", show=yuan_cell),
        Column("outstanding", _("Outstanding"), justify="right", show=yuan_cell),
        Column("next_due", _("Next due"), show=shown),
        Column("overdue", _("Overdue"), justify="right", show=yuan_cell),
        Column("days_overdue", _("Days overdue"), justify="right", show=shown),
    ]


def _totals(listing: ReceivableListing, *, label: str) -> dict[str, object]:
    from salesflow.workflow.money import yuan_text

    return {
        "contract": label,
        "company": "",
        "owner": "",
        "status": "",
        "total": yuan_text(listing.total_fen),
        "received": yuan_text(listing.received_fen),
        "outstanding": yuan_text(listing.outstanding_fen),
        "next_due": None,
        "overdue": yuan_text(listing.overdue_fen),
        "days_overdue": None,
    }


@app.command(
    "list",
    help=_(
        "Receivables per contract: total, received, outstanding, next due, overdue amount "
        "and days; a totals row at the end."
    ),
)
def list_(
    overdue: Annotated[
        bool, typer.Option("--overdue", help=_("Only contracts with an overdue amount."))
    ] = False,
    contract: Annotated[
        str | None,
        typer.Option("--contract", metavar="CONTRACT", help=_("Only this contract.")),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option("--owner", metavar="USER", help=_("Only contracts owned by this user.")),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    import json
    from dataclasses import asdict

    from salesflow.cli.output import plain
    from salesflow.workflow.payments import list_payments

    with context.acting() as (session, actor):
        listing = list_payments(session, actor, overdue=overdue, contract=contract, owner=owner)
    if fmt is OutputFormat.json:
        data = {
            "contracts": [
                {key: plain(value) for key, value in asdict(row).items()} for row in listing.rows
            ],
            "totals": {
                key: value
                for key, value in _totals(listing, label="total").items()
                if key in {"total", "received", "outstanding", "overdue"}
            },
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    rows: list[object] = list(listing.rows)
    if rows:
        # CSV stays language-neutral: its totals row is labelled with the code "total".
        rows.append(_totals(listing, label="total" if fmt is OutputFormat.csv else _("Total")))
    render(
        rows,
        receivable_columns(),
        fmt,
        title=_("Receivables"),
        empty_message=_("No contracts match."),
    )
