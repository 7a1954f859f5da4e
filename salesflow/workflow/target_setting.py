"""Setting sales targets (销售目标) and showing how far each one has got.

Who sets a target:

* a director or an admin: for any seller (rep, manager, director) and any team;
* a manager: for the people below them in their team tree, and for the teams of the
  managers below them -- never their own target or their own team's (their director
  sets those);
* reps, legal and service: never.

A team is named by its head (``--team wang.qiang``): a manager or a director, the team
being them and everyone below them in the ``users.manager_id`` tree. Setting a target
again for the same subject and period replaces its amount; the audit trail keeps the old
and the new value.

Who sees which targets: a rep their own; a manager those of the people and teams in their
team (themselves included); a director or an admin all of them.

Progress: *signed* is the value of the contracts signed (status signed or archived) with
``signed_on`` in the target's period and owned by the person -- or by any member of the
team; *collected* is the money received (``received_on`` in the period) on contracts owned
by the same people, whenever those were signed (the reports' "payments received").
Attainment is signed over target (:func:`salesflow.workflow.targets.attainment`). Both sums
are one SQL query per period, grouped by owner.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_
from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import Target, User
from salesflow.store.types import utcnow
from salesflow.workflow.errors import InputError, PermissionDenied
from salesflow.workflow.identity import find_user
from salesflow.workflow.money import parse_amount
from salesflow.workflow.report_figures import period_figures
from salesflow.workflow.report_periods import ReportPeriod, parse_report_period
from salesflow.workflow.report_scope import (
    SELLER_ROLES,
    Person,
    ReportScope,
    as_person,
    people_by_id,
    report_scope,
)
from salesflow.workflow.roles import LEADS_TEAMS, role_label, scope_kind
from salesflow.workflow.targets import PeriodTarget, attainment, period_target, target_spans

PERIOD_KINDS = ("week", "month", "quarter", "year")
SETS_ANY = frozenset({"director", "admin"})
SETS_BELOW = frozenset({"manager"})
USER = "user"
TEAM = "team"
EXACT = "exact"
DERIVED = "derived"


@dataclass(frozen=True)
class Subject:
    """Whose target: a person (``kind`` "user") or the team headed by ``person``."""

    kind: str
    person: Person


@dataclass(frozen=True)
class SetResult:
    target_id: int
    subject: Subject
    period: ReportPeriod
    amount_fen: int
    previous_fen: int | None  # the amount it replaced; None for a new target


@dataclass(frozen=True)
class TargetRow:
    """One subject's target for one period and how far it has got."""

    subject: Subject
    period: str
    starts_on: date
    ends_on: date
    target_fen: int | None
    basis: str | None  # "exact" (set for the period), "derived" (worked out), None
    signed_fen: int
    collected_fen: int
    attainment: Decimal | None


# ---------------------------------------------------------------------------------------
# Rules without the database


def may_set_targets(role: str) -> bool:
    return role in SETS_ANY or role in SETS_BELOW


def require_target_setter(actor: User) -> None:
    if not may_set_targets(actor.role):
        raise PermissionDenied(
            _("Your role ({role}) does not set targets; a manager, director or admin does.").format(
                role=role_label(actor.role)
            ),
            hint=_("'salesflow target show' shows your targets."),
        )


def parse_target_period(text: str) -> ReportPeriod:
    """A target's period: a week, month, quarter or year (``--period``)."""
    return parse_report_period(text, option="--period", kinds=PERIOD_KINDS)


def parse_target_amount(text: str) -> int:
    """Yuan as people write them, exact to the fen, more than zero (a target of nothing
    would only hide the attainment)."""
    amount = parse_amount(text, field="--amount")
    if amount <= 0:
        raise InputError(
            _("A target must be more than ¥0.00 (--amount)."),
            hint=_("Write the contract value to sign in the period, e.g. 500000 or 50万."),
        )
    return amount


def subject_name(subject: Subject) -> str:
    """李娜 (li.na), or 王强 (wang.qiang) and team."""
    person = f"{subject.person.display_name} ({subject.person.username})"
    if subject.kind == TEAM:
        return _("{person} and team").format(person=person)
    return person


# ---------------------------------------------------------------------------------------
# The team tree


