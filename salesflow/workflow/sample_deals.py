"""The sample's deals: quotes, contracts, payments and after-sales for the sample leads.

``salesflow init --sample`` imports leads at every stage; this gives the later stages
what they would have in real life, so the reports, the KPIs and ``today`` have money and
service to show from the first run. Everything is derived from each lead (its stage,
amount, owner and dates, already moved to today by the sample loader) and the sample
price list, deterministically:

* a lead in negotiation has a sent quote (one of them expiring in two days);
* a lead at the contract stage has an accepted quote and a contract on its way (draft,
  in legal review, approved or sent);
* a won lead has an accepted quote and a contract signed on the day it was won, a
  payment schedule (30% at signing, 70% thirty days later), the money received so far
  (every fourth customer is late with the second part), return visits 7 and 30 days
  after signing (done, with a satisfaction score, once the day has passed) and, for every
  fifth customer, a complaint (every other one answered late).

Rows are written in bulk (like the sample activities) with one audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from salesflow.store.audit import record_event
from salesflow.store.bulk import insert_many
from salesflow.store.models import (
    Contract,
    ContractLine,
    Lead,
    PaymentDue,
    PaymentReceipt,
    Product,
    Quote,
    QuoteLine,
    ServiceTicket,
    ServiceVisit,
    Target,
    User,
)
from salesflow.workflow.quote_math import LineInput, price_quote
from salesflow.workflow.stage_config import load_stages
from salesflow.workflow.yearly_numbers import yearly_number

SERVICE_USER = "zhou.xin"
CONTRACT_STATUSES = ("draft", "legal-review", "approved", "sent")
FIRST_SHARE_BP = 3000
VISIT_DAYS = (7, 30)
RESPONSE_HOURS = 24


# Monthly targets (元) by role, and the yearly targets of the teams (by their head).
MONTH_TARGETS = {"rep": 300_000, "manager": 200_000}
TEAM_YEAR_TARGETS = {"zhao.min": 15_600_000, "wang.qiang": 9_600_000, "chen.jing": 6_000_000}
TARGET_SETTER = "zhao.min"


@dataclass(frozen=True)
class SampleDeals:
    quotes: int
    contracts: int
    receipts: int
    visits: int
    tickets: int
    targets: int = 0


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour)).astimezone().astimezone(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _number(rows: list[dict[str, Any]], letter: str) -> None:
    """Q-/C-YYYY-NNNN numbers in the order the rows were made, counted per year."""
    used: dict[int, int] = {}
    for row in sorted(rows, key=lambda r: r["created_at"]):
        year = row["created_at"].astimezone().year
        used[year] = used.get(year, 0) + 1
        row["number"] = yearly_number(letter, year, used[year])


def _line_inputs(products: Sequence[Product], index: int, amount_fen: int) -> tuple[
    Product, LineInput
]:  # fmt: skip
    product = products[index % len(products)]
    net = amount_fen * 10_000 // (10_000 + product.tax_rate_bp)
    quantity = max(1, (net + product.list_price_fen // 2) // max(product.list_price_fen, 1))
    discount = 500 if index % 3 == 0 else 0  # 5%: within a rep's own authority
    return product, LineInput(
        quantity_milli=quantity * 1000,
        list_price_fen=product.list_price_fen,
        unit_price_fen=product.list_price_fen,
        discount_bp=discount,
        tax_rate_bp=product.tax_rate_bp,
    )


def _ticket(
    lead: Lead,
    contract_id: int,
    signed_on: date,
    service: int | None,
    now: datetime,
    *,
    late: bool,
) -> list[dict[str, Any]]:
    """A complaint ten days after signing, answered in 4 hours (30 when ``late``), then
    resolved two hours later: as much of that as has happened by ``now``."""
    opened = _local(signed_on + timedelta(days=10), 10)
    if opened >= now:
        return []
    answered: datetime | None = opened + timedelta(hours=30 if late else 4)
    resolved: datetime | None = answered + timedelta(hours=2) if answered else None
    answered = answered if answered and answered < now else None
    resolved = resolved if answered and resolved and resolved < now else None
    return [
        {
            "customer_id": lead.customer_id,
            "contract_id": contract_id,
            "title": "系统登录偶尔超时",
            "description": "客户反馈早高峰登录偶尔超时。",
            "status": "resolved" if resolved else "responded" if answered else "open",
            "opened_by_id": service,
            "assignee_id": service,
            "opened_at": opened,
            "response_due_at": opened + timedelta(hours=RESPONSE_HOURS),
            "first_response_at": answered,
            "first_response": "已远程排查，调整了会话超时设置。" if answered else None,
            "resolved_at": resolved,
            "resolution": "已解决" if resolved else None,
        }
    ]


class _Deals:
    """The rows of the sample's deals, gathered lead by lead, then written in bulk."""

    def __init__(self, products: list[Product], today: date, service: int | None) -> None:
        self.products, self.today, self.service = products, today, service
        self.now = datetime.now(UTC)
        self.quotes: list[dict[str, Any]] = []
        self.lines: list[dict[str, Any]] = []
        self.contracts: list[dict[str, Any]] = []
        self.signed: list[tuple[int, Lead, date]] = []  # (contract row, lead, signed on)
        self.dues: list[dict[str, Any]] = []
        self.receipts: list[dict[str, Any]] = []
        self.visits: list[dict[str, Any]] = []
        self.tickets: list[dict[str, Any]] = []

    def quote(self, index: int, lead: Lead, *, won: bool) -> None:
        assert lead.amount_fen is not None
        created = _aware(lead.created_at)
        closed = _aware(lead.closed_at) if lead.closed_at is not None else None
        sent_at = min(
            (closed - timedelta(days=6)) if closed else self.now - timedelta(days=1 + index % 9),
            self.now - timedelta(hours=2),
        )
        sent_at = max(sent_at, created + timedelta(hours=3))
        product, line = _line_inputs(self.products, index, lead.amount_fen)
        totals = price_quote([line])
        priced = totals.lines[0]
        open_quote = lead.stage == "negotiation"
        self.quotes.append(
            {
                "version": 1,
                "lead_id": lead.id,
                "customer_id": lead.customer_id,
                "contact_id": lead.contact_id,
                "owner_id": lead.owner_id,
                "created_by_id": lead.owner_id,
                "status": "sent" if open_quote else "accepted",
                "currency": "CNY",
                "valid_until": self.today + timedelta(days=2 if index % 5 == 0 else 20)
                if open_quote
                else sent_at.astimezone().date() + timedelta(days=30),
                "payment_terms": "cod",
                "discount_bp": 0,
                "list_value_fen": totals.list_value_fen,
                "subtotal_fen": totals.subtotal_fen,
                "discount_fen": totals.discount_fen,
                "tax_fen": totals.tax_fen,
                "total_fen": totals.total_fen,
                "max_discount_bp": totals.max_discount_bp,
                "created_at": sent_at - timedelta(hours=1),
                "updated_at": sent_at,
                "sent_at": sent_at,
                "decided_at": None if open_quote else sent_at + timedelta(days=2),
            }
        )
        self.lines.append(
            {
                "position": 1,
                "product_id": product.id,
                "sku": product.sku,
                "name": product.name,
                "unit": product.unit,
                "quantity_milli": line.quantity_milli,
                "list_price_fen": line.list_price_fen,
                "unit_price_fen": line.unit_price_fen,
                "discount_bp": line.discount_bp,
                "tax_rate_bp": line.tax_rate_bp,
                "subtotal_fen": priced.subtotal_fen,
                "discount_fen": priced.line_discount_fen + priced.quote_discount_fen,
                "tax_fen": priced.tax_fen,
                "total_fen": priced.total_fen,
            }
        )
        if not open_quote:
            self.contract(index, lead, sent_at, closed if won else None)

    def contract(self, index: int, lead: Lead, sent_at: datetime, won: datetime | None) -> None:
        quote = self.quotes[-1]
        signed_on = won.astimezone().date() if won else None
        made = sent_at + timedelta(days=3)
        self.contracts.append(
            {
                "quote_row": len(self.quotes) - 1,
                "lead_id": lead.id,
                "customer_id": lead.customer_id,
                "contact_id": lead.contact_id,
                "owner_id": lead.owner_id,
                "created_by_id": lead.owner_id,
                "status": "signed" if won else CONTRACT_STATUSES[index % len(CONTRACT_STATUSES)],
                "currency": "CNY",
                **{k: quote[k] for k in ("subtotal_fen", "discount_fen", "tax_fen", "total_fen")},
                "payment_terms": "cod",
                "terms_text": "（示例合同条款 / sample contract terms）",
                "template": "default",
                "signed_on": signed_on,
                "signer": "客户代表" if signed_on else None,
                "signed_at": _local(signed_on, 15) if signed_on else None,
                "created_at": made,
                "updated_at": won or made,
            }
        )
        if signed_on is not None:
            self.signed.append((len(self.contracts) - 1, lead, signed_on))

    def after_sales(self, number: int, contract_id: int, lead: Lead, signed_on: date) -> None:
        total = self.contracts[self.signed[number][0]]["total_fen"]
        first = (total * FIRST_SHARE_BP + 5_000) // 10_000
        second_due = signed_on + timedelta(days=30)
        self.dues += [
            {"contract_id": contract_id, "position": 1, "share_bp": FIRST_SHARE_BP,
             "amount_fen": first, "due_event": "sign", "due_on": signed_on},
            {"contract_id": contract_id, "position": 2, "share_bp": 10_000 - FIRST_SHARE_BP,
             "amount_fen": total - first, "due_event": None, "due_on": second_due},
        ]  # fmt: skip
        paid = [(first, signed_on + timedelta(days=1))]
        if number % 4 != 3:
            paid.append((total - first, second_due + timedelta(days=2)))
        self.receipts += [
            {"contract_id": contract_id, "amount_fen": amount, "received_on": day,
             "method": "bank", "note": None, "recorded_by_id": lead.owner_id,
             "created_at": _local(day, 11)}
            for amount, day in paid
            if day <= self.today
        ]  # fmt: skip
        for offset, days in enumerate(VISIT_DAYS):
            day = signed_on + timedelta(days=days)
            done = day < self.today
            self.visits.append(
                {
                    "customer_id": lead.customer_id,
                    "contract_id": contract_id,
                    "user_id": self.service,
                    "status": "done" if done else "scheduled",
                    "scheduled_on": day,
                    "visited_on": day if done else None,
                    "satisfaction": (5, 4, 4, 3, 5)[(number + offset) % 5] if done else None,
                    "note": "回访：使用情况良好" if done else None,
                    "created_at": _local(signed_on, 16),
                }
            )
        if number % 5 == 2:
            self.tickets += _ticket(
                lead, contract_id, signed_on, self.service, self.now, late=number % 10 == 7
            )

    def write(self, session: Session) -> None:
        _number(self.quotes, "Q")
        _number(self.contracts, "C")
        quote_ids = insert_many(session, Quote, self.quotes)
        insert_many(
            session,
            QuoteLine,
            [{**line, "quote_id": qid} for line, qid in zip(self.lines, quote_ids, strict=True)],
        )
        contract_lines = []
        for contract in self.contracts:
            row = contract.pop("quote_row")
            contract["quote_id"] = quote_ids[row]
            contract_lines.append(
                {k: v for k, v in self.lines[row].items() if k != "list_price_fen"}
            )
        contract_ids = insert_many(session, Contract, self.contracts)
        insert_many(
            session,
            ContractLine,
            [
                {**line, "contract_id": cid}
                for line, cid in zip(contract_lines, contract_ids, strict=True)
            ],
        )
        for number, (row, lead, signed_on) in enumerate(self.signed):
            self.after_sales(number, contract_ids[row], lead, signed_on)
        insert_many(session, PaymentDue, self.dues)
        insert_many(session, PaymentReceipt, self.receipts)
        insert_many(session, ServiceVisit, self.visits)
        insert_many(session, ServiceTicket, self.tickets)

    def counts(self) -> SampleDeals:
        return SampleDeals(
            len(self.quotes),
            len(self.contracts),
            len(self.receipts),
            len(self.visits),
            len(self.tickets),
        )


