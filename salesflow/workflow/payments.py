"""Payment collection (回款): a contract's payment schedule, money received, receivables.

* **Schedule** (:func:`schedule_payments`): the plan of :mod:`salesflow.workflow.payment_plan`
  (default ``100%:delivery``) replaces the contract's instalments. A ``sign`` part is due on
  the contract's ``signed_on`` (filled in now if it is signed already, else when it is
  signed); a ``delivery`` part is due on the day given by ``payment delivered`` (kept when
  the schedule is replaced). Replacing a schedule is allowed only while the money already
  received is covered by the parts of the new plan that are due by today: money is never
  recorded ahead of the schedule it belongs to. A cancelled contract has no schedule.
* **Received money** (:func:`record_payment`): only on contracts sent for signature,
  signed or archived, on a lead the actor may change; never more in all than the
  contract total. The contract row is locked (``SELECT ... FOR UPDATE``; on SQLite the
  write transaction holds the database's write lock) and what was received is summed again
  inside the transaction, so two people recording at once cannot over-collect together.
  A receipt dated in the future is refused.
* **Receivables** (:func:`list_payments`): per contract the total, received, outstanding,
  the next due day and the overdue amount. Money received pays the instalments oldest due
  first (by due day; instalments still waiting for their event last; then by position), so
  the overdue amount is ``max(0, instalments due before today − received)`` and the days
  overdue count from the oldest instalment not fully paid. Sums are computed in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from salesflow.i18n import _, format_date
from salesflow.store.models import Contract, Customer, Lead, PaymentDue, PaymentReceipt, User
from salesflow.workflow.activities import clean_activity_text
from salesflow.workflow.contract_numbers import parse_contract_number
from salesflow.workflow.contracts import contract_for_update
from salesflow.workflow.dates import parse_day
from salesflow.workflow.errors import InputError, Refused
from salesflow.workflow.glossary import CONTRACT_STATUSES, PAYMENT_METHODS, label, parse_code
from salesflow.workflow.identity import find_user
from salesflow.workflow.money import format_yuan, parse_amount, yuan_text
from salesflow.workflow.payment_plan import DEFAULT_PLAN, PlanPart, parse_plan
from salesflow.workflow.visibility import scope_for

COLLECTING_STATUSES = ("sent", "signed", "archived")  # money may be received on these
LISTED_STATUSES = COLLECTING_STATUSES
MAX_NOTE = 2000


@dataclass(frozen=True)
class Instalment:
    """One part of a contract's schedule, as ``payment schedule`` prints it."""

    position: int
    share: str | None  # "30%", or None for a part typed as an amount
    amount: str
    due_event: str | None
    due_on: date | None


@dataclass(frozen=True)
class ScheduleResult:
    contract: str
    replaced: int  # how many instalments the new schedule replaced
    instalments: tuple[Instalment, ...]
    changed: bool = True  # False: no --plan, and the existing schedule was kept


@dataclass(frozen=True)
class ReceiptResult:
    receipt_id: int
    contract: str
    amount_fen: int
    received_fen: int  # in all, this receipt included
    outstanding_fen: int


@dataclass(frozen=True)
class Receivable:
    """One contract in ``payment list``: exact yuan text, local days."""

    contract: str
    lead_id: int
    company: str
    owner: str | None
    status: str
    total: str
    received: str
    outstanding: str
    next_due: date | None
    overdue: str
    days_overdue: int | None


@dataclass(frozen=True)
class ReceivableListing:
    rows: tuple[Receivable, ...]
    total_fen: int
    received_fen: int
    outstanding_fen: int
    overdue_fen: int


def received_fen(session: Session, contract_id: int) -> int:
    statement = select_columns(func.coalesce(func.sum(col(PaymentReceipt.amount_fen)), 0)).where(
        col(PaymentReceipt.contract_id) == contract_id
    )
    return int(session.execute(statement).scalar_one())


