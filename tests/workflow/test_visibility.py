"""Who sees which records: one rule for every feature."""

from __future__ import annotations

from sqlmodel import select

from salesflow.store.database import open_workspace
from salesflow.store.models import User
from salesflow.workflow.identity import find_user
from salesflow.workflow.visibility import scope_for
from tests.helpers import Cli


def test_scopes_per_role(cli: Cli, team: str) -> None:
    workspace = open_workspace(team)
    try:
        with workspace.session() as session:
            ids = {u.username: u.id for u in session.exec(select(User)).all()}

            def scope(name: str) -> frozenset[int] | None:
                user = find_user(session, name)
                assert user is not None
                return scope_for(session, user).owner_ids

            assert scope("boss") is None
            assert scope("zhao.min") is None
            assert scope("li.na") == frozenset({ids["li.na"]})
            assert scope("sun.li") == frozenset({ids["sun.li"]})
            assert scope("zhou.xin") == frozenset({ids["zhou.xin"]})
            assert scope("wang.qiang") == frozenset(
                {ids["wang.qiang"], ids["li.na"], ids["zhang.wei"]}
            )
            assert scope("chen.jing") == frozenset({ids["chen.jing"], ids["liu.yang"]})

            rep = find_user(session, "li.na")
            assert rep is not None
            rep_scope = scope_for(session, rep)
            assert rep_scope.can_see(None)  # unassigned pool
            assert rep_scope.can_see(ids["li.na"])
            assert not rep_scope.can_see(ids["zhang.wei"])

            # The clause filters a real query the same way.
            visible = session.exec(
                select(User.username).where(rep_scope.owner_clause(User.id))
            ).all()
            assert visible == ["li.na"]
    finally:
        workspace.dispose()


def test_nested_teams(cli: Cli, team: str) -> None:
    assert (
        cli("user", "add", "sub.mgr", "--role", "manager", "--manager", "wang.qiang").exit_code == 0
    )
    assert cli("user", "add", "deep.rep", "--role", "rep", "--manager", "sub.mgr").exit_code == 0
    workspace = open_workspace(team)
    try:
        with workspace.session() as session:
            manager = find_user(session, "wang.qiang")
            deep = find_user(session, "deep.rep")
            assert manager is not None
            assert deep is not None
            assert scope_for(session, manager).can_see(deep.id)
    finally:
        workspace.dispose()