def sample_targets(session: Session, today: date) -> list[dict[str, Any]]:
    """Month targets for every sample seller (this year up to next month) and this
    year's target of each sample team."""
    from salesflow.workflow.report_periods import month_period, year_period

    users = {u.username: u for u in session.exec(select(User))}
    setter = users.get(TARGET_SETTER)
    now = datetime.now(UTC)
    months = [month_period(date(today.year, m, 1)) for m in range(1, today.month + 1)]
    if today.month < 12:
        months.append(month_period(date(today.year, today.month + 1, 1)))
    rows: list[dict[str, Any]] = []
    common = {"set_by_id": setter.id if setter else None, "created_at": now, "updated_at": now}
    for user in sorted(users.values(), key=lambda u: u.username):
        yuan = MONTH_TARGETS.get(user.role)
        if yuan is None or not user.active:
            continue
        rows += [
            {"user_id": user.id, "team_id": None, "period": month.key,
             "starts_on": month.start, "ends_on": month.end, "amount_fen": yuan * 100, **common}
            for month in months
        ]  # fmt: skip
    year = year_period(today)
    for head, yuan in TEAM_YEAR_TARGETS.items():
        if head in users:
            rows.append(
                {"user_id": None, "team_id": users[head].id, "period": year.key,
                 "starts_on": year.start, "ends_on": year.end, "amount_fen": yuan * 100,
                 **common}
            )  # fmt: skip
    return rows