def _dues_of(session: Session, contract_id: int) -> list[PaymentDue]:
    return list(
        session.exec(
            select(PaymentDue)
            .where(PaymentDue.contract_id == contract_id)
            .order_by(col(PaymentDue.position))
        ).all()
    )


def _share_text(bp: int | None) -> str | None:
    from salesflow.workflow.money import percent_text

    return None if bp is None else percent_text(bp)


def _instalment(due: PaymentDue) -> Instalment:
    return Instalment(
        position=due.position,
        share=_share_text(due.share_bp),
        amount=yuan_text(due.amount_fen) or "0.00",
        due_event=due.due_event,
        due_on=due.due_on,
    )


def _refuse_cancelled(contract: Contract) -> None:
    if contract.status == "cancelled":
        raise Refused(
            _("Contract {number} is cancelled; it has no payments.").format(number=contract.number)
        )


def schedule_payments(
    session: Session,
    actor: User,
    raw: str,
    *,
    plan: str | None = None,
    today: date | None = None,
) -> ScheduleResult:
    """Replace the contract's payment schedule with ``plan``; see the module doc.

    Without ``plan`` a contract that has a schedule keeps it (the result says so: nothing
    is replaced by accident); one without gets the default, 100% on delivery.
    """
    day = today or date.today()
    contract, _lead = contract_for_update(session, actor, raw)
    assert contract.id is not None
    _refuse_cancelled(contract)
    old = _dues_of(session, contract.id)
    if plan is None and old:
        return ScheduleResult(
            contract=contract.number,
            replaced=0,
            instalments=tuple(_instalment(due) for due in old),
            changed=False,
        )
    parts = parse_plan(plan if plan is not None else DEFAULT_PLAN, contract.total_fen, day)
    delivered_on = next(
        (due.due_on for due in old if due.due_event == "delivery" and due.due_on), None
    )
    new = [_due_row(contract, part, delivered_on) for part in parts]
    received = received_fen(session, contract.id)
    covered = sum(due.amount_fen for due in new if due.due_on is not None and due.due_on <= day)
    if received > covered:
        raise Refused(
            _(
                "{received} has been received on {number}, more than the new plan has due by "
                "today ({covered}) (--plan)."
            ).format(
                received=format_yuan(received),
                number=contract.number,
                covered=format_yuan(covered),
            ),
            hint=_("Plan at least what was received as due by today, e.g. on signing."),
        )
    for due in old:
        session.delete(due)
    session.flush()
    for due in new:
        session.add(due)
    session.flush()
    return ScheduleResult(
        contract=contract.number,
        replaced=len(old),
        instalments=tuple(_instalment(due) for due in new),
    )


def _due_row(contract: Contract, part: PlanPart, delivered_on: date | None) -> PaymentDue:
    assert contract.id is not None
    due_on = part.due_on
    if part.due_event == "sign":
        due_on = contract.signed_on
    elif part.due_event == "delivery":
        due_on = delivered_on
    return PaymentDue(
        contract_id=contract.id,
        position=part.position,
        share_bp=part.share_bp,
        amount_fen=part.amount_fen,
        due_event=part.due_event,
        due_on=due_on,
    )


def _day(text: date | str, today: date, option: str) -> date:
    day = text if isinstance(text, date) else parse_day(text, today, option=option)
    if day > today:
        raise InputError(
            _("{date} is in the future ({option}).").format(date=format_date(day), option=option)
        )
    return day


def mark_delivered(
    session: Session, actor: User, raw: str, *, on: date | str, today: date | None = None
) -> ScheduleResult:
    """Date the contract's instalments due on delivery (the default plan if none is set)."""
    day = today or date.today()
    delivered = _day(on, day, "--on")
    contract, _lead = contract_for_update(session, actor, raw)
    assert contract.id is not None
    _refuse_cancelled(contract)
    dues = _dues_of(session, contract.id)
    if not dues:
        dues = [
            _due_row(contract, part, None)
            for part in parse_plan(DEFAULT_PLAN, contract.total_fen, day)
        ]
        for due in dues:
            session.add(due)
    targets = [due for due in dues if due.due_event == "delivery"]
    if not targets:
        raise Refused(
            _("No instalment of {number} is due on delivery.").format(number=contract.number),
            hint=_("'salesflow payment schedule {number} --plan ...' plans one.").format(
                number=contract.number
            ),
        )
    for due in targets:
        due.due_on = delivered
        session.add(due)
    session.flush()
    return ScheduleResult(
        contract=contract.number, replaced=0, instalments=tuple(_instalment(d) for d in dues)
    )