class TeamTree:
    """Who is below whom (``users.manager_id``), read once."""

    def __init__(self, session: Session) -> None:
        self.children: dict[int, list[int]] = {}
        for user_id, manager_id in session.exec(select(User.id, User.manager_id)).all():
            if user_id is not None and manager_id is not None:
                self.children.setdefault(manager_id, []).append(user_id)

    def members(self, head_id: int) -> frozenset[int]:
        """The head and everyone below them."""
        found = {head_id}
        frontier = [head_id]
        while frontier:
            below = [c for m in frontier for c in self.children.get(m, ()) if c not in found]
            found.update(below)
            frontier = below
        return frozenset(found)


# ---------------------------------------------------------------------------------------
# Setting a target


def _named_user(session: Session, name: str, option: str) -> User:
    user = find_user(session, name)
    if user is None or user.id is None or not user.active:
        raise InputError(
            _("No active user '{name}' ({option}).").format(name=name, option=option),
            hint=_("'salesflow user list' shows the users."),
        )
    return user


def resolve_subject(session: Session, *, user: str | None, team: str | None) -> Subject:
    """The person of ``--user`` or the team head of ``--team`` (exactly one of them)."""
    if user is not None and team is not None:
        raise InputError(_("--user and --team exclude each other."))
    if user is None and team is None:
        raise InputError(
            _("Whose target? Give --user or --team."),
            hint=_("--user li.na for a person, --team wang.qiang for a manager's team."),
        )
    if user is not None:
        found = _named_user(session, user, "--user")
        if found.role not in SELLER_ROLES:
            raise InputError(
                _("{name} is {role}; targets are for sales people (--user).").format(
                    name=found.username, role=role_label(found.role)
                )
            )
        return Subject(USER, as_person(found))
    assert team is not None
    head = _named_user(session, team, "--team")
    if head.role not in LEADS_TEAMS:
        raise InputError(
            _("{name} leads no team; name a manager or a director (--team).").format(
                name=head.username
            ),
            hint=_("--user {name} sets a target for the person.").format(name=head.username),
        )
    return Subject(TEAM, as_person(head))


def check_may_set(session: Session, actor: User, subject: Subject) -> None:
    """A director or admin sets any target; a manager those of people and teams below."""
    require_target_setter(actor)
    if actor.role in SETS_ANY:
        return
    assert actor.id is not None
    if subject.person.id == actor.id:
        raise PermissionDenied(
            _("Your own target and your team's are set by your director."),
            hint=_("Set targets for the people and teams below you."),
        )
    if subject.person.id not in TeamTree(session).members(actor.id):
        raise PermissionDenied(
            _("{name} is not in your team; you set targets only below you.").format(
                name=subject.person.username
            )
        )


def target_subject(session: Session, actor: User, *, user: str | None, team: str | None) -> Subject:
    """Whose target ``actor`` is about to set, once it is known they may."""
    require_target_setter(actor)
    subject = resolve_subject(session, user=user, team=team)
    check_may_set(session, actor, subject)
    return subject


def set_target(
    session: Session,
    actor: User,
    *,
    user: str | None = None,
    team: str | None = None,
    period: str,
    amount: str,
) -> SetResult:
    """Set (or replace) the target of a person or a team for one period."""
    require_target_setter(actor)
    span = parse_target_period(period)
    amount_fen = parse_target_amount(amount)
    subject = target_subject(session, actor, user=user, team=team)
    column = col(Target.user_id) if subject.kind == USER else col(Target.team_id)
    existing = session.exec(
        select(Target)
        .where(column == subject.person.id, col(Target.period) == span.key)
        .with_for_update()
    ).first()
    now = utcnow()
    previous: int | None = None
    if existing is None:
        target = Target(
            user_id=subject.person.id if subject.kind == USER else None,
            team_id=subject.person.id if subject.kind == TEAM else None,
            period=span.key,
            starts_on=span.start,
            ends_on=span.end,
            amount_fen=amount_fen,
            set_by_id=actor.id,
            created_at=now,
            updated_at=now,
        )
    else:
        target = existing
        previous = target.amount_fen
        target.amount_fen = amount_fen
        target.set_by_id = actor.id
        target.updated_at = now
    session.add(target)
    session.flush()
    assert target.id is not None
    return SetResult(target.id, subject, span, amount_fen, previous)


