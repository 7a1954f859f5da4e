"""The care calendar over the database: birthdays and contract anniversaries of the
customers the actor may see, plus the public holidays (rules in
:mod:`salesflow.workflow.care_calendar`); and setting a contact's birthday.

A birthday is set as ``YYYY-MM-DD`` or, without the year, ``MM-DD`` (stored in the year
:data:`~salesflow.workflow.care_calendar.UNKNOWN_YEAR`, so no age is shown).
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import Contact, Contract, Customer, User
from salesflow.workflow.care_calendar import (
    MAX_DAYS,
    UNKNOWN_YEAR,
    AnniversaryFact,
    BirthdayFact,
    CareEvent,
    upcoming,
)
from salesflow.workflow.errors import InputError, NotFound
from salesflow.workflow.service_customers import ensure_serves, find_customer, visible_customers

ANNIVERSARY_STATUSES = ("signed", "archived")
_MONTH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})")


def parse_birthday(text: str, today: date) -> date:
    value = text.strip()
    try:
        if _MONTH_DAY.fullmatch(value):
            month, day = (int(part) for part in value.split("-"))
            return date(UNKNOWN_YEAR, month, day)
        born = date.fromisoformat(value)
    except ValueError:
        born = None
    if born is None or born > today or born.year < 1900:
        raise InputError(
            _("'{value}' is not a birthday: give MM-DD or YYYY-MM-DD (--on).").format(value=value)
        )
    return born


def set_birthday(
    session: Session,
    actor: User,
    customer: str,
    *,
    on: str,
    contact: str | None = None,
    today: date | None = None,
) -> Contact:
    """Set the birthday of a contact of the customer (the only one, or the one named)."""
    born = parse_birthday(on, today or date.today())
    ensure_serves(actor)
    found = find_customer(session, actor, customer)
    people = session.exec(
        select(Contact).where(col(Contact.customer_id) == found.id).order_by(col(Contact.id))
    ).all()
    if contact is not None:
        wanted = contact.strip()
        people = [p for p in people if p.name == wanted or str(p.id) == wanted]
        if not people:
            raise NotFound(
                _("No contact '{name}' at this customer (--contact).").format(name=wanted)
            )
    if not people:
        raise NotFound(_("Customer C{id} has no contacts.").format(id=found.id))
    if len(people) > 1:
        names = ", ".join(p.name for p in people)
        raise InputError(
            _("The customer has several contacts ({names}); say which one (--contact).").format(
                names=names
            )
        )
    person = people[0]
    person.birthday = born
    session.add(person)
    session.flush()
    return person


def care_events(session: Session, actor: User, *, start: date, days: int) -> list[CareEvent]:
    if not 0 <= days <= MAX_DAYS:
        raise InputError(_("Days must be 0 to {most} (--days).").format(most=MAX_DAYS))
    visible = visible_customers(session, actor)
    birthdays = [
        BirthdayFact(contact.id or 0, contact.name, contact.customer_id, company, contact.birthday)
        for contact, company in session.exec(
            select(Contact, Customer.name)
            .join(Customer, col(Customer.id) == col(Contact.customer_id))
            .where(col(Contact.birthday).is_not(None), col(Contact.customer_id).in_(visible))
        ).all()
        if contact.birthday is not None
    ]
    anniversaries = [
        AnniversaryFact(number, customer_id, company, signed_on)
        for number, customer_id, company, signed_on in session.execute(
            select_columns(
                col(Contract.number),
                col(Contract.customer_id),
                col(Customer.name),
                col(Contract.signed_on),
            )
            .join(Customer, col(Customer.id) == col(Contract.customer_id))
            .where(
                col(Contract.status).in_(ANNIVERSARY_STATUSES),
                col(Contract.signed_on).is_not(None),
                col(Contract.customer_id).in_(visible),
            )
        ).all()
        if signed_on is not None
    ]
    return upcoming(start, days, birthdays=birthdays, anniversaries=anniversaries)