def load_sample_deals(session: Session, batch_id: int, *, today: date) -> SampleDeals:
    """Quotes, contracts, payments, visits and tickets for the leads of the sample batch."""
    stages = load_stages()
    products = list(
        session.exec(select(Product).where(col(Product.active).is_(True)).order_by(col(Product.id)))
    )
    leads = session.exec(
        select(Lead)
        .where(
            Lead.import_batch_id == batch_id,
            col(Lead.stage).in_([stages.won, "negotiation", "contract"]),
            col(Lead.amount_fen).is_not(None),
        )
        .order_by(col(Lead.id))
    ).all()
    if not products or not leads:
        return SampleDeals(0, 0, 0, 0, 0)
    service = session.exec(select(User.id).where(User.username == SERVICE_USER)).first()
    deals = _Deals(products, today, service)
    for index, lead in enumerate(leads):
        deals.quote(index, lead, won=lead.stage == stages.won)
    deals.write(session)
    targets = sample_targets(session, today)
    if session.exec(select(Target.id).limit(1)).first() is None:
        insert_many(session, Target, targets)
    else:
        targets = []
    made = replace(deals.counts(), targets=len(targets))
    record_event(
        session,
        action="import",
        entity="deals",
        entity_id=str(batch_id),
        summary=(
            f"sample deals for import batch {batch_id}: {made.quotes} quotes, "
            f"{made.contracts} contracts, {made.receipts} receipts, {made.visits} return "
            f"visits, {made.tickets} tickets, {made.targets} targets"
        ),
    )
    session.flush()
    return made