# ---------------------------------------------------------------------------------------
# Progress: signed and collected, as the reports count them

# What a target's progress takes from the period's figures.
PROGRESS_PARTS = frozenset({"contracts", "payments"})


def subject_scope(subject: Subject, tree: TeamTree) -> ReportScope:
    """Whose contracts count for a subject, exactly as the reports count them: a person's
    own; a team's, as its head's ``--team`` report (the head and everyone below them with
    the unassigned pool; everyone for a head who sees all records)."""
    person = subject.person
    if subject.kind == TEAM:
        owners = None if scope_kind(person.role) == "all" else tree.members(person.id)
        return ReportScope("team", person, owners, True, ())
    return ReportScope("user", person, frozenset({person.id}), False, ())


def progress(
    session: Session, subject: Subject, tree: TeamTree, start: date, end: date
) -> tuple[int, int]:
    """(signed, collected) of the subject from ``start`` to ``end``: the value of contracts
    signed and the money received (report_figures' definitions, summed in SQL)."""
    span = ReportPeriod(start, end, "span", f"{start}..{end}")
    figures = period_figures(session, subject_scope(subject, tree), span, PROGRESS_PARTS)
    return figures.contracts_signed_fen, figures.payments_fen


# ---------------------------------------------------------------------------------------
# Showing stored targets


def _visible_person(session: Session, actor: User, name: str, option: str) -> User:
    """A user the actor may see (else "no user", as the reports say)."""
    found = find_user(session, name)
    if found is None or found.id is None or not _sees(session, actor, found.id):
        raise InputError(
            _("No user '{name}' ({option}).").format(name=name, option=option),
            hint=_("'salesflow user list' shows the users."),
        )
    return found


def _sees(session: Session, actor: User, user_id: int) -> bool:
    assert actor.id is not None
    kind = scope_kind(actor.role)
    if kind == "all":
        return True
    if kind == "team":
        return user_id in TeamTree(session).members(actor.id)
    return user_id == actor.id


def _team_head(session: Session, actor: User, name: str) -> User:
    """The head of ``--team`` in a target listing: a team the actor may see."""
    if scope_kind(actor.role) == "own":
        raise PermissionDenied(
            _("--team shows colleagues' targets; your role sees only your own."),
            hint=_("Leave out --team for your own targets."),
        )
    head = _visible_person(session, actor, name, "--team")
    if head.role not in LEADS_TEAMS:
        raise InputError(
            _("{name} leads no team; name a manager or a director (--team).").format(
                name=head.username
            )
        )
    return head


def stored_targets(
    session: Session,
    actor: User,
    *,
    user: str | None = None,
    team: str | None = None,
    every: bool = False,
    today: date | None = None,
) -> list[TargetRow]:
    """The targets the actor may see -- those whose period contains ``today``, or every
    one with ``every`` -- with signed, collected and attainment over their own period.

    ``user`` keeps one person's targets; ``team`` those of a team, its people and the
    teams inside it.
    """
    if user is not None and team is not None:
        raise InputError(_("--user and --team exclude each other."))
    assert actor.id is not None
    day = today or date.today()
    tree = TeamTree(session)
    statement = select(Target)
    if not every:
        statement = statement.where(col(Target.starts_on) <= day, col(Target.ends_on) >= day)
    subjects: frozenset[int] | None = None  # who may appear; None: everyone
    kind = scope_kind(actor.role)
    if kind == "team":
        subjects = tree.members(actor.id)
    elif kind == "own":
        statement = statement.where(col(Target.team_id).is_(None))
        subjects = frozenset({actor.id})
    if user is not None:
        found = _visible_person(session, actor, user, "--user")
        assert found.id is not None
        statement = statement.where(col(Target.team_id).is_(None))
        subjects = frozenset({found.id})
    elif team is not None:
        head = _team_head(session, actor, team)
        assert head.id is not None
        subjects = tree.members(head.id)
    if subjects is not None:
        ids = sorted(subjects)
        statement = statement.where(or_(col(Target.user_id).in_(ids), col(Target.team_id).in_(ids)))
    targets = list(session.exec(statement).all())

    people = people_by_id(session, [t.user_id or t.team_id or 0 for t in targets])
    rows: list[tuple[Target, Subject]] = []
    for target in targets:
        if target.user_id is not None:
            rows.append((target, Subject(USER, people[target.user_id])))
        elif target.team_id is not None:
            rows.append((target, Subject(TEAM, people[target.team_id])))
    result = []
    for target, subject in rows:
        signed, collected = progress(session, subject, tree, target.starts_on, target.ends_on)
        exact = PeriodTarget(target.amount_fen, exact=True)
        result.append(
            TargetRow(
                subject=subject,
                period=target.period,
                starts_on=target.starts_on,
                ends_on=target.ends_on,
                target_fen=target.amount_fen,
                basis=EXACT,
                signed_fen=signed,
                collected_fen=collected,
                attainment=attainment(signed, exact),
            )
        )
    result.sort(key=lambda r: (r.starts_on, -r.ends_on.toordinal(), _order(r.subject)))
    return result


