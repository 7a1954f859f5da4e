"""Whose figures a report shows (report_scope.py), for each role, on SQLite and PostgreSQL:
the owners in scope, the unassigned pool, the people listed, and the WHERE clauses."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from salesflow.store.models import User
from salesflow.workflow.errors import InputError, PermissionDenied
from salesflow.workflow.report_scope import ReportScope, people_by_id, report_scope
from tests.helpers import Cli
from tests.workflow.test_lead_views import acting

SELLERS = ["chen.jing", "li.na", "liu.yang", "wang.qiang", "zhang.wei", "zhao.min"]


def scope_of(url: str, username: str, *, team: bool = False, user: str | None = None) -> tuple[
    ReportScope, dict[int, str], list[str], list[str]
]:  # fmt: skip
    """The scope, every user's name by id, and the usernames the owner and person clauses
    select from the users table (run as SQL on the database)."""
    with acting(url, username) as (session, actor):
        scope = report_scope(session, actor, team=team, user=user)
        names = {u.id: u.username for u in session.exec(select(User)).all() if u.id is not None}
        owned = _names(session, scope.owner_clause(col(User.id)))
        done = _names(session, scope.person_clause(col(User.id)))
    return scope, names, owned, done


def _names(session: Session, clause: object) -> list[str]:
    statement = select(User.username).where(clause).order_by(col(User.username))  # type: ignore[arg-type]
    return list(session.exec(statement).all())


def usernames(scope: ReportScope, names: dict[int, str]) -> list[str] | None:
    if scope.owner_ids is None:
        return None
    return sorted(names[i] for i in scope.owner_ids)


def test_a_rep_sees_their_own(team: str) -> None:
    scope, names, owned, done = scope_of(team, "li.na")
    assert (scope.kind, scope.subject.username, scope.unassigned) == ("self", "li.na", False)
    assert usernames(scope, names) == ["li.na"]
    assert [p.username for p in scope.people] == ["li.na"]
    assert scope.subject.display_name == "李娜"
    assert scope.subject.role == "rep"
    assert not scope.everyone
    assert owned == ["li.na"]
    assert done == ["li.na"]
    assert not scope.covers(None)
    assert scope.person(scope.subject.id) == scope.subject
    assert scope.person(None) is None


def test_a_rep_has_no_team_report(team: str) -> None:
    with acting(team, "li.na") as (session, actor), pytest.raises(PermissionDenied) as raised:
        report_scope(session, actor, team=True)
    assert "--team" in raised.value.message


@pytest.mark.parametrize(("actor", "other"), [("li.na", "zhang.wei"), ("wang.qiang", "liu.yang")])
def test_a_user_outside_the_scope_is_not_found(team: str, actor: str, other: str) -> None:
    with acting(team, actor) as (session, user), pytest.raises(InputError) as raised:
        report_scope(session, user, user=other)
    assert "--user" in raised.value.message
    assert other in raised.value.message
    assert not isinstance(raised.value, PermissionDenied)


def test_an_unknown_user_and_both_options(team: str) -> None:
    with acting(team, "zhao.min") as (session, actor):
        with pytest.raises(InputError) as unknown:
            report_scope(session, actor, user="nobody")
        assert "--user" in unknown.value.message
        with pytest.raises(InputError) as both:
            report_scope(session, actor, team=True, user="li.na")
        assert "--team" in both.value.message
        assert "--user" in both.value.message


def test_a_rep_may_name_themselves(team: str) -> None:
    scope, names, owned, _done = scope_of(team, "li.na", user="LI.NA")
    assert (scope.kind, scope.subject.username) == ("user", "li.na")
    assert usernames(scope, names) == ["li.na"]
    assert owned == ["li.na"]


def test_a_managers_team(team: str) -> None:
    scope, names, owned, done = scope_of(team, "wang.qiang", team=True)
    assert (scope.kind, scope.subject.username, scope.unassigned) == ("team", "wang.qiang", True)
    assert usernames(scope, names) == ["li.na", "wang.qiang", "zhang.wei"]
    assert [p.username for p in scope.people] == ["li.na", "wang.qiang", "zhang.wei"]
    assert owned == ["li.na", "wang.qiang", "zhang.wei"]  # (no user has a NULL id)
    assert done == ["li.na", "wang.qiang", "zhang.wei"]
    assert scope.covers(None)
    ids = {v: k for k, v in names.items()}
    assert scope.covers(ids["li.na"])
    assert not scope.covers(ids["liu.yang"])


def test_a_manager_on_one_person_and_on_themselves(team: str) -> None:
    scope, names, owned, _done = scope_of(team, "wang.qiang", user="zhang.wei")
    assert (scope.kind, scope.subject.username, scope.unassigned) == ("user", "zhang.wei", False)
    assert usernames(scope, names) == ["zhang.wei"]
    assert owned == ["zhang.wei"]
    own, names, owned, _done = scope_of(team, "wang.qiang")
    assert (own.kind, usernames(own, names), owned) == ("self", ["wang.qiang"], ["wang.qiang"])


@pytest.mark.parametrize("head", ["zhao.min", "boss"])
def test_directors_and_admins_see_everyone(team: str, head: str) -> None:
    scope, names, owned, done = scope_of(team, head, team=True)
    assert (scope.kind, scope.everyone, scope.unassigned) == ("team", True, True)
    assert scope.owner_ids is None
    assert [p.username for p in scope.people] == SELLERS  # no legal, service or admin
    assert owned == sorted(names.values())
    assert done == sorted(names.values())
    assert scope.covers(None)
    assert all(scope.covers(i) for i in names)
    other, _n, owned, _done = scope_of(team, head, user="liu.yang")
    assert (other.kind, other.subject.username, owned) == ("user", "liu.yang", ["liu.yang"])


def test_legal_and_service_have_their_own_scope(team: str) -> None:
    for person in ("sun.li", "zhou.xin"):
        scope, names, owned, _done = scope_of(team, person)
        assert usernames(scope, names) == [person]
        assert owned == [person]
        with acting(team, person) as (session, actor), pytest.raises(PermissionDenied):
            report_scope(session, actor, team=True)


def test_inactive_sellers_are_not_listed_but_their_records_count(team: str, cli: Cli) -> None:
    result = cli("--as", "boss", "--no-input", "user", "edit", "zhang.wei", "--inactive")
    assert result.exit_code == 0, result.stderr
    scope, names, owned, _done = scope_of(team, "wang.qiang", team=True)
    assert [p.username for p in scope.people] == ["li.na", "wang.qiang"]
    assert usernames(scope, names) == ["li.na", "wang.qiang", "zhang.wei"]
    assert "zhang.wei" in owned
    with acting(team, "boss") as (session, _actor):
        ids = {v: k for k, v in names.items()}
        found = people_by_id(session, [ids["zhang.wei"], ids["li.na"], ids["li.na"]])
        assert {p.username: p.active for p in found.values()} == {
            "zhang.wei": False,
            "li.na": True,
        }
        assert people_by_id(session, []) == {}
