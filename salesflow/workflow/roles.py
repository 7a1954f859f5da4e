"""Roles and what each one may see (pure rules, no database)."""

from __future__ import annotations

from salesflow.i18n import N_, _

ROLES: dict[str, str] = {
    "rep": N_("Sales rep"),
    "manager": N_("Sales manager"),
    "director": N_("Sales director"),
    "legal": N_("Legal"),
    "service": N_("Customer service"),
    "admin": N_("Administrator"),
}

# Roles that see every record; a manager sees the team; everyone else their own.
SEES_EVERYTHING = frozenset({"director", "admin"})
SEES_TEAM = frozenset({"manager"})
# Who may lead a team (be someone's manager).
LEADS_TEAMS = frozenset({"manager", "director"})
# Who may manage users and settings.
MANAGES_USERS = frozenset({"admin"})


# What a role's scope covers: "all", "team" or "own" (stored and printed as these codes).
SCOPE_LABELS = {
    "all": N_("all records"),
    "team": N_("the team's records and unassigned ones"),
    "own": N_("own records and unassigned ones"),
}


def scope_kind(role: str) -> str:
    if role in SEES_EVERYTHING:
        return "all"
    return "team" if role in SEES_TEAM else "own"


def scope_label(code: str) -> str:
    english = SCOPE_LABELS.get(code)
    return _(english) if english else code


def role_label(code: str) -> str:
    """The role's label in the person's language (the code itself if unknown)."""
    english = ROLES.get(code)
    return _(english) if english else code
