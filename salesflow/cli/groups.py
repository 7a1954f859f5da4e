"""The command groups of ``salesflow`` and the modules that fill them, loaded on demand.

To print even the top-level help, Typer builds every registered command with all its
options, and importing the command modules costs time too. So the groups are created here,
empty and cheap, with their help texts; each command module adds its commands to its group
when it is imported, and :func:`register_commands` imports only the modules of the groups
named on the command line (all of them when asked to).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

import typer

from salesflow.cli.lead.app import app as lead
from salesflow.i18n import _


def _group(help_text: str) -> typer.Typer:
    return typer.Typer(help=help_text, no_args_is_help=True)


user = _group(_("Add and list users; show who you are."))
activity = _group(_("Log calls, visits and other contacts with a lead, and list them (跟进记录)."))
pipeline = _group(
    _("The sales pipeline: counts, amounts, weighted amounts and conversion (销售漏斗).")
)
product = _group(_("The price list: add, list, edit and import products (价格表)."))
quote = _group(_("Quotes from the price list: draft, revise, submit, send and export (报价单)."))
approval = _group(_("Approvals waiting for you or asked by you; approve or reject (审批)."))
contract = _group(_("Contracts from accepted quotes: review, approve, send, sign, verify (合同)."))
payment = _group(_("Payment schedules and money received on contracts (回款)."))
service = _group(_("After-sales: return visits, tickets, care calendar and referrals (售后服务)."))
report = _group(_("Daily, weekly and monthly reports and KPIs (日报 / 周报 / 月报 / 绩效指标)."))
target = _group(_("Sales targets for people and teams, and their attainment (销售目标)."))
config = _group(_("Show the resolved configuration."))
db = _group(_("Upgrade, check and back up the database."))
audit = _group(_("Read the audit trail."))

# Each group in the order the help lists it: its app and the modules that fill it.
GROUPS: dict[str, tuple[typer.Typer, tuple[str, ...]]] = {
    "user": (user, ("salesflow.cli.user",)),
    "lead": (
        lead,
        tuple(
            f"salesflow.cli.lead.{name}"
            for name in ("capture", "dedupe", "finding", "grading", "stages", "transfer")
        ),
    ),
    "activity": (activity, ("salesflow.cli.activity",)),
    "pipeline": (pipeline, ("salesflow.cli.pipeline",)),
    "product": (product, ("salesflow.cli.product",)),
    "quote": (
        quote,
        tuple(f"salesflow.cli.quote.{name}" for name in ("drafting", "approving", "documents")),
    ),
    "approval": (approval, ("salesflow.cli.approval",)),
    "contract": (contract, ("salesflow.cli.contract",)),
    "payment": (payment, ("salesflow.cli.payment",)),
    "service": (service, ("salesflow.cli.service",)),
    "report": (
        report,
        tuple(f"salesflow.cli.report_{name}" for name in ("daily", "weekly", "kpi")),
    ),
    "target": (target, ("salesflow.cli.target",)),
    "config": (config, ("salesflow.cli.config",)),
    "db": (db, ("salesflow.cli.db",)),
    "audit": (audit, ("salesflow.cli.audit",)),
}


def register_commands(args: Iterable[str] | None = None) -> None:
    """Import the command modules of the groups named in ``args`` (every group if None).

    A word of ``args`` that only looks like a group (``--as db``) loads that group too,
    which costs a little time and changes nothing else.
    """
    words = None if args is None else set(args)
    for name, (_app, modules) in GROUPS.items():
        if words is None or name in words:
            for module in modules:
                importlib.import_module(module)