def record_payment(
    session: Session,
    actor: User,
    raw: str,
    amount: str,
    *,
    received_on: date | str,
    method: str,
    note: str | None = None,
    today: date | None = None,
) -> ReceiptResult:
    """Record money received on a contract; see the module doc for what is refused."""
    day = today or date.today()
    fen = parse_amount(amount, field="AMOUNT")
    if fen <= 0:
        raise InputError(_("The amount must be more than 0 (AMOUNT)."))
    on = _day(received_on, day, "--date")
    code = parse_code(PAYMENT_METHODS, method, field="--method")
    text = clean_activity_text(note, option="--note", limit=MAX_NOTE)
    contract, _lead = contract_for_update(session, actor, raw)
    assert contract.id is not None
    if contract.status not in COLLECTING_STATUSES:
        raise Refused(
            _(
                "Contract {number} is {status}: money is recorded once it is sent, signed "
                "or archived."
            ).format(number=contract.number, status=label(CONTRACT_STATUSES, contract.status))
        )
    received = received_fen(session, contract.id)  # summed again under the lock
    if received + fen > contract.total_fen:
        raise Refused(
            _(
                "{amount} would collect more than contract {number}'s total {total}: "
                "{received} received, {left} outstanding (AMOUNT)."
            ).format(
                amount=format_yuan(fen),
                number=contract.number,
                total=format_yuan(contract.total_fen),
                received=format_yuan(received),
                left=format_yuan(contract.total_fen - received),
            )
        )
    receipt = PaymentReceipt(
        contract_id=contract.id,
        amount_fen=fen,
        received_on=on,
        method=code,
        note=text,
        recorded_by_id=actor.id,
    )
    session.add(receipt)
    session.flush()
    assert receipt.id is not None
    return ReceiptResult(
        receipt_id=receipt.id,
        contract=contract.number,
        amount_fen=fen,
        received_fen=received + fen,
        outstanding_fen=contract.total_fen - received - fen,
    )


def received_by_contract() -> Any:
    """A subquery: contract_id and the money received on it."""
    return (
        select_columns(
            col(PaymentReceipt.contract_id).label("contract_id"),
            func.sum(col(PaymentReceipt.amount_fen)).label("received"),
        )
        .group_by(col(PaymentReceipt.contract_id))
        .subquery()
    )


def dues_paid_in_order(received: Any) -> Any:
    """A subquery of every instalment with ``cum`` (the instalments up to and including it,
    paid oldest due first) and ``received`` (the contract's money received)."""
    cumulative = func.sum(col(PaymentDue.amount_fen)).over(
        partition_by=col(PaymentDue.contract_id),
        order_by=(
            case((col(PaymentDue.due_on).is_(None), 1), else_=0),
            col(PaymentDue.due_on),
            col(PaymentDue.position),
        ),
    )
    return (
        select_columns(
            col(PaymentDue.id).label("id"),
            col(PaymentDue.contract_id).label("contract_id"),
            col(PaymentDue.position).label("position"),
            col(PaymentDue.amount_fen).label("amount_fen"),
            col(PaymentDue.due_on).label("due_on"),
            cumulative.label("cum"),
            func.coalesce(received.c.received, 0).label("received"),
        )
        .outerjoin(received, received.c.contract_id == col(PaymentDue.contract_id))
        .subquery()
    )


