"""``salesflow quote new|edit|revise|show|list|send|accept|reject``: drafting quotes.

``quote new LEAD`` is a wizard in a terminal when no ``--line`` is given: it searches the
price list, asks each line's quantity, price and discount, then the whole-quote discount,
validity, payment and delivery terms and notes. Every value is also an option; with
``--no-input`` or without a terminal a missing line is an error naming ``--line``. The
quote number goes to stdout, the summary to stderr.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import context, groups
from salesflow.cli.output import Column, FormatOption, OutputFormat, render
from salesflow.i18n import _, format_date

if TYPE_CHECKING:
    from salesflow.workflow.quote_input import LineSpec
    from salesflow.workflow.quote_views import QuoteView
    from salesflow.workflow.quotes import QuoteChanges, QuoteResult

app = groups.quote

QuoteArg = Annotated[
    str, typer.Argument(metavar="QUOTE", help=_("The quote number, e.g. Q-2026-0001."))
]
LinesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--line",
        "-l",
        metavar="SKU:QTY[:PRICE[:DISCOUNT%]]",
        help=_(
            "A line: SKU, quantity (up to 3 decimals), optional unit price in yuan (default "
            "the list price) and line discount. Repeat for more lines."
        ),
    ),
]
DiscountOption = Annotated[
    str | None,
    typer.Option(
        "--discount", metavar="PERCENT", help=_("A discount on the whole quote, e.g. 5%.")
    ),
]
ValidDaysOption = Annotated[
    int | None,
    typer.Option("--valid-days", metavar="N", help=_("Valid for N days from today (default 30).")),
]
ValidUntilOption = Annotated[
    str | None,
    typer.Option(
        "--valid-until",
        metavar="DATE",
        help=_("Valid up to and including this day (YYYY-MM-DD, +2w, next friday...)."),
    ),
]
TermsOption = Annotated[
    str | None,
    typer.Option(
        "--payment-terms",
        metavar="CODE",
        help=_(
            "cod (cash on delivery, the default), advance, net-30, net-60, installments, other."
        ),
    ),
]
TermsNoteOption = Annotated[
    str | None,
    typer.Option(
        "--payment-note", metavar="TEXT", help=_("The payment terms in words (needed for other).")
    ),
]
DeliveryOption = Annotated[
    str | None, typer.Option("--delivery", metavar="TEXT", help=_("Delivery terms."))
]
NotesOption = Annotated[
    str | None, typer.Option("--notes", metavar="TEXT", help=_("Notes shown on the quote."))
]


def _percent(bp: int) -> str:
    from salesflow.workflow.money import percent_text

    return percent_text(bp)


def _minus_yuan(fen: int) -> str:
    """A discount amount as taken off: -¥1,200.00 (nothing when there is none)."""
    from salesflow.workflow.money import format_yuan

    return f"-{format_yuan(fen)}" if fen else ""


def _quantity(milli: int) -> str:
    from salesflow.workflow.quote_math import quantity_text

    return quantity_text(milli)


def _status_label(code: str) -> str:
    from salesflow.workflow.glossary import QUOTE_STATUSES, label

    return label(QUOTE_STATUSES, code)


def _terms_label(code: str) -> str:
    from salesflow.workflow.glossary import PAYMENT_TERMS, label

    return label(PAYMENT_TERMS, code)


def _changes(
    lines: list[str] | list[LineSpec] | None,
    discount: str | None,
    valid_days: int | None,
    valid_until: str | None,
    payment_terms: str | None,
    payment_note: str | None,
    delivery: str | None,
    notes: str | None,
) -> QuoteChanges:
    from salesflow.workflow.quotes import QuoteChanges

    return QuoteChanges(
        lines=lines or None,
        discount=discount,
        valid_days=valid_days,
        valid_until=valid_until,
        payment_terms=payment_terms,
        payment_note=payment_note,
        delivery=delivery,
        notes=notes,
    )


def _tell(result: QuoteResult, what: str) -> None:
    from salesflow.workflow.money import format_yuan

    context.note(
        what.format(number=result.number, version=result.version, lead=result.lead_id)
        + " "
        + _("Total {total}, valid until {date}, {status}.").format(
            total=format_yuan(result.total_fen),
            date=format_date(result.valid_until),
            status=_status_label(result.status),
        )
    )
    reasons = []
    if result.max_discount_bp > 0:
        reasons.append(
            _("a discount of up to {percent} below list").format(
                percent=_percent(result.max_discount_bp)
            )
        )
    if result.payment_terms != "cod":
        reasons.append(_("payment terms {terms}").format(terms=_terms_label(result.payment_terms)))
    if reasons:
        context.note(
            _("It has {reasons}: it may need approval ('salesflow quote submit {number}').").format(
                reasons=_(" and ").join(reasons), number=result.number
            )
        )
    if result.withdrawn_approvals:
        context.note(
            _(
                "{count} approval(s) withdrawn; the quote is a draft again and needs approval."
            ).format(count=result.withdrawn_approvals)
        )


# --- the wizard -------------------------------------------------------------------------


def _check_lead(number: int) -> None:
    from salesflow.workflow.quotes import lead_for_quoting

    with context.acting() as (session, actor):
        lead_for_quoting(session, actor, number)


def _pick_product() -> tuple[str, int] | None:
    """Search the price list and pick a product: (SKU, list price); ``None`` when done."""
    from salesflow.cli.prompts import ask_choice, ask_text
    from salesflow.workflow.money import format_yuan
    from salesflow.workflow.products import search_products

    while True:
        text = ask_text(
            _("Find a product (part of its SKU or name; empty when done):"), option="--line"
        ).strip()
        if not text:
            return None
        with context.acting() as (session, _actor):
            found = [
                (p.sku, p.name, p.unit, p.list_price_fen)
                for p in search_products(session, text, limit=30)
            ]
        if not found:
            context.note(_("No active product matches '{text}'.").format(text=text))
            continue
        choices = [
            (sku, f"{name} — {format_yuan(price)}/{unit}") for sku, name, unit, price in found
        ]
        sku = ask_choice(_("Which product?"), choices, option="--line")
        price = next(price for code, _n, _u, price in found if code == sku)
        return sku, price


def _ask_lines() -> list[LineSpec]:
    from salesflow.cli.prompts import ask_validated, check_with
    from salesflow.workflow.money import format_yuan, parse_amount
    from salesflow.workflow.quote_input import LineSpec, parse_discount, parse_quantity

    lines: list[LineSpec] = []
    while True:
        picked = _pick_product()
        if picked is None:
            if lines:
                return lines
            context.note(_("A quote needs at least one line."))
            continue
        sku, list_price = picked
        quantity = parse_quantity(
            ask_validated(
                _("Quantity:"),
                option="--line",
                check=check_with(parse_quantity),
                required=True,
            )
        )
        price_text = ask_validated(
            _("Unit price in yuan (empty: the list price {price}):").format(
                price=format_yuan(list_price)
            ),
            option="--line",
            check=check_with(parse_amount),
        )
        discount_text = ask_validated(
            _("Line discount, e.g. 5% (empty: none):"),
            option="--line",
            check=check_with(parse_discount),
        )
        lines.append(
            LineSpec(
                sku,
                quantity,
                parse_amount(price_text) if price_text else None,
                parse_discount(discount_text) if discount_text else 0,
            )
        )


def _ask_terms(changes: QuoteChanges) -> QuoteChanges:
    from dataclasses import replace
    from datetime import date

    from salesflow.cli.prompts import ask_select, ask_text, ask_validated, check_with
    from salesflow.workflow.glossary import PAYMENT_TERMS
    from salesflow.workflow.quote_input import parse_discount, valid_until_for

    today = date.today()
    if changes.discount is None:
        changes = replace(
            changes,
            discount=ask_validated(
                _("Discount on the whole quote, e.g. 5% (empty: none):"),
                option="--discount",
                check=check_with(parse_discount),
            )
            or None,
        )
    if changes.valid_days is None and changes.valid_until is None:
        until = ask_validated(
            _("Valid until (empty: 30 days; a date, +2w, next friday...):"),
            option="--valid-until",
            check=check_with(lambda text: valid_until_for(today, until=text)),
        )
        changes = replace(changes, valid_until=until or None)
    if changes.payment_terms is None:
        terms = ask_select(
            _("Payment terms:"),
            [(code, _terms_label(code)) for code in PAYMENT_TERMS],
            option="--payment-terms",
            default="cod",
        )
        changes = replace(changes, payment_terms=terms)
    if changes.payment_terms == "other" and changes.payment_note is None:
        changes = replace(
            changes,
            payment_note=ask_text(_("The payment terms in words:"), option="--payment-note"),
        )
    if changes.delivery is None:
        changes = replace(
            changes,
            delivery=ask_text(_("Delivery terms (empty: none):"), option="--delivery") or None,
        )
    if changes.notes is None:
        changes = replace(
            changes, notes=ask_text(_("Notes (empty: none):"), option="--notes") or None
        )
    return changes


# --- commands -----------------------------------------------------------------------------


@app.command(
    "new",
    help=_(
        "Draft a quote on an open lead: in a terminal a wizard asks for the lines and terms; "
        "every value is also an option. Prints the quote number."
    ),
)
def new(
    lead_id: Annotated[
        str,
        typer.Argument(metavar="LEAD", help=_("The lead number (42, #42 or L42).")),
    ],
    lines: LinesOption = None,
    discount: DiscountOption = None,
    valid_days: ValidDaysOption = None,
    valid_until: ValidUntilOption = None,
    payment_terms: TermsOption = None,
    payment_note: TermsNoteOption = None,
    delivery: DeliveryOption = None,
    notes: NotesOption = None,
) -> None:
    from dataclasses import replace

    from salesflow.cli.prompts import can_prompt
    from salesflow.workflow.lead_access import parse_lead_id
    from salesflow.workflow.quotes import draft_quote

    number = parse_lead_id(lead_id, field="LEAD")
    changes = _changes(
        lines, discount, valid_days, valid_until, payment_terms, payment_note, delivery, notes
    )
    if not lines and can_prompt():
        _check_lead(number)
        changes = _ask_terms(replace(changes, lines=_ask_lines()))
    with context.acting(write=True) as (session, actor):
        result = draft_quote(session, actor, number, changes)
    print(result.number)
    _tell(result, _("Drafted {number} on lead {lead}."))


@app.command(
    "edit",
    help=_(
        "Change the current version of a quote (draft, pending or approved); --line replaces "
        "all lines. A pending or approved quote goes back to draft and needs approval again."
    ),
)
def edit(
    quote: QuoteArg,
    version: Annotated[
        int | None,
        typer.Option(
            "--version",
            metavar="N",
            min=1,
            help=_("The version meant (must be the current one)."),
        ),
    ] = None,
    lines: LinesOption = None,
    discount: DiscountOption = None,
    valid_days: ValidDaysOption = None,
    valid_until: ValidUntilOption = None,
    payment_terms: TermsOption = None,
    payment_note: TermsNoteOption = None,
    delivery: DeliveryOption = None,
    notes: NotesOption = None,
) -> None:
    from salesflow.workflow.quotes import edit_quote

    changes = _changes(
        lines, discount, valid_days, valid_until, payment_terms, payment_note, delivery, notes
    )
    with context.acting(write=True) as (session, actor):
        result = edit_quote(session, actor, quote, changes, version=version)
    print(result.number)
    _tell(result, _("Changed {number} v{version}."))


@app.command(
    "revise",
    help=_(
        "Make version n+1 of a quote as a draft (lines copied, then the options applied); "
        "the old version is kept read-only."
    ),
)
def revise(
    quote: QuoteArg,
    lines: LinesOption = None,
    discount: DiscountOption = None,
    valid_days: ValidDaysOption = None,
    valid_until: ValidUntilOption = None,
    payment_terms: TermsOption = None,
    payment_note: TermsNoteOption = None,
    delivery: DeliveryOption = None,
    notes: NotesOption = None,
) -> None:
    from salesflow.workflow.quotes import revise_quote

    changes = _changes(
        lines, discount, valid_days, valid_until, payment_terms, payment_note, delivery, notes
    )
    with context.acting(write=True) as (session, actor):
        result = revise_quote(session, actor, quote, changes)
    print(result.number)
    _tell(result, _("Made {number} v{version}."))


@app.command("send", help=_("Mark an approved quote as sent; the lead moves to negotiation."))
def send(quote: QuoteArg) -> None:
    from salesflow.workflow.glossary import STAGES, label
    from salesflow.workflow.quotes import send_quote

    with context.acting(write=True) as (session, actor):
        result = send_quote(session, actor, quote)
    print(result.number)
    context.note(
        _("Sent {number} v{version}.").format(number=result.number, version=result.version)
    )
    if result.lead_moved_to is not None:
        context.note(
            _("Lead {lead} moved to {stage}.").format(
                lead=result.lead_id, stage=label(STAGES, result.lead_moved_to)
            )
        )
    elif result.lead_missing:
        context.note(
            _(
                "Lead {lead} stays where it is; to enter negotiation it still needs: {missing}."
            ).format(lead=result.lead_id, missing="; ".join(result.lead_missing))
        )


@app.command("accept", help=_("Record that the customer accepted a sent quote."))
def accept(quote: QuoteArg) -> None:
    from salesflow.workflow.quotes import accept_quote

    with context.acting(write=True) as (session, actor):
        result = accept_quote(session, actor, quote)
    print(result.number)
    context.note(
        _("{number} v{version} accepted.").format(number=result.number, version=result.version)
    )


@app.command("reject", help=_("Record that the customer rejected a sent quote, and why."))
def reject(
    quote: QuoteArg,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason", metavar="TEXT", help=_("Why the customer rejected it (required).")
        ),
    ] = None,
) -> None:
    from salesflow.workflow.quotes import reject_quote

    with context.acting(write=True) as (session, actor):
        result = reject_quote(session, actor, quote, reason=reason)
    print(result.number)
    context.note(
        _("{number} v{version} rejected.").format(number=result.number, version=result.version)
    )


def line_columns() -> list[Column]:
    from salesflow.workflow.money import format_yuan

    return [
        Column("position", _("#"), justify="right"),
        Column("sku", _("SKU")),
        Column("name", _("Product")),
        Column("quantity_milli", _("Qty"), justify="right", show=_quantity),
        Column("unit", _("Unit")),
        Column("unit_price_fen", _("Unit price"), justify="right", show=format_yuan),
        Column("discount_bp", _("Discount"), justify="right", show=_percent),
        Column("subtotal_fen", _("Subtotal"), justify="right", show=format_yuan),
        Column("discount_fen", _("Discount amount"), justify="right", show=_minus_yuan),
        Column("tax_fen", _("Tax"), justify="right", show=format_yuan),
        Column("total_fen", _("Total"), justify="right", show=format_yuan),
    ]


def _view_json(view: QuoteView) -> dict[str, object]:
    from dataclasses import asdict

    from salesflow.cli.output import plain

    def convert(value: object) -> object:
        if isinstance(value, dict):
            return {key: convert(item) for key, item in value.items()}
        if isinstance(value, list):
            return [convert(item) for item in value]
        return plain(value)

    data = asdict(view)
    result = convert(data)
    assert isinstance(result, dict)
    return result


def _print_view(view: QuoteView, fmt: OutputFormat) -> None:
    import json
    import sys

    from salesflow.workflow.money import format_yuan

    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(_view_json(view), ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is OutputFormat.csv:
        render(view.lines, line_columns(), fmt)
        return
    versions = ", ".join(f"v{v.version} {_status_label(v.status)}" for v in view.versions)
    terms = _terms_label(view.payment_terms)
    if view.payment_terms_note:
        terms = f"{terms}: {view.payment_terms_note}"
    header = [
        (
            _("Quote"),
            f"{view.number} v{view.version}"
            + ("" if view.current else " " + _("(superseded, read-only)")),
        ),
        (_("Status"), _status_label(view.status)),
        (_("Lead"), str(view.lead_id)),
        (_("Company"), view.company),
        (_("Contact"), view.contact or ""),
        (_("Owner"), view.owner or ""),
        (_("Valid until"), format_date(view.valid_until)),
        (_("Payment terms"), terms),
        (_("Delivery"), view.delivery_terms or ""),
        (_("Notes"), view.notes or ""),
        (_("Versions"), versions),
    ]
    if view.reject_reason:
        header.append((_("Rejected because"), view.reject_reason))
    if view.approval_rejected_by:
        header.append(
            (
                _("Approval rejected"),
                _("by {user}: {comment}").format(
                    user=view.approval_rejected_by, comment=view.approval_rejection or ""
                ),
            )
        )
    totals = [
        (_("Subtotal"), format_yuan(view.subtotal_fen)),
        (
            _("Discount"),
            format_yuan(view.discount_fen)
            + (
                " " + _("(whole quote {percent})").format(percent=_percent(view.discount_bp))
                if view.discount_bp
                else ""
            ),
        ),
        (_("Tax"), format_yuan(view.tax_fen)),
        (_("Total"), format_yuan(view.total_fen)),
    ]
    pairs = [Column("field", _("Field")), Column("value", _("Value"))]
    render([{"field": k, "value": v} for k, v in header], pairs, fmt)
    if fmt is OutputFormat.markdown:
        print()
    render(view.lines, line_columns(), fmt)
    if fmt is OutputFormat.markdown:
        print()
    render([{"field": k, "value": v} for k, v in totals], pairs, fmt)


@app.command("show", help=_("Show a quote: lines, totals, status, validity, terms and versions."))
def show(
    quote: QuoteArg,
    version: Annotated[
        int | None,
        typer.Option(
            "--version",
            metavar="N",
            min=1,
            help=_("Show this version (default: the current one)."),
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.quote_views import show_quote

    with context.acting() as (session, actor):
        view = show_quote(session, actor, quote, version=version)
    _print_view(view, fmt)


def quote_columns() -> list[Column]:
    from salesflow.workflow.money import format_yuan

    return [
        Column("number", _("Quote")),
        Column("version", _("Ver."), justify="right"),
        Column("current", _("Current")),
        Column("lead_id", _("Lead"), justify="right"),
        Column("company", _("Company")),
        Column("owner", _("Owner")),
        Column("status", _("Status"), show=_status_label),
        Column("total_fen", _("Total"), justify="right", show=format_yuan),
        Column("max_discount_bp", _("Max discount"), justify="right", show=_percent),
        Column("payment_terms", _("Payment"), show=_terms_label),
        Column("valid_until", _("Valid until")),
        Column("created_at", _("Created")),
    ]


@app.command(
    "list", help=_("List quotes on the leads you can see (current versions), newest first.")
)
def list_(
    lead: Annotated[
        str | None, typer.Option("--lead", metavar="ID", help=_("Only this lead's quotes."))
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            metavar="STATUS",
            help=_("draft, pending, approved, sent, accepted, rejected or expired."),
        ),
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="USER", help=_("Only quotes this user owns."))
    ] = None,
    expiring_in: Annotated[
        int | None,
        typer.Option(
            "--expiring-in", metavar="DAYS", help=_("Open quotes expiring within DAYS days.")
        ),
    ] = None,
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help=_("Old (superseded) versions too."))
    ] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", help=_("At most this many rows."))] = 100,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from salesflow.workflow.quote_views import list_quotes

    with context.acting() as (session, actor):
        rows = list_quotes(
            session,
            actor,
            lead=lead,
            status=status,
            owner=owner,
            expiring_in=expiring_in,
            all_versions=all_versions,
            limit=limit,
        )
    render(rows, quote_columns(), fmt, title=_("Quotes"), empty_message=_("No quotes match."))
