"""The activity figures of a report period: what happened, counted in SQL (daily, weekly, KPI).

Each figure is one aggregate query on indexed columns (``GROUP BY`` the person for
:func:`figures_by_person`); no rows are loaded into Python. Who a record counts for:

* new leads: leads whose ``created_at`` is in the period, by the lead's *current* owner;
* contacts: activities whose ``occurred_at`` is in the period, by kind, by the activity's
  user (notes included in ``contacts``, left out of :attr:`PeriodFigures.contact_total`);
  ``visits`` are the activities of kind ``visit`` (拜访);
* return visits (回访): service visits with status ``done`` and ``visited_on`` in the
  period, by the visit's user;
* stage moves: stage changes with ``changed_at`` in the period that move a lead (the entry
  row, ``from_stage`` NULL, is not a move), by destination stage, by the lead's current
  owner; a move into the won or lost stage counts here too;
* quotes sent: quote versions with ``sent_at`` in the period (each version sent counts),
  by ``quotes.owner_id``; value = the versions' ``total_fen``;
* contracts signed: contracts with status signed or archived and ``signed_on`` in the
  period, by ``contracts.owner_id``; value = ``total_fen``;
* payments received (回款): receipts with ``received_on`` in the period, by the owner of
  their contract; value = ``amount_fen``;
* won / lost: leads whose ``closed_at`` is in the period and whose stage is now the won /
  the lost stage of the stage configuration, by the lead's current owner.

Timestamps are compared with the period's local days as UTC instants
(:meth:`ReportPeriod.utc_bounds`); date columns with the days themselves. The scope's
:meth:`~ReportScope.owner_clause` selects owned records (leads, quotes, contracts and
receipts through their contract), :meth:`~ReportScope.person_clause` things done
(activities, return visits).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from salesflow.store.models import (
    Activity,
    Contract,
    Lead,
    PaymentReceipt,
    Quote,
    ServiceVisit,
    StageChange,
)
from salesflow.workflow.glossary import ACTIVITY_KINDS
from salesflow.workflow.report_periods import ReportPeriod
from salesflow.workflow.report_scope import ReportScope
from salesflow.workflow.stage_config import load_stages

SIGNED_STATUSES = ("signed", "archived")
NOTE_KIND = "note"


def _kinds() -> dict[str, int]:
    return dict.fromkeys(ACTIVITY_KINDS, 0)


def _stages() -> dict[str, int]:
    return dict.fromkeys(load_stages().codes, 0)


@dataclass(frozen=True)
class PeriodFigures:
    """What happened in a period in one scope (or for one person)."""

    new_leads: int = 0
    # activity kind -> count, every kind in glossary order (zeros too), notes included
    contacts: dict[str, int] = field(default_factory=_kinds)
    visits: int = 0
    return_visits: int = 0
    # destination stage -> moves into it, every configured stage in order (zeros too)
    stage_moves: dict[str, int] = field(default_factory=_stages)
    quotes_sent: int = 0
    quotes_sent_fen: int = 0
    contracts_signed: int = 0
    contracts_signed_fen: int = 0
    payments: int = 0
    payments_fen: int = 0
    won: int = 0
    lost: int = 0

    @property
    def contact_total(self) -> int:
        """Contacts of every kind except notes (a note is not a contact with the customer)."""
        return sum(count for kind, count in self.contacts.items() if kind != NOTE_KIND)

    @property
    def stage_move_total(self) -> int:
        return sum(self.stage_moves.values())


def sum_figures(parts: Iterable[PeriodFigures]) -> PeriodFigures:
    """The figures of several people added up (a per-person table's totals row)."""
    values: dict[str, Any] = {}
    for part in parts:
        for item in fields(PeriodFigures):
            value = getattr(part, item.name)
            if isinstance(value, dict):
                total: dict[str, int] = values.setdefault(item.name, {})
                for key, count in value.items():
                    total[key] = total.get(key, 0) + count
            else:
                values[item.name] = values.get(item.name, 0) + value
    if "contacts" in values:
        values["contacts"] = _kinds() | values["contacts"]
    if "stage_moves" in values:
        values["stage_moves"] = _stages() | values["stage_moves"]
    return PeriodFigures(**values)


VISIT = "visit"  # the activity kind counted as a visit (拜访)

# Per person key (0 for the whole scope): figure name -> value, or code -> count dicts.
_Rows = dict[int | None, dict[str, Any]]


# The groups of figures a caller may ask for (each one or two queries).
PARTS = frozenset(
    {"new_leads", "contacts", "visits", "return_visits", "stage_moves", "quotes", "contracts",
     "payments", "closed"}
)  # fmt: skip


class _Counter:
    """Runs the figures' queries for one scope and period, whole or per person, and
    gathers name -> value (or code -> count dicts) per person key (0: everyone)."""

    def __init__(
        self, session: Session, scope: ReportScope, period: ReportPeriod, by_person: bool
    ) -> None:
        self.session, self.scope, self.period, self.by_person = session, scope, period, by_person
        self.start, self.end = period.utc_bounds()
        self.out: _Rows = {}

    def slot(self, key: int | None) -> dict[str, Any]:
        return self.out.setdefault(key if self.by_person else 0, {})

    def run(self, person: Any, columns: list[Any], statement: Any, groups: list[Any]) -> list[Any]:
        selected = [person, *columns] if self.by_person else [*columns]
        query = statement.with_only_columns(*selected)
        group_by = ([person] if self.by_person else []) + groups
        if group_by:
            query = query.group_by(*group_by)
        rows = self.session.execute(query).all()
        return [tuple(row) if self.by_person else (None, *row) for row in rows]

    def count(self, name: str, person: Any, statement: Any) -> None:
        for key, n in self.run(person, [func.count()], statement, []):
            if n:
                self.slot(key)[name] = n

    def money(self, names: tuple[str, str], person: Any, total: Any, statement: Any) -> None:
        amount = func.coalesce(func.sum(total), 0)
        for key, n, fen in self.run(person, [func.count(), amount], statement, []):
            if n:
                self.slot(key).update({names[0]: n, names[1]: int(fen)})

    def by_code(self, name: str, person: Any, code: Any, statement: Any) -> None:
        for key, value, n in self.run(person, [code, func.count()], statement, [code]):
            self.slot(key).setdefault(name, {})[value] = n


def _new_leads(c: _Counter) -> None:
    """Leads created in the period, by current owner."""
    owner = col(Lead.owner_id)
    c.count(
        "new_leads",
        owner,
        select(func.count()).where(
            col(Lead.created_at) >= c.start,
            col(Lead.created_at) < c.end,
            c.scope.owner_clause(owner),
        ),
    )


def _activities(c: _Counter, *, visits_only: bool) -> None:
    """Activities by kind (or visits only), by the activity's user."""
    user, kind = col(Activity.user_id), col(Activity.kind)
    statement = select(func.count()).where(
        col(Activity.occurred_at) >= c.start,
        col(Activity.occurred_at) < c.end,
        c.scope.person_clause(user),
    )
    if visits_only:
        c.count("visits", user, statement.where(kind == VISIT))
        return
    c.by_code("contacts", user, kind, statement)
    for values in c.out.values():
        if values.get("contacts", {}).get(VISIT):
            values["visits"] = values["contacts"][VISIT]


def _return_visits(c: _Counter) -> None:
    """Service visits done in the period, by the visit's user."""
    visitor = col(ServiceVisit.user_id)
    c.count(
        "return_visits",
        visitor,
        select(func.count()).where(
            col(ServiceVisit.status) == "done",
            col(ServiceVisit.visited_on) >= c.period.start,
            col(ServiceVisit.visited_on) <= c.period.end,
            c.scope.person_clause(visitor),
        ),
    )


def _stage_moves(c: _Counter) -> None:
    """Moves into each stage in the period (entries left out), by the lead's owner."""
    owner = col(Lead.owner_id)
    statement = (
        select(func.count())
        .select_from(StageChange)
        .join(Lead, col(Lead.id) == col(StageChange.lead_id))
        .where(
            col(StageChange.changed_at) >= c.start,
            col(StageChange.changed_at) < c.end,
            col(StageChange.from_stage).is_not(None),
            c.scope.owner_clause(owner),
        )
    )
    c.by_code("stage_moves", owner, col(StageChange.to_stage), statement)


def _quotes(c: _Counter) -> None:
    """Quote versions sent in the period, by the quote's owner."""
    owner = col(Quote.owner_id)
    statement = select(func.count()).where(
        col(Quote.sent_at) >= c.start, col(Quote.sent_at) < c.end, c.scope.owner_clause(owner)
    )
    c.money(("quotes_sent", "quotes_sent_fen"), owner, col(Quote.total_fen), statement)


def _contracts(c: _Counter) -> None:
    """Contracts signed in the period, by the contract's owner."""
    owner = col(Contract.owner_id)
    statement = select(func.count()).where(
        col(Contract.status).in_(SIGNED_STATUSES),
        col(Contract.signed_on) >= c.period.start,
        col(Contract.signed_on) <= c.period.end,
        c.scope.owner_clause(owner),
    )
    c.money(("contracts_signed", "contracts_signed_fen"), owner, col(Contract.total_fen),
            statement)  # fmt: skip


def _payments(c: _Counter) -> None:
    """Money received in the period, by the owner of its contract."""
    owner = col(Contract.owner_id)
    statement = (
        select(func.count())
        .select_from(PaymentReceipt)
        .join(Contract, col(Contract.id) == col(PaymentReceipt.contract_id))
        .where(
            col(PaymentReceipt.received_on) >= c.period.start,
            col(PaymentReceipt.received_on) <= c.period.end,
            c.scope.owner_clause(owner),
        )
    )
    c.money(("payments", "payments_fen"), owner, col(PaymentReceipt.amount_fen), statement)


def _closed(c: _Counter) -> None:
    """Leads won and lost in the period, by the lead's current owner."""
    stages = load_stages()
    owner, stage = col(Lead.owner_id), col(Lead.stage)
    statement = select(func.count()).where(
        col(Lead.closed_at) >= c.start,
        col(Lead.closed_at) < c.end,
        stage.in_((stages.won, stages.lost)),
        c.scope.owner_clause(owner),
    )
    for key, code, n in c.run(owner, [stage, func.count()], statement, [stage]):
        c.slot(key)["won" if code == stages.won else "lost"] = n


_PART_COUNTERS = {
    "new_leads": _new_leads,
    "return_visits": _return_visits,
    "stage_moves": _stage_moves,
    "quotes": _quotes,
    "contracts": _contracts,
    "payments": _payments,
    "closed": _closed,
}


def _collect(
    session: Session,
    scope: ReportScope,
    period: ReportPeriod,
    by_person: bool,
    parts: frozenset[str] = PARTS,
) -> _Rows:
    """name -> value (or code -> value dicts) per person key; key 0 stands for "everyone"
    when ``by_person`` is false. Only the figures of ``parts`` are counted (the others
    stay 0); "contacts" counts visits too, "visits" alone only visits."""
    counter = _Counter(session, scope, period, by_person)
    if "contacts" in parts or "visits" in parts:
        _activities(counter, visits_only="contacts" not in parts)
    for part, count in _PART_COUNTERS.items():
        if part in parts:
            count(counter)
    return counter.out


def _figures(values: dict[str, Any]) -> PeriodFigures:
    values = dict(values)
    if "contacts" in values:
        values["contacts"] = _kinds() | values["contacts"]
    if "stage_moves" in values:
        values["stage_moves"] = _stages() | values["stage_moves"]
    return PeriodFigures(**values)


def period_figures(
    session: Session,
    scope: ReportScope,
    period: ReportPeriod,
    parts: frozenset[str] = PARTS,
) -> PeriodFigures:
    """The figures of the whole scope for the period (only ``parts`` counted)."""
    return _figures(_collect(session, scope, period, False, parts).get(0, {}))


def figures_by_person(
    session: Session,
    scope: ReportScope,
    period: ReportPeriod,
    parts: frozenset[str] = PARTS,
) -> dict[int | None, PeriodFigures]:
    """The figures per person: every person in ``scope.people`` (zeros too, in their
    order), then anyone else with figures in scope (by id), then ``None`` for unassigned
    records when there are any (team scope only). They add up to :func:`period_figures`."""
    collected = _collect(session, scope, period, True, parts)
    result: dict[int | None, PeriodFigures] = {
        person.id: _figures(collected.get(person.id, {})) for person in scope.people
    }
    others = sorted(key for key in collected if key is not None and key not in result)
    for key in others:
        result[key] = _figures(collected[key])
    if None in collected:
        result[None] = _figures(collected[None])
    return result