def list_payments(
    session: Session,
    actor: User,
    *,
    overdue: bool = False,
    contract: str | None = None,
    owner: str | None = None,
    today: date | None = None,
) -> ReceivableListing:
    """The receivables of the contracts the actor may see; see the module doc."""
    day = today or date.today()
    received = received_by_contract()
    dues = dues_paid_in_order(received)
    unpaid = dues.c.cum > dues.c.received
    progress = (
        select_columns(
            dues.c.contract_id,
            func.sum(case((dues.c.due_on < day, dues.c.amount_fen), else_=0)).label("due_past"),
            func.min(case((and_(dues.c.due_on < day, unpaid), dues.c.due_on))).label("oldest"),
            func.min(case((and_(dues.c.due_on >= day, unpaid), dues.c.due_on))).label("next"),
        )
        .group_by(dues.c.contract_id)
        .subquery()
    )
    got = func.coalesce(received.c.received, 0)
    due_past = func.coalesce(progress.c.due_past, 0)
    overdue_fen = case((due_past > got, due_past - got), else_=literal(0))
    statement = (
        select_columns(
            col(Contract.number),
            col(Contract.lead_id),
            col(Customer.name),
            col(User.username),
            col(Contract.status),
            col(Contract.total_fen),
            got.label("received"),
            progress.c.next,
            overdue_fen.label("overdue"),
            progress.c.oldest,
        )
        .join(Lead, col(Lead.id) == col(Contract.lead_id))
        .join(Customer, col(Customer.id) == col(Contract.customer_id))
        .outerjoin(User, col(User.id) == col(Contract.owner_id))
        .outerjoin(received, received.c.contract_id == col(Contract.id))
        .outerjoin(progress, progress.c.contract_id == col(Contract.id))
        .where(
            scope_for(session, actor).owner_clause(col(Lead.owner_id)),
            col(Contract.status).in_(LISTED_STATUSES),
        )
        .order_by(col(Contract.number))
    )
    if overdue:
        statement = statement.where(due_past > got)
    if contract is not None:
        statement = statement.where(
            col(Contract.number) == parse_contract_number(contract, field="--contract")
        )
    if owner is not None:
        user = find_user(session, owner)
        if user is None:
            raise InputError(
                _("Unknown user '{name}' (--owner).").format(name=owner),
                hint=_("'salesflow user list' shows them."),
            )
        statement = statement.where(col(Contract.owner_id) == user.id)
    rows = []
    sums = [0, 0, 0]
    for (
        number,
        lead_id,
        company,
        username,
        status,
        total,
        got_raw,
        nxt,
        late_raw,
        oldest,
    ) in session.execute(statement).all():
        got_fen, late = int(got_raw), int(late_raw)
        rows.append(
            Receivable(
                contract=number,
                lead_id=lead_id,
                company=company,
                owner=username,
                status=status,
                total=yuan_text(total) or "0.00",
                received=yuan_text(got_fen) or "0.00",
                outstanding=yuan_text(total - got_fen) or "0.00",
                next_due=nxt,
                overdue=yuan_text(late) or "0.00",
                days_overdue=(day - oldest).days if late and oldest is not None else None,
            )
        )
        sums[0] += total
        sums[1] += got_fen
        sums[2] += late
    return ReceivableListing(
        rows=tuple(rows),
        total_fen=sums[0],
        received_fen=sums[1],
        outstanding_fen=sums[0] - sums[1],
        overdue_fen=sums[2],
    )


DUE_SOON_DAYS = 7


def date_sign_instalments(session: Session, contract: Contract) -> int:
    """Give the contract's instalments due on signing its ``signed_on`` as their due day
    (for ``contract sign``, inside its transaction); returns how many changed."""
    assert contract.id is not None
    if contract.signed_on is None:
        return 0
    changed = 0
    for due in _dues_of(session, contract.id):
        if due.due_event == "sign" and due.due_on != contract.signed_on:
            due.due_on = contract.signed_on
            session.add(due)
            changed += 1
    session.flush()
    return changed


def due_window_end(day: date) -> date:
    return day + timedelta(days=DUE_SOON_DAYS)
