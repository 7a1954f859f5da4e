"""``salesflow contract``: make a contract from an accepted quote, review, approve, send,
sign (archiving the signed file), verify the archive, cancel; show and list them.

Messages go to stderr; the contract number, the list and the card are the data.
"""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.cli import context, groups
from salesflow.cli.output import Column, FormatOption, OutputFormat, render, yuan_cell
from salesflow.i18n import _, format_date

app = groups.contract

NUMBER_HELP = _("The contract number, such as C-2026-0001.")


def _status_label(code: str) -> str:
    from salesflow.workflow.glossary import CONTRACT_STATUSES, label

    return label(CONTRACT_STATUSES, code)


@app.command("new", help=_("Make a draft contract from an accepted quote (audited)."))
def new(
    quote: Annotated[str, typer.Option("--quote", "-q", help=_("The accepted quote's number."))],
    version: Annotated[
        int | None,
        typer.Option("--version", help=_("The quote version (default: the accepted one).")),
    ] = None,
) -> None:
    from salesflow.workflow.contracts import new_contract

    with context.acting(write=True) as (session, actor):
        contract = new_contract(session, actor, quote, version=version)
        number = contract.number
    print(number)
    context.note(_("Contract {number} drafted.").format(number=number))


@app.command("show", help=_("Show a contract: header, lines, totals, status and its review."))
def show(
    number: Annotated[str, typer.Argument(metavar="CONTRACT", help=NUMBER_HELP)],
    terms: Annotated[bool, typer.Option("--terms", help=_("Also print the terms text."))] = False,
) -> None:
    from salesflow.store.models import User
    from salesflow.workflow.capital_numerals import capital_yuan
    from salesflow.workflow.contracts import (
        contract_approvals,
        contract_for_reading,
        contract_lines,
    )
    from salesflow.workflow.glossary import APPROVAL_STATUSES, label
    from salesflow.workflow.money import format_yuan
    from salesflow.workflow.roles import role_label

    with context.acting() as (session, actor):
        contract = contract_for_reading(session, actor, number)
        lines = contract_lines(session, contract)
        approvals = contract_approvals(session, contract)

        def name(user_id: int | None) -> str:
            user = session.get(User, user_id) if user_id else None
            return user.username if user else "-"

        template = _("default") if contract.template == "default" else contract.template

        def field(label: str, value: str) -> str:
            return _("{label}: {value}").format(label=label, value=value).rstrip()

        out = [
            field(_("Contract"), contract.number),
            field(_("Status"), _status_label(contract.status)),
            field(_("Lead"), str(contract.lead_id)),
            field(_("Owner"), name(contract.owner_id)),
            field(_("Template"), template),
        ]
        from salesflow.workflow.quote_math import quantity_text

        for line in lines:
            out.append(
                f"  {line.position}. {line.sku} {line.name} "
                f"{quantity_text(line.quantity_milli)} {line.unit} {format_yuan(line.total_fen)}"
            )
        total = f"{format_yuan(contract.total_fen)} ({capital_yuan(contract.total_fen)})"
        out += [
            field(_("Subtotal"), format_yuan(contract.subtotal_fen)),
            field(_("Discount"), format_yuan(contract.discount_fen)),
            field(_("Tax"), format_yuan(contract.tax_fen)),
            field(_("Total"), total),
        ]
        if contract.reviewed_at:
            reviewed = f"{name(contract.reviewed_by_id)} {format_date(contract.reviewed_at)}"
            out.append(field(_("Reviewed by"), f"{reviewed} {contract.review_comment or ''}"))
        for approval in approvals:
            decided = name(approval.decided_by_id) if approval.decided_by_id else ""
            status = label(APPROVAL_STATUSES, approval.status)
            out.append(
                field(
                    _("Approval {id}").format(id=approval.id),
                    f"{role_label(approval.required_role)} {status} {decided}",
                )
            )
        if contract.signed_on:
            signed = [format_date(contract.signed_on), contract.signer or ""]
            if contract.signed_file:
                signed.append(contract.signed_file)
            if contract.signed_sha256:
                signed.append(f"sha256 {contract.signed_sha256}")
            out.append(field(_("Signed on"), " ".join(part for part in signed if part)))
        if terms:
            out += ["", contract.terms_text]
    print("\n".join(out))


def _columns() -> list[Column]:
    return [
        Column("number", _("Contract")),
        Column("status", _("Status"), show=_status_label),
        Column("quote", _("Quote")),
        Column("company", _("Company")),
        Column("owner", _("Owner")),
        Column("total", _("Total"), justify="right", show=yuan_cell),
        Column("signed_on", _("Signed on")),
    ]