def _order(subject: Subject) -> tuple[int, str]:
    return (0 if subject.kind == TEAM else 1, subject.person.username)


# ---------------------------------------------------------------------------------------
# One period: every seller in view, and the teams


@dataclass(frozen=True)
class PeriodView:
    """Whose rows a period's target table has: the people, then the teams."""

    kind: str  # "self", "user" or "team" (like a report's scope)
    head: Person  # the actor, the --user, or the team's head
    everyone: bool
    people: tuple[Person, ...]
    teams: tuple[Person, ...]  # heads of the teams shown


def period_view(
    session: Session, actor: User, *, user: str | None = None, team: str | None = None
) -> PeriodView:
    """The people and teams of a period's table: ``--user`` one person; ``--team T`` T's
    team and the teams in it; else the actor's view (a rep themselves, a manager their
    team, a director or an admin everyone)."""
    if user is not None and team is not None:
        raise InputError(_("--user and --team exclude each other."))
    if user is not None:
        scope = report_scope(session, actor, user=user)
        return PeriodView("user", scope.subject, False, scope.people, ())
    if team is not None:
        head = _team_head(session, actor, team)
        assert head.id is not None
        members = TeamTree(session).members(head.id)
        sellers = _sellers(session, members)
        teams = tuple(p for p in sellers if p.role in LEADS_TEAMS)
        return PeriodView("team", as_person(head), False, sellers, teams)
    if scope_kind(actor.role) == "own":
        scope = report_scope(session, actor)
        return PeriodView("self", scope.subject, False, scope.people, ())
    scope = report_scope(session, actor, team=True)
    teams = tuple(p for p in scope.people if p.role in LEADS_TEAMS)
    return PeriodView("team", scope.subject, scope.everyone, scope.people, teams)


def _sellers(session: Session, ids: Iterable[int]) -> tuple[Person, ...]:
    statement = (
        select(User)
        .where(
            col(User.id).in_(sorted(set(ids))),
            col(User.role).in_(SELLER_ROLES),
            col(User.active).is_(True),
        )
        .order_by(col(User.username))
    )
    return tuple(as_person(u) for u in session.exec(statement).all())


def period_rows(session: Session, view: PeriodView, period: ReportPeriod) -> list[TargetRow]:
    """Each person's and each team's target for ``period`` (exact, or worked out from
    their month, quarter and year targets), signed, collected and attainment."""
    tree = TeamTree(session)
    subjects = [Subject(USER, p) for p in view.people] + [Subject(TEAM, p) for p in view.teams]
    spans = target_spans(
        session,
        period,
        user_ids=[p.id for p in view.people],
        team_ids=[p.id for p in view.teams],
    )
    rows = []
    for subject in subjects:
        target = period_target(period, spans.get((subject.kind, subject.person.id), []))
        signed, collected = progress(session, subject, tree, period.start, period.end)
        basis = None if target is None else (EXACT if target.exact else DERIVED)
        rows.append(
            TargetRow(
                subject=subject,
                period=period.key,
                starts_on=period.start,
                ends_on=period.end,
                target_fen=None if target is None else target.amount_fen,
                basis=basis,
                signed_fen=signed,
                collected_fen=collected,
                attainment=attainment(signed, target),
            )
        )
    return rows
