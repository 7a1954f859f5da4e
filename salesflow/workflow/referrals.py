"""Referrals (转介绍): asking customers for them, and thanking referrers.

The report lists each referred lead the actor may see (a lead with
``referrer_customer_id``) under its referring customer. A lead's *won value* counts only
when the lead is won: the total of its signed or archived contracts when it has any,
else the lead's amount. The referrer's total is the sum over their referred leads.
Thanks are recorded once per referred lead (:class:`ReferralThanks`); a second time is
refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from salesflow.i18n import _, format_date
from salesflow.store.models import Contract, Customer, Lead, ReferralAsk, ReferralThanks, User
from salesflow.workflow.errors import Refused
from salesflow.workflow.lead_access import lead_for_reading, parse_lead_id
from salesflow.workflow.money import yuan_text
from salesflow.workflow.service_customers import clean_text, ensure_serves, find_customer
from salesflow.workflow.stage_config import load_stages
from salesflow.workflow.visibility import scope_for

MAX_NOTE = 2000
WON_CONTRACT_STATUSES = ("signed", "archived")


@dataclass(frozen=True)
class ReferralRow:
    referrer_id: int
    referrer: str
    referrer_won: str | None  # the referrer's total won value (yuan)
    lead_id: int
    company: str
    stage: str
    won_value: str | None  # this lead's won value (yuan), None when not won
    thanked_on: date | None
    thanked_by: str | None


def ask_referral(
    session: Session,
    actor: User,
    customer: str,
    *,
    note: str | None = None,
    today: date | None = None,
) -> ReferralAsk:
    text = clean_text(note, option="--note", limit=MAX_NOTE)
    ensure_serves(actor)
    found = find_customer(session, actor, customer)
    assert found.id is not None
    ask = ReferralAsk(
        customer_id=found.id, asked_by_id=actor.id, asked_on=today or date.today(), note=text
    )
    session.add(ask)
    session.flush()
    return ask


def thank_referrer(
    session: Session,
    actor: User,
    lead_id: int | str,
    *,
    note: str | None = None,
    today: date | None = None,
) -> ReferralThanks:
    number = parse_lead_id(lead_id, field="--thank")
    text = clean_text(note, option="--note", limit=MAX_NOTE)
    ensure_serves(actor)
    lead = lead_for_reading(session, actor, number)
    if lead.referrer_customer_id is None:
        raise Refused(_("Lead {id} was not referred by a customer.").format(id=number))
    done = session.exec(select(ReferralThanks).where(col(ReferralThanks.lead_id) == number)).first()
    if done is not None:
        raise Refused(
            _("The referrer of lead {id} was already thanked on {date}.").format(
                id=number, date=format_date(done.thanked_on)
            )
        )
    thanks = ReferralThanks(
        referrer_customer_id=lead.referrer_customer_id,
        lead_id=number,
        thanked_by_id=actor.id,
        thanked_on=today or date.today(),
        note=text,
    )
    session.add(thanks)
    session.flush()
    return thanks


def referral_report(session: Session, actor: User) -> list[ReferralRow]:
    scope = scope_for(session, actor)
    won_code = load_stages().won
    referrer = aliased(Customer)
    company = aliased(Customer)
    contract_totals = (
        select(col(Contract.lead_id), func.sum(col(Contract.total_fen)).label("total"))
        .where(col(Contract.status).in_(WON_CONTRACT_STATUSES))
        .group_by(col(Contract.lead_id))
        .subquery()
    )
    statement = (
        select_columns(
            Lead,
            col(referrer.name),
            col(company.name),
            contract_totals.c.total,
            col(ReferralThanks.thanked_on),
            col(User.username),
        )
        .join(referrer, referrer.id == Lead.referrer_customer_id)  # type: ignore[arg-type]
        .join(company, company.id == Lead.customer_id)  # type: ignore[arg-type]
        .outerjoin(contract_totals, contract_totals.c.lead_id == col(Lead.id))
        .outerjoin(ReferralThanks, col(ReferralThanks.lead_id) == col(Lead.id))
        .outerjoin(User, col(User.id) == col(ReferralThanks.thanked_by_id))
        .where(col(Lead.referrer_customer_id).is_not(None), scope.owner_clause(col(Lead.owner_id)))
        .order_by(col(Lead.referrer_customer_id), col(Lead.id))
    )
    records = session.execute(statement).all()
    values: dict[int, int | None] = {}
    totals: dict[int, int] = {}
    for lead, _ref, _co, contracts, _on, _by in records:
        value = None
        if lead.stage == won_code:
            value = int(contracts) if contracts is not None else lead.amount_fen or 0
        values[lead.id or 0] = value
        key = lead.referrer_customer_id or 0
        totals[key] = totals.get(key, 0) + (value or 0)
    return [
        ReferralRow(
            referrer_id=lead.referrer_customer_id or 0,
            referrer=ref_name,
            referrer_won=yuan_text(totals[lead.referrer_customer_id or 0]),
            lead_id=lead.id or 0,
            company=co_name,
            stage=lead.stage,
            won_value=yuan_text(values[lead.id or 0]),
            thanked_on=thanked_on,
            thanked_by=thanked_by,
        )
        for lead, ref_name, co_name, _c, thanked_on, thanked_by in records
    ]