@app.command("list", help=_("List the contracts on leads you may see, newest first."))
def list_(
    status: Annotated[
        str | None, typer.Option("--status", metavar="STATUS", help=_("Only this status."))
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="USER", help=_("Only this owner's."))
    ] = None,
    lead: Annotated[
        str | None, typer.Option("--lead", metavar="ID", help=_("Only this lead's."))
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from dataclasses import fields

    from salesflow.workflow.contracts import ContractRow, list_contracts

    with context.acting() as (session, actor):
        rows = list_contracts(session, actor, status=status, owner=owner, lead=lead)
    people = fmt in (OutputFormat.table, OutputFormat.markdown)
    columns = _columns() if people else [Column(f.name, f.name) for f in fields(ContractRow)]
    render(rows, columns, fmt, title=_("Contracts"), empty_message=_("No contracts."))


@app.command("submit", help=_("Submit a draft contract for legal review (audited)."))
def submit(number: Annotated[str, typer.Argument(metavar="CONTRACT", help=NUMBER_HELP)]) -> None:
    from salesflow.workflow.contracts import submit_contract

    with context.acting(write=True) as (session, actor):
        done = submit_contract(session, actor, number).number
    context.note(_("Contract {number} is in legal review.").format(number=done))


@app.command(
    "review",
    help=_("Legal review: --approve sends it for approval, --return back to draft (audited)."),
)
def review(
    number: Annotated[str, typer.Argument(metavar="CONTRACT", help=NUMBER_HELP)],
    approve: Annotated[bool, typer.Option("--approve", help=_("Pass the review."))] = False,
    back: Annotated[
        bool,
        typer.Option("--return", help=_("Return it to draft (needs --comment).")),
    ] = False,
    comment: Annotated[
        str | None, typer.Option("--comment", "-m", help=_("The reviewer's comment."))
    ] = None,
) -> None:
    from salesflow.workflow.contracts import review_contract
    from salesflow.workflow.errors import InputError

    if approve == back:
        raise InputError(_("Pass exactly one of --approve or --return."))
    with context.acting(write=True) as (session, actor):
        contract, rows = review_contract(session, actor, number, approve=approve, comment=comment)
        done, ids = contract.number, [row.id for row in rows]
    if approve:
        context.note(
            _("Contract {number} passed review; approvals {ids} wait.").format(
                number=done, ids=", ".join(str(i) for i in ids)
            )
        )
    else:
        context.note(_("Contract {number} is back in draft.").format(number=done))


@app.command("send", help=_("Mark an approved contract as sent to the customer (audited)."))
def send(number: Annotated[str, typer.Argument(metavar="CONTRACT", help=NUMBER_HELP)]) -> None:
    from salesflow.workflow.contracts import send_contract

    with context.acting(write=True) as (session, actor):
        done = send_contract(session, actor, number).number
    context.note(_("Contract {number} is sent.").format(number=done))


@app.command(
    "sign",
    help=_(
        "Record the signature of a sent contract: archive the signed file, win the lead, "
        "schedule return visits (audited)."
    ),
)
def sign(
    number: Annotated[str, typer.Argument(metavar="CONTRACT", help=NUMBER_HELP)],
    signed_on: Annotated[
        str | None, typer.Option("--signed-on", metavar="DATE", help=_("The signing date."))
    ] = None,
    signer: Annotated[
        str | None, typer.Option("--signer", help=_("Who signed for the customer."))
    ] = None,
    file: Annotated[
        str | None, typer.Option("--file", metavar="PATH", help=_("The signed document."))
    ] = None,
) -> None:
    from pathlib import Path

    from salesflow.workflow.contracts import sign_contract
    from salesflow.workflow.dates import parse_day
    from salesflow.workflow.errors import InputError

    if signed_on is None:
        raise InputError(_("The signing date is required (--signed-on)."))
    if file is None:
        raise InputError(_("The signed file is required (--file)."))
    from datetime import date

    day = parse_day(signed_on, date.today(), option="--signed-on")
    archived: list[Path] = []
    try:
        with context.acting(write=True) as (session, actor):
            result = sign_contract(
                session, actor, number, signed_on=day, signer=signer, file=file, archived=archived
            )
    except BaseException:
        for path in archived:
            path.unlink(missing_ok=True)
        raise
    print(result.archived)
    context.note(
        _("Contract {number} is signed; lead {lead} is won; visits on {visits}.").format(
            number=result.number,
            lead=result.lead_id,
            visits=", ".join(format_date(d) for d in result.visits),
        )
    )


@app.command("verify", help=_("Check the archived signed file against its stored SHA-256."))
def verify(number: Annotated[str, typer.Argument(metavar="CONTRACT", help=NUMBER_HELP)]) -> None:
    from salesflow.workflow.contracts import verify_contract
    from salesflow.workflow.errors import Refused

    with context.acting() as (session, actor):
        check = verify_contract(session, actor, number)
    if check.actual is None:
        raise Refused(
            _("The archived file of {number} is MISSING: {path}.").format(
                number=check.number, path=check.path
            )
        )
    if not check.ok:
        raise Refused(
            _("The archived file of {number} has CHANGED: {path} (SHA-256 differs).").format(
                number=check.number, path=check.path
            )
        )
    print(_("OK"))


@app.command("cancel", help=_("Cancel a contract that is not signed yet (audited)."))
def cancel(
    number: Annotated[str, typer.Argument(metavar="CONTRACT", help=NUMBER_HELP)],
    reason: Annotated[str | None, typer.Option("--reason", help=_("Why (required)."))] = None,
) -> None:
    from salesflow.workflow.contracts import cancel_contract

    with context.acting(write=True) as (session, actor):
        done = cancel_contract(session, actor, number, reason=reason).number
    context.note(_("Contract {number} is cancelled.").format(number=done))
